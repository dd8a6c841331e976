using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.Regions;

namespace SlaKit.Benchmarks.Overhead;

/// <summary>
/// What a handler adds to one GET whose answer comes later, as every answer from a socket does: the asynchronous path
/// through each handler (its awaits, timers and cancellation links), which <see cref="HandlerOverheadBenchmarks"/>'
/// at-once answers skip. The terminal handler is completed by the benchmark itself, so the continuations run on its
/// thread and only the handlers differ.
/// </summary>
/// <remarks>
/// SlaKit appears twice: with both regions healthy (adaptive hedging armed while the first region is awaited) and with
/// the primary marked down (one region left: the state the failover harness's black-hole steady p50 measures).
/// </remarks>
[MemoryDiagnoser]
public class LaterAnswerOverheadBenchmarks : IDisposable
{
    internal const string Plain = "plain";
    internal const string SlaKitHealthy = "slakit-healthy";
    internal const string SlaKitOneLeft = "slakit-one-left";
    internal const string Standard = "standard";
    internal const string Hedging = "hedging";

    private readonly Dictionary<string, LaterAnswerHandler> _terminals = [];
    private readonly Dictionary<string, HttpMessageInvoker> _invokers = [];
    private readonly CancellationTokenSource _caller = new();
    private ServiceProvider _services = null!;

    /// <summary>The container the clients come from, once <see cref="Setup"/> has run.</summary>
    internal IServiceProvider Services => _services;

    [GlobalSetup]
    public void Setup()
    {
        _services = BuildServices(_terminals);
        IHttpMessageHandlerFactory factory = _services.GetRequiredService<IHttpMessageHandlerFactory>();
        foreach (string name in (string[])[Plain, SlaKitHealthy, SlaKitOneLeft, Standard, Hedging])
        {
            _invokers[name] = new HttpMessageInvoker(factory.CreateHandler(name), disposeHandler: false);
        }

        // The primary out for the whole run: reported down by probes, with a break far longer than any run, so no trial is due.
        IRegionHealthMonitor oneLeft = _services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor(SlaKitOneLeft);
        oneLeft.ReportProbeResult("eu-west", RegionHealth.Unhealthy, "taken out for the benchmark");
        oneLeft.ReportProbeResult("eu-west", RegionHealth.Unhealthy, "taken out for the benchmark");
    }

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    public void Dispose()
    {
        foreach (HttpMessageInvoker invoker in _invokers.Values)
        {
            invoker.Dispose();
        }

        _services?.Dispose();
        _caller.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public Task<int> PlainInvoker() => SendAsync(Plain);

    [Benchmark]
    public Task<int> SlaKitBothRegionsHealthy() => SendAsync(SlaKitHealthy);

    [Benchmark]
    public Task<int> SlaKitOneRegionLeft() => SendAsync(SlaKitOneLeft);

    /// <summary>A POST (not safe to repeat, so its attempts go one after another) with no token of the caller's.</summary>
    [Benchmark]
    public Task<int> SlaKitPostWithoutCallersToken() => SendAsync(SlaKitHealthy, HttpMethod.Post, CancellationToken.None);

    /// <summary>
    /// The same POST with a token the caller may cancel, as <see cref="HttpClient"/> always passes: its attempt is awaited
    /// apart from the caller's cancellation, so that it can run on when the caller gives up late.
    /// </summary>
    [Benchmark]
    public Task<int> SlaKitPostWithCallersToken() => SendAsync(SlaKitHealthy, HttpMethod.Post, _caller.Token);

    [Benchmark]
    public Task<int> StandardResilienceHandler() => SendAsync(Standard);

    [Benchmark]
    public Task<int> StandardHedgingHandler() => SendAsync(Hedging);

    /// <summary>The five clients, each over its own <see cref="LaterAnswerHandler"/> (kept in <paramref name="terminals"/> by name); also used by the smoke test.</summary>
    internal static ServiceProvider BuildServices(Dictionary<string, LaterAnswerHandler> terminals)
    {
        var services = new ServiceCollection();
        IHttpClientBuilder Client(string name) => OverheadClients.Plain(services, name, () => terminals[name] = new LaterAnswerHandler());

        Client(Plain);
        Client(SlaKitHealthy).WithRegionFailover();
        Client(SlaKitOneLeft).WithRegionFailover(static options => options.BreakDuration = TimeSpan.FromDays(1));
        Client(Standard).AddStandardResilienceHandler();
        Client(Hedging).WithStandardHedging();
        return services.BuildServiceProvider();
    }

    private Task<int> SendAsync(string name) => SendAsync(name, HttpMethod.Get, CancellationToken.None);

    private async Task<int> SendAsync(string name, HttpMethod method, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, OverheadClients.RequestUri);
        Task<HttpResponseMessage> sending = _invokers[name].SendAsync(request, cancellationToken);
        _terminals[name].AnswerAll();
        using HttpResponseMessage response = await sending.ConfigureAwait(false);
        return (int)response.StatusCode;
    }
}
