using System.Net;
using System.Security.Cryptography.X509Certificates;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Probes;

namespace SlaKit.IntegrationTests.Probes;

public sealed class HttpProbeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_2xx_answer_is_healthy_with_its_latency_and_status()
    {
        await using RegionServer server = await RegionServer.StartAsync("a");
        using var probe = new HttpProbe(new Uri(server.BaseUri, "health"));

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Healthy, result.Status);
        Assert.Equal("200 OK", result.Detail);
        Assert.True(result.Latency > TimeSpan.Zero);
        Assert.Equal("/health", Assert.Single(server.Received).PathAndQuery);
    }

    [Fact]
    public async Task An_unexpected_status_is_unhealthy_and_expected_codes_are_configurable()
    {
        await using RegionServer server = await RegionServer.StartAsync("a");
        server.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        using var strict = new HttpProbe(new Uri(server.BaseUri, "health"));
        var accepting = new HttpProbeOptions();
        accepting.ExpectedStatusCodes.Add(503);
        using var lenient = new HttpProbe(new Uri(server.BaseUri, "health"), accepting);

        Assert.Equal((ProbeStatus.Unhealthy, "503 ServiceUnavailable"), Pair(await strict.ProbeAsync(Ct)));
        Assert.Equal(ProbeStatus.Healthy, (await lenient.ProbeAsync(Ct)).Status);
    }

    [Fact]
    public async Task A_redirect_on_the_same_host_is_followed_and_one_to_another_host_is_not()
    {
        await using RegionServer server = await RegionServer.StartAsync("a");
        await using RegionServer elsewhere = await RegionServer.StartAsync("b");
        server.Behaviour = context =>
        {
            if (context.Request.Path == "/health")
            {
                context.Response.Redirect("/health/live");
                return Task.CompletedTask;
            }

            if (context.Request.Path == "/away")
            {
                context.Response.Redirect(new Uri(elsewhere.BaseUri, "health").AbsoluteUri);
                return Task.CompletedTask;
            }

            return RegionServer.Healthy(context);
        };
        using var probe = new HttpProbe(new Uri(server.BaseUri, "health"));
        using var away = new HttpProbe(new Uri(server.BaseUri, "away"));

        HealthProbeResult followed = await probe.ProbeAsync(Ct);
        HealthProbeResult refused = await away.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Healthy, followed.Status);
        Assert.Equal(["/health", "/health/live", "/away"], server.Received.Select(static r => r.PathAndQuery));
        Assert.Equal(ProbeStatus.Unhealthy, refused.Status);
        Assert.Contains("redirected to another host", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(0, elsewhere.Count);
    }

    [Fact]
    public async Task A_hanging_endpoint_is_cut_off_at_the_timeout()
    {
        await using var hole = new BlackHole();
        using var probe = new HttpProbe(new Uri(hole.BaseUri, "health"), new HttpProbeOptions { Timeout = TimeSpan.FromMilliseconds(300) });

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.Equal("no answer within 0.3s", result.Detail);
        Assert.InRange(result.Latency, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_slow_but_good_answer_is_degraded_when_asked()
    {
        await using RegionServer server = await RegionServer.StartAsync("a");
        server.Behaviour = RegionServer.Slow(TimeSpan.FromMilliseconds(150));
        using var probe = new HttpProbe(new Uri(server.BaseUri, "health"), new HttpProbeOptions { DegradedLatency = TimeSpan.FromMilliseconds(50) });

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Degraded, result.Status);
        Assert.Contains("slower than", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_connection_is_unhealthy()
    {
        using var probe = new HttpProbe(new Uri(RefusedPort.Create(), "health"));

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.Contains("refused", result.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        Assert.Equal("target", Assert.Throws<ArgumentException>(() => new HttpProbe(new Uri("ftp://127.0.0.1/"))).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new HttpProbe(new Uri("http://127.0.0.1/"), new HttpProbeOptions { Timeout = TimeSpan.Zero })).ParamName);
    }

    [Fact]
    public async Task Where_quic_is_missing_an_http3_probe_of_an_https_region_speaks_what_tls_agrees()
    {
        // Required, HTTP/3 would fail every probe on a machine without libmsquic and hold a healthy region down.
        Assert.SkipWhen(HttpVersions.QuicAvailable, "QUIC is available here: HTTP/3 is required, and this region does not speak it.");
        using X509Certificate2 certificate = TestCertificate.Create();
        await using RegionServer server = await RegionServer.StartAsync("a", certificate);
        using var probe = new HttpProbe(
            new Uri(server.BaseUri, "health"), TestCertificate.TrustingHandler(certificate), disposeHandler: true, new HttpProbeOptions { Version = HttpVersion.Version30 });

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal((ProbeStatus.Healthy, "200 OK"), Pair(result));
        Assert.Equal(1, server.Count);
    }

    private static (ProbeStatus, string) Pair(HealthProbeResult result) => (result.Status, result.Detail);
}
