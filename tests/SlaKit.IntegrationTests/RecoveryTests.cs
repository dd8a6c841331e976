using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>
/// A primary that comes back: after the break a trial request tries it, it waits on standby for the failback
/// delay, then serves again; and a primary that flaps does not bounce traffic.
/// </summary>
public sealed class RecoveryTests
{
    private static readonly TimeSpan Break = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Failback = TimeSpan.FromSeconds(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IRegionHealthMonitor Monitor(FailoverClient client) =>
        client.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor(FailoverClient.Name);

    private static async Task<string> GetAsync(FailoverClient client)
    {
        using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("X-Region").Single();
    }

    private static async Task<FailoverClient> MarkedDownAsync(RegionServer a, RegionServer b)
    {
        var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.BreakDuration = Break;
            o.FailbackDelay = Failback;
            o.FailuresToMarkDown = 2;
            o.SuccessesToMarkUp = 2;
        });

        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("b", await GetAsync(client));
        Assert.Equal("b", await GetAsync(client));
        Assert.Equal(RegionHealth.Unhealthy, Monitor(client).GetStatus()[0].Health);
        return client;
    }

    [Fact]
    public async Task A_recovered_primary_is_tried_after_the_break_waits_on_standby_for_the_failback_delay_then_serves_again()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using FailoverClient client = await MarkedDownAsync(a, b);
        var clock = Stopwatch.StartNew();
        a.Behaviour = RegionServer.Healthy;

        // Trials (GETs that go to a first, hedged) bring it up after SuccessesToMarkUp successes; it is then on standby.
        bool standby = await Eventually.TrueAsync(
            async () =>
            {
                await GetAsync(client);
                RegionStatus status = Monitor(client).GetStatus()[0];
                return status is { Health: RegionHealth.Healthy, IsStandby: true };
            },
            interval: TimeSpan.FromMilliseconds(50),
            within: TimeSpan.FromSeconds(4),
            Ct);
        Assert.True(standby, "the recovered primary never went on standby");
        var standbyClock = Stopwatch.StartNew();
        Assert.True(clock.Elapsed >= Break - TimeSpan.FromMilliseconds(50), $"the primary was back after {clock.ElapsedMilliseconds} ms, within the break");
        Assert.Equal(4, a.Count);

        // On standby: traffic stays on b.
        Assert.Equal("b", await GetAsync(client));
        Assert.Equal(4, a.Count);

        // After the failback delay a serves again.
        bool failedBack = await Eventually.TrueAsync(
            async () => await GetAsync(client) == "a",
            interval: TimeSpan.FromMilliseconds(50),
            within: TimeSpan.FromSeconds(4),
            Ct);
        Assert.True(failedBack, "traffic never went back to the primary");
        Assert.True(standbyClock.Elapsed >= Failback - TimeSpan.FromMilliseconds(200),
            $"traffic went back {standbyClock.ElapsedMilliseconds} ms after standby began, within the failback delay of {Failback.TotalMilliseconds} ms");
        RegionStatus back = Monitor(client).GetStatus()[0];
        Assert.Equal(RegionHealth.Healthy, back.Health);
        Assert.False(back.IsStandby);
        Assert.Equal("a", await GetAsync(client));
    }

    [Fact]
    public async Task A_failed_trial_keeps_the_primary_down_and_costs_the_caller_nothing()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using FailoverClient client = await MarkedDownAsync(a, b);

        // Still failing: a trial after each break, each one failing over to b at once; no other request reaches a.
        int sent = 0;
        bool tried = await Eventually.TrueAsync(
            async () =>
            {
                Assert.Equal("b", await GetAsync(client));
                sent++;
                return a.Count == 3;
            },
            interval: TimeSpan.FromMilliseconds(50),
            within: TimeSpan.FromSeconds(3),
            Ct);

        Assert.True(tried, "no trial reached the primary after the break");
        Assert.True(sent > 1, "the first request after mark-down was a trial: the break was not kept");
        Assert.Equal("b", await GetAsync(client));
        Assert.Equal(3, a.Count);
        Assert.Equal(RegionHealth.Unhealthy, Monitor(client).GetStatus()[0].Health);
    }

    [Fact]
    public async Task A_post_is_never_a_trial()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using FailoverClient client = await MarkedDownAsync(a, b);
        a.Behaviour = RegionServer.Healthy;

        // Past the break a trial is due, but a request that is not safe to repeat must not be the one to find out.
        await Task.Delay(Break + TimeSpan.FromMilliseconds(100), Ct);
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage response = await client.Http.PostAsync("pay", new StringContent($"p{i}", Encoding.UTF8), Ct);
            Assert.Equal("b", response.Headers.GetValues("X-Region").Single());
        }

        Assert.Equal(2, a.Count);

        // A GET may be the trial: it reaches a, whichever region then answers the caller first.
        await GetAsync(client);
        Assert.True(await Eventually.TrueAsync(() => a.Count == 3, TimeSpan.FromSeconds(2), Ct), $"a received {a.Count} requests: the GET was no trial");
    }

    [Fact]
    public async Task A_slow_but_healthy_primary_recovers_through_trials_the_caller_never_waits_for_even_without_hedging()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        var slow = TimeSpan.FromMilliseconds(600);
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.Hedging = HedgingMode.Off;
            o.BreakDuration = Break;
            o.FailbackDelay = Failback;
        });
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("b", await GetAsync(client));
        Assert.Equal("b", await GetAsync(client));
        Assert.Equal(RegionHealth.Unhealthy, Monitor(client).GetStatus()[0].Health);

        a.Behaviour = RegionServer.Slow(slow);
        TimeSpan longest = TimeSpan.Zero;
        bool recovered = await Eventually.TrueAsync(
            async () =>
            {
                var clock = Stopwatch.StartNew();
                Assert.Equal("b", await GetAsync(client));
                longest = clock.Elapsed > longest ? clock.Elapsed : longest;
                return Monitor(client).GetStatus()[0] is { Health: RegionHealth.Healthy, IsStandby: true };
            },
            interval: TimeSpan.FromMilliseconds(50),
            within: TimeSpan.FromSeconds(5),
            Ct);

        Assert.True(recovered, "the trials never brought the slow primary back");
        Assert.True(longest < slow - TimeSpan.FromMilliseconds(100), $"a request took {longest.TotalMilliseconds:F0} ms: the caller waited on a trial");
        Assert.Equal(4, a.Count);
    }

    [Fact]
    public async Task A_flapping_primary_is_taken_out_by_its_circuit_breaker_and_traffic_does_not_bounce()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        int calls = 0;
        // Fails every other request: never FailuresToMarkDown in a row, but half of everything.
        a.Behaviour = context =>
        {
            bool fail = Interlocked.Increment(ref calls) % 2 == 1;
            return fail ? RegionServer.Status(HttpStatusCode.ServiceUnavailable)(context) : RegionServer.Healthy(context);
        };
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.CircuitBreakerMinimumThroughput = 4;
            o.CircuitBreakerFailureRatio = 0.5;
            o.BreakDuration = TimeSpan.FromSeconds(30);
        });

        var served = new List<string>();
        for (int i = 0; i < 20; i++)
        {
            served.Add(await GetAsync(client));
        }

        Assert.Equal(RegionHealth.Unhealthy, Monitor(client).GetStatus()[0].Health);
        Assert.True(a.Count <= 6, $"a received {a.Count} requests: the breaker did not take it out");
        Assert.All(served.Skip(a.Count), region => Assert.Equal("b", region));
    }

    [Fact]
    public async Task A_primary_flapping_under_steady_traffic_fails_no_get()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.BreakDuration = Break;
            o.FailbackDelay = TimeSpan.FromMilliseconds(300);
        });

        Func<Microsoft.AspNetCore.Http.HttpContext, Task>[] phases =
        [
            RegionServer.Status(HttpStatusCode.ServiceUnavailable),
            RegionServer.Healthy,
            RegionServer.Drop,
            RegionServer.Healthy,
            RegionServer.Slow(TimeSpan.FromSeconds(5)),
            RegionServer.Healthy,
        ];
        var clock = Stopwatch.StartNew();
        int requests = 0;
        var servedBy = new HashSet<string>();
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            a.Behaviour = phases[(int)(clock.ElapsedMilliseconds / 500) % phases.Length];
            servedBy.Add(await GetAsync(client));
            requests++;
            await Task.Delay(10, Ct);
        }

        Assert.True(requests >= 20, $"only {requests} requests in 3 s");
        Assert.Contains("b", servedBy);
    }
}
