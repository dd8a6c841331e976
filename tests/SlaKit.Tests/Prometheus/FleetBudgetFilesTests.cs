using SlaKit.Prometheus;

namespace SlaKit.Tests.Prometheus;

/// <summary>The FleetBudget sample's Prometheus files: the rules are what its SLO file generates, and the config loads.</summary>
public sealed class FleetBudgetFilesTests
{
    private static string SampleDirectory
    {
        get
        {
            for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "SlaKit.sln")))
                {
                    return Path.Combine(directory.FullName, "samples", "FleetBudget");
                }
            }

            throw new InvalidOperationException("The repository root (SlaKit.sln) is not above the test's directory.");
        }
    }

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
