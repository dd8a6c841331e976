using System.Diagnostics;
using System.Net;
using SlaKit.Benchmarks.Failover;

namespace SlaKit.Benchmarks.Tests;

/// <summary>The proxy in front of a real Kestrel region on 127.0.0.1, in each of its modes.</summary>
public sealed class FaultProxyTests : IAsyncLifetime
{
    private LoopbackRegion _region = null!;

    public async ValueTask InitializeAsync() => _region = await LoopbackRegion.StartAsync("primary");

    public async ValueTask DisposeAsync() => await _region.DisposeAsync();

    private FaultProxy Proxy(Func<int, TimeSpan>? slowDelay = null) =>
        new(new IPEndPoint(IPAddress.Loopback, _region.BaseUri.Port)) { SlowDelay = slowDelay ?? (static _ => TimeSpan.Zero) };

    private static HttpClient ClientOf(FaultProxy proxy) =>
        new(new SocketsHttpHandler()) { BaseAddress = new Uri($"http://127.0.0.1:{proxy.EndPoint.Port}/") };

    [Fact]
    public async Task Passing_relays_the_regions_answers_on_one_connection()
    {
        await using FaultProxy proxy = Proxy();
        using HttpClient client = ClientOf(proxy);

        string first = await client.GetStringAsync("a", TestContext.Current.CancellationToken);
        string second = await client.GetStringAsync("b", TestContext.Current.CancellationToken);

        Assert.Equal("{\"region\":\"primary\"}", first);
        Assert.Equal(first, second);
        Assert.Equal(2, proxy.Requests);
        Assert.Equal(1, proxy.Connections);
    }

    [Fact]
    public async Task In_503_mode_the_proxy_answers_503_itself_on_open_connections_too()
    {
        await using FaultProxy proxy = Proxy();
        using HttpClient client = ClientOf(proxy);
        using HttpResponseMessage before = await client.GetAsync("a", TestContext.Current.CancellationToken);

        proxy.Mode = ProxyMode.Status503;
        using HttpResponseMessage during = await client.GetAsync("a", TestContext.Current.CancellationToken);
        proxy.Mode = ProxyMode.Pass;
        using HttpResponseMessage after = await client.GetAsync("a", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Refusing_closes_the_port_and_resets_open_connections()
    {
        await using FaultProxy proxy = Proxy();
        using HttpClient client = ClientOf(proxy);
        using HttpResponseMessage before = await client.GetAsync("a", TestContext.Current.CancellationToken);

        proxy.Mode = ProxyMode.Refuse;
        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("a", TestContext.Current.CancellationToken));

        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
    }

    [Fact]
    public async Task Leaving_refuse_listens_again_on_the_same_port()
    {
        await using FaultProxy proxy = Proxy();
        proxy.Mode = ProxyMode.Refuse;
        proxy.Mode = ProxyMode.Pass;
        using HttpClient client = ClientOf(proxy);

        using HttpResponseMessage response = await client.GetAsync("a", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_black_hole_reads_the_request_and_never_answers()
    {
        await using FaultProxy proxy = Proxy();
        proxy.Mode = ProxyMode.BlackHole;
        using HttpClient client = ClientOf(proxy);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        giveUp.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync("a", giveUp.Token));

        Assert.Equal(1, proxy.Requests);
        Assert.Equal(1, proxy.Connections);
    }

    [Fact]
    public async Task Slow_mode_delays_each_request_by_its_own_delay()
    {
        await using FaultProxy proxy = Proxy(static n => TimeSpan.FromMilliseconds(n == 1 ? 300 : 0));
        proxy.Mode = ProxyMode.Slow;
        using HttpClient client = ClientOf(proxy);

        long started = Stopwatch.GetTimestamp();
        await client.GetStringAsync("a", TestContext.Current.CancellationToken);
        await client.GetStringAsync("b", TestContext.Current.CancellationToken);

        // A lower bound only: the second request waited about its delay (a timer may fire a tick before the stopwatch
        // says the delay is over, so the bound leaves 10 ms).
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(290), $"{elapsed.TotalMilliseconds} ms");
        Assert.Equal(2, proxy.Requests);
    }
}
