using SlaKit.Benchmarks.Overhead;

namespace SlaKit.Benchmarks.Tests;

public sealed class ColdLaterAnswerOverheadBenchmarksTests : IDisposable
{
    private readonly ColdLaterAnswerOverheadBenchmarks _benchmarks = new();

    public ColdLaterAnswerOverheadBenchmarksTests() => _benchmarks.Setup();

    public void Dispose() => _benchmarks.Dispose();

    [Fact]
    public async Task Every_client_answers_after_the_caches_are_emptied()
    {
        _benchmarks.ColdCaches();
        Assert.Equal(200, await _benchmarks.PlainInvoker());
        _benchmarks.ColdCaches();
        Assert.Equal(200, await _benchmarks.SlaKitOneRegionLeft());
        _benchmarks.ColdCaches();
        Assert.Equal(200, await _benchmarks.SlaKitBothRegionsHealthy());
        _benchmarks.ColdCaches();
        Assert.Equal(200, await _benchmarks.StandardResilienceHandler());
    }
}
