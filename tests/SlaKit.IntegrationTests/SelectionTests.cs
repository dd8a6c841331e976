using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>Which region a request goes to: active-active within a priority, latency-aware order, panic mode, max attempts.</summary>
public sealed class SelectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> GetAsync(FailoverClient client)
    {
        using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("X-Region").Single();
    }

    [Fact]
    public async Task Active_active_regions_of_one_priority_take_over_from_each_other()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using RegionServer standby = await RegionServer.StartAsync("standby");
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri));
            o.Regions.Add(new Region("standby", standby.BaseUri) { Priority = 1 });
        });

        for (int i = 0; i < 20; i++)
        {
            await GetAsync(client);
        }

        // Both share the traffic (1 in 2^19 that one gets none), the lower priority none.
        Assert.True(a.Count > 0 && b.Count > 0, $"a {a.Count}, b {b.Count}");
        Assert.Equal(0, standby.Count);

        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        var served = new List<string>();
        for (int i = 0; i < 20; i++)
        {
            served.Add(await GetAsync(client));
        }

        Assert.All(served, region => Assert.Equal("b", region));
        Assert.Equal(0, standby.Count);
    }

    [Fact]
    public async Task Latency_aware_selection_prefers_the_faster_region_of_a_priority()
    {
        await using RegionServer slow = await RegionServer.StartAsync("slow");
        await using RegionServer fast = await RegionServer.StartAsync("fast");
        slow.Behaviour = RegionServer.Slow(TimeSpan.FromMilliseconds(80));
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("slow", slow.BaseUri));
            o.Regions.Add(new Region("fast", fast.BaseUri));
            o.Selection = RegionSelectionMode.LatencyAware;
            o.Hedging = HedgingMode.Off;
        });

        // Unmeasured regions go first, so each is measured once; then the faster one is chosen.
        var served = new List<string>();
        for (int i = 0; i < 12; i++)
        {
            served.Add(await GetAsync(client));
        }

        Assert.Equal(1, slow.Count);
        Assert.All(served.Skip(2), region => Assert.Equal("fast", region));
    }

    [Fact]
    public async Task When_every_region_is_unhealthy_all_are_still_tried_in_priority_order()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        b.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.FailuresToMarkDown = 1;
            o.BreakDuration = TimeSpan.FromSeconds(30);
        });

        await Assert.ThrowsAsync<RegionFailoverException>(() => client.Http.GetAsync("pay", Ct));
        IRegionHealthMonitor monitor = client.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor(FailoverClient.Name);
        Assert.All(monitor.GetStatus(), s => Assert.Equal(RegionHealth.Unhealthy, s.Health));

        // Long before the break ends, a request still tries them, best first, rather than failing without trying.
        a.Behaviour = RegionServer.Healthy;
        Assert.Equal("a", await GetAsync(client));
        Assert.Equal(1, b.Count);

        // And goes on down the list.
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        b.Behaviour = RegionServer.Healthy;
        Assert.Equal("b", await GetAsync(client));
    }

    [Fact]
    public async Task Max_attempts_limits_the_regions_one_request_tries()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using RegionServer c = await RegionServer.StartAsync("c");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        b.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.Regions.Add(new Region("c", c.BaseUri) { Priority = 2 });
            o.MaxAttempts = 2;
        });

        RegionFailoverException failure = await Assert.ThrowsAsync<RegionFailoverException>(() => client.Http.GetAsync("pay", Ct));

        Assert.Equal(["a", "b"], failure.Outcomes.Select(o => o.Region.Name));
        Assert.Equal(0, c.Count);
    }
}
