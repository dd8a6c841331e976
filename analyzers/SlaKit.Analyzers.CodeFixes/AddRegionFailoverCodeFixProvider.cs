using System;
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
using Microsoft.CodeAnalysis.Text;
using SlaKit.Analyzers.Rules;

namespace SlaKit.Analyzers.CodeFixes;

/// <summary>
/// Fixes SLA0002 by appending <c>.AddRegionFailover(…)</c> to the client's registration: the fixed address becomes
/// the primary region, and a fallback region with a placeholder endpoint (in the reserved <c>.invalid</c> domain,
/// RFC 2606 §2) and a lower priority is left to fill in.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddRegionFailoverCodeFixProvider))]
public sealed class AddRegionFailoverCodeFixProvider : CodeFixProvider
{
    private const string Title = "Add region failover with a fallback region to fill in";
    private const string RegionTypeName = "SlaKit.Regions.Region";
    private const string RegionNamespace = "SlaKit.Regions";
    private const string ClientBuilderTypeName = "Microsoft.Extensions.DependencyInjection.IHttpClientBuilder";
    private static readonly string[] LambdaParameterNames = { "options", "failover", "regionFailover" };

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.HttpClientWithoutFailover);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

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
                FindInsertionPoint(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true), model, context.CancellationToken) is not { } chainEnd)
            {
                continue;
            }

            Document document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(Title, cancellationToken => AddFailoverAsync(document, chainEnd, address, cancellationToken), equivalenceKey: Title),
                diagnostic);
        }
    }

    /// <summary>
    /// Where <c>.AddRegionFailover(…)</c> goes: after the last call of the registration's chain that still returns the
    /// client's <c>IHttpClientBuilder</c>. A chain may end in a call that returns another builder
    /// (<c>.AddStandardResilienceHandler()</c> returns a pipeline builder), on which <c>AddRegionFailover</c> does not
    /// exist. The chain must be a whole statement, or the body of an expression-bodied method.
    /// </summary>
    private static InvocationExpressionSyntax? FindInsertionPoint(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        InvocationExpressionSyntax? current = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
        if (current is null)
        {
            return null;
        }

        InvocationExpressionSyntax lastBuilder = current;
        while (current.Parent is MemberAccessExpressionSyntax access && access.Expression == current && access.Parent is InvocationExpressionSyntax next)
        {
            current = next;
            if (ReturnsClientBuilder(next, model, cancellationToken) && ReferenceEquals(lastBuilder, PreviousLink(next)))
            {
                lastBuilder = next;
            }
        }

        return current.Parent is ExpressionStatementSyntax or ArrowExpressionClauseSyntax ? lastBuilder : null;
    }

    private static InvocationExpressionSyntax? PreviousLink(InvocationExpressionSyntax invocation) =>
        invocation.Expression is MemberAccessExpressionSyntax { Expression: InvocationExpressionSyntax previous } ? previous : null;

    private static bool ReturnsClientBuilder(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken) =>
        model.GetTypeInfo(invocation, cancellationToken).Type is { } type &&
        (type.ToDisplayString() == ClientBuilderTypeName || type.AllInterfaces.Any(static i => i.ToDisplayString() == ClientBuilderTypeName));

    private static async Task<Document> AddFailoverAsync(Document document, InvocationExpressionSyntax chainEnd, string address, CancellationToken cancellationToken)
    {
        SourceText text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (model is null || root is not CompilationUnitSyntax unit)
        {
            return document;
        }

        int position = chainEnd.SpanStart;
        string newLine = SourceLayout.NewLine(text);
        // Indented from the line the registration starts on: its statement's, or an expression-bodied member's body.
        SyntaxNode? holder = chainEnd.Ancestors().FirstOrDefault(static n => n is StatementSyntax or ArrowExpressionClauseSyntax);
        int start = holder is ArrowExpressionClauseSyntax arrow ? arrow.Expression.SpanStart : holder?.SpanStart ?? chainEnd.SpanStart;
        string indent = SourceLayout.Indentation(text, start);

        string region = TypeNameAt(model, position, RegionTypeName, "Region", out bool regionNeedsImport);
        string uri = TypeNameAt(model, position, "System.Uri", "Uri", out bool uriNeedsImport);
        if (uriNeedsImport)
        {
            uri = "global::System.Uri";
        }

        string options = LambdaParameterNames.FirstOrDefault(name => model.LookupSymbols(position, name: name).IsEmpty) ?? "regionFailoverOptions";

        string body = indent + "        ";
        var code = new StringBuilder()
            .Append(newLine).Append(indent).Append("    .AddRegionFailover(").Append(options).Append(" =>").Append(newLine)
            .Append(indent).Append("    {").Append(newLine)
            .Append(body).Append(options).Append(".Regions.Add(new ").Append(region).Append("(\"primary\", new ").Append(uri)
            .Append('(').Append(Literal(address)).Append(")));").Append(newLine)
            .Append(body).Append("// Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).").Append(newLine)
            .Append(body).Append(options).Append(".Regions.Add(new ").Append(region).Append("(\"fallback\", new ").Append(uri)
            .Append('(').Append(Literal(FallbackAddress(address))).Append(")) { Priority = 1 });").Append(newLine)
            .Append(indent).Append("    })");

        var changes = ImmutableArray.CreateBuilder<TextChange>();
        if (regionNeedsImport)
        {
            changes.Add(ImportChange(unit, newLine));
        }

        changes.Add(new TextChange(new TextSpan(chainEnd.Span.End, 0), code.ToString()));
        return document.WithText(text.WithChanges(changes));
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

    /// <summary>The primary's scheme and base path on a reserved host that can never resolve.</summary>
    private static string FallbackAddress(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out Uri? primary)
            ? primary.Scheme + "://fallback.invalid" + primary.AbsolutePath
            : "https://fallback.invalid/";

    private static string Literal(string value) =>
        SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(value)).ToString();
}
