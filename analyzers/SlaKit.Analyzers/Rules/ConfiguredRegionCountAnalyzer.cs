using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SlaKit.Analyzers.Model;

namespace SlaKit.Analyzers.Rules;

/// <summary>
/// SLA0004: a region failover bound from a configuration section that an <c>appsettings*.json</c> AdditionalFile
/// gives fewer than two regions.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConfiguredRegionCountAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = new(
        RuleIdentifiers.TooFewConfiguredRegions,
        title: "Configured region failover needs at least two regions",
        messageFormat: "{0} binds section '{1}', which has {2} in {3}; failover needs at least two regions, in independent failure domains",
        RuleIdentifiers.Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The rule reads appsettings*.json files passed to the compiler as AdditionalFiles " +
                     "(<AdditionalFiles Include=\"appsettings*.json\" />), each environment's file over appsettings.json.",
        helpLinkUri: RuleIdentifiers.HelpUri(RuleIdentifiers.TooFewConfiguredRegions),
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
            if (!call.BindsConfiguration || call.SectionPath is null)
            {
                return;
            }

            foreach (RegionSet set in RegionSet.For(call, compilation))
            {
                if (set.Complete && set.Settings is not null && set.Regions.Length < 2)
                {
                    report(Diagnostic.Create(
                        Rule, call.Location, call.DisplayName, call.SectionPath, Plural.Regions(set.Regions.Length), set.Settings.Description));
                    return;
                }
            }
        });
    }
}
