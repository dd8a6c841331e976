namespace SlaKit.Tests.Cli;

public sealed class MeasureCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("slakit-measure-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Csv(params string[] lines)
    {
        string path = Path.Combine(_directory, $"{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Merges_overlaps_clips_to_the_month_and_reports_every_field()
    {
        string path = Csv(
            "start,end",
            "2026-02-03T10:00:00Z,2026-02-03T10:20:00Z",
            "2026-02-03T11:10:00+01:00,2026-02-03T10:30:00Z",
            "2026-02-28T23:50:00Z,2026-03-01T00:10:00Z",
            "2026-03-02T00:00:00Z,2026-03-02T01:00:00Z");

        var json = CliRun.Json("measure", "--incidents", path, "--month", "2026-02", "--sla", "99.9", "--tiers", "99.9:10,99:25,95:100");

        // 30 min (two overlapping incidents merged) + 10 min clipped at the end of February.
        Assert.Equal("2400", CliRun.Raw(json, "downtimeSeconds"));
        Assert.Equal("2", CliRun.Raw(json, "incidents"));
        Assert.Equal("1200", CliRun.Raw(json, "mttrSeconds"));
        // 1 − 2400 / 2419200 s
        Assert.Equal((100 - (2400m / 2419200m * 100m)).ToString(System.Globalization.CultureInfo.InvariantCulture)[..12], CliRun.Raw(json, "availabilityPercent")[..12]);
        Assert.Equal("true", CliRun.Raw(json, "slaMet"));
        Assert.Equal("0", CliRun.Raw(json, "creditPercent"));
    }

    [Fact]
    public void A_month_exactly_at_the_target_meets_it_and_earns_no_credit()
    {
        // 267.84 s is exactly 0.01% of a 31-day month.
        string path = Csv("2026-01-10T00:00:00Z,2026-01-10T00:04:27.84Z");

        var json = CliRun.Json("measure", "--incidents", path, "--month", "2026-01", "--sla", "99.99", "--tiers", "99.99:10");

        Assert.Equal("99.99", CliRun.Raw(json, "availabilityPercent"));
        Assert.Equal("true", CliRun.Raw(json, "slaMet"));
        Assert.Equal("0", CliRun.Raw(json, "creditPercent"));
    }

    [Fact]
    public void A_bad_month_misses_the_sla_and_earns_its_tier()
    {
        string path = Csv("2026-04-01T00:00:00Z,2026-04-01T12:00:00Z");

        var json = CliRun.Json("measure", "--incidents", path, "--month", "2026-04", "--sla", "99.9", "--tiers", "99.9:10,99:25,95:100");

        Assert.Equal("98.3333333333333", CliRun.Raw(json, "availabilityPercent")[..16]);
        Assert.Equal("false", CliRun.Raw(json, "slaMet"));
        Assert.Equal("25", CliRun.Raw(json, "creditPercent"));
    }

    [Fact]
    public void Without_sla_or_tiers_those_fields_are_null_and_a_quiet_month_is_100_percent()
    {
        string path = Csv("start,end");

        var json = CliRun.Json("measure", "--incidents", path, "--month", "2026-02");

        Assert.Equal("100", CliRun.Raw(json, "availabilityPercent"));
        Assert.Equal("0", CliRun.Raw(json, "incidents"));
        Assert.Equal("null", CliRun.Raw(json, "mttrSeconds"));
        Assert.Equal("null", CliRun.Raw(json, "slaMet"));
        Assert.Equal("null", CliRun.Raw(json, "creditPercent"));
    }

    [Fact]
    public void Whole_minutes_drops_the_seconds_of_each_outage()
    {
        string path = Csv(
            "2026-02-03T10:00:00Z,2026-02-03T10:00:59Z",
            "2026-02-04T10:00:00Z,2026-02-04T10:01:30Z");

        var json = CliRun.Json("measure", "--incidents", path, "--month", "2026-02", "--whole-minutes");

        Assert.Equal("60", CliRun.Raw(json, "downtimeSeconds"));
        Assert.Equal("1", CliRun.Raw(json, "incidents"));
    }

    [Fact]
    public void Readable_answer_reports_the_month()
    {
        string path = Csv("2026-04-01T00:00:00Z,2026-04-01T12:00:00Z");

        CliRun run = CliRun.Of("measure", "--incidents", path, "--month", "2026-04", "--sla", "99.9", "--tiers", "99:25");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("2026-04: 98.333% available, 12h of downtime in 1 incident(s), MTTR 12h.", run.Output, StringComparison.Ordinal);
        Assert.Contains("SLA 99.9% missed.", run.Output, StringComparison.Ordinal);
        Assert.Contains("Credit owed: 25%.", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-02-03T10:00:00Z,2026-02-03T09:00:00Z", "line 2")]
    [InlineData("2026-02-03T10:00:00,2026-02-03T11:00:00Z", "line 2")]
    [InlineData("yesterday,today", "line 2")]
    [InlineData("2026-02-03T10:00:00Z", "line 2")]
    [InlineData("2026-02-03T10:00:00Z,2026-02-03T11:00:00Z,2", "line 2")]
    public void A_bad_csv_row_is_bad_input_naming_the_line(string row, string named)
    {
        string path = Csv("2026-02-01T00:00:00Z,2026-02-01T00:01:00Z", row);

        CliRun.Of("measure", "--incidents", path, "--month", "2026-02").AssertBadInput(named);
    }

    [Fact]
    public void A_missing_file_is_bad_input()
    {
        string path = Path.Combine(_directory, "missing.csv");

        CliRun.Of("measure", "--incidents", path, "--month", "2026-02").AssertBadInput("missing.csv");
    }

    [Theory]
    [InlineData("2026-2")]
    [InlineData("2026")]
    [InlineData("month")]
    public void Month_must_be_a_calendar_month(string month)
    {
        string path = Csv("start,end");

        CliRun.Of("measure", "--incidents", path, "--month", month).AssertBadInput($"'{month}'");
    }

    [Fact]
    public void Bad_sla_is_bad_input()
    {
        string path = Csv("start,end");

        CliRun.Of("measure", "--incidents", path, "--month", "2026-02", "--sla", "0").AssertBadInput("--sla '0'");
    }

    [Fact]
    public void An_sla_written_as_a_ratio_is_bad_input_suggesting_the_percentage()
    {
        string path = Csv("start,end");

        CliRun.Of("measure", "--incidents", path, "--month", "2026-02", "--sla", "0.995")
            .AssertBadInput("--sla '0.995' is a ratio; write the target as a percent, e.g. 99.5.");
    }
}
