using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Probes;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests.Probes;

/// <summary>Probes steer a real failover client: a region that stops answering leaves rotation, and comes back.</summary>
public sealed class ProbedFailoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A region whose API and health endpoint both hang while it is "dead", as a region behind a cut fibre does.</summary>
    private static void Killable(RegionServer server, Func<bool> dead) => server.Behaviour = async context =>
    {
        if (dead())
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }

            return;
        }

        await RegionServer.Healthy(context);
    };

    private static IHost Host(RegionServer a, RegionServer b, Action<RegionFailoverOptions>? failover = null, Action<IServiceCollection>? more = null, TimeSpan? interval = null, TimeSpan? timeout = null)
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHttpClient("payments", c => c.BaseAddress = new Uri("http://payments.invalid/"))
            .AddRegionFailover(o =>
            {
                o.Regions.Add(new Region("a", a.BaseUri));
                o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
                o.FailbackDelay = TimeSpan.FromMilliseconds(500);
                failover?.Invoke(o);
            })
            .AddRegionProbes(p =>
            {
                p.Interval = interval ?? TimeSpan.FromMilliseconds(200);
                p.Timeout = timeout ?? TimeSpan.FromMilliseconds(200);
            });
        more?.Invoke(builder.Services);
        return builder.Build();
    }

    private static int ApiRequests(RegionServer server) => server.Received.Count(static r => r.PathAndQuery.StartsWith("/api", StringComparison.Ordinal));

    [Theory]
    [InlineData(200, 200)]
    [InlineData(1000, 1000)] // the defaults
    public async Task A_region_that_stops_answering_is_taken_out_by_probes_and_then_gets_no_traffic_until_it_recovers(int intervalMs, int timeoutMs)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var timeout = TimeSpan.FromMilliseconds(timeoutMs);
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        bool dead = false;
        Killable(a, () => Volatile.Read(ref dead));
        using IHost host = Host(a, b, o => o.Hedging = HedgingMode.Off, interval: interval, timeout: timeout);
        await host.StartAsync(Ct);
        HttpClient http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("payments");
        IRegionHealthMonitor monitor = host.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor("payments");

        using HttpResponseMessage before = await http.GetAsync("api/balance", Ct);
        Assert.Equal("a", before.Headers.GetValues("X-Region").Single());

        // Kill region a. With hedging off, only the probes can notice: no request is sent while it is dead.
        var clock = Stopwatch.StartNew();
        Volatile.Write(ref dead, true);
        Assert.True(await Eventually.TrueAsync(() => monitor.GetStatus()[0].Health == RegionHealth.Unhealthy, TimeSpan.FromSeconds(5), Ct), "the probes did not take region a down");
        TimeSpan outOfRotation = clock.Elapsed;
        int apiAtDown = ApiRequests(a);

        for (int i = 0; i < 20; i++)
        {
            using HttpResponseMessage response = await http.GetAsync($"api/balance/{i}", Ct);
            Assert.Equal("b", response.Headers.GetValues("X-Region").Single());
        }

        Assert.Equal(apiAtDown, ApiRequests(a));

        // At most interval × failures to mark down (2) + the probe timeout, each interval stretched by up to the
        // default ±10% jitter; 500 ms of slack for a busy machine.
        TimeSpan bound = (interval * 1.1 * 2) + timeout;
        TestContext.Current.TestOutputHelper?.WriteLine($"interval {intervalMs} ms, timeout {timeoutMs} ms: out of rotation after {outOfRotation.TotalMilliseconds:F0} ms (bound {bound.TotalMilliseconds:F0} ms)");
        Assert.True(outOfRotation <= bound + TimeSpan.FromMilliseconds(500), $"out of rotation only after {outOfRotation.TotalMilliseconds} ms, bound {bound.TotalMilliseconds} ms");

        // Revive it: two good probes, then the failback delay, and traffic returns.
        Volatile.Write(ref dead, false);
        Assert.True(await Eventually.TrueAsync(
            async () =>
            {
                using HttpResponseMessage response = await http.GetAsync("api/balance/back", Ct);
                return response.Headers.GetValues("X-Region").Single() == "a";
            },
            TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(15), Ct), "traffic did not return to region a");

        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Regions_that_speak_only_http2_are_probed_over_http2_and_stay_in_rotation()
    {
        // A gRPC service's endpoint over cleartext: HTTP/2 by prior knowledge, nothing else; the client says so.
        await using RegionServer a = await RegionServer.StartAsync("a", protocols: HttpProtocols.Http2);
        await using RegionServer b = await RegionServer.StartAsync("b", protocols: HttpProtocols.Http2);
        using IHost host = Host(a, b, o => o.WarmUpVersion = HttpVersion.Version20, services => services.AddHttpClient("payments").ConfigureHttpClient(http =>
        {
            http.DefaultRequestVersion = HttpVersion.Version20;
            http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }));
        await host.StartAsync(Ct);
        HttpClient http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("payments");
        IRegionHealthMonitor monitor = host.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor("payments");

        bool probed = await Eventually.TrueAsync(() => a.Received.Count(static r => r.PathAndQuery == "/health") >= 3, TimeSpan.FromSeconds(10), Ct);

        Assert.True(probed, $"region a's probes never reached it; a is {monitor.GetStatus()[0].Health}");
        Assert.Equal(RegionHealth.Healthy, monitor.GetStatus()[0].Health);
        using HttpResponseMessage response = await http.GetAsync("api/balance", Ct);
        Assert.Equal("a", response.Headers.GetValues("X-Region").Single());
        Assert.Equal(HttpVersion.Version20, response.Version);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Region_health_checks_report_through_the_health_check_service()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        bool dead = false;
        Killable(a, () => Volatile.Read(ref dead));
        using IHost host = Host(a, b, more: services => services.AddHealthChecks().AddRegionHealthChecks());
        await host.StartAsync(Ct);
        HealthCheckService checks = host.Services.GetRequiredService<HealthCheckService>();

        Assert.True(await Eventually.TrueAsync(async () => (await checks.CheckHealthAsync(Ct)).Status == HealthStatus.Healthy, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(20), Ct));
        Volatile.Write(ref dead, true);
        HealthReport report = null!;
        Assert.True(await Eventually.TrueAsync(
            async () =>
            {
                report = await checks.CheckHealthAsync(Ct);
                return Equals(report.Entries["slakit-regions-payments"].Data["a"], "Unhealthy");
            },
            TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(20), Ct), "region a was not reported Unhealthy");

        HealthReportEntry entry = report.Entries["slakit-regions-payments"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Equal("Healthy", entry.Data["b"]);
        Assert.Contains("slakit", entry.Tags);

        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Bad_probe_options_stop_the_host_at_start()
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHttpClient("payments")
            .AddRegionFailover(o => o.Regions.Add(new Region("a", new Uri("http://127.0.0.1:1/"))))
            .AddRegionProbes(p => p.Interval = TimeSpan.Zero);
        using IHost host = builder.Build();

        OptionsValidationException exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains("Interval", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Regions_over_https_with_a_private_certificate_are_probed_through_the_clients_own_handler()
    {
        using X509Certificate2 certificate = TestCertificate.Create();
        await using RegionServer a = await RegionServer.StartAsync("a", certificate);
        await using RegionServer b = await RegionServer.StartAsync("b", certificate);
        using IHost host = Host(a, b, o => o.WarmUp = false, more: services => services.AddHttpClient("payments")
            .ConfigurePrimaryHttpMessageHandler(() => TestCertificate.TrustingHandler(certificate)));
        await host.StartAsync(Ct);
        IRegionHealthMonitor monitor = host.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor("payments");

        // A probe with a pool of its own would fail every handshake on the certificate no public CA signed, and take
        // both regions down; through the client's handler, each region's health endpoint answers.
        Assert.True(await Eventually.TrueAsync(
            () => a.Received.Count(static r => r.PathAndQuery == "/health") >= 3 && b.Received.Count(static r => r.PathAndQuery == "/health") >= 3,
            TimeSpan.FromSeconds(10), Ct), "the health endpoints were not probed");
        Assert.All(monitor.GetStatus(), static status => Assert.Equal(RegionHealth.Healthy, status.Health));

        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Probes_a_factory_makes_are_disposed_with_the_host()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        var made = new List<DisposableProbe>();
        using (IHost host = Host(a, b, o => o.WarmUp = false, more: services => services.AddHttpClient("payments").AddRegionProbes(p => p.ProbeFactory = (_, _) =>
        {
            var probe = new DisposableProbe();
            lock (made)
            {
                made.Add(probe);
            }

            return probe;
        })))
        {
            await host.StartAsync(Ct);
            await host.StopAsync(Ct);
            Assert.Equal(2, made.Count);
            Assert.DoesNotContain(made, static probe => probe.Disposed);
        }

        Assert.All(made, static probe => Assert.True(probe.Disposed));
    }

    private sealed class DisposableProbe : IHealthProbe, IAsyncDisposable
    {
        public bool Disposed { get; private set; }

        public ValueTask<HealthProbeResult> ProbeAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(HealthProbeResult.Healthy(TimeSpan.Zero, "ok"));

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
