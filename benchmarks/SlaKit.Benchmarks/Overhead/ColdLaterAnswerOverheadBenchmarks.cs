using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace SlaKit.Benchmarks.Overhead;

/// <summary>
/// <see cref="LaterAnswerOverheadBenchmarks"/>' requests, each made with the CPU caches cold: before every request the
/// benchmark walks a buffer larger than the last-level cache, as the work a process does between two requests pushes
/// a handler's code and data out. A request every few milliseconds finds its handlers cold like this, and there a
/// handler pays for every line of code and data it touches, not only for its instructions.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 30, iterationCount: 300, invocationCount: 1)]
public class ColdLaterAnswerOverheadBenchmarks : IDisposable
{
    // Larger than this machine's last-level cache, walked one cache line at a time.
    private const int ThrashBytes = 96 * 1024 * 1024;
    private const int CacheLine = 64;

    private readonly LaterAnswerOverheadBenchmarks _warm = new();
    private byte[] _thrash = [];
    private int _sink;

    [GlobalSetup]
    public void Setup()
    {
        _warm.Setup();
        _thrash = new byte[ThrashBytes];
    }

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    public void Dispose()
    {
        _warm.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Walks the buffer, writing each cache line, so that no handler's code or data is left in any cache level.</summary>
    [IterationSetup]
    public void ColdCaches()
    {
        byte[] thrash = _thrash;
        int sum = _sink;
        for (int i = 0; i < thrash.Length; i += CacheLine)
        {
            thrash[i]++;
            sum += thrash[i];
        }

        _sink = sum;
    }

    [Benchmark(Baseline = true)]
    public Task<int> PlainInvoker() => _warm.PlainInvoker();

    [Benchmark]
    public Task<int> SlaKitOneRegionLeft() => _warm.SlaKitOneRegionLeft();

    [Benchmark]
    public Task<int> SlaKitBothRegionsHealthy() => _warm.SlaKitBothRegionsHealthy();

    [Benchmark]
    public Task<int> StandardResilienceHandler() => _warm.StandardResilienceHandler();
}
