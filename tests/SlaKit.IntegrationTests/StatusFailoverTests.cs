using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>A primary that answers, but with a transient status: 503 with and without Retry-After, 5xx, 408, 429.</summary>
public sealed class StatusFailoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Action<RegionFailoverOptions> TwoRegions(RegionServer a, RegionServer b, Action<RegionFailoverOptions>? more = null) => o =>
    {
        o.Regions.Add(new Region("a", a.BaseUri));
        o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
        more?.Invoke(o);
    };

    [Theory]
    [InlineData(HedgingMode.Adaptive)]
    [InlineData(HedgingMode.Off)]
    public async Task A_503_without_retry_after_fails_every_get_over_and_the_primary_is_skipped_once_marked_down(HedgingMode hedging)
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await using var client = new FailoverClient(TwoRegions(a, b, o =>
        {
            o.Hedging = hedging;
            o.FailuresToMarkDown = 3;
        }));

        for (int i = 0; i < 6; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"orders/{i}");
            using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("b", request.GetServedRegion());
            Assert.Equal("b", response.Headers.GetValues("X-Region").Single());
            Assert.Equal("ok", await response.Content.ReadAsStringAsync(Ct));
        }

        Assert.Equal(3, a.Count);
        Assert.Equal(6, b.Count);
        RegionStatus primary = client.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor(FailoverClient.Name).GetStatus()[0];
        Assert.Equal(RegionHealth.Unhealthy, primary.Health);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Retry_after_keeps_the_region_out_until_it_expires(HttpStatusCode status)
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(status, retryAfterSeconds: 1);
        // Five failures to mark it down: what keeps the region out here is Retry-After alone.
        await using var client = new FailoverClient(TwoRegions(a, b, o => o.FailuresToMarkDown = 5));

        var clock = Stopwatch.StartNew();
        using (HttpResponseMessage first = await client.Http.GetAsync("pay", Ct))
        {
            Assert.Equal("b", first.Headers.GetValues("X-Region").Single());
        }

        a.Behaviour = RegionServer.Healthy;

        TimeSpan? backAt = null;
        int sent = 1;
        bool back = await Eventually.TrueAsync(
            async () =>
            {
                using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                sent++;
                if (response.Headers.GetValues("X-Region").Single() != "a")
                {
                    return false;
                }

                backAt = clock.Elapsed;
                return true;
            },
            interval: TimeSpan.FromMilliseconds(50),
            within: TimeSpan.FromSeconds(4),
            Ct);

        Assert.True(back, "the region never came back after its Retry-After");
        Assert.True(sent > 3, $"only {sent} requests were sent: the region was not kept out");
        // Every request before expiry went to b alone: a received the 503'd request and the one it served.
        Assert.Equal(2, a.Count);
        Assert.Equal(sent - 1, b.Count);
        Assert.True(backAt!.Value >= TimeSpan.FromMilliseconds(950),
            $"the region came back after {backAt.Value.TotalMilliseconds:F0} ms, before its Retry-After of 1 s expired");
    }

    [Fact]
    public async Task Retry_after_is_capped_by_max_retry_after()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable, retryAfterSeconds: 3600);
        await using var client = new FailoverClient(TwoRegions(a, b, o =>
        {
            o.FailuresToMarkDown = 5;
            o.MaxRetryAfter = TimeSpan.FromMilliseconds(500);
        }));

        using (HttpResponseMessage first = await client.Http.GetAsync("pay", Ct))
        {
            Assert.Equal("b", first.Headers.GetValues("X-Region").Single());
        }

        a.Behaviour = RegionServer.Healthy;
        bool back = await Eventually.TrueAsync(
            async () =>
            {
                using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);
                return response.Headers.GetValues("X-Region").Single() == "a";
            },
            interval: TimeSpan.FromMilliseconds(50),
            within: TimeSpan.FromSeconds(3),
            Ct);

        Assert.True(back, "an hour's Retry-After was not capped at MaxRetryAfter");
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Other_transient_statuses_fail_a_get_over(HttpStatusCode status)
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(status);
        await using var client = new FailoverClient(TwoRegions(a, b));

        using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("b", response.Headers.GetValues("X-Region").Single());
        Assert.Equal(1, a.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Conflict)]
    public async Task A_non_transient_status_is_the_regions_answer_and_no_other_region_is_asked(HttpStatusCode status)
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(status);
        await using var client = new FailoverClient(TwoRegions(a, b));

        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("a", response.Headers.GetValues("X-Region").Single());
        }

        Assert.Equal(3, a.Count);
        Assert.Equal(0, b.Count);
        Assert.Equal(RegionHealth.Healthy, client.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor(FailoverClient.Name).GetStatus()[0].Health);
    }

    [Fact]
    public async Task A_healthy_primary_serves_alone()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = new FailoverClient(TwoRegions(a, b));

        for (int i = 0; i < 5; i++)
        {
            using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);
            Assert.Equal("a", response.Headers.GetValues("X-Region").Single());
        }

        Assert.Equal(5, a.Count);
        Assert.Equal(0, b.Count);
    }
}
