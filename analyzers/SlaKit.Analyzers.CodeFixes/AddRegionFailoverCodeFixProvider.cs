using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using SlaKit.Analyzers.Model;
using SlaKit.Analyzers.Rules;

namespace SlaKit.Analyzers.CodeFixes;

/// <summary>
/// Fixes SLA0002 by appending <c>.AddRegionFailover(…)</c> to the client's registration: the fixed address's scheme,
/// host and port become the primary region, and a fallback region with a placeholder endpoint (in the reserved
/// <c>.invalid</c> domain, RFC 2606 §2) and a lower priority is left to fill in. The address's path stays on the
/// client's <c>BaseAddress</c> alone: HttpClient joins it to each request before the failover sees the request, and
/// the failover puts a region's own path in front of the request's, so a region carrying it too would send
/// <c>GET charges</c> on <c>https://x/v1/</c> to <c>/v1/v1/charges</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddRegionFailoverCodeFixProvider))]
public sealed class AddRegionFailoverCodeFixProvider : CodeFixProvider
{
    private const string Title = "Add region failover with a fallback region to fill in";
    private const string RegionTypeName = "SlaKit.Regions.Region";
    private const string RegionNamespace = "SlaKit.Regions";
    private const string ClientBuilderTypeName = "Microsoft.Extensions.DependencyInjection.IHttpClientBuilder";
    private static readonly string[] LambdaParameterNames = { "options", "failover", "regionFailover" };
    private static readonly string[] BuilderNames = { "builder", "clientBuilder", "httpClientBuilder" };
    private static readonly string[] ResilienceParameterNames = { "resilience", "resilienceOptions" };
    private static readonly char[] LineBreaks = { '\r', '\n' };

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.HttpClientWithoutFailover);

    /// <summary>
    /// Fixes all of a document's diagnostics one after another, top to bottom, each planned on the document the fixes
    /// before it left, rather than each on the original document and merged: a split then sees the locals earlier
    /// splits declared and takes another name (two unnamed clients get <c>builder</c> and <c>clientBuilder</c>, not
    /// <c>builder</c> twice), and only the first fix adds the import.
    /// </summary>
    /// <returns>The fix-all provider.</returns>
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(HttpClientWithoutFailoverAnalyzer.BaseAddressProperty, out string? address) || address is null ||
                Plan(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true), model, context.CancellationToken) is not { } plan)
            {
                continue;
            }

            Document document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(Title, cancellationToken => AddFailoverAsync(document, plan, address, cancellationToken), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        CancellationToken cancellationToken = context.CancellationToken;
        var applied = new List<ImmutableArray<TextChange>>();
        foreach (Diagnostic diagnostic in diagnostics.Where(static d => d.Location.IsInSource).OrderBy(static d => d.Location.SourceSpan.Start))
        {
            if (!diagnostic.Properties.TryGetValue(HttpClientWithoutFailoverAnalyzer.BaseAddressProperty, out string? address) || address is null ||
                Track(diagnostic.Location.SourceSpan, applied) is not { } span)
            {
                continue;
            }

            SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null || Plan(root.FindNode(span, getInnermostNodeForTie: true), model, cancellationToken) is not { } plan)
            {
                continue;
            }

            ImmutableArray<TextChange> changes = await ChangesAsync(document, plan, address, cancellationToken).ConfigureAwait(false);
            SourceText text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            document = document.WithText(text.WithChanges(changes));
            applied.Add(changes);
        }

        return document;
    }

    /// <summary>
    /// Where a span of the original document is after the fixes applied so far, each a set of changes to the text
    /// the fixes before it left; <see langword="null"/> when a fix rewrote the span itself.
    /// </summary>
    private static TextSpan? Track(TextSpan span, List<ImmutableArray<TextChange>> applied)
    {
        foreach (ImmutableArray<TextChange> changes in applied)
        {
            int shift = 0;
            foreach (TextChange change in changes)
            {
                if (change.Span.End <= span.Start)
                {
                    shift += (change.NewText?.Length ?? 0) - change.Span.Length;
                }
                else if (change.Span.Start < span.End)
                {
                    return null;
                }
            }

            span = new TextSpan(span.Start + shift, span.Length);
        }

        return span;
    }

    /// <summary>
    /// Where <c>AddRegionFailover(…)</c> goes: last, after every handler the registration's chain adds, since a
    /// resilience handler added after the failover runs inside each region attempt (SLA0006). A chain that ends in the
    /// client's <c>IHttpClientBuilder</c> gets it appended. A chain that ends in another builder
    /// (<c>.AddStandardResilienceHandler()</c> returns a pipeline builder, on which <c>AddRegionFailover</c> does not
    /// exist) is split: its last <c>IHttpClientBuilder</c> goes into a local, the rest of the chain is called on the
    /// local, then the failover. The chain must be a whole statement, or for appending, the body of an
    /// expression-bodied method; a split needs a statement in a block or at the top level of a program.
    /// </summary>
    private static FixPlan? Plan(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        InvocationExpressionSyntax? current = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
        if (current is null)
        {
            return null;
        }

        InvocationExpressionSyntax registration = current;
        InvocationExpressionSyntax lastBuilder = current;
        while (current.Parent is MemberAccessExpressionSyntax access && access.Expression == current && access.Parent is InvocationExpressionSyntax next)
        {
            current = next;
            if (ReturnsClientBuilder(next, model, cancellationToken) && ReferenceEquals(lastBuilder, PreviousLink(next)))
            {
                lastBuilder = next;
            }
        }

        if (current == lastBuilder)
        {
            return current.Parent is ExpressionStatementSyntax or ArrowExpressionClauseSyntax ? new FixPlan(lastBuilder, null, null) : null;
        }

        if (current.Parent is not ExpressionStatementSyntax statement || statement.Parent is not (BlockSyntax or GlobalStatementSyntax) ||
            FreeName(model, statement, ClientVariable(model, registration, cancellationToken)) is not { } variable)
        {
            return null;
        }

        return new FixPlan(lastBuilder, statement, variable);
    }

    /// <summary>
    /// The client's name as a local's (<c>payments</c> for <c>"payments"</c>, <c>paymentsClient</c> for
    /// <c>PaymentsClient</c>), so that fixing several registrations of one method at once gives each its own local;
    /// <see langword="null"/> when the name is not a plain identifier.
    /// </summary>
    private static string? ClientVariable(SemanticModel model, InvocationExpressionSyntax registration, CancellationToken cancellationToken)
    {
        if (model.GetOperation(registration, cancellationToken) is not IInvocationOperation invocation ||
            HttpClientChain.Identify(invocation).Name is not { Length: > 0 } name)
        {
            return null;
        }

        string variable = char.ToLowerInvariant(name[0]) + name.Substring(1);
        return SyntaxFacts.IsValidIdentifier(variable) && SyntaxFacts.GetKeywordKind(variable) == SyntaxKind.None &&
               SyntaxFacts.GetContextualKeywordKind(variable) == SyntaxKind.None
            ? variable
            : null;
    }

    /// <summary>
    /// A name for the builder's local, <paramref name="preferred"/> first, that nothing in scope, or declared later
    /// around the statement, already has.
    /// </summary>
    private static string? FreeName(SemanticModel model, ExpressionStatementSyntax statement, string? preferred)
    {
        SyntaxNode? scope = statement.Parent is GlobalStatementSyntax global ? global.Parent : statement.Parent;
        if (scope is null)
        {
            return null;
        }

        var declared = new HashSet<string>(
            scope.DescendantNodes().OfType<VariableDeclaratorSyntax>().Select(static d => d.Identifier.ValueText)
                .Concat(scope.DescendantNodes().OfType<SingleVariableDesignationSyntax>().Select(static d => d.Identifier.ValueText)),
            StringComparer.Ordinal);
        IEnumerable<string> candidates = preferred is null ? BuilderNames : BuilderNames.Prepend(preferred);
        return candidates.FirstOrDefault(name => !declared.Contains(name) && model.LookupSymbols(statement.SpanStart, name: name).IsEmpty);
    }

    private static InvocationExpressionSyntax? PreviousLink(InvocationExpressionSyntax invocation) =>
        invocation.Expression is MemberAccessExpressionSyntax { Expression: InvocationExpressionSyntax previous } ? previous : null;

    private static bool ReturnsClientBuilder(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken) =>
        model.GetTypeInfo(invocation, cancellationToken).Type is { } type &&
        (type.ToDisplayString() == ClientBuilderTypeName || type.AllInterfaces.Any(static i => i.ToDisplayString() == ClientBuilderTypeName));

    private static async Task<Document> AddFailoverAsync(Document document, FixPlan plan, string address, CancellationToken cancellationToken)
    {
        ImmutableArray<TextChange> changes = await ChangesAsync(document, plan, address, cancellationToken).ConfigureAwait(false);
        SourceText text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        return changes.IsEmpty ? document : document.WithText(text.WithChanges(changes));
    }

    /// <summary>The changes that add the failover <paramref name="plan"/> places, and the import it needs, to the document's text.</summary>
    private static async Task<ImmutableArray<TextChange>> ChangesAsync(Document document, FixPlan plan, string address, CancellationToken cancellationToken)
    {
        SourceText text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (model is null || root is not CompilationUnitSyntax unit)
        {
            return ImmutableArray<TextChange>.Empty;
        }

        InvocationExpressionSyntax lastBuilder = plan.LastBuilder;
        int position = lastBuilder.SpanStart;
        string newLine = SourceLayout.NewLine(text);
        // Indented from the line the registration starts on: its statement's, or an expression-bodied member's body.
        SyntaxNode? holder = lastBuilder.Ancestors().FirstOrDefault(static n => n is StatementSyntax or ArrowExpressionClauseSyntax);
        int start = holder is ArrowExpressionClauseSyntax arrow ? arrow.Expression.SpanStart : holder?.SpanStart ?? lastBuilder.SpanStart;
        string indent = SourceLayout.Indentation(text, start);

        string region = TypeNameAt(model, position, RegionTypeName, "Region", out bool regionNeedsImport);
        string uri = TypeNameAt(model, position, "System.Uri", "Uri", out bool uriNeedsImport);
        if (uriNeedsImport)
        {
            uri = "global::System.Uri";
        }

        string options = LambdaParameterNames.FirstOrDefault(name => model.LookupSymbols(position, name: name).IsEmpty) ?? "regionFailoverOptions";

        var changes = ImmutableArray.CreateBuilder<TextChange>();
        if (regionNeedsImport)
        {
            changes.Add(ImportChange(unit, newLine));
        }

        if (plan is { Statement: { } statement, Variable: { } variable })
        {
            // var builder = <chain up to its last IHttpClientBuilder>; builder<rest of the chain>; builder.AddRegionFailover(…);
            // The rest starts at its '.', so its own line breaks and indentation are kept.
            ExpressionSyntax chain = statement.Expression;
            string rest = Rest(text, model, lastBuilder, chain, indent, newLine);
            var split = new StringBuilder()
                .Append("var ").Append(variable).Append(" = ").Append(text.ToString(TextSpan.FromBounds(chain.SpanStart, lastBuilder.Span.End))).Append(';').Append(newLine)
                .Append(indent).Append(variable).Append(rest.TrimStart()).Append(';').Append(newLine)
                .Append(indent).Append(variable);
            AppendFailover(split, indent, newLine, options, region, uri, address).Append(';');
            changes.Add(new TextChange(statement.Span, split.ToString()));
        }
        else
        {
            StringBuilder appended = new StringBuilder().Append(newLine).Append(indent).Append("    ");
            AppendFailover(appended, indent + "    ", newLine, options, region, uri, address);
            changes.Add(new TextChange(new TextSpan(lastBuilder.Span.End, 0), appended.ToString()));
        }

        return changes.ToImmutable();
    }

    /// <summary>
    /// The chain after its last <c>IHttpClientBuilder</c> (<paramref name="lastBuilder"/>), as the split writes it on the
    /// local. A standard resilience handler there with its defaults (no configuration, no <c>.Configure(…)</c>) would now
    /// wrap the failover and retry every method around it (SLA0006), so it is given the configuration the failover needs
    /// around it: no retry of its own, and an attempt timeout above the failover's total timeout.
    /// </summary>
    private static string Rest(SourceText text, SemanticModel model, InvocationExpressionSyntax lastBuilder, ExpressionSyntax chain, string indent, string newLine)
    {
        int from = lastBuilder.Span.End;
        var rest = new StringBuilder(text.ToString(TextSpan.FromBounds(from, chain.Span.End)));
        InvocationExpressionSyntax link = lastBuilder;
        int shift = 0;
        while (link.Parent is MemberAccessExpressionSyntax access && access.Expression == link && access.Parent is InvocationExpressionSyntax next && next.Span.End <= chain.Span.End)
        {
            if (access.Name.Identifier.ValueText == "AddStandardResilienceHandler" && next.ArgumentList.Arguments.Count == 0 &&
                !(next.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Configure" } configure && configure.Expression == next))
            {
                // The handler's line, once split: the local's first line (nothing but blanks before it, which the split trims,
                // or no line break), or its own line further down, indented as it was.
                string before = text.ToString(TextSpan.FromBounds(from, access.Name.SpanStart));
                bool firstLine = before.TrimStart().IndexOfAny(LineBreaks) < 0;
                string lineIndent = firstLine ? indent : SourceLayout.Indentation(text, access.Name.SpanStart);
                string parameter = ResilienceParameterNames.FirstOrDefault(name => model.LookupSymbols(next.SpanStart, name: name).IsEmpty) ?? "standardResilienceOptions";
                string configured = ConfiguredStandardHandler(parameter, lineIndent, newLine);
                int at = next.ArgumentList.SpanStart - from + shift;
                rest.Remove(at, next.ArgumentList.Span.Length).Insert(at, configured);
                shift += configured.Length - next.ArgumentList.Span.Length;
            }

            link = next;
        }

        return rest.ToString();
    }

    /// <summary>
    /// The arguments that set a standard resilience handler to wrap the failover without harming it, as the README shows:
    /// the failover is the retry, and the handler's attempt timeout lies above the failover's default total timeout.
    /// </summary>
    private static string ConfiguredStandardHandler(string parameter, string indent, string newLine)
    {
        string body = indent + "    ";
        return new StringBuilder()
            .Append('(').Append(parameter).Append(" =>").Append(newLine)
            .Append(indent).Append('{').Append(newLine)
            .Append(body).Append("// The failover is the retry: it moves a request to the next region, and knows which requests are safe to repeat.").Append(newLine)
            .Append(body).Append(parameter).Append(".Retry.ShouldHandle = _ => global::Polly.PredicateResult.False();").Append(newLine)
            .Append(body).Append("// Above the failover's total timeout, so that a failover still working is not cut.").Append(newLine)
            .Append(body).Append(parameter).Append(".AttemptTimeout.Timeout = global::SlaKit.Http.RegionFailoverOptions.DefaultTotalTimeout + global::System.TimeSpan.FromSeconds(1);").Append(newLine)
            .Append(body).Append(parameter).Append(".CircuitBreaker.SamplingDuration = 2 * ").Append(parameter).Append(".AttemptTimeout.Timeout;").Append(newLine)
            .Append(indent).Append("})")
            .ToString();
    }

    /// <summary><c>.AddRegionFailover(options => { … })</c>, its braces on lines indented by <paramref name="indent"/>.</summary>
    private static StringBuilder AppendFailover(StringBuilder code, string indent, string newLine, string options, string region, string uri, string address)
    {
        string body = indent + "    ";
        return code
            .Append(".AddRegionFailover(").Append(options).Append(" =>").Append(newLine)
            .Append(indent).Append('{').Append(newLine)
            .Append(body).Append(options).Append(".Regions.Add(new ").Append(region).Append("(\"primary\", new ").Append(uri)
            .Append('(').Append(Literal(RegionAddress(address))).Append(")));").Append(newLine)
            .Append(body).Append("// Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).").Append(newLine)
            .Append(body).Append(options).Append(".Regions.Add(new ").Append(region).Append("(\"fallback\", new ").Append(uri)
            .Append('(').Append(Literal(FallbackAddress(address))).Append(")) { Priority = 1 });").Append(newLine)
            .Append(indent).Append("})");
    }

    /// <summary>
    /// How to write a type at <paramref name="position"/>: its simple name when that already means it, the simple name
    /// plus an import when nothing of that name is in scope, or the full name when another type has the simple name.
    /// </summary>
    private static string TypeNameAt(SemanticModel model, int position, string metadataName, string simpleName, out bool needsImport)
    {
        needsImport = false;
        INamedTypeSymbol? target = model.Compilation.GetTypeByMetadataName(metadataName);
        ImmutableArray<ISymbol> inScope = model.LookupNamespacesAndTypes(position, name: simpleName);
        if (inScope.Length == 1 && SymbolEqualityComparer.Default.Equals(inScope[0], target))
        {
            return simpleName;
        }

        if (inScope.IsEmpty)
        {
            needsImport = true;
            return simpleName;
        }

        return "global::" + metadataName;
    }

    /// <summary>
    /// Adds <c>using SlaKit.Regions;</c> after the file's last using directive or, in a file with none, before the first
    /// thing that must follow using directives: an attribute list (<c>[assembly: …]</c>) or a member.
    /// </summary>
    private static TextChange ImportChange(CompilationUnitSyntax unit, string newLine)
    {
        string directive = "using " + RegionNamespace + ";";
        if (unit.Usings.Count > 0)
        {
            return new TextChange(new TextSpan(unit.Usings.Last().FullSpan.End, 0), directive + newLine);
        }

        int start = unit.EndOfFileToken.SpanStart;
        if (unit.AttributeLists.Count > 0)
        {
            start = Math.Min(start, unit.AttributeLists[0].SpanStart);
        }

        if (unit.Members.Count > 0)
        {
            start = Math.Min(start, unit.Members[0].SpanStart);
        }

        return new TextChange(new TextSpan(start, 0), directive + newLine + newLine);
    }

    /// <summary>
    /// The primary region's endpoint: the client's address without its path (<c>https://x/</c> for
    /// <c>https://x/v1/</c>), since the request reaches the failover with the address's path already in it.
    /// </summary>
    private static string RegionAddress(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out Uri? primary) ? primary.GetLeftPart(UriPartial.Authority) + "/" : address;

    /// <summary>The primary's scheme on a reserved host that can never resolve, without a path for the same reason.</summary>
    private static string FallbackAddress(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out Uri? primary)
            ? primary.Scheme + "://fallback.invalid/"
            : "https://fallback.invalid/";

    private static string Literal(string value) =>
        SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(value)).ToString();

    /// <summary>
    /// Where the failover goes: appended after <see cref="LastBuilder"/>, or, with a <see cref="Statement"/> to split,
    /// after the rest of its chain, called on <see cref="Variable"/>.
    /// </summary>
    private sealed class FixPlan
    {
        public FixPlan(InvocationExpressionSyntax lastBuilder, ExpressionStatementSyntax? statement, string? variable)
        {
            LastBuilder = lastBuilder;
            Statement = statement;
            Variable = variable;
        }

        /// <summary>The chain's last link that returns the client's <c>IHttpClientBuilder</c>.</summary>
        public InvocationExpressionSyntax LastBuilder { get; }

        /// <summary>The statement to split, when the chain goes on past <see cref="LastBuilder"/>.</summary>
        public ExpressionStatementSyntax? Statement { get; }

        /// <summary>The local the split keeps the builder in.</summary>
        public string? Variable { get; }
    }
}
