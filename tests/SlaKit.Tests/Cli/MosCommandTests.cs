namespace SlaKit.Tests.Cli;

public class MosCommandTests
{
    [Theory]
    [InlineData("100", "10", "1", "87.45", "High")]
    [InlineData("150", "30", "3", "75.7", "Medium")]
    [InlineData("0", "0", "0", "92.95", "Best")]
    public void Json_answers_r_mos_and_band(string latency, string jitter, string loss, string r, string band)
    {
        var json = CliRun.Json("mos", "--latency", latency, "--jitter", jitter, "--loss", loss);

        Assert.Equal(r, CliRun.Raw(json, "rFactor"));
        Assert.Equal(band, json.GetProperty("band").GetString());
        Assert.InRange(json.GetProperty("mos").GetDouble(), 1, 4.5);
    }

    [Fact]
    public void Known_mos_to_two_decimals()
    {
        Assert.Equal(4.27, CliRun.Json("mos", "--latency", "100", "--jitter", "10", "--loss", "1").GetProperty("mos").GetDouble(), 0.01);
        Assert.Equal(3.85, CliRun.Json("mos", "--latency", "150", "--jitter", "30", "--loss", "3").GetProperty("mos").GetDouble(), 0.01);
    }

    [Fact]
    public void Readable_answer()
    {
        CliRun run = CliRun.Of("mos", "--latency", "100", "--jitter", "10", "--loss", "1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("R 87.45, MOS 4.27 (High) for 100 ms latency, 10 ms jitter, 1% loss." + Environment.NewLine, run.Output);
    }

    [Theory]
    [InlineData("-1", "10", "1", "--latency '-1'")]
    [InlineData("10001", "10", "1", "--latency '10001'")]
    [InlineData("100", "x", "1", "--jitter 'x'")]
    [InlineData("100", "10", "101", "--loss '101'")]
    public void Out_of_range_input_is_bad_input(string latency, string jitter, string loss, string named) =>
        CliRun.Of("mos", "--latency", latency, "--jitter", jitter, "--loss", loss).AssertBadInput(named);
}
