using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace SlaKit.Benchmarks.Overhead;

/// <summary>
/// What a handler adds to one healthy GET: a plain invoker against SlaKit's region failover with two healthy regions,
/// the standard resilience handler and the standard hedging handler with two ordered endpoint groups — each built by
/// <see cref="IHttpClientFactory"/> over the same in-memory terminal handler, with the factory's logging handlers
/// removed, so only the handler under test differs.
/// </summary>
[MemoryDiagnoser]
public class HandlerOverheadBenchmarks : IDisposable
{
    internal const string Plain = "plain";
    internal const string SlaKitFailover = "slakit";
    internal const string Standard = "standard";
    internal const string Hedging = "hedging";

    // More distinct URIs than any per-region cache holds, for the row that must rewrite every request's URI afresh.
    private static readonly Uri[] DistinctUris = [.. Enumerable.Range(0, 1024).Select(static i => new Uri($"http://payments.example/api/balance/{i}"))];

    private ServiceProvider _services = null!;
    private HttpMessageInvoker _plain = null!;
    private HttpMessageInvoker _slaKit = null!;
    private HttpMessageInvoker _standard = null!;
    private HttpMessageInvoker _hedging = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _services = BuildServices();
        IHttpMessageHandlerFactory factory = _services.GetRequiredService<IHttpMessageHandlerFactory>();
        _plain = new HttpMessageInvoker(factory.CreateHandler(Plain), disposeHandler: false);
        _slaKit = new HttpMessageInvoker(factory.CreateHandler(SlaKitFailover), disposeHandler: false);
        _standard = new HttpMessageInvoker(factory.CreateHandler(Standard), disposeHandler: false);
        _hedging = new HttpMessageInvoker(factory.CreateHandler(Hedging), disposeHandler: false);
    }

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    public void Dispose()
    {
        _plain?.Dispose();
        _slaKit?.Dispose();
        _standard?.Dispose();
        _hedging?.Dispose();
        _services?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public Task<int> PlainInvoker() => SendAsync(_plain);

    [Benchmark]
    public Task<int> SlaKitRegionFailover() => SendAsync(_slaKit);

    /// <summary>SlaKit with a URI it has not just rewritten: what a client calling ever-changing paths pays.</summary>
    [Benchmark]
    public Task<int> SlaKitRegionFailoverNewPathEachRequest() => SendAsync(_slaKit, DistinctUris[_next++ & (DistinctUris.Length - 1)]);

    [Benchmark]
    public Task<int> StandardResilienceHandler() => SendAsync(_standard);

    [Benchmark]
    public Task<int> StandardHedgingHandler() => SendAsync(_hedging);

    /// <summary>The four clients, each over its own in-memory terminal handler; also used by the smoke test.</summary>
    internal static ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        OverheadClients.Plain(services, Plain, static () => new InMemoryHandler());
        OverheadClients.Plain(services, SlaKitFailover, static () => new InMemoryHandler()).WithRegionFailover();
        OverheadClients.Plain(services, Standard, static () => new InMemoryHandler()).AddStandardResilienceHandler();
        OverheadClients.Plain(services, Hedging, static () => new InMemoryHandler()).WithStandardHedging();
        return services.BuildServiceProvider();
    }

    private static async Task<int> SendAsync(HttpMessageInvoker invoker, Uri? uri = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri ?? OverheadClients.RequestUri);
        using HttpResponseMessage response = await invoker.SendAsync(request, CancellationToken.None).ConfigureAwait(false);
        return (int)response.StatusCode;
    }
}
