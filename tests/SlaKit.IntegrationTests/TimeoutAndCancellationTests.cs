using System.Diagnostics;
using System.Net;
using System.Text;
using Polly.Timeout;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>When every region fails, the caller hears why within the total timeout; the caller's token stops everything at once.</summary>
public sealed class TimeoutAndCancellationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task All_regions_answering_503_throw_a_region_failover_exception_listing_each_region()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using RegionServer c = await RegionServer.StartAsync("c");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        b.Behaviour = RegionServer.Status(HttpStatusCode.InternalServerError);
        c.Behaviour = RegionServer.Status(HttpStatusCode.BadGateway);
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.Regions.Add(new Region("c", c.BaseUri) { Priority = 2 });
        });

        RegionFailoverException failure = await Assert.ThrowsAsync<RegionFailoverException>(() => client.Http.GetAsync("orders/7", Ct));

        Assert.Equal(FailoverClient.Name, failure.ClientName);
        Assert.Equal(["a", "b", "c"], failure.Outcomes.Select(o => o.Region.Name));
        Assert.All(failure.Outcomes, o => Assert.Equal(RegionAttemptOutcomeKind.TransientStatus, o.Kind));
        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway], failure.Outcomes.Select(o => o.StatusCode!.Value));
        Assert.Contains("a: 503 ServiceUnavailable", failure.Message, StringComparison.Ordinal);
        Assert.Contains("b: 500 InternalServerError", failure.Message, StringComparison.Ordinal);
        Assert.Contains("c: 502 BadGateway", failure.Message, StringComparison.Ordinal);
        Assert.Contains("/orders/7", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, a.Count);
        Assert.Equal(1, b.Count);
        Assert.Equal(1, c.Count);
    }

    [Fact]
    public async Task A_refused_and_a_black_holed_region_fail_within_the_total_timeout_with_each_error_inside()
    {
        await using var hole = new BlackHole();
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", RefusedPort.Create()));
            o.Regions.Add(new Region("b", hole.BaseUri) { Priority = 1 });
            o.AttemptTimeout = TimeSpan.FromMilliseconds(800);
            o.TotalTimeout = TimeSpan.FromSeconds(2);
        });

        var clock = Stopwatch.StartNew();
        RegionFailoverException failure = await Assert.ThrowsAsync<RegionFailoverException>(() => client.Http.GetAsync("pay", Ct));
        TimeSpan took = clock.Elapsed;

        Assert.True(took < TimeSpan.FromSeconds(2), $"failed after {took.TotalMilliseconds:F0} ms, beyond the total timeout of 2 s");
        Assert.True(took >= TimeSpan.FromMilliseconds(750), $"failed after {took.TotalMilliseconds:F0} ms, before b's attempt timeout");
        RegionAttemptOutcome refused = failure.Outcomes.Single(o => o.Region.Name == "a");
        RegionAttemptOutcome silent = failure.Outcomes.Single(o => o.Region.Name == "b");
        Assert.Equal(RegionAttemptOutcomeKind.TransportError, refused.Kind);
        Assert.Equal(HttpRequestError.ConnectionError, Assert.IsType<HttpRequestException>(refused.Exception).HttpRequestError);
        Assert.Equal(RegionAttemptOutcomeKind.Timeout, silent.Kind);
        Assert.IsType<TimeoutRejectedException>(silent.Exception);
        AggregateException inner = Assert.IsType<AggregateException>(failure.InnerException);
        Assert.Equal(2, inner.InnerExceptions.Count);
        Assert.Equal(1, hole.Accepted);
    }

    [Fact]
    public async Task The_total_timeout_ends_a_request_whose_regions_never_answer()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using RegionServer c = await RegionServer.StartAsync("c");
        a.Behaviour = RegionServer.Slow(TimeSpan.FromSeconds(10));
        b.Behaviour = RegionServer.Slow(TimeSpan.FromSeconds(10));
        c.Behaviour = RegionServer.Slow(TimeSpan.FromSeconds(10));
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.Regions.Add(new Region("c", c.BaseUri) { Priority = 2 });
            o.Hedging = HedgingMode.Off;
            o.AttemptTimeout = TimeSpan.FromMilliseconds(700);
            o.TotalTimeout = TimeSpan.FromMilliseconds(1000);
        });

        var clock = Stopwatch.StartNew();
        RegionFailoverException failure = await Assert.ThrowsAsync<RegionFailoverException>(() => client.Http.GetAsync("pay", Ct));
        TimeSpan took = clock.Elapsed;

        Assert.True(took >= TimeSpan.FromMilliseconds(950) && took < TimeSpan.FromMilliseconds(1800), $"failed after {took.TotalMilliseconds:F0} ms; the total timeout is 1 s");
        Assert.Contains("total timeout", failure.Message, StringComparison.Ordinal);
        Assert.Equal([RegionAttemptOutcomeKind.Timeout, RegionAttemptOutcomeKind.Cancelled], failure.Outcomes.Select(o => o.Kind));
        Assert.Equal(0, c.Count);
        Assert.True(await Eventually.TrueAsync(() => a.Aborted == 1 && b.Aborted == 1, TimeSpan.FromSeconds(3), Ct),
            $"attempts still running: a aborted {a.Aborted}, b aborted {b.Aborted}");
    }

    [Fact]
    public async Task The_total_timeout_also_bounds_hedged_attempts()
    {
        await using var holeA = new BlackHole();
        await using var holeB = new BlackHole();
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", holeA.BaseUri));
            o.Regions.Add(new Region("b", holeB.BaseUri) { Priority = 1 });
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.TotalTimeout = TimeSpan.FromSeconds(1);
        });

        var clock = Stopwatch.StartNew();
        RegionFailoverException failure = await Assert.ThrowsAsync<RegionFailoverException>(() => client.Http.GetAsync("pay", Ct));
        TimeSpan took = clock.Elapsed;

        Assert.True(took < TimeSpan.FromMilliseconds(1800), $"failed after {took.TotalMilliseconds:F0} ms; the total timeout is 1 s");
        Assert.Equal(["a", "b"], failure.Outcomes.Select(o => o.Region.Name).Order());
        Assert.All(failure.Outcomes, o => Assert.NotEqual(RegionAttemptOutcomeKind.Success, o.Kind));
    }

    [Fact]
    public async Task Cancelling_a_hedged_get_stops_every_attempt_at_once_and_sends_nothing_more()
    {
        await using var hole = new BlackHole();
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using RegionServer c = await RegionServer.StartAsync("c");
        b.Behaviour = RegionServer.Slow(TimeSpan.FromSeconds(10));
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", hole.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.Regions.Add(new Region("c", c.BaseUri) { Priority = 2 });
            o.Hedging = HedgingMode.Fixed;
            o.HedgingDelay = TimeSpan.FromMilliseconds(150);
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
        });

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task<HttpResponseMessage> sending = client.Http.GetAsync("pay", cancel.Token);
        Assert.True(await Eventually.TrueAsync(() => b.Count == 1, TimeSpan.FromSeconds(3), Ct), "the hedge to b never started");
        var clock = Stopwatch.StartNew();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500), $"cancellation took {clock.ElapsedMilliseconds} ms");
        Assert.True(await Eventually.TrueAsync(() => b.Aborted == 1, TimeSpan.FromSeconds(3), Ct), "b's attempt kept running after the caller cancelled");

        // Well past the next hedging delay: no further region is tried.
        await Task.Delay(TimeSpan.FromMilliseconds(400), Ct);
        Assert.Equal(0, c.Count);
        Assert.Equal(1, hole.Accepted);
        Assert.Equal(1, b.Count);
    }

    [Fact]
    public async Task Cancelling_a_post_within_its_regions_usual_latency_stops_it_and_tries_no_other_region()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Slow(TimeSpan.FromSeconds(10));
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.AttemptTimeout = TimeSpan.FromSeconds(5);

            // a has no latency of its own yet: the hedging delay is all it is judged by, and the caller gives up well within it.
            o.HedgingDelay = TimeSpan.FromSeconds(5);
        });

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task<HttpResponseMessage> sending = client.Http.PostAsync("pay", new StringContent("cancelled-1", Encoding.UTF8), cancel.Token);
        Assert.True(await Eventually.TrueAsync(() => a.Count == 1, TimeSpan.FromSeconds(3), Ct), "the POST never reached a");
        var clock = Stopwatch.StartNew();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500), $"cancellation took {clock.ElapsedMilliseconds} ms");
        Assert.True(await Eventually.TrueAsync(() => a.Aborted == 1, TimeSpan.FromSeconds(3), Ct), "a's attempt kept running after the caller cancelled");
        await Task.Delay(TimeSpan.FromMilliseconds(300), Ct);
        Assert.Equal(0, b.Count);
    }

    [Fact]
    public async Task A_cancelled_request_does_not_count_against_the_region()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Slow(TimeSpan.FromSeconds(10));
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.Hedging = HedgingMode.Off;
            o.HedgingDelay = TimeSpan.FromSeconds(5);
            o.FailuresToMarkDown = 1;
        });

        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            cancel.CancelAfter(TimeSpan.FromMilliseconds(200));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Http.GetAsync("pay", cancel.Token));
        }

        Assert.True(await Eventually.TrueAsync(() => a.Aborted == 1, TimeSpan.FromSeconds(3), Ct), "a's attempt kept running after the caller cancelled");
        Assert.Equal(RegionHealth.Healthy, client.Monitor.GetStatus().Single(s => s.Region.Name == "a").Health);

        a.Behaviour = RegionServer.Healthy;
        using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);
        Assert.Equal("a", response.Headers.GetValues("X-Region").Single());
        Assert.Equal(0, b.Count);
    }

    [Fact]
    public async Task A_post_cancelled_past_its_regions_usual_latency_runs_on_to_its_attempt_timeout_which_counts()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Slow(TimeSpan.FromSeconds(10));
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
        });

        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            cancel.CancelAfter(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Http.PostAsync("pay", new StringContent("impatient", Encoding.UTF8), cancel.Token));
        }

        // The caller has its cancellation at once; the attempt runs on (not aborted at the server) until its own timeout,
        // a failure of a's. Nothing is sent to b.
        Assert.Equal(0, a.Aborted);
        Assert.True(await Eventually.TrueAsync(() => a.Aborted == 1, TimeSpan.FromSeconds(5), Ct), "a's attempt never timed out");
        Assert.True(
            await Eventually.TrueAsync(() => client.Monitor.GetStatus().Single(s => s.Region.Name == "a").Health == RegionHealth.Degraded, TimeSpan.FromSeconds(5), Ct),
            "a's timeout was not held against it");
        Assert.Equal((1, 0), (a.Count, b.Count));
    }
}
