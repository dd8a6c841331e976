using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SlaKit.Analyzers.Model;

namespace SlaKit.Analyzers.Rules;

/// <summary>
/// SLA0006: a .NET resilience handler placed where it harms a client's region failover. The handlers of an
/// <c>IHttpClientBuilder</c> run in the order they are added, the first outermost; measured on Kestrel regions
/// (<c>failover compose</c>), these placements repeat, multiply or cut what the failover does: the standard resilience
/// handler added after <c>AddRegionFailover</c> (inside each region attempt) or with its defaults before it, a pipeline
/// with a retry or a hedge on either side, and the standard hedging handler on either side.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ResilienceHandlerOrderAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property saying the fix is mechanical: add the handler before <c>AddRegionFailover</c> instead.</summary>
    internal const string MoveBeforeProperty = "MoveBefore";

    /// <summary>Why the standard handler inside the failover harms it.</summary>
    internal const string InsideWhy =
        "it runs inside each region attempt, where its retries hold a failing region until the failover's attempt timeout cuts them and a request the failover would have moved on fails; add it before AddRegionFailover";

    /// <summary>Why a pipeline with a retry or a hedge inside the failover harms it.</summary>
    internal const string RetryInsideWhy =
        "it runs inside each region attempt, where its retries hold a failing region until the failover's attempt timeout cuts them and a request the failover would have moved on fails; remove its retry or hedge, the failover already tries the next region";

    /// <summary>Why a pipeline with a retry or a hedge around the failover harms it.</summary>
    internal const string RetryAroundWhy =
        "its retries run the whole failover again, repeating requests the failover judged unsafe to repeat and multiplying attempts; remove its retry or hedge, the failover already tries the next region";

    /// <summary>Why the standard hedging handler inside the failover harms it.</summary>
    internal const string HedgingInsideWhy =
        "it hedges each region attempt on top of the failover's own hedging, sending copies of copies; remove it, the failover hedges across regions";

    /// <summary>Why the standard hedging handler around the failover harms it.</summary>
    internal const string HedgingAroundWhy =
        "each of its hedges runs the whole failover again, repeating requests the failover judged unsafe to repeat; remove it, the failover hedges across regions";

    /// <summary>Why the standard resilience handler with its defaults around the failover harms it.</summary>
    internal const string DefaultsAroundWhy =
        "its retry repeats requests the failover judged unsafe to repeat and multiplies attempts, and its 10 s attempt timeout cuts the failover's 15 s; turn its retry off and set its attempt timeout above the failover's total timeout";

    private const string ResilienceAssembly = "Microsoft.Extensions.Http.Resilience";
    private const string StandardResilience = "AddStandardResilienceHandler";
    private const string StandardHedging = "AddStandardHedgingHandler";
    private const string CustomPipeline = "AddResilienceHandler";

    internal static readonly DiagnosticDescriptor Rule = new(
        RuleIdentifiers.ResilienceHandlerOrder,
        title: "A resilience handler is placed where it harms the region failover",
        messageFormat: "{0}: {1}",
        RuleIdentifiers.Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A handler added after AddRegionFailover runs inside each region attempt: its retries hold a failing region until " +
                     "the failover's attempt timeout cuts them. The standard hedging handler hedges on top of the failover's own hedging. " +
                     "The standard resilience handler with its defaults retries what the failover judged unsafe to repeat and cuts it at 10 s.",
        helpLinkUri: RuleIdentifiers.HelpUri(RuleIdentifiers.ResilienceHandlerOrder));

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            KnownTypes? types = KnownTypes.Create(start.Compilation);
            if (types is null || types.RegionFailoverExtensions.IsEmpty || types.HttpClientBuilder.IsEmpty)
            {
                return;
            }

            // A client's handlers may be added in several statements of one method (builder.AddRegionFailover(…);
            // builder.AddStandardResilienceHandler();), so a method body is judged as a whole.
            start.RegisterOperationBlockStartAction(block =>
            {
                var handlers = new ClientHandlers(types);
                block.RegisterOperationAction(operation => handlers.Inspect((IInvocationOperation)operation.Operation), OperationKind.Invocation);
                block.RegisterOperationBlockEndAction(handlers.Report);
            });
        });
    }

    private enum HandlerKind
    {
        Failover,
        StandardResilience,
        StandardHedging,
        RetryOrHedgingPipeline,
    }

    /// <summary>One handler added to a client's builder, and where in the method it was added.</summary>
    private readonly struct AddedHandler
    {
        public AddedHandler(HandlerKind kind, IInvocationOperation call, int position, bool withDefaults)
        {
            Kind = kind;
            Call = call;
            Position = position;
            WithDefaults = withDefaults;
        }

        public HandlerKind Kind { get; }

        public IInvocationOperation Call { get; }

        /// <summary>Where the method's name is: later links of a chain, and later statements, come later.</summary>
        public int Position { get; }

        /// <summary>For the standard resilience handler: added with no configuration at all.</summary>
        public bool WithDefaults { get; }
    }

    /// <summary>The handlers added to each client in one method body.</summary>
    private sealed class ClientHandlers
    {
        private readonly KnownTypes _types;
        private readonly object _gate = new();
        private readonly Dictionary<string, List<AddedHandler>> _byClient = new(StringComparer.Ordinal);

        public ClientHandlers(KnownTypes types) => _types = types;

        public void Inspect(IInvocationOperation invocation)
        {
            if (Classify(invocation) is not { } kind || invocation.Arguments.Length == 0 || ClientKey(invocation.Arguments[0].Value) is not { } client)
            {
                return;
            }

            bool withDefaults = kind == HandlerKind.StandardResilience && invocation.Arguments.Length == 1 && invocation.Parent is IExpressionStatementOperation;
            var added = new AddedHandler(kind, invocation, invocation.NameLocation().SourceSpan.Start, withDefaults);
            lock (_gate)
            {
                if (!_byClient.TryGetValue(client, out List<AddedHandler>? list))
                {
                    _byClient[client] = list = new List<AddedHandler>();
                }

                list.Add(added);
            }
        }

        public void Report(OperationBlockAnalysisContext context)
        {
            lock (_gate)
            {
                foreach (List<AddedHandler> handlers in _byClient.Values)
                {
                    AddedHandler? failover = null;
                    foreach (AddedHandler handler in handlers)
                    {
                        if (handler.Kind == HandlerKind.Failover && (failover is null || handler.Position < failover.Value.Position))
                        {
                            failover = handler;
                        }
                    }

                    if (failover is not { } first)
                    {
                        continue;
                    }

                    foreach (AddedHandler handler in handlers)
                    {
                        if (handler.Kind != HandlerKind.Failover && Judge(handler, handler.Position > first.Position) is { } verdict)
                        {
                            ImmutableDictionary<string, string?> properties = verdict.MoveBefore
                                ? ImmutableDictionary<string, string?>.Empty.Add(MoveBeforeProperty, "true")
                                : ImmutableDictionary<string, string?>.Empty;
                            context.ReportDiagnostic(Diagnostic.Create(
                                Rule, handler.Call.NameLocation(), new[] { first.Call.NameLocation() }, properties, verdict.What, verdict.Why));
                        }
                    }
                }
            }
        }

        /// <summary>What is wrong with <paramref name="handler"/>, placed after (inside) or before (around) the failover; <see langword="null"/> when nothing is.</summary>
        private static (string What, string Why, bool MoveBefore)? Judge(AddedHandler handler, bool inside)
        {
            string name = handler.Call.TargetMethod.Name;
            switch (handler.Kind)
            {
                case HandlerKind.StandardHedging:
                    return inside ? (name + " is added after AddRegionFailover", HedgingInsideWhy, false) : (name + " wraps AddRegionFailover", HedgingAroundWhy, false);
                case HandlerKind.StandardResilience when inside:
                    return (name + " is added after AddRegionFailover", InsideWhy, true);
                case HandlerKind.RetryOrHedgingPipeline:
                    return inside
                        ? (name + " with a retry is added after AddRegionFailover", RetryInsideWhy, false)
                        : (name + " with a retry wraps AddRegionFailover", RetryAroundWhy, false);
                case HandlerKind.StandardResilience when handler.WithDefaults:
                    return (name + "() with its defaults wraps AddRegionFailover", DefaultsAroundWhy, false);
                default:
                    return null;
            }
        }

        private HandlerKind? Classify(IInvocationOperation invocation)
        {
            IMethodSymbol method = invocation.TargetMethod;
            if (!method.IsExtensionMethod || method.Parameters.Length == 0 || !_types.HttpClientBuilder.Contains(method.Parameters[0].Type))
            {
                return null;
            }

            if (method.Name == "AddRegionFailover" && _types.RegionFailoverExtensions.Contains(method.ContainingType))
            {
                return HandlerKind.Failover;
            }

            if (method.ContainingAssembly?.Name != ResilienceAssembly)
            {
                return null;
            }

            return method.Name switch
            {
                StandardResilience => HandlerKind.StandardResilience,
                StandardHedging => HandlerKind.StandardHedging,
                CustomPipeline when RetriesOrHedges(invocation) => HandlerKind.RetryOrHedgingPipeline,
                _ => null,
            };
        }

        /// <summary>
        /// Whether the pipeline an <c>AddResilienceHandler</c> call builds holds a retry or a hedge. Only a lambda can be
        /// read; a method group or a delegate from elsewhere could hold anything, and the rule stays silent about it.
        /// A pipeline of rate limiters and timeouts alone does not repeat anything.
        /// </summary>
        private static bool RetriesOrHedges(IInvocationOperation invocation)
        {
            foreach (IArgumentOperation argument in invocation.Arguments)
            {
                if (argument.Value.WalkDownConversion() is IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda })
                {
                    foreach (IOperation operation in lambda.Body.Descendants())
                    {
                        if (operation is IInvocationOperation { TargetMethod.Name: "AddRetry" or "AddHedging" })
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// Which client a builder expression belongs to: the registration its chain starts from (by the client's name when
        /// it has one, so separate chains of one named client meet), or the local or parameter holding the builder, told
        /// apart by where it is declared (two lambdas may each name their parameter <c>b</c>); <see langword="null"/>
        /// when it cannot be told.
        /// </summary>
        private string? ClientKey(IOperation builder) => HttpClientChain.Root(builder, _types) switch
        {
            ILocalReferenceOperation local => "local " + local.Local.Name + "@" + Declared(local.Local),
            IParameterReferenceOperation parameter => "parameter " + parameter.Parameter.Name + "@" + Declared(parameter.Parameter),
            IInvocationOperation invocation when HttpClientChain.IsAddHttpClient(invocation, _types) =>
                HttpClientChain.Identify(invocation).Name is { } name ? "client " + name : "registration@" + invocation.Syntax.SpanStart,

            // Another registration returning the client's builder (AddGrpcClient, AddRefitClient).
            IInvocationOperation invocation when _types.HttpClientBuilder.Contains(invocation.TargetMethod.ReturnType) => "registration@" + invocation.Syntax.SpanStart,
            _ => null,
        };

        private static int Declared(ISymbol variable) =>
            variable.DeclaringSyntaxReferences.Length > 0 ? variable.DeclaringSyntaxReferences[0].Span.Start : -1;
    }
}
