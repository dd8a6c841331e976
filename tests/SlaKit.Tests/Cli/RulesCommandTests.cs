using SlaKit.Tests.Prometheus;

namespace SlaKit.Tests.Cli;

public sealed class RulesCommandTests : IDisposable
{
    private const string SlaKitFile = SloDocumentEdgeTests.SlaKitFile;

    private const string OpenSloFile = """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: payments
        spec:
          indicator:
            spec:
              ratioMetric:
                counter: true
                bad:
                  metricSource:
                    type: Prometheus
                    spec:
                      query: payments_total{outcome="failed"}
                total:
                  metricSource:
                    type: Prometheus
                    spec:
                      query: payments_total
          timeWindow:
            - duration: 1M
              isRolling: false
          budgetingMethod: Occurrences
          objectives:
            - targetPercent: 99.95
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("slakit-rules-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string File(string name, string text)
    {
        string path = Path.Combine(_directory, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Prints_the_rules_of_a_slakit_file()
    {
        CliRun run = CliRun.Of("rules", "--slo", File("slo.yaml", SlaKitFile));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        RulesYaml rules = RulesYaml.Parse(run.Output);
        Assert.Equal(3, rules.Alerts.Count());
        Assert.Contains(">= 0.0144", rules.Alerts.First().Expr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_the_rules_of_an_openslo_document_to_a_file_that_promtool_accepts()
    {
        string output = Path.Combine(_directory, "rules.yml");

        CliRun run = CliRun.Of("rules", "--slo", File("payments.yaml", OpenSloFile), "--output", output);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"Wrote the rules for 1 SLO(s) (payments), 3 alerts, to {output}.\n", run.Output.ReplaceLineEndings("\n"));
        string rules = await System.IO.File.ReadAllTextAsync(output, TestContext.Current.CancellationToken);
        Assert.Contains("""sum(increase(payments_total{outcome="failed"}[1h]))""", rules, StringComparison.Ordinal);
        Assert.Contains(">= 0.0072", rules, StringComparison.Ordinal);   // 14.4 x 0.0005

        if (Promtool.Path is not null || Promtool.Required)
        {
            (int exitCode, string checkOutput) = await Promtool.RunAsync(_directory, "check", "rules", output);
            Assert.True(exitCode == 0, checkOutput);
        }
    }

    [Fact]
    public void With_json_prints_one_object_holding_the_rules()
    {
        var json = CliRun.Json("rules", "--slo", File("slo.yaml", SlaKitFile));

        Assert.Equal("\"checkout\"", CliRun.Raw(json, "slos"));
        Assert.Equal("3", CliRun.Raw(json, "alerts"));
        Assert.Equal("null", CliRun.Raw(json, "output"));
        Assert.StartsWith("# Prometheus recording and alerting rules", json.GetProperty("rules").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_field_exits_2_naming_it() =>
        CliRun.Of("rules", "--slo", File("bad.yaml", OpenSloFile.Replace("Occurrences", "RatioTimeslices", StringComparison.Ordinal)))
            .AssertBadInput("bad.yaml:23: spec.budgetingMethod: 'RatioTimeslices' is not supported");

    [Fact]
    public void A_missing_file_exits_2_naming_it() =>
        CliRun.Of("rules", "--slo", Path.Combine(_directory, "absent.yaml")).AssertBadInput("--slo '");

    [Fact]
    public void An_unwritable_output_exits_2_naming_it() =>
        CliRun.Of("rules", "--slo", File("slo.yaml", SlaKitFile), "--output", Path.Combine(_directory, "no", "such", "dir.yml")).AssertBadInput("--output '");
}
