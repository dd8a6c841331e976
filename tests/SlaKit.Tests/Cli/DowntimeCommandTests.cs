namespace SlaKit.Tests.Cli;

public class DowntimeCommandTests
{
    [Theory]
    [InlineData("99.99", "year", "365", "year", "31536000", "3153.6", "52m 33.6s")]
    [InlineData("99.9", "year", "365", "year", "31536000", "31536", "8h 45m 36s")]
    [InlineData("99.99", "year", "365.2425", "year", "31556952", "3155.6952", "52m 35.6952s")]
    [InlineData("99.99", "month", "365", "month", "2628000", "262.8", "4m 22.8s")]
    [InlineData("99.99", "month", "365.2425", "month", "2629746", "262.9746", "4m 22.9746s")]
    [InlineData("99.99", "2026-02", "365", "2026-02", "2419200", "241.92", "4m 1.92s")]
    [InlineData("99.99", "2028-02", "365", "2028-02", "2505600", "250.56", "4m 10.56s")]
    [InlineData("99.9", "2026-Q1", "365", "2026-Q1", "7776000", "7776", "2h 9m 36s")]
    [InlineData("99.9", "2024", "365", "2024", "31622400", "31622.4", "8h 47m 2.4s")]
    [InlineData("99.9", "quarter", "365", "quarter", "7884000", "7884", "2h 11m 24s")]
    [InlineData("99.95", "week", "365", "week", "604800", "302.4", "5m 2.4s")]
    [InlineData("99.999", "day", "365", "day", "86400", "0.864", "0.864s")]
    [InlineData("99.9", "30d", "365", "30d", "2592000", "2592", "43m 12s")]
    [InlineData("100", "year", "365", "year", "31536000", "0", "0s")]
    public void Json_answers_allowed_downtime(string percent, string period, string yearDays, string periodName, string periodSeconds, string seconds, string readable)
    {
        var json = CliRun.Json("downtime", percent, "--period", period, "--year-days", yearDays);

        Assert.Equal(percent, CliRun.Raw(json, "availabilityPercent"));
        Assert.Equal(periodName, json.GetProperty("period").GetString());
        Assert.Equal(periodSeconds, CliRun.Raw(json, "periodSeconds"));
        Assert.Equal(seconds, CliRun.Raw(json, "allowedDowntimeSeconds"));
        Assert.Equal(readable, json.GetProperty("allowedDowntime").GetString());
    }

    [Fact]
    public void Default_period_is_a_365_day_year()
    {
        var json = CliRun.Json("downtime", "99.99");

        Assert.Equal("year", json.GetProperty("period").GetString());
        Assert.Equal("3153.6", CliRun.Raw(json, "allowedDowntimeSeconds"));
    }

    [Fact]
    public void Readable_answer_names_the_period_and_the_downtime()
    {
        CliRun run = CliRun.Of("downtime", "99.9");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("99.9% over year (365d) allows 8h 45m 36s of downtime (31536 s)." + Environment.NewLine, run.Output);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100.5")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("NaN")]
    public void Percent_outside_0_to_100_is_bad_input(string percent) =>
        CliRun.Of("downtime", percent).AssertBadInput($"'{percent}'");

    [Theory]
    [InlineData("fortnight")]
    [InlineData("2026-13")]
    [InlineData("2026-Q5")]
    public void Unknown_period_is_bad_input(string period) =>
        CliRun.Of("downtime", "99.9", "--period", period).AssertBadInput($"'{period}'");

    [Fact]
    public void Unknown_year_length_is_bad_input() =>
        CliRun.Of("downtime", "99.9", "--year-days", "360").AssertBadInput("'360'");

    [Fact]
    public void Missing_percent_is_bad_input() =>
        CliRun.Of("downtime").AssertBadInput("downtime");

    [Fact]
    public void Unknown_option_is_bad_input() =>
        CliRun.Of("downtime", "99.9", "--bogus").AssertBadInput("--bogus");
}
