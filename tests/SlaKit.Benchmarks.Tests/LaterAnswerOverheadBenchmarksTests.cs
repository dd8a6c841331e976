using Microsoft.Extensions.DependencyInjection;
using SlaKit.Benchmarks.Overhead;
using SlaKit.Regions;

namespace SlaKit.Benchmarks.Tests;

/// <summary>The later-answer overhead benchmarks measure what their names say: every row answers 200, and the one-left client has one region left.</summary>
public sealed class LaterAnswerOverheadBenchmarksTests : IDisposable
{
    private readonly LaterAnswerOverheadBenchmarks _benchmarks = new();

    public LaterAnswerOverheadBenchmarksTests() => _benchmarks.Setup();

    public void Dispose() => _benchmarks.Dispose();

    [Fact]
    public async Task Every_row_sends_a_request_that_is_answered_200()
    {
        Assert.Equal(200, await _benchmarks.PlainInvoker());
        Assert.Equal(200, await _benchmarks.SlaKitBothRegionsHealthy());
        Assert.Equal(200, await _benchmarks.SlaKitOneRegionLeft());
        Assert.Equal(200, await _benchmarks.SlaKitPostWithoutCallersToken());
        Assert.Equal(200, await _benchmarks.SlaKitPostWithCallersToken());
        Assert.Equal(200, await _benchmarks.StandardResilienceHandler());
        Assert.Equal(200, await _benchmarks.StandardHedgingHandler());
    }

    [Fact]
    public async Task The_one_left_client_has_its_primary_down_and_keeps_it_down()
    {
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(200, await _benchmarks.SlaKitOneRegionLeft());
        }

        IRegionHealthMonitor monitor = _benchmarks.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor(LaterAnswerOverheadBenchmarks.SlaKitOneLeft);
        Assert.Equal(
            [("eu-west", RegionHealth.Unhealthy), ("eu-central", RegionHealth.Healthy)],
            monitor.GetStatus().Select(static s => (s.Region.Name, s.Health)));
    }
}
