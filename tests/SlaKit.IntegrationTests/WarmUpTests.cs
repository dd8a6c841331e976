using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>A failover client in a host opens a connection to every region, and learns its latency, before the first request.</summary>
public sealed class WarmUpTests : IDisposable
{
    private readonly X509Certificate2 _certificate = TestCertificate.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _certificate.Dispose();

    private IHost Host(Uri a, Uri b, Action<RegionFailoverOptions>? more = null, Func<DelegatingHandler>? below = null)
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddHttpClient(FailoverClient.Name, client => client.BaseAddress = new Uri("https://payments.invalid/"))
            .ConfigurePrimaryHttpMessageHandler(() => TestCertificate.TrustingHandler(_certificate))
            .AddRegionFailover(o =>
            {
                o.Regions.Add(new Region("a", a));
                o.Regions.Add(new Region("b", b) { Priority = 1 });
                more?.Invoke(o);
            });
        if (below is not null)
        {
            builder.Services.AddHttpClient(FailoverClient.Name).AddHttpMessageHandler(below);
        }

        return builder.Build();
    }

    private static HttpClient Http(IHost host) => host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(FailoverClient.Name);

    private static IRegionHealthMonitor Monitor(IHost host) =>
        host.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor(FailoverClient.Name);

    [Fact]
    public async Task A_far_primary_serves_every_request_from_the_first_when_the_host_warmed_it_up()
    {
        await using RegionServer a = await RegionServer.StartAsync("a", _certificate);
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);
        a.Behaviour = RegionServer.Slow(TimeSpan.FromMilliseconds(150));
        using IHost host = Host(a.BaseUri, b.BaseUri);

        await host.StartAsync(Ct);

        // Two HEADs each: one opened the connection, one measured a warm round trip.
        Assert.Equal(2, a.CountOf(HttpMethod.Head));
        Assert.Equal(2, b.CountOf(HttpMethod.Head));
        HttpClient http = Http(host);
        for (int i = 0; i < 10; i++)
        {
            using HttpResponseMessage response = await http.GetAsync("pay", Ct);
            Assert.Equal("a", response.Headers.GetValues("X-Region").Single());
        }

        Assert.Equal(0, b.CountOf(HttpMethod.Get));
        Assert.All(Monitor(host).GetStatus(), s => Assert.Equal(RegionHealth.Healthy, s.Health));
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_region_that_does_not_answer_the_warm_up_is_reported_and_the_host_starts_within_the_bound()
    {
        await using var hole = new BlackHole();
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);
        using IHost host = Host(hole.BaseUri, b.BaseUri, o => o.WarmUpTimeout = TimeSpan.FromMilliseconds(500));

        var clock = Stopwatch.StartNew();
        await host.StartAsync(Ct);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the host took {clock.ElapsedMilliseconds} ms to start");
        Assert.Equal(1, hole.Accepted);
        RegionStatus[] status = [.. Monitor(host).GetStatus()];
        Assert.Equal(RegionHealth.Degraded, status[0].Health);
        Assert.Equal(RegionHealth.Healthy, status[1].Health);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Warm_up_can_be_turned_off_and_sends_nothing_then()
    {
        await using RegionServer a = await RegionServer.StartAsync("a", _certificate);
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);
        using IHost host = Host(a.BaseUri, b.BaseUri, o => o.WarmUp = false);

        await host.StartAsync(Ct);

        Assert.Equal(0, a.Count);
        Assert.Equal(0, b.Count);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Warm_up_requests_go_to_the_configured_path_under_each_regions_base_path()
    {
        await using RegionServer a = await RegionServer.StartAsync("a", _certificate);
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);
        using IHost host = Host(new Uri(a.BaseUri, "eu/"), b.BaseUri, o => o.WarmUpPath = "health/ready");

        await host.StartAsync(Ct);

        Assert.All(a.Received, r => Assert.Equal(("HEAD", "/eu/health/ready"), (r.Method, r.PathAndQuery)));
        Assert.All(b.Received, r => Assert.Equal(("HEAD", "/health/ready"), (r.Method, r.PathAndQuery)));
        Assert.Equal(2, a.Count);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_handler_below_that_refuses_the_warm_up_neither_stops_the_host_nor_counts_against_the_region()
    {
        await using RegionServer a = await RegionServer.StartAsync("a", _certificate);
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);
        // Hedging off: with no warm-up answer to learn from, a cold first request over TLS on a busy machine can take longer
        // than the hedging floor, and the second region's answer would win; which region answers is what is checked here.
        using IHost host = Host(a.BaseUri, b.BaseUri, o => o.Hedging = HedgingMode.Off, below: () => new RefuseHead());

        await host.StartAsync(Ct);

        Assert.All(Monitor(host).GetStatus(), s => Assert.Equal(RegionHealth.Healthy, s.Health));
        using HttpResponseMessage response = await Http(host).GetAsync("pay", Ct);
        Assert.Equal("a", response.Headers.GetValues("X-Region").Single());
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_handler_below_that_blocks_its_thread_does_not_hold_up_the_hosts_start()
    {
        await using RegionServer a = await RegionServer.StartAsync("a", _certificate);
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);
        using var release = new ManualResetEventSlim();
        using IHost host = Host(a.BaseUri, b.BaseUri, o => o.WarmUpTimeout = TimeSpan.FromMilliseconds(200), below: () => new BlockHead(release));

        // The host starts while the handler still blocks: had the warm-up run on the starting thread, it would wait there.
        try
        {
            await Task.Run(() => host.StartAsync(Ct), Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
            Assert.False(release.IsSet);
        }
        finally
        {
            release.Set();
        }

        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Warm_up_requests_still_in_flight_at_the_bound_are_cancelled()
    {
        await using RegionServer a = await RegionServer.StartAsync("a", _certificate);
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);
        var hang = new HangHead();
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddHttpClient(FailoverClient.Name)
            .ConfigurePrimaryHttpMessageHandler(() => TestCertificate.TrustingHandler(_certificate))
            .AddRegionFailover(o =>
            {
                // Four regions, so that a request left running past the bound is all but certain to be seen.
                for (int i = 0; i < 4; i++)
                {
                    o.Regions.Add(new Region($"r{i}", i % 2 == 0 ? a.BaseUri : b.BaseUri) { Priority = i });
                }

                o.WarmUpTimeout = TimeSpan.FromMilliseconds(100);
            })
            .AddHttpMessageHandler(() => hang);
        using IHost host = builder.Build();

        await host.StartAsync(Ct);

        Assert.True(await Eventually.TrueAsync(() => hang.Started == 4 && hang.Cancelled == 4, TimeSpan.FromSeconds(5), Ct), $"of {hang.Started} warm-up requests, {hang.Started - hang.Cancelled} were never cancelled");
        await host.StopAsync(Ct);
    }

    /// <summary>A handler that blocks its thread for any HEAD until released, as a token fetched synchronously does.</summary>
    private sealed class BlockHead(ManualResetEventSlim release) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Head)
            {
                release.Wait(TestContext.Current.CancellationToken);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>A handler that holds any HEAD until its token is cancelled, as a black-holed region does, and counts both.</summary>
    private sealed class HangHead : DelegatingHandler
    {
        private int _started;
        private int _cancelled;

        public int Started => Volatile.Read(ref _started);

        public int Cancelled => Volatile.Read(ref _cancelled);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method != HttpMethod.Head)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            Interlocked.Increment(ref _started);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                Interlocked.Increment(ref _cancelled);
            }

            throw new InvalidOperationException("unreachable");
        }
    }

    /// <summary>A handler that throws for any HEAD, as a header-propagation handler does outside an incoming request.</summary>
    private sealed class RefuseHead : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.Method == HttpMethod.Head
                ? throw new InvalidOperationException("No incoming request to propagate headers from.")
                : base.SendAsync(request, cancellationToken);
    }
}
