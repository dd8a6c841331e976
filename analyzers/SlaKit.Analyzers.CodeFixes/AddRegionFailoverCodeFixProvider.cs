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

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(HttpClientWithoutFailoverAnalyzer.BaseAddressProperty, out string? address) || address is null ||
                FindChainEnd(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)) is not { } chainEnd)
            {
                continue;
            }

            Document document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(Title, cancellationToken => AddFailoverAsync(document, chainEnd, address, cancellationToken), equivalenceKey: Title),
                diagnostic);
        }
    }

    /// <summary>The last call of the registration's chain, when it is a whole statement.</summary>
    private static InvocationExpressionSyntax? FindChainEnd(SyntaxNode node)
    {
        InvocationExpressionSyntax? current = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
        if (current is null)
        {
            return null;
        }

        while (current.Parent is MemberAccessExpressionSyntax access && access.Expression == current && access.Parent is InvocationExpressionSyntax next)
        {
            current = next;
        }

        return current.Parent is ExpressionStatementSyntax ? current : null;
    }

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
        string newLine = DetectNewLine(text);
        TextLine line = text.Lines.GetLineFromPosition(chainEnd.Parent!.SpanStart);
        string lineText = line.ToString();
        string indent = lineText.Substring(0, lineText.Length - lineText.TrimStart().Length);

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

    /// <summary>Adds <c>using SlaKit.Regions;</c> after the file's last using directive, or at its top.</summary>
    private static TextChange ImportChange(CompilationUnitSyntax unit, string newLine)
    {
        string directive = "using " + RegionNamespace + ";";
        if (unit.Usings.Count > 0)
        {
            return new TextChange(new TextSpan(unit.Usings.Last().FullSpan.End, 0), directive + newLine);
        }

        int start = unit.Members.Count > 0 ? unit.Members[0].SpanStart : unit.EndOfFileToken.SpanStart;
        return new TextChange(new TextSpan(start, 0), directive + newLine + newLine);
    }

    /// <summary>The primary's scheme and base path on a reserved host that can never resolve.</summary>
    private static string FallbackAddress(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out Uri? primary)
            ? primary.Scheme + "://fallback.invalid" + primary.AbsolutePath
            : "https://fallback.invalid/";

    private static string Literal(string value) =>
        SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(value)).ToString();

    private static string DetectNewLine(SourceText text) =>
        text.Lines.Count > 1 && text.Lines[0].EndIncludingLineBreak - text.Lines[0].End == 2 ? "\r\n" : "\n";
}
