using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SlaKit.Analyzers.Model;

namespace SlaKit.Analyzers.Rules;

/// <summary>
/// SLA0005: the regions' declared availabilities, composed in parallel, fall short of the <c>[SlaTarget]</c> of the
/// assembly or of the typed client.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SlaTargetAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = new(
        RuleIdentifiers.RegionsBelowSlaTarget,
        title: "Regions cannot meet the SLA target",
        messageFormat: "The regions' declared availabilities compose to {0} < {1}, the SLA target of {2}{3}",
        RuleIdentifiers.Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Regions in parallel are up when any is up: A = 1 - (1 - A1)(1 - A2)..., the composition SlaKit.Availability.Parallel computes. " +
                     "The rule applies when every region declares its Availability.",
        helpLinkUri: RuleIdentifiers.HelpUri(RuleIdentifiers.RegionsBelowSlaTarget),
        // Regions the options pattern adds elsewhere in the project are known only once the whole compilation has been seen.
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        FailoverCompilation.RegisterUntilOptionsAreKnown(context, readsAppSettings: true, static (report, call, compilation) =>
        {
            (decimal Unavailability, string Owner)? target = FindTarget(call, compilation);
            if (target is not { } goal)
            {
                return;
            }

            foreach (RegionSet set in RegionSet.For(call, compilation))
            {
                if (!set.Complete || set.Regions.IsEmpty || set.Regions.Any(r => r.Unavailability is null))
                {
                    continue;
                }

                decimal composed = AvailabilityMath.Parallel(set.Regions.Select(r => r.Unavailability!.Value));
                if (composed > goal.Unavailability)
                {
                    report(Diagnostic.Create(
                        Rule, call.Location, AvailabilityMath.Format(composed), AvailabilityMath.Format(goal.Unavailability), goal.Owner, set.SourceSuffix));
                    return;
                }
            }
        });
    }

    /// <summary>The typed client's own target first, then the assembly's.</summary>
    private static (decimal, string)? FindTarget(FailoverCall call, FailoverCompilation compilation)
    {
        if (call.Client is { } client)
        {
            foreach (INamedTypeSymbol typed in client.TypedClients)
            {
                if (FailoverCompilation.ReadTarget(typed, compilation.Types) is { } own)
                {
                    return (own, "'" + typed.Name + "'");
                }
            }
        }

        return compilation.AssemblyTarget is { } assembly ? (assembly, "the assembly") : null;
    }
}
