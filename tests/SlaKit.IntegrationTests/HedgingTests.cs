using System.Diagnostics;
using System.Net;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>A slow primary: requests that are safe to repeat are hedged to the next region, and the loser is cancelled.</summary>
public sealed class HedgingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
    public async Task A_slow_primary_loses_to_the_hedge_and_its_attempt_is_cancelled(HedgingMode hedging)
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Slow(TimeSpan.FromSeconds(10));
        await using var client = new FailoverClient(TwoRegions(a, b, o => o.Hedging = hedging));

        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Get, "orders/7");
        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("b", request.GetServedRegion());
        Assert.Equal("ok", await response.Content.ReadAsStringAsync(Ct));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the hedged request took {clock.ElapsedMilliseconds} ms");
        Assert.Equal(1, a.Count);
        Assert.Equal(1, b.Count);
        Assert.True(await Eventually.TrueAsync(() => a.Aborted == 1, TimeSpan.FromSeconds(3), Ct), "the slow attempt was not cancelled");
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
        await using var client = new FailoverClient(TwoRegions(a, b, o => o.Regions.Add(new Region("c", c.BaseUri) { Priority = 2 })));

        var clock = Stopwatch.StartNew();
        using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);

        Assert.Equal("c", response.Headers.GetValues("X-Region").Single());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.ElapsedMilliseconds} ms");
        Assert.True(await Eventually.TrueAsync(() => a.Aborted == 1 && b.Aborted == 1, TimeSpan.FromSeconds(3), Ct),
            $"losers not cancelled: a {a.Aborted}, b {b.Aborted}");
    }

    [Fact]
    public async Task A_slow_primary_is_marked_down_after_losing_failures_to_mark_down_hedges_and_then_skipped()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Slow(TimeSpan.FromSeconds(10));
        await using var client = new FailoverClient(TwoRegions(a, b));

        for (int i = 0; i < 6; i++)
        {
            using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);
            Assert.Equal("b", response.Headers.GetValues("X-Region").Single());
        }

        Assert.Equal(2, a.Count);
        Assert.Equal(6, b.Count);
    }

    [Fact]
    public async Task The_winners_body_streams_to_the_caller_after_the_loser_is_cancelled()
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
        await using var client = new FailoverClient(TwoRegions(a, b));

        using var request = new HttpRequestMessage(HttpMethod.Get, "files/7");
        using HttpResponseMessage response = await client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.True(await Eventually.TrueAsync(() => a.Aborted == 1, TimeSpan.FromSeconds(3), Ct), "the slow attempt was not cancelled");
        byte[] received = await response.Content.ReadAsByteArrayAsync(Ct);

        Assert.Equal("b", request.GetServedRegion());
        Assert.Equal(body, received);
    }
}
