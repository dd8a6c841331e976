using SlaKit.Benchmarks.Overhead;

namespace SlaKit.Benchmarks.Tests;

/// <summary>The streamed-body overhead benchmark reads what it says: every row gets the whole 64-byte body.</summary>
public sealed class StreamedBodyOverheadBenchmarksTests : IDisposable
{
    private readonly StreamedBodyOverheadBenchmarks _benchmarks = new();

    public StreamedBodyOverheadBenchmarksTests() => _benchmarks.Setup();

    public void Dispose() => _benchmarks.Dispose();

    [Fact]
    public async Task Every_row_reads_the_whole_body_of_its_answer()
    {
        Assert.Equal(64, await _benchmarks.PlainInvoker());
        Assert.Equal(64, await _benchmarks.SlaKitRegionFailover());
    }
}
