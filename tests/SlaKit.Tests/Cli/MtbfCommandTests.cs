namespace SlaKit.Tests.Cli;

public class MtbfCommandTests
{
    [Theory]
    [InlineData("720h", "15m", "99.96528982992017")]
    [InlineData("999h", "1h", "99.9")]
    [InlineData("1d12h", "0", "100")]
    [InlineData("9999h", "1h", "99.99")]
    public void Json_answers_the_availability(string mtbf, string mttr, string percent)
    {
        var json = CliRun.Json("mtbf", "--mtbf", mtbf, "--mttr", mttr);

        Assert.Equal(percent, CliRun.Raw(json, "availabilityPercent"));
    }

    [Fact]
    public void Durations_are_reported_in_seconds()
    {
        var json = CliRun.Json("mtbf", "--mtbf", "1d12h", "--mttr", "15m");

        Assert.Equal("129600", CliRun.Raw(json, "mtbfSeconds"));
        Assert.Equal("900", CliRun.Raw(json, "mttrSeconds"));
    }

    [Theory]
    [InlineData("7x", "1m", "--mtbf '7x'")]
    [InlineData("720h", "fifteen", "--mttr 'fifteen'")]
    [InlineData("0", "15m", "--mtbf '0'")]
    public void Bad_durations_are_bad_input(string mtbf, string mttr, string named) =>
        CliRun.Of("mtbf", "--mtbf", mtbf, "--mttr", mttr).AssertBadInput(named);

    [Fact]
    public void Missing_option_is_bad_input() =>
        CliRun.Of("mtbf", "--mtbf", "720h").AssertBadInput("--mttr");
}
