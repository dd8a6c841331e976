using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>A primary that does not answer at all: it refuses connections, or accepts them and never answers.</summary>
public sealed class TransportFailoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RegionHealth HealthOf(FailoverClient client, string region) =>
        client.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor(FailoverClient.Name)
            .GetStatus().Single(s => s.Region.Name == region).Health;

    [Theory]
    [InlineData(HedgingMode.Adaptive)]
    [InlineData(HedgingMode.Off)]
    public async Task A_refusing_primary_fails_every_get_over_at_once_and_is_marked_down(HedgingMode hedging)
    {
        Uri refused = RefusedPort.Create();
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = FailoverClient.ForTwoRegions(refused, b.BaseUri, o =>
        {
            o.Hedging = hedging;
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
        });

        var clock = Stopwatch.StartNew();
        using (HttpResponseMessage first = await client.Http.GetAsync("pay", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("b", first.Headers.GetValues("X-Region").Single());
        }

        // A refused connection is known at once: neither the attempt timeout nor (when hedging) a hedge is waited for.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the first request took {clock.ElapsedMilliseconds} ms");
        Assert.Equal(RegionHealth.Degraded, HealthOf(client, "a"));

        for (int i = 0; i < 4; i++)
        {
            using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);
            Assert.Equal("b", response.Headers.GetValues("X-Region").Single());
        }

        Assert.Equal(5, b.Count);
        Assert.Equal(RegionHealth.Unhealthy, HealthOf(client, "a"));
    }

    [Fact]
    public async Task A_primary_black_holed_after_serving_costs_one_request_a_hedge_and_is_down_once_that_attempt_times_out()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = FailoverClient.ForTwoRegions(a.BaseUri, b.BaseUri, o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(3);
        });
        await Requests.WarmUpAsync(client, 5, Ct);
        int before = a.Count;
        a.Behaviour = RegionServer.Silent;

        var clock = Stopwatch.StartNew();
        await Requests.ServedByAsync(client, "b", 1, Ct);

        // Hedged after the 100 ms floor, not after the attempt timeout; and the region is overdue at once: far behind
        // its own usual latency while b answered within its own. (On a loaded machine b's answer may itself be slow,
        // and then the race judges nobody: a second request is given the chance.)
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the first request took {clock.ElapsedMilliseconds} ms");
        if (HealthOf(client, "a") != RegionHealth.Degraded)
        {
            await Requests.ServedByAsync(client, "b", 1, Ct);
        }

        Assert.Equal(RegionHealth.Degraded, HealthOf(client, "a"));
        int reached = a.Count;
        Assert.InRange(reached - before, 1, 2);

        // Nothing more goes to a, so nobody waits for a hedge.
        await Requests.ServedByAsync(client, "b", 5, Ct);
        Assert.Equal(reached, a.Count);

        // Its late attempt then times out: the lateness was real, and the region is down.
        Assert.True(await Eventually.TrueAsync(() => HealthOf(client, "a") == RegionHealth.Unhealthy, TimeSpan.FromSeconds(5), Ct));
        await Requests.ServedByAsync(client, "b", 3, Ct);
        Assert.Equal(reached, a.Count);
    }

    [Fact]
    public async Task A_black_holed_primary_that_comes_back_gets_its_traffic_back_though_callers_disposed_their_requests()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = FailoverClient.ForTwoRegions(a.BaseUri, b.BaseUri, o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.BreakDuration = TimeSpan.FromMilliseconds(500);
            o.FailbackDelay = TimeSpan.Zero;
        });

        async Task<string> SendAsync()
        {
            // As an application does: its request is disposed as soon as it has the answer, while a late attempt may
            // still be sending it.
            using var request = new HttpRequestMessage(HttpMethod.Get, "pay");
            using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);
            return response.Headers.GetValues("X-Region").Single();
        }

        await Requests.WarmUpAsync(client, 5, Ct);
        a.Behaviour = RegionServer.Silent;
        Assert.Equal("b", await SendAsync());
        Assert.True(await Eventually.TrueAsync(() => HealthOf(client, "a") == RegionHealth.Unhealthy, TimeSpan.FromSeconds(3), Ct));

        a.Behaviour = RegionServer.Healthy;
        bool back = await Eventually.TrueAsync(async () => await SendAsync() == "a", TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(10), Ct);

        // The first answers from a come from trials; two of them bring it back, and then it serves as before.
        Assert.True(back, $"a never served again; it is {HealthOf(client, "a")}");
        Assert.True(await Eventually.TrueAsync(async () => await SendAsync() == "a" && HealthOf(client, "a") == RegionHealth.Healthy,
            TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(10), Ct), $"a never became Healthy; it is {HealthOf(client, "a")}");
        Assert.Equal(["a", "a", "a"], [await SendAsync(), await SendAsync(), await SendAsync()]);
    }

    [Fact]
    public async Task A_primary_black_holed_from_the_start_is_deferred_after_the_cold_start_allowance_and_down_after_its_attempt_timeout()
    {
        await using var hole = new BlackHole();
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = FailoverClient.ForTwoRegions(hole.BaseUri, b.BaseUri, o =>
        {
            o.ColdStartAllowance = TimeSpan.FromMilliseconds(400);
            o.AttemptTimeout = TimeSpan.FromSeconds(2);
        });

        // A region that has never answered cannot be told from a cold one at first: its attempts are hedged, not judged.
        await Requests.ServedByAsync(client, "b", 1, Ct);
        Assert.Equal(RegionHealth.Healthy, HealthOf(client, "a"));

        // Once its silence outlasts the cold-start allowance it is overdue, and requests go straight to b.
        Assert.True(await Eventually.TrueAsync(() => HealthOf(client, "a") == RegionHealth.Degraded, TimeSpan.FromSeconds(2), Ct));
        int accepted = hole.Accepted;
        await Requests.ServedByAsync(client, "b", 5, Ct);
        Assert.Equal(accepted, hole.Accepted);

        // Then its attempt times out, and it is down.
        Assert.True(await Eventually.TrueAsync(() => HealthOf(client, "a") == RegionHealth.Unhealthy, TimeSpan.FromSeconds(4), Ct));
    }

    [Fact]
    public async Task Without_hedging_a_black_holed_primary_costs_the_attempt_timeout_until_it_is_marked_down()
    {
        await using var hole = new BlackHole();
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = FailoverClient.ForTwoRegions(hole.BaseUri, b.BaseUri, o =>
        {
            o.Hedging = HedgingMode.Off;
            o.AttemptTimeout = TimeSpan.FromMilliseconds(600);
            o.FailuresToMarkDown = 1;
        });

        var clock = Stopwatch.StartNew();
        using (HttpResponseMessage first = await client.Http.GetAsync("pay", Ct))
        {
            Assert.Equal("b", first.Headers.GetValues("X-Region").Single());
        }

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(550), $"the first request took only {clock.ElapsedMilliseconds} ms: it did not wait for the primary");

        clock.Restart();
        using (HttpResponseMessage second = await client.Http.GetAsync("pay", Ct))
        {
            Assert.Equal("b", second.Headers.GetValues("X-Region").Single());
        }

        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500), $"the second request took {clock.ElapsedMilliseconds} ms: the primary was not skipped");
        Assert.Equal(1, hole.Accepted);
    }

    [Fact]
    public async Task A_primary_whose_connections_are_never_made_is_left_at_the_connect_timeout_for_gets_and_posts_and_marked_down()
    {
        // Region a's address swallows every connection attempt (as a cut fibre swallows a SYN): the client's own
        // handler gives up at its ConnectTimeout, by cancelling, and no byte of any request ever reaches a.
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        int swallowed = 0;
        await using var client = new FailoverClient(
            o =>
            {
                o.Regions.Add(new Region("a", a.BaseUri));
                o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
                o.Hedging = HedgingMode.Off;
            },
            client: builder => builder.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromMilliseconds(300),
                ConnectCallback = async (context, cancellationToken) =>
                {
                    if (context.DnsEndPoint.Port == a.BaseUri.Port)
                    {
                        Interlocked.Increment(ref swallowed);
                        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                    }

                    var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                        return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            }));

        using (HttpResponseMessage get = await client.Http.GetAsync("pay", Ct))
        {
            Assert.Equal("b", get.Headers.GetValues("X-Region").Single());
        }

        Assert.Equal(RegionHealth.Degraded, HealthOf(client, "a"));

        // Not safe to repeat, yet certainly never sent: it goes on to b.
        using (HttpResponseMessage post = await client.Http.PostAsync("pay", new StringContent("{}"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
            Assert.Equal("b", post.Headers.GetValues("X-Region").Single());
        }

        Assert.Equal(RegionHealth.Unhealthy, HealthOf(client, "a"));
        Assert.Equal(2, swallowed);
        Assert.Equal(0, a.Count);
        Assert.Equal(2, b.Count);
    }

    [Fact]
    public async Task A_get_whose_connection_drops_before_the_answer_fails_over()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Drop;
        await using var client = FailoverClient.ForTwoRegions(a.BaseUri, b.BaseUri);

        using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("b", response.Headers.GetValues("X-Region").Single());
        Assert.Equal(1, a.Count);
    }

    [Fact]
    public async Task Concurrent_gets_all_succeed_while_the_primary_is_black_holed()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = FailoverClient.ForTwoRegions(a.BaseUri, b.BaseUri, o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
        });
        await Requests.WarmUpAsync(client, 5, Ct);
        int before = a.Count;
        a.Behaviour = RegionServer.Silent;

        async Task<HttpStatusCode> SendAsync(int i)
        {
            using HttpResponseMessage response = await client.Http.GetAsync($"pay/{i}", Ct);
            return response.StatusCode;
        }

        for (int wave = 0; wave < 3; wave++)
        {
            HttpStatusCode[] statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(SendAsync));
            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        }

        Assert.True(b.Count >= 60, $"b received {b.Count}");

        // Only the first wave reached the silent region; once it was overdue nothing more was sent there, and once
        // its late attempts timed out it was down.
        Assert.InRange(a.Count - before, 1, 20);
        Assert.True(await Eventually.TrueAsync(() => HealthOf(client, "a") == RegionHealth.Unhealthy, TimeSpan.FromSeconds(3), Ct));
    }
}
