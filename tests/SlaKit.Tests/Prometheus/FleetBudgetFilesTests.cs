using SlaKit.Prometheus;
using SlaKit.Tests.Infrastructure;

namespace SlaKit.Tests.Prometheus;

/// <summary>The FleetBudget sample's Prometheus files: the rules are what its SLO file generates, and the config loads.</summary>
public sealed class FleetBudgetFilesTests
{
    private static string SampleDirectory => Path.Combine(Repository.Root, "samples", "FleetBudget");

    [Fact]
    public void The_checked_in_rules_are_what_the_slo_file_generates()
    {
        string generated = PrometheusRules.Generate(SloDocument.ReadFile(Path.Combine(SampleDirectory, "slo.yaml")));

        Assert.Equal(generated, File.ReadAllText(Path.Combine(SampleDirectory, "rules.yml")).ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Promtool_accepts_the_prometheus_config_and_its_rules()
    {
        Promtool.Require();

        (int exitCode, string output) = await Promtool.RunAsync(SampleDirectory, "check", "config", "prometheus.yml");

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS: 16 rules found", output, StringComparison.Ordinal);
    }
}
