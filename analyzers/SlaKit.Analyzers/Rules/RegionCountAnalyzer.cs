using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SlaKit.Analyzers.Model;

namespace SlaKit.Analyzers.Rules;

/// <summary>
/// SLA0001: a region failover configured in code with fewer than two regions has nowhere to fail over to.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RegionCountAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = new(
        RuleIdentifiers.TooFewRegions,
        title: "Region failover needs at least two regions",
        messageFormat: "{0} is configured with {1}; failover needs at least two regions, in independent failure domains",
        RuleIdentifiers.Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A failover with one region cannot fail over: when that region goes down, every request fails. " +
                     "The rule counts Regions.Add calls, collection initializers and arrays, and is silent when the count depends on run-time values, " +
                     "including when the project configures the failover's options elsewhere (services.Configure, AddOptions, ConfigureAll, PostConfigure).",
        helpLinkUri: RuleIdentifiers.HelpUri(RuleIdentifiers.TooFewRegions),
        // Whether the options are configured elsewhere is known only once the whole compilation has been seen.
        customTags: WellKnownDiagnosticTags.CompilationEnd);

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
            if (types is null || types.EntryPoints.IsEmpty)
            {
                return;
            }

            var counts = new RegionCounts(types.EntryPoints);
            start.RegisterOperationAction(
                operationContext => counts.Inspect(operationContext.Operation, types),
                OperationKind.Invocation,
                OperationKind.ObjectCreation);
            start.RegisterSymbolAction(symbolContext => counts.Inspect((INamedTypeSymbol)symbolContext.Symbol), SymbolKind.NamedType);
            start.RegisterCompilationEndAction(counts.Report);
        });
    }

    /// <summary>
    /// The failovers of one compilation with too few regions, and which options types the compilation configures
    /// elsewhere. A failover registered by a method (<c>AddRegionFailover</c>) configures named options, which
    /// <c>services.Configure&lt;RegionFailoverOptions&gt;(name, …)</c> and its kind can add regions to anywhere in the
    /// project: while the project does so, the failover's count is unknown.
    /// </summary>
    private sealed class RegionCounts
    {
        private readonly ImmutableArray<ResolvedEntryPoint> _entryPoints;
        private readonly int[] _configuredElsewhere;
        private readonly ConcurrentQueue<(ResolvedEntryPoint EntryPoint, Diagnostic Diagnostic)> _candidates = new();

        public RegionCounts(ImmutableArray<ResolvedEntryPoint> entryPoints)
        {
            _entryPoints = entryPoints;
            _configuredElsewhere = new int[entryPoints.Length];
        }

        public void Inspect(IOperation operation, KnownTypes types)
        {
            if (FailoverCompilation.ReadCall(operation, types) is { } call)
            {
                // Regions bound from configuration are SLA0004's to count.
                if (!call.BindsConfiguration && call.CodeRegionsComplete && call.CodeRegions.Length < 2)
                {
                    _candidates.Enqueue((call.EntryPoint, Diagnostic.Create(Rule, call.Location, call.DisplayName, Plural.Regions(call.CodeRegions.Length))));
                }

                return;
            }

            for (int i = 0; i < _entryPoints.Length; i++)
            {
                if (ReadsNamedOptions(_entryPoints[i]) && OptionsPatternReader.Configures(operation, _entryPoints[i].Options))
                {
                    Interlocked.Exchange(ref _configuredElsewhere[i], 1);
                }
            }
        }

        public void Inspect(INamedTypeSymbol type)
        {
            for (int i = 0; i < _entryPoints.Length; i++)
            {
                if (ReadsNamedOptions(_entryPoints[i]) && OptionsPatternReader.Configures(type, _entryPoints[i].Options))
                {
                    Interlocked.Exchange(ref _configuredElsewhere[i], 1);
                }
            }
        }

        public void Report(CompilationAnalysisContext context)
        {
            foreach ((ResolvedEntryPoint entryPoint, Diagnostic diagnostic) in _candidates)
            {
                if (Volatile.Read(ref _configuredElsewhere[_entryPoints.IndexOf(entryPoint)]) == 0)
                {
                    context.ReportDiagnostic(diagnostic);
                }
            }
        }

        /// <summary>Whether the entry point's regions come from the options pattern: a method registering the failover's options, not a constructor given them.</summary>
        private static bool ReadsNamedOptions(ResolvedEntryPoint entryPoint) =>
            entryPoint.Definition.Kind == FailoverEntryPointKind.Method && !entryPoint.Options.IsEmpty;
    }
}
