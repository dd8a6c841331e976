namespace SlaKit.Tests.Cli;

public class NinesCommandTests
{
    [Theory]
    [InlineData("52m 33.6s", "year", "99.99", "4")]
    [InlineData("52m33.6s", "year", "99.99", "4")]
    [InlineData("8h 45m 36s", "year", "99.9", "3")]
    [InlineData("4m19.2s", "30d", "99.99", "4")]
    [InlineData("4m 1.92s", "2026-02", "99.99", "4")]
    [InlineData("0.864s", "day", "99.999", "5")]
    [InlineData("0", "year", "100", "null")]
    [InlineData("1d", "day", "0", "0")]
    public void Json_answers_the_availability(string downtime, string period, string percent, string nines)
    {
        var json = CliRun.Json("nines", downtime, "--period", period);

        Assert.Equal(percent, CliRun.Raw(json, "availabilityPercent"));
        Assert.Equal(nines, CliRun.Raw(json, "nines"));
    }

    [Theory]
    [InlineData("99.99", "year")]
    [InlineData("99.95", "2026-02")]
    [InlineData("99.5", "month")]
    [InlineData("99.999", "week")]
    public void Inverts_what_downtime_prints(string percent, string period)
    {
        string printed = CliRun.Json("downtime", percent, "--period", period).GetProperty("allowedDowntime").GetString()!;

        var json = CliRun.Json("nines", printed, "--period", period);

        Assert.Equal(percent, CliRun.Raw(json, "availabilityPercent"));
    }

    [Fact]
    public void Gregorian_year_is_honoured()
    {
        var json = CliRun.Json("nines", "52m 35.6952s", "--year-days", "365.2425");

        Assert.Equal("99.99", CliRun.Raw(json, "availabilityPercent"));
    }

    [Theory]
    [InlineData("5y")]
    [InlineData("15m 1h")]
    [InlineData("-5m")]
    [InlineData("")]
    public void Malformed_downtime_is_bad_input(string downtime) =>
        CliRun.Of("nines", downtime).AssertBadInput($"'{downtime}'");

    [Fact]
    public void Downtime_longer_than_the_period_is_bad_input() =>
        CliRun.Of("nines", "25h", "--period", "day").AssertBadInput("'25h'");
}
