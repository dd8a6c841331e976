using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>
/// A slow primary: requests that are safe to repeat are hedged to the next region, and the loser runs on within its
/// attempt timeout, so its answer (or its real failure) is what counts for its region.
/// </summary>
public sealed class HedgingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RegionHealth HealthOf(FailoverClient client, string region) =>
        client.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor(FailoverClient.Name)
            .GetStatus().Single(s => s.Region.Name == region).Health;

    private static Action<RegionFailoverOptions> TwoRegions(RegionServer a, RegionServer b, Action<RegionFailoverOptions>? more = null) => o =>
    {
        o.Regions.Add(new Region("a", a.BaseUri));
        o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
        o.AttemptTimeout = TimeSpan.FromSeconds(5);
        more?.Invoke(o);
    };

    [Theory]
    [InlineData(HedgingMode.Adaptive)]
    [InlineData(HedgingMode.Fixed)]
    public async Task A_slow_primary_loses_to_the_hedge_and_its_attempt_runs_on_until_its_attempt_timeout(HedgingMode hedging)
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Slow(TimeSpan.FromSeconds(10));
        await using var client = new FailoverClient(TwoRegions(a, b, o =>
        {
            o.Hedging = hedging;
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
        }));

        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Get, "orders/7");
        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("b", request.GetServedRegion());
        Assert.Equal("ok", await response.Content.ReadAsStringAsync(Ct));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the hedged request took {clock.ElapsedMilliseconds} ms");
        Assert.Equal(1, a.Count);
        Assert.Equal(1, b.Count);
        Assert.Equal(0, a.Aborted);
        Assert.Equal(RegionHealth.Healthy, HealthOf(client, "a"));

        // Its own attempt timeout ends it, and that timeout is the failure that counts.
        Assert.True(await Eventually.TrueAsync(() => a.Aborted == 1, TimeSpan.FromSeconds(3), Ct), "the slow attempt was not ended by its attempt timeout");
        Assert.True(await Eventually.TrueAsync(() => HealthOf(client, "a") == RegionHealth.Degraded, TimeSpan.FromSeconds(1), Ct));
        Assert.Equal(0, b.Aborted);
    }

    [Fact]
    public async Task A_primary_that_answers_within_the_hedging_delay_is_not_hedged()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Slow(TimeSpan.FromMilliseconds(50));
        await using var client = new FailoverClient(TwoRegions(a, b, o =>
        {
            o.Hedging = HedgingMode.Fixed;
            o.HedgingDelay = TimeSpan.FromSeconds(1);
        }));

        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);
            Assert.Equal("a", response.Headers.GetValues("X-Region").Single());
        }

        Assert.Equal(3, a.Count);
        Assert.Equal(0, b.Count);
    }

    [Fact]
    public async Task Without_hedging_a_slow_primary_is_waited_for()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Slow(TimeSpan.FromMilliseconds(400));
        await using var client = new FailoverClient(TwoRegions(a, b, o => o.Hedging = HedgingMode.Off));

        var clock = Stopwatch.StartNew();
        using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);

        Assert.Equal("a", response.Headers.GetValues("X-Region").Single());
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(350), $"took only {clock.ElapsedMilliseconds} ms");
        Assert.Equal(0, b.Count);
    }

    [Fact]
    public async Task The_hedge_goes_on_to_a_third_region_when_the_first_two_are_slow()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using RegionServer c = await RegionServer.StartAsync("c");
        a.Behaviour = RegionServer.Slow(TimeSpan.FromSeconds(10));
        b.Behaviour = RegionServer.Slow(TimeSpan.FromSeconds(10));
        await using var client = new FailoverClient(TwoRegions(a, b, o =>
        {
            o.Regions.Add(new Region("c", c.BaseUri) { Priority = 2 });
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
        }));

        var clock = Stopwatch.StartNew();
        using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);

        Assert.Equal("c", response.Headers.GetValues("X-Region").Single());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.ElapsedMilliseconds} ms");
        Assert.True(await Eventually.TrueAsync(() => a.Aborted == 1 && b.Aborted == 1, TimeSpan.FromSeconds(3), Ct),
            $"losers not ended by their attempt timeout: a {a.Aborted}, b {b.Aborted}");
    }

    [Fact]
    public async Task A_primary_slower_than_the_hedging_delay_keeps_its_place_once_it_has_learnt_its_latency()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Slow(TimeSpan.FromMilliseconds(150));
        var changes = new List<RegionHealthChangedEventArgs>();
        await using var client = new FailoverClient(TwoRegions(a, b));
        IRegionHealthMonitor monitor = client.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor(FailoverClient.Name);
        monitor.HealthChanged += (_, e) =>
        {
            lock (changes)
            {
                changes.Add(e);
            }
        };

        var served = new List<string>();
        for (int i = 0; i < 12; i++)
        {
            using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);
            served.Add(response.Headers.GetValues("X-Region").Single());
        }

        // Its first answers lose to the hedge (nothing to compare them with yet; the very first pays for the connection
        // and is not held against it) and are learnt all the same: from then on its hedging delay is 3 × its own p99.
        Assert.All(served.Skip(4), region => Assert.Equal("a", region));
        Assert.Equal(12, a.Count);
        Assert.InRange(b.Count, 0, 4);
        Assert.Empty(changes);
    }

    [Fact]
    public async Task The_winners_body_streams_to_the_caller_while_the_loser_runs_on()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        byte[] body = new byte[512 * 1024];
        new Random(7).NextBytes(body);
        a.Behaviour = RegionServer.Slow(TimeSpan.FromSeconds(10));
        b.Behaviour = async context =>
        {
            context.Response.ContentLength = body.Length;
            for (int offset = 0; offset < body.Length; offset += 64 * 1024)
            {
                await context.Response.Body.WriteAsync(body.AsMemory(offset, 64 * 1024), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        };
        await using var client = new FailoverClient(TwoRegions(a, b, o => o.AttemptTimeout = TimeSpan.FromSeconds(1)));

        using var request = new HttpRequestMessage(HttpMethod.Get, "files/7");
        using HttpResponseMessage response = await client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.True(await Eventually.TrueAsync(() => a.Aborted == 1, TimeSpan.FromSeconds(3), Ct), "the slow attempt was not ended by its attempt timeout");
        byte[] received = await response.Content.ReadAsByteArrayAsync(Ct);

        Assert.Equal("b", request.GetServedRegion());
        Assert.Equal(body, received);
    }
}
