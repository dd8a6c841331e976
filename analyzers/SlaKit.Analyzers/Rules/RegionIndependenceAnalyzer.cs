using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SlaKit.Analyzers.Model;

namespace SlaKit.Analyzers.Rules;

/// <summary>
/// SLA0003: two regions of one failover that are not independent failure domains — the same name, or the same host.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RegionIndependenceAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = new(
        RuleIdentifiers.RegionsNotIndependent,
        title: "Regions must be independent",
        messageFormat: "Regions {0} and {1} {2}, so they are not independent failure domains{3}",
        RuleIdentifiers.Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Failing over to a region on the same host as the one that failed (another port, another path) reaches the same " +
                     "machine, and two regions with one name are one region. Region names compare without regard to case, as SlaKit's validation does.",
        helpLinkUri: RuleIdentifiers.HelpUri(RuleIdentifiers.RegionsNotIndependent));

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        FailoverCompilation.Register(context, readsAppSettings: true, static (operationContext, call, compilation) =>
        {
            var reported = new HashSet<string>(StringComparer.Ordinal);
            foreach (RegionSet set in RegionSet.For(call, compilation))
            {
                ImmutableArray<DeclaredRegion> regions = set.Regions;
                for (int later = 1; later < regions.Length; later++)
                {
                    for (int earlier = 0; earlier < later; earlier++)
                    {
                        if (Conflict(regions[earlier], regions[later]) is not { } reason)
                        {
                            continue;
                        }

                        Location location = regions[later].Location ?? call.Location;
                        var diagnostic = Diagnostic.Create(Rule, location, regions[earlier].Describe(), regions[later].Describe(), reason, set.SourceSuffix);
                        if (reported.Add(location.SourceSpan.ToString() + diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)))
                        {
                            operationContext.ReportDiagnostic(diagnostic);
                        }

                        break;
                    }
                }
            }
        });
    }

    private static string? Conflict(DeclaredRegion earlier, DeclaredRegion later)
    {
        if (earlier.Name is not null && string.Equals(earlier.Name, later.Name, StringComparison.OrdinalIgnoreCase))
        {
            return "have the same name";
        }

        return earlier.Host is not null && string.Equals(earlier.Host, later.Host, StringComparison.OrdinalIgnoreCase) && !IsLoopback(later.Host!)
            ? "share the host '" + later.Host + "'"
            : null;
    }

    /// <summary>
    /// Loopback regions are a local set-up — a demo, a test, a developer's machine — where two processes stand in for
    /// two regions; no deployment routes to 127.0.0.1, so they are not held to independence.
    /// </summary>
    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ||
        (System.Net.IPAddress.TryParse(host, out System.Net.IPAddress? address) && System.Net.IPAddress.IsLoopback(address));
}
