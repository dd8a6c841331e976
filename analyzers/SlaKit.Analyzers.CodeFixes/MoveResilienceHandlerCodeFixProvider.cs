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
using Microsoft.CodeAnalysis.Text;
using SlaKit.Analyzers.Rules;

namespace SlaKit.Analyzers.CodeFixes;

/// <summary>
/// Fixes SLA0006 where the fix is mechanical: a resilience handler added after <c>AddRegionFailover</c> is added before
/// it instead, so it wraps the whole failover.
/// <list type="bullet">
/// <item>In separate statements on one builder (<c>builder.AddRegionFailover(…); builder.AddStandardResilienceHandler();</c>),
/// the handler's statement moves above the failover's, or the failover's below the handler's when the handler uses a
/// local declared between them.</item>
/// <item>In one chain (<c>services.AddHttpClient("payments").AddRegionFailover(…).AddStandardResilienceHandler();</c>),
/// which cannot simply be reordered since the resilience methods return a pipeline builder rather than the client's
/// builder, the chain is split: the builder goes into a local, the handler is added to it, then the failover.</item>
/// </list>
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MoveResilienceHandlerCodeFixProvider))]
public sealed class MoveResilienceHandlerCodeFixProvider : CodeFixProvider
{
    private const string Title = "Add the resilience handler before AddRegionFailover";
    private const string ClientBuilderTypeName = "Microsoft.Extensions.DependencyInjection.IHttpClientBuilder";
    private static readonly string[] BuilderNames = { "builder", "clientBuilder", "httpClientBuilder" };

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIdentifiers.ResilienceHandlerOrder);

    /// <inheritdoc/>
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.ContainsKey(ResilienceHandlerOrderAnalyzer.MoveBeforeProperty) || diagnostic.AdditionalLocations.Count == 0 ||
                Call(root, diagnostic.Location) is not { } handler || Call(root, diagnostic.AdditionalLocations[0]) is not { } failover)
            {
                continue;
            }

            Document document = context.Document;
            Func<CancellationToken, Task<Document>>? fix = PlanSeparateStatements(document, model, handler, failover) ?? PlanOneChain(document, model, handler, failover);
            if (fix is not null)
            {
                context.RegisterCodeFix(CodeAction.Create(Title, fix, equivalenceKey: Title), diagnostic);
            }
        }
    }

    /// <summary>The call whose method name is at <paramref name="location"/>.</summary>
    private static InvocationExpressionSyntax? Call(SyntaxNode root, Location location) =>
        root.FindNode(location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is
            { Expression: MemberAccessExpressionSyntax access } call && access.Name.Span == location.SourceSpan
            ? call
            : null;

    /// <summary>
    /// <c>b.AddRegionFailover(…);</c> … <c>b.AddStandardResilienceHandler(…)…;</c> in one block, the handler's call made
    /// on the builder variable itself: the handler's whole statement moves above the failover's. When it reads or writes
    /// a variable that the statements it would pass declare or write (<c>var timeout = …;</c> between the two), the
    /// failover's statement moves below it instead, provided the statements it passes add no handler of their own and
    /// touch nothing it reads. Otherwise there is no fix.
    /// </summary>
    private static Func<CancellationToken, Task<Document>>? PlanSeparateStatements(
        Document document, SemanticModel model, InvocationExpressionSyntax handler, InvocationExpressionSyntax failover)
    {
        if (handler.Expression is not MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax } ||
            handler.FirstAncestorOrSelf<StatementSyntax>() is not ExpressionStatementSyntax handlerStatement ||
            failover.FirstAncestorOrSelf<StatementSyntax>() is not ExpressionStatementSyntax failoverStatement ||
            handlerStatement == failoverStatement || handlerStatement.Parent is not BlockSyntax block || failoverStatement.Parent != block)
        {
            return null;
        }

        int first = block.Statements.IndexOf(failoverStatement);
        int last = block.Statements.IndexOf(handlerStatement);
        if (first >= last)
        {
            return null;
        }

        TextChange[] changes;
        if (Independent(model.AnalyzeDataFlow(handlerStatement), model.AnalyzeDataFlow(failoverStatement, block.Statements[last - 1])))
        {
            changes = new[]
            {
                new TextChange(new TextSpan(failoverStatement.FullSpan.Start, 0), handlerStatement.ToFullString()),
                new TextChange(handlerStatement.FullSpan, string.Empty),
            };
        }
        else if (Independent(model.AnalyzeDataFlow(failoverStatement), model.AnalyzeDataFlow(block.Statements[first + 1], handlerStatement)) &&
                 !AddsHandlers(model, block.Statements.Skip(first + 1).Take(last - first - 1)))
        {
            changes = new[]
            {
                new TextChange(failoverStatement.FullSpan, string.Empty),
                new TextChange(new TextSpan(handlerStatement.FullSpan.End, 0), failoverStatement.ToFullString()),
            };
        }
        else
        {
            return null;
        }

        return async cancellationToken =>
        {
            SourceText text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            return document.WithText(text.WithChanges(changes));
        };
    }

    /// <summary>
    /// Whether statements can trade places with others: neither side uses a variable the other declares or writes.
    /// Moved, a statement would otherwise name a local before its declaration, or see a value from before or after a
    /// write it did not see before.
    /// </summary>
    private static bool Independent(DataFlowAnalysis? moved, DataFlowAnalysis? passed) =>
        moved is { Succeeded: true } && passed is { Succeeded: true } && !Uses(moved, passed) && !Uses(passed, moved);

    /// <summary>Whether the code of <paramref name="user"/> reads or writes a variable that <paramref name="changer"/> declares or writes.</summary>
    private static bool Uses(DataFlowAnalysis user, DataFlowAnalysis changer)
    {
        var changed = new HashSet<ISymbol>(changer.VariablesDeclared.Concat(changer.WrittenInside), SymbolEqualityComparer.Default);
        return user.ReadInside.Concat(user.WrittenInside).Any(changed.Contains);
    }

    /// <summary>Whether any of <paramref name="statements"/> calls an extension of <c>IHttpClientBuilder</c>, which may add a handler.</summary>
    private static bool AddsHandlers(SemanticModel model, IEnumerable<StatementSyntax> statements) =>
        statements.SelectMany(static statement => statement.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
            .Any(invocation => model.GetSymbolInfo(invocation).Symbol is IMethodSymbol method &&
                               (method.ReducedFrom ?? method) is { IsExtensionMethod: true, Parameters.Length: > 0 } extension &&
                               extension.Parameters[0].Type.ToDisplayString() == ClientBuilderTypeName);

    /// <summary>
    /// <c>head.AddRegionFailover(…)[.More()].AddStandardResilienceHandler(…)[.Configure(…)];</c> as one statement in a
    /// block becomes <c>var builder = head;</c>, <c>builder.AddStandardResilienceHandler(…)[.Configure(…)];</c> and
    /// <c>builder.AddRegionFailover(…)[.More()];</c>. A head that is already a variable is used as it is. A chain whose
    /// value is assigned to a variable (<c>pipeline = head…;</c>) keeps the assignment on the handler's statement, whose
    /// value it is; a statement that does more with the chain gets no fix.
    /// </summary>
    private static Func<CancellationToken, Task<Document>>? PlanOneChain(
        Document document, SemanticModel model, InvocationExpressionSyntax handler, InvocationExpressionSyntax failover)
    {
        if (handler.Expression is not MemberAccessExpressionSyntax handlerAccess ||
            failover.Expression is not MemberAccessExpressionSyntax failoverAccess ||
            !Below(failover, handler) ||
            handler.FirstAncestorOrSelf<StatementSyntax>() is not ExpressionStatementSyntax statement ||
            statement.Parent is not BlockSyntax block)
        {
            return null;
        }

        ExpressionSyntax chain = handler;
        while (chain.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax next } access && access.Expression == chain && next.Expression == access)
        {
            chain = next;
        }

        bool assigned = statement.Expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax } assignment &&
                        assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && assignment.Right == chain;
        if (statement.Expression != chain && !assigned)
        {
            return null;
        }

        ExpressionSyntax head = failoverAccess.Expression;
        string? variable = head is IdentifierNameSyntax identifier ? identifier.Identifier.ValueText : FreeName(model, block, statement);
        if (variable is null)
        {
            return null;
        }

        return async cancellationToken =>
        {
            SourceText text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            string indent = SourceLayout.Indentation(text, statement.SpanStart);
            string newLine = SourceLayout.NewLine(text);

            // Each segment starts at a '.', so the chain's own line breaks and indentation inside it are kept.
            string assignedTo = Slice(text, statement.SpanStart, chain.SpanStart);
            string handlerCall = Slice(text, handlerAccess.OperatorToken.SpanStart, chain.Span.End);
            string failoverPart = Slice(text, failoverAccess.OperatorToken.SpanStart, handlerAccess.Expression.Span.End);

            var code = new StringBuilder();
            if (head is not IdentifierNameSyntax)
            {
                code.Append("var ").Append(variable).Append(" = ").Append(Slice(text, head.SpanStart, head.Span.End)).Append(';').Append(newLine).Append(indent);
            }

            code.Append(assignedTo).Append(variable).Append(handlerCall.TrimStart()).Append(';').Append(newLine).Append(indent);
            code.Append(variable).Append(failoverPart.TrimStart()).Append(';');
            return document.WithText(text.WithChanges(new TextChange(statement.Span, code.ToString())));
        };
    }

    /// <summary>Whether <paramref name="link"/> is an earlier link of the chain <paramref name="call"/> is made on, not a call inside an argument.</summary>
    private static bool Below(InvocationExpressionSyntax link, InvocationExpressionSyntax call)
    {
        ExpressionSyntax current = call;
        while (current is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: var receiver } })
        {
            if (receiver == link)
            {
                return true;
            }

            current = receiver;
        }

        return false;
    }

    /// <summary>A name for the builder's local that nothing in scope, or declared later in the block, already has.</summary>
    private static string? FreeName(SemanticModel model, BlockSyntax block, StatementSyntax statement)
    {
        var declared = new HashSet<string>(
            block.DescendantNodes().OfType<VariableDeclaratorSyntax>().Select(static d => d.Identifier.ValueText)
                .Concat(block.DescendantNodes().OfType<SingleVariableDesignationSyntax>().Select(static d => d.Identifier.ValueText)));
        foreach (string candidate in BuilderNames)
        {
            if (!declared.Contains(candidate) && model.LookupSymbols(statement.SpanStart, name: candidate).IsEmpty)
            {
                return candidate;
            }
        }

        return null;
    }

    private static string Slice(SourceText text, int start, int end) => text.ToString(TextSpan.FromBounds(start, end));
}
