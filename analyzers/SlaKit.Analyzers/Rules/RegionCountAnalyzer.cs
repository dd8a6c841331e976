using System.Collections.Immutable;
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
        FailoverCompilation.RegisterUntilOptionsAreKnown(context, readsAppSettings: false, static (report, call, compilation) =>
        {
            // Regions bound from configuration are SLA0004's to count.
            if (!call.BindsConfiguration && call.CodeRegionsComplete && call.CodeRegions.Length < 2)
            {
                report(Diagnostic.Create(Rule, call.Location, call.DisplayName, Plural.Regions(call.CodeRegions.Length)));
            }
        });
    }
}
