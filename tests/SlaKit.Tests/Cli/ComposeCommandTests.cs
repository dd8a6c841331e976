namespace SlaKit.Tests.Cli;

public class ComposeCommandTests
{
    [Theory]
    [InlineData(new[] { "serial", "99.9", "99.9" }, "99.8001", "63040.464")]
    [InlineData(new[] { "serial", "99.99", "99.95", "99.9" }, "99.840064995", "50437.1031768")]
    [InlineData(new[] { "parallel", "99", "99" }, "99.99", "3153.6")]
    [InlineData(new[] { "parallel", "99.9", "99.9", "99.9" }, "99.9999999", "0.031536")]
    [InlineData(new[] { "kofn", "2", "3", "99" }, "99.9702", "9397.728")]
    [InlineData(new[] { "kofn", "1", "2", "99" }, "99.99", "3153.6")]
    [InlineData(new[] { "kofn", "2", "2", "99.9" }, "99.8001", "63040.464")]
    public void Json_answers_availability_and_yearly_downtime(string[] args, string percent, string secondsPerYear)
    {
        var json = CliRun.Json(["compose", .. args]);

        Assert.Equal(percent, CliRun.Raw(json, "availabilityPercent"));
        Assert.Equal(secondsPerYear, CliRun.Raw(json, "allowedDowntimeSecondsPerYear"));
    }

    [Fact]
    public void Readable_answer_shows_the_composition()
    {
        CliRun run = CliRun.Of("compose", "serial", "99.9", "99.9");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("serial of 99.9%, 99.9%: 99.8001%", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "serial", "99.9", "101" }, "'101'")]
    [InlineData(new[] { "parallel", "0" }, "'0'")]
    [InlineData(new[] { "serial" }, "serial")]
    [InlineData(new[] { "kofn", "4", "3", "99" }, "k '4'")]
    [InlineData(new[] { "kofn", "0", "3", "99" }, "k '0'")]
    [InlineData(new[] { "kofn", "1", "1001", "99" }, "n '1001'")]
    [InlineData(new[] { "kofn", "2", "x", "99" }, "n 'x'")]
    [InlineData(new[] { "kofn", "2", "3", "abc" }, "'abc'")]
    [InlineData(new[] { "median", "99" }, "median")]
    public void Bad_input_exits_2_naming_the_value(string[] args, string named) =>
        CliRun.Of(["compose", .. args]).AssertBadInput(named);
}
