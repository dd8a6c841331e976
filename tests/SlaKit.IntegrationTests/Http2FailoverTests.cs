using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>
/// Regions over HTTPS spoken as production speaks them, HTTP/2 as well as HTTP/1.1: every request to a region shares one
/// HTTP/2 connection, where HTTP/1.1 gives each request in flight a connection of its own.
/// </summary>
public sealed class Http2FailoverTests : IDisposable
{
    private readonly X509Certificate2 _certificate = TestCertificate.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _certificate.Dispose();

    private static RegionHealth HealthOf(FailoverClient client, string region) =>
        client.Monitor.GetStatus().Single(s => s.Region.Name == region).Health;

    private FailoverClient Client(Uri a, Uri b, Version version, Action<RegionFailoverOptions> more) => new(
        o =>
        {
            o.Regions.Add(new Region("a", a));
            o.Regions.Add(new Region("b", b) { Priority = 1 });
            more(o);
        },
        client: builder => builder
            .ConfigurePrimaryHttpMessageHandler(() => TestCertificate.TrustingHandler(_certificate))
            .ConfigureHttpClient(http =>
            {
                http.DefaultRequestVersion = version;
                http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
            }));

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task A_region_whose_open_connections_went_silent_gets_its_traffic_back_over_a_new_connection(string version)
    {
        await using RegionServer server = await RegionServer.StartAsync("a", _certificate);
        await using var a = new FreezingProxy(server.BaseUri);
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);
        await using FailoverClient client = Client(a.BaseUri, b.BaseUri, Version.Parse(version), o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(2);
            o.BreakDuration = TimeSpan.FromMilliseconds(500);
            o.FailbackDelay = TimeSpan.Zero;
        });

        async Task<string> SendAsync()
        {
            using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Version.Parse(version), response.Version);
            return response.Headers.GetValues("X-Region").Single();
        }

        await Requests.WarmUpAsync(client, 5, Ct);
        Assert.Equal("a", await SendAsync());

        // The connections to a lose their way (a load balancer's flow state gone, the instance behind them hung); the
        // region itself is fine, and a new connection reaches it.
        a.FreezeExisting();
        Assert.Equal("b", await SendAsync());
        Assert.True(await Eventually.TrueAsync(() => HealthOf(client, "a") == RegionHealth.Unhealthy, TimeSpan.FromSeconds(10), Ct),
            $"a is {HealthOf(client, "a")}");

        // Its trials find that out as soon as they are made on a connection that works.
        int connections = a.Connections;
        bool back = await Eventually.TrueAsync(async () => await SendAsync() == "a", TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(20), Ct);
        Assert.True(back, $"a never served again; it is {HealthOf(client, "a")}, and {a.Connections - connections} new connections were made to it");
    }

    [Fact]
    public async Task A_standby_region_reached_only_by_its_probes_gets_a_new_connection_when_its_http2_connection_goes_silent()
    {
        await using RegionServer a = await RegionServer.StartAsync("a", _certificate);
        await using RegionServer server = await RegionServer.StartAsync("b", _certificate);
        await using var b = new FreezingProxy(server.BaseUri);
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHttpClient(FailoverClient.Name, c => c.BaseAddress = new Uri("http://payments.invalid/"))
            .AddRegionFailover(o =>
            {
                o.Regions.Add(new Region("a", a.BaseUri));
                o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
                o.WarmUpVersion = HttpVersion.Version20; // the probes' version too
                o.FailbackDelay = TimeSpan.Zero;
                o.AttemptTimeout = TimeSpan.FromSeconds(1); // the silence that closes a connection
            })
            .AddRegionProbes(p =>
            {
                p.Interval = TimeSpan.FromMilliseconds(200);
                p.Timeout = TimeSpan.FromMilliseconds(500);
            })
            .ConfigurePrimaryHttpMessageHandler(() => TestCertificate.TrustingHandler(_certificate))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan); // no rotation of the handler to drop a dead connection
        using IHost host = builder.Build();
        IRegionHealthMonitor monitor = host.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor(FailoverClient.Name);
        var changes = new List<RegionHealth>();
        monitor.HealthChanged += (_, e) =>
        {
            if (e.Region.Name == "b")
            {
                lock (changes)
                {
                    changes.Add(e.Current);
                }
            }
        };
        RegionHealth[] ChangesOfB()
        {
            lock (changes)
            {
                return [.. changes];
            }
        }

        await host.StartAsync(Ct);

        // Nothing but the probes (and the warm-up) ever reaches b, over one HTTP/2 connection.
        Assert.True(await Eventually.TrueAsync(() => b.Connections == 1 && server.Received.Count >= 3, TimeSpan.FromSeconds(10), Ct));
        b.FreezeExisting();

        // Once probes have had no answer on it for an attempt timeout, the connection is closed, and the next probe reaches
        // b over a new one.
        bool back = await Eventually.TrueAsync(
            () => ChangesOfB() is [.., RegionHealth.Degraded or RegionHealth.Unhealthy, RegionHealth.Healthy],
            TimeSpan.FromSeconds(10),
            Ct);
        Assert.True(back, $"b went {string.Join(", ", ChangesOfB())} over {b.Connections} connections");
        Assert.True(b.Connections > 1);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task An_attempt_timing_out_on_an_http2_connection_that_still_delivers_leaves_the_other_streams_on_it_alone()
    {
        const int Chunks = 60;
        await using RegionServer a = await RegionServer.StartAsync("a", _certificate);
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);
        await using FailoverClient client = Client(a.BaseUri, b.BaseUri, HttpVersion.Version20, o => o.AttemptTimeout = TimeSpan.FromSeconds(2));
        await Requests.WarmUpAsync(client, 5, Ct);

        // A download that keeps coming in, a chunk every 100 ms, for longer than the attempt timeout.
        a.Behaviour = RegionServer.StreamAt("/download", async context =>
        {
            await context.Response.StartAsync(context.RequestAborted);
            for (int i = 0; i < Chunks; i++)
            {
                await context.Response.Body.WriteAsync(new byte[] { (byte)'x' }, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(TimeSpan.FromMilliseconds(100), context.RequestAborted);
            }
        });
        using HttpResponseMessage download = await client.Http.GetAsync("download", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal("a", download.Headers.GetValues("X-Region").Single());
        Task<byte[]> body = download.Content.ReadAsByteArrayAsync(Ct);

        // Meanwhile a request that a does not answer: b serves it, and a's attempt times out on the same connection.
        using (HttpResponseMessage hedged = await client.Http.GetAsync("pay", Ct))
        {
            Assert.Equal("b", hedged.Headers.GetValues("X-Region").Single());
        }

        // Its stream is reset when the attempt times out.
        Assert.True(await Eventually.TrueAsync(() => a.Aborted >= 1, TimeSpan.FromSeconds(10), Ct), "a's late attempt never ended");
        Assert.False(body.IsCompletedSuccessfully, "the download had ended before the attempt timed out: nothing was shown");

        // The connection was not silent, so it was not closed under the download.
        Assert.Equal(Chunks, (await body).Length);
    }

    [Fact]
    public async Task A_quiet_stream_on_an_http2_connection_whose_handler_pings_outlives_another_requests_attempt_timeout_on_it()
    {
        await using RegionServer a = await RegionServer.StartAsync("a", _certificate);
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);

        // The application's own keep-alive PINGs, which SlaKit leaves to it: one after a second without a frame.
        await using var client = new FailoverClient(
            o =>
            {
                o.Regions.Add(new Region("a", a.BaseUri));
                o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
                o.AttemptTimeout = TimeSpan.FromSeconds(3);
            },
            client: builder => builder
                .ConfigurePrimaryHttpMessageHandler(() =>
                {
                    SocketsHttpHandler handler = TestCertificate.TrustingHandler(_certificate);
                    handler.KeepAlivePingDelay = TimeSpan.FromSeconds(1);
                    handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests;
                    return handler;
                })
                .ConfigureHttpClient(http =>
                {
                    http.DefaultRequestVersion = HttpVersion.Version20;
                    http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
                }));
        await Requests.WarmUpAsync(client, 5, Ct);

        // An event stream (server-sent events, a gRPC server stream): one event, then nothing for 5 s, then another.
        a.Behaviour = RegionServer.StreamAt("/events", async context =>
        {
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.WriteAsync("x"u8.ToArray(), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
            await context.Response.Body.WriteAsync("y"u8.ToArray(), context.RequestAborted);
        });
        using HttpResponseMessage events = await client.Http.GetAsync("events", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal("a", events.Headers.GetValues("X-Region").Single());
        Stream stream = await events.Content.ReadAsStreamAsync(Ct);
        byte[] first = new byte[1];
        Assert.Equal(1, await stream.ReadAsync(first, Ct));

        // A request a does not answer: b serves it, and a's attempt times out at 3 s on the connection the stream is on,
        // which carried no frame of its own meanwhile but the acknowledgements of the handler's PINGs.
        using (HttpResponseMessage hedged = await client.Http.GetAsync("pay", Ct))
        {
            Assert.Equal("b", hedged.Headers.GetValues("X-Region").Single());
        }

        Assert.True(await Eventually.TrueAsync(() => a.Aborted >= 1, TimeSpan.FromSeconds(10), Ct), "a's late attempt never ended");
        using var rest = new MemoryStream();
        await stream.CopyToAsync(rest, Ct);
        Assert.Equal("y", System.Text.Encoding.ASCII.GetString(rest.ToArray()));
    }

    [Fact]
    public async Task A_post_sent_while_an_http2_region_shuts_down_gracefully_is_processed_once_and_the_request_in_flight_finishes()
    {
        await using RegionServer a = await RegionServer.StartAsync("a", _certificate);
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);
        await using FailoverClient client = Client(a.BaseUri, b.BaseUri, HttpVersion.Version20, o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.Hedging = HedgingMode.Off;
        });
        await Requests.WarmUpAsync(client, 3, Ct);
        a.Behaviour = context => context.Request.Path.Value?.EndsWith("/long", StringComparison.Ordinal) == true
            ? RegionServer.Slow(TimeSpan.FromSeconds(2))(context)
            : RegionServer.Healthy(context);

        // A request in flight on the connection keeps it open while a shuts down: a sends GOAWAY on it (RFC 9113 §6.8).
        Task<HttpResponseMessage> inFlight = client.Http.GetAsync("long", Ct);
        Assert.True(await Eventually.TrueAsync(() => a.Received.Any(static r => r.PathAndQuery == "/long"), TimeSpan.FromSeconds(10), Ct));
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Task stopping = a.StopAsync(grace.Token);
        Assert.True(await Eventually.TrueAsync(() => !Accepts(a.BaseUri), TimeSpan.FromSeconds(10), Ct), "a still takes connections");

        using (HttpResponseMessage post = await client.Http.PostAsync("pay", new StringContent("{}"), Ct))
        {
            // Either a took it before it stopped taking streams, or it never processed it (above the GOAWAY's last stream,
            // or refused) and it went on to b although it is not safe to repeat: either way it succeeds, processed once.
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
            string served = post.Headers.GetValues("X-Region").Single();
            Assert.Equal(served == "a" ? (1, 0) : (0, 1), (a.CountOf(HttpMethod.Post), b.CountOf(HttpMethod.Post)));
        }

        using (HttpResponseMessage finished = await inFlight)
        {
            Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
            Assert.Equal("a", finished.Headers.GetValues("X-Region").Single());
        }

        await stopping;
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task A_post_to_a_region_whose_certificate_is_not_trusted_goes_on_to_the_next_because_it_was_never_sent(string version)
    {
        using X509Certificate2 stranger = TestCertificate.Create();
        await using RegionServer a = await RegionServer.StartAsync("a", stranger);
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);
        await using FailoverClient client = Client(a.BaseUri, b.BaseUri, Version.Parse(version), _ => { });

        using HttpResponseMessage response = await client.Http.PostAsync("pay", new StringContent("{}"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Version.Parse(version), response.Version);
        Assert.Equal("b", response.Headers.GetValues("X-Region").Single());
        Assert.Equal(0, a.Count);
    }

    [Theory]
    [InlineData("1.1", true)]
    [InlineData("2.0", true)]
    [InlineData("1.1", false)] // the connect timeout the failover gives a handler left without one
    [InlineData("2.0", false)]
    public async Task A_post_to_a_region_whose_tls_handshake_never_ends_goes_on_to_the_next_at_the_connect_timeout(string version, bool ownConnectTimeout)
    {
        await using var hole = new BlackHole();
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);
        var a = new UriBuilder(hole.BaseUri) { Scheme = Uri.UriSchemeHttps }.Uri;
        await using var client = new FailoverClient(
            o =>
            {
                o.Regions.Add(new Region("a", a));
                o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
                o.AttemptTimeout = TimeSpan.FromSeconds(5);
                o.ColdStartAllowance = TimeSpan.FromMilliseconds(500);
            },
            client: builder => builder
                .ConfigurePrimaryHttpMessageHandler(() =>
                {
                    SocketsHttpHandler handler = TestCertificate.TrustingHandler(_certificate);
                    if (ownConnectTimeout)
                    {
                        handler.ConnectTimeout = TimeSpan.FromMilliseconds(500);
                    }

                    return handler;
                })
                .ConfigureHttpClient(http =>
                {
                    http.DefaultRequestVersion = Version.Parse(version);
                    http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
                }));

        using HttpResponseMessage response = await client.Http.PostAsync("pay", new StringContent("{}"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("b", response.Headers.GetValues("X-Region").Single());
        Assert.Equal(1, hole.Accepted);
    }

    private static bool Accepts(Uri uri)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        try
        {
            socket.Connect(IPAddress.Loopback, uri.Port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
