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
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", refused));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
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
    public async Task A_black_holed_primary_costs_the_first_request_a_hedge_and_is_skipped_after_failures_to_mark_down()
    {
        await using var hole = new BlackHole();
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", hole.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.TotalTimeout = TimeSpan.FromSeconds(20);
            o.FailuresToMarkDown = 3;
        });

        var clock = Stopwatch.StartNew();
        using (HttpResponseMessage first = await client.Http.GetAsync("pay", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("b", first.Headers.GetValues("X-Region").Single());
        }

        // Hedged after 100 ms rather than after the 10 s attempt timeout.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the first request took {clock.ElapsedMilliseconds} ms");

        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);
            Assert.Equal("b", response.Headers.GetValues("X-Region").Single());
        }

        Assert.Equal(RegionHealth.Unhealthy, HealthOf(client, "a"));
        Assert.True(await Eventually.TrueAsync(() => hole.Accepted == 3, TimeSpan.FromSeconds(2), Ct), $"the hole accepted {hole.Accepted} connections");

        // Marked down: the next requests go straight to b without waiting for a hedge.
        clock.Restart();
        for (int i = 0; i < 5; i++)
        {
            using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);
            Assert.Equal("b", response.Headers.GetValues("X-Region").Single());
        }

        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(5 * 100), $"five requests after mark-down took {clock.ElapsedMilliseconds} ms: they waited for hedges");
        Assert.Equal(3, hole.Accepted);
        Assert.Equal(8, b.Count);
    }

    [Fact]
    public async Task Without_hedging_a_black_holed_primary_costs_the_attempt_timeout_until_it_is_marked_down()
    {
        await using var hole = new BlackHole();
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", hole.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
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
    public async Task A_get_whose_connection_drops_before_the_answer_fails_over()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Drop;
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
        });

        using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("b", response.Headers.GetValues("X-Region").Single());
        Assert.Equal(1, a.Count);
    }

    [Fact]
    public async Task Concurrent_gets_all_succeed_while_the_primary_is_black_holed()
    {
        await using var hole = new BlackHole();
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", hole.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
        });

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

        Assert.Equal(60, b.Count);
        Assert.Equal(RegionHealth.Unhealthy, HealthOf(client, "a"));
        // Only the first wave reached the hole; once it was marked down nothing more was sent there.
        Assert.InRange(hole.Accepted, 1, 20);
    }
}
