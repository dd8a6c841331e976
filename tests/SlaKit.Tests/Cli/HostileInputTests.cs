namespace SlaKit.Tests.Cli;

/// <summary>
/// Inputs a careless operator or an attacker gives the command line: each ends with one line on stderr and exit 2, never a
/// stack trace.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("slakit-hostile-");

    public void Dispose() => _directory.Delete(recursive: true);

    public static TheoryData<string[], string> BadInputs => new()
    {
        { ["downtime", "@/tmp"], "'@/tmp' is not a percentage" },
        { ["downtime", "99.9", "--period", "٢٠٢٦-٠٢"], "--period '٢٠٢٦-٠٢' is not a period" },
        { ["downtime", "99.9", "--period", "２０２６"], "--period '２０２６' is not a period" },
        { ["measure", "--incidents", "x.csv", "--month", "٢٠٢٦-٠٢", "--sla", "99.9"], "--month '٢٠٢٦-٠٢'" },
        { ["credit", "--measured", "99.5", "--tiers", "99.9:NaN"], "'99.9:NaN' is not a credit tier" },
        { ["credit", "--measured", "99.5", "--tiers", "NaN:10"], "'NaN:10' is not a credit tier" },
        { ["credit", "--measured", "99.5", "--tiers", "99.9:-Infinity"], "'99.9:-Infinity' is not a credit tier" },
        { ["measure", "--incidents", "", "--month", "2026-02"], "--incidents '' is not a path" },
        { ["rules", "--slo", ""], "--slo '' is not a path" },
        { ["probe", "tcp://127.0.0.1:9", "--timeout", "50d"], "--timeout '50d' must be longer than zero and at most 49.7 days" },
        { ["probe", "tcp://127.0.0.1:9", "--interval", "50d", "--count", "2"], "--interval '50d' is longer than 49.7 days" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gets_one_line_and_exit_2(string[] args, string named) =>
        CliRun.Of(args).AssertBadInput(named);

    [Theory]
    [InlineData("downtime", "99.99999999999999999999999")]
    [InlineData("compose", "serial", "99.99999999999999999999999", "99.9")]
    [InlineData("credit", "--measured", "99.99999999999999999999999", "--tiers", "99.99999999999999999999999:10")]
    [InlineData("budget", "--target", "99.99999999999999999999999", "--total", "100", "--failed", "0")]
    public void A_percent_just_under_100_is_computed_exactly_instead_of_rounding_above_it(params string[] args)
    {
        CliRun run = CliRun.Of(args);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void A_percent_just_under_100_keeps_its_digits_in_the_answer()
    {
        CliRun run = CliRun.Of("downtime", "99.99999999999999999999999");

        Assert.StartsWith("99.99999999999999999999999% over year", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_argument_starting_with_at_is_a_file_name_not_a_response_file()
    {
        string csv = Path.Combine(_directory.FullName, "@incidents.csv");
        File.WriteAllText(csv, "start,end\n2026-02-10T10:00:00Z,2026-02-10T10:30:00Z\n");

        CliRun run = CliRun.Of("measure", "--incidents", csv, "--month", "2026-02", "--sla", "99.9");

        Assert.True(run.ExitCode is 0 or 1, run.Error);
        Assert.Contains("30m", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_response_file_is_not_expanded()
    {
        string responses = Path.Combine(_directory.FullName, "args.rsp");
        File.WriteAllText(responses, "99.9\n");

        CliRun.Of("downtime", "@" + responses).AssertBadInput($"'@{responses}' is not a percentage");
    }

    public static TheoryData<string, string, string> BadFiles => new()
    {
        { "incidents.csv", "start,end,weight\n2026-02-10T10:00:00Z,2026-02-10T10:30:00Z,NaN\n", "line 2: 'NaN' is not a weight in (0, 1]" },
        { "incidents.csv", "hello world\n", "line 1: expected start,end[,weight]" },
        { "slo.yaml", "version: 1\nslos:\n  - {name: a, target: 99.9, window: 30d}\n  - {name: a, target: 99, window: 30d}\n", "'a' is also the name of slos[0]" },
        { "slo.yaml", "version: 1\nslos:\n  - {name: \"a\\ab\", target: 99.9, window: 30d}\n", "contains the control character U+0007" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_file_gets_one_line_and_exit_2(string name, string content, string named)
    {
        string path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, content);

        CliRun run = name.EndsWith(".csv", StringComparison.Ordinal)
            ? CliRun.Of("measure", "--incidents", path, "--month", "2026-02", "--sla", "99.9")
            : CliRun.Of("rules", "--slo", path);

        run.AssertBadInput(named);
    }

    [Fact]
    public void An_empty_output_path_gets_one_line_and_exit_2()
    {
        string slo = Path.Combine(_directory.FullName, "slo.yaml");
        File.WriteAllText(slo, "version: 1\nslos:\n  - {name: a, target: 99.9, window: 30d}\n");

        CliRun.Of("rules", "--slo", slo, "--output", "").AssertBadInput("--output '' is not a path");
    }
}
