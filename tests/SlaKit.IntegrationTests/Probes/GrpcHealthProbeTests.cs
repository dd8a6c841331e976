using System.Buffers.Binary;
using System.Security.Cryptography.X509Certificates;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SlaKit.Regions;
using SlaKit.IntegrationTests.Grpc;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Probes;

namespace SlaKit.IntegrationTests.Probes;

/// <summary>
/// <see cref="GrpcHealthProbe"/> against Grpc.HealthCheck's own health service on a real Kestrel gRPC server, and against
/// answers made by hand (HTTP/2 without TLS on 127.0.0.1) for what that service never sends.
/// </summary>
public sealed class GrpcHealthProbeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(HealthCheckResponse.Types.ServingStatus.Serving, ProbeStatus.Healthy, "SERVING")]
    [InlineData(HealthCheckResponse.Types.ServingStatus.NotServing, ProbeStatus.Unhealthy, "NOT_SERVING")]
    [InlineData(HealthCheckResponse.Types.ServingStatus.Unknown, ProbeStatus.Unhealthy, "UNKNOWN")]
    public async Task A_service_is_healthy_only_while_it_is_serving(HealthCheckResponse.Types.ServingStatus serving, ProbeStatus expected, string detail)
    {
        await using GrpcRegionServer server = await GrpcRegionServer.StartAsync("a");
        server.Health!.SetStatus("slakit.tests.Payments", serving);
        using var probe = new GrpcHealthProbe(server.BaseUri, "slakit.tests.Payments");

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal((expected, detail), (result.Status, result.Detail));
    }

    [Fact]
    public async Task The_server_as_a_whole_is_asked_for_with_an_empty_service_name()
    {
        await using GrpcRegionServer server = await GrpcRegionServer.StartAsync("a");
        using var probe = new GrpcHealthProbe(server.BaseUri);

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Healthy, result.Status);
        Assert.True(result.Latency > TimeSpan.Zero);
    }

    [Fact]
    public async Task An_unknown_service_is_unhealthy_with_the_status_named()
    {
        await using GrpcRegionServer server = await GrpcRegionServer.StartAsync("a");
        using var probe = new GrpcHealthProbe(server.BaseUri, "no.such.Service");

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.StartsWith("gRPC status NOT_FOUND", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_without_the_health_service_is_unhealthy_as_unimplemented()
    {
        await using GrpcRegionServer server = await GrpcRegionServer.StartAsync("a", withHealth: false);
        using var probe = new GrpcHealthProbe(server.BaseUri);

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.StartsWith("gRPC status UNIMPLEMENTED", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_server_is_unhealthy_as_a_transport_error()
    {
        using var probe = new GrpcHealthProbe(RefusedPort.Create());

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.StartsWith("a transport error", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silent_server_is_unhealthy_within_the_timeout()
    {
        await using var hole = new BlackHole();
        using var probe = new GrpcHealthProbe(hole.BaseUri, timeout: TimeSpan.FromMilliseconds(300));

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.Equal("no answer within 0.3s", result.Detail);
    }

    [Fact]
    public async Task Over_tls_with_a_trusted_certificate_the_probe_is_healthy()
    {
        using X509Certificate2 certificate = TestCertificate.Create();
        await using GrpcRegionServer server = await GrpcRegionServer.StartAsync("a", certificate);
        using var probe = new GrpcHealthProbe(server.BaseUri, TestCertificate.TrustingHandler(certificate), disposeHandler: true);

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal((Uri.UriSchemeHttps, ProbeStatus.Healthy), (server.BaseUri.Scheme, result.Status));
    }

    [Fact]
    public async Task A_redirect_to_another_host_is_not_followed()
    {
        await using GrpcRegionServer other = await GrpcRegionServer.StartAsync("other");
        await using WebApplication redirecting = await StartAsync(RedirectTo(other));
        using var probe = new GrpcHealthProbe(BaseUri(redirecting));

        HealthProbeResult result = await probe.ProbeAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        // The server probed is not a gRPC server at all; the other host, which would answer SERVING, is never asked.
        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.StartsWith("HTTP 307 ", result.Detail, StringComparison.Ordinal);
        Assert.Contains($": redirected to {other.BaseUri}grpc.health.v1.Health/Check, not followed", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_followed_by_a_handler_that_follows_redirects_is_not_healthy()
    {
        await using GrpcRegionServer other = await GrpcRegionServer.StartAsync("other");
        await using WebApplication redirecting = await StartAsync(RedirectTo(other));
        using var probe = new GrpcHealthProbe(BaseUri(redirecting), new SocketsHttpHandler { AllowAutoRedirect = true }, disposeHandler: true);

        HealthProbeResult result = await probe.ProbeAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.StartsWith("the answer came from " + other.BaseUri, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_without_a_grpc_status_is_not_healthy()
    {
        // A SERVING message, but the stream ends with no grpc-status at all.
        await using WebApplication server = await StartAsync(Answer([0x08, 0x01], withStatus: false));
        using var probe = new GrpcHealthProbe(BaseUri(server));

        HealthProbeResult result = await probe.ProbeAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal((ProbeStatus.Unhealthy, "no grpc-status in the answer's headers or trailers"), (result.Status, result.Detail));
    }

    [Theory]
    [InlineData(new byte[] { 0x08, 0x01, 0x15, 0x01, 0x02, 0x03, 0x04 })]
    [InlineData(new byte[] { 0x15, 0x01, 0x02, 0x03, 0x04, 0x08, 0x01 })]
    [InlineData(new byte[] { 0x08, 0x01, 0x11, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 })]
    [InlineData(new byte[] { 0x11, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x08, 0x01 })]
    public async Task An_unknown_fixed32_or_fixed64_field_in_a_serving_answer_is_skipped(byte[] message)
    {
        // HealthCheckResponse { status = SERVING } with a field 2 of wire type 5 (4 bytes) or 1 (8 bytes), after or
        // before the status, as a newer server might add.
        await using WebApplication server = await StartAsync(Answer(message));
        using var probe = new GrpcHealthProbe(BaseUri(server));

        HealthProbeResult result = await probe.ProbeAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal((ProbeStatus.Healthy, "SERVING"), (result.Status, result.Detail));
    }

    [Fact]
    public async Task An_answer_of_more_than_4096_bytes_is_not_healthy()
    {
        await using WebApplication atTheLimit = await StartAsync(Answer(ServingWithPadding(4096)));
        await using WebApplication overTheLimit = await StartAsync(Answer(ServingWithPadding(4097)));
        using var probeAtTheLimit = new GrpcHealthProbe(BaseUri(atTheLimit));
        using var probeOverTheLimit = new GrpcHealthProbe(BaseUri(overTheLimit));

        HealthProbeResult at = await probeAtTheLimit.ProbeAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        HealthProbeResult over = await probeOverTheLimit.ProbeAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal((ProbeStatus.Healthy, "SERVING"), (at.Status, at.Detail));
        Assert.Equal((ProbeStatus.Unhealthy, "an answer of more than 4096 bytes, not a grpc.health.v1.HealthCheckResponse"), (over.Status, over.Detail));

        // HealthCheckResponse { status = SERVING; field 2 = zeros }, framed in exactly bodyLength bytes: 5 of prefix, 2 of
        // status, 3 of field 2's key and two-byte length.
        static byte[] ServingWithPadding(int bodyLength)
        {
            int padding = bodyLength - 5 - 5;
            return [0x08, 0x01, 0x12, (byte)(0x80 | (padding & 0x7F)), (byte)(padding >> 7), .. new byte[padding]];
        }
    }

    [Fact]
    public void Arguments_are_checked()
    {
        Assert.Equal("target", Assert.Throws<ArgumentException>(() => new GrpcHealthProbe(new Uri("ftp://a.example/"))).ParamName);
        Assert.Equal("service", Assert.Throws<ArgumentNullException>(() => new GrpcHealthProbe(new Uri("http://a.example/"), null!)).ParamName);
        Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => new GrpcHealthProbe(new Uri("http://a.example/"), timeout: TimeSpan.Zero)).ParamName);
    }

    /// <summary>A 307 to the other server's health method, as a misrouted region or a proxy might answer.</summary>
    private static RequestDelegate RedirectTo(GrpcRegionServer other) => async context =>
    {
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
        context.Response.Headers.Location = new Uri(other.BaseUri, "grpc.health.v1.Health/Check").ToString();
    };

    /// <summary>Answers every call with <paramref name="message"/> in one uncompressed frame, then grpc-status 0 in the trailers unless told not to.</summary>
    private static RequestDelegate Answer(byte[] message, bool withStatus = true) => async context =>
    {
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        context.Response.ContentType = "application/grpc";
        byte[] frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)message.Length);
        message.CopyTo(frame, 5);
        await context.Response.Body.WriteAsync(frame, context.RequestAborted);
        if (withStatus)
        {
            context.Response.AppendTrailer("grpc-status", "0");
        }
    };

    private static Uri BaseUri(WebApplication app)
    {
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }

    /// <summary>A Kestrel server on 127.0.0.1 speaking HTTP/2 without TLS, answering every request with <paramref name="handler"/>.</summary>
    private static async Task<WebApplication> StartAsync(RequestDelegate handler)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        WebApplication app = builder.Build();
        app.Run(handler);
        await app.StartAsync(Ct);
        return app;
    }

    private static (int ExitCode, string Output, string Error) Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = SlaKit.Cli.SlaKitCli.Run(["probe", .. args], output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task The_command_line_probes_grpc_targets_with_the_same_exit_codes()
    {
        await using GrpcRegionServer server = await GrpcRegionServer.StartAsync("a");
        server.Health!.SetStatus("slakit.tests.Payments", HealthCheckResponse.Types.ServingStatus.NotServing);
        string authority = $"127.0.0.1:{server.BaseUri.Port}";

        (int healthy, string healthyOutput, _) = Cli($"grpc://{authority}");
        (int notServing, string notServingOutput, _) = Cli($"grpc://{authority}/slakit.tests.Payments");
        (int malformed, _, string malformedError) = Cli("grpc://127.0.0.1");

        Assert.Equal(0, healthy);
        Assert.Contains("Healthy", healthyOutput, StringComparison.Ordinal);
        Assert.Contains("SERVING", healthyOutput, StringComparison.Ordinal);
        Assert.Equal(1, notServing);
        Assert.Contains("NOT_SERVING", notServingOutput, StringComparison.Ordinal);
        Assert.Equal(2, malformed);
        Assert.Contains("grpc(s)://host:port[/service]", malformedError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plugged_into_the_region_probes_a_region_that_stops_serving_is_taken_out_before_calls_fail()
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpcClient<Payments.PaymentsClient>(o => o.Address = a.BaseUri)
            .AddRegionFailover(o =>
            {
                o.Regions.Add(new Region("a", a.BaseUri));
                o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            })
            .AddRegionProbes(p =>
            {
                p.Interval = TimeSpan.FromMilliseconds(100);
                p.Timeout = TimeSpan.FromMilliseconds(500);
                p.ProbeFactory = (_, region) => new GrpcHealthProbe(region.Endpoint, "slakit.tests.Payments");
            });
        using IHost host = builder.Build();
        a.Health!.SetStatus("slakit.tests.Payments", HealthCheckResponse.Types.ServingStatus.Serving);
        b.Health!.SetStatus("slakit.tests.Payments", HealthCheckResponse.Types.ServingStatus.Serving);
        await host.StartAsync(Ct);
        Payments.PaymentsClient client = host.Services.GetRequiredService<Payments.PaymentsClient>();
        IRegionHealthMonitor monitor = host.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor("PaymentsClient");
        Assert.Equal("a", (await client.ChargeAsync(new ChargeRequest { Id = "1" }, cancellationToken: Ct)).Region);

        // The service still answers calls, but says it is draining: the probes take the region out.
        a.Health.SetStatus("slakit.tests.Payments", HealthCheckResponse.Types.ServingStatus.NotServing);

        Assert.True(await Eventually.TrueAsync(
            () => monitor.GetStatus().Single(s => s.Region.Name == "a").Health == RegionHealth.Unhealthy, TimeSpan.FromSeconds(20), Ct),
            "the probes did not mark region a Unhealthy");
        Assert.Equal("b", (await client.ChargeAsync(new ChargeRequest { Id = "2" }, cancellationToken: Ct)).Region);
        await host.StopAsync(Ct);
    }
}
