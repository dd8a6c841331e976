using SlaKit.Benchmarks.Prometheus;
using SlaKit.Budgets;

namespace SlaKit.Benchmarks.Tests;

public sealed class PageLatencyScenarioTests
{
    [Theory]
    [InlineData(14.4, 3600)]
    [InlineData(28.8, 1787.4126)]
    [InlineData(1000, 51.1302)]
    public void The_promise_is_when_the_hour_window_reaches_the_page_threshold_after_healthy_history(double burn, double seconds) =>
        Assert.Equal(seconds, PageLatencyScenario.Promise(burn).TotalSeconds, 3);

    [Fact]
    public void The_history_holds_a_counter_sample_a_second_failing_one_event_in_5000()
    {
        var slo = new Slo("burn-14_4x", Availability.FromPercent(99.9), SloWindow.Rolling(TimeSpan.FromDays(30)));
        var end = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

        string[] lines = PageLatencyScenario.History([slo], end, TimeSpan.FromMinutes(10)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("# TYPE slakit_slo_events counter", lines[0]);
        Assert.Equal("# EOF", lines[^1]);
        Assert.Equal(2 * 601, lines.Length - 2);
        string lastBad = lines.Last(l => l.Contains("outcome=\"bad\"", StringComparison.Ordinal));
        string lastGood = lines.Last(l => l.Contains("outcome=\"good\"", StringComparison.Ordinal));

        // 600 s of 1,250 events: 750,000 events, 150 of them failed (0.02%), the last sample at the end.
        Assert.EndsWith($" 150 {end.ToUnixTimeSeconds()}", lastBad, StringComparison.Ordinal);
        Assert.EndsWith($" 749850 {end.ToUnixTimeSeconds()}", lastGood, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("14")]
    [InlineData("15")]
    [InlineData("1001")]
    [InlineData("x")]
    public async Task A_burn_below_the_page_or_making_a_fraction_of_a_failure_is_refused(string burns)
    {
        using var error = new StringWriter();

        int exitCode = await PageLatencyScenario.RunAsync(["--burns", burns], TextWriter.Null, error);

        Assert.Equal(2, exitCode);
        Assert.Contains($"--burns: '{burns}'", error.ToString(), StringComparison.Ordinal);
    }
}
