using System.Net;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>
/// The hedged race on the fake clock: region a's answers come when the test says, region b answers at once. Slower is
/// not dead: a loser runs on and its own outcome is what counts; lateness far past a region's own usual latency only
/// makes it overdue until that outcome is known.
/// </summary>
public sealed class HedgedRaceTests : HeldRegionTests
{
    private Task<HttpResponseMessage> Get() =>
        Invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);

    /// <summary>Gives region a a latency history: <paramref name="count"/> requests it answers after <paramref name="latency"/>.</summary>
    private async Task LearnAsync(int count, TimeSpan latency)
    {
        for (int i = 0; i < count; i++)
        {
            Task<HttpResponseMessage> sending = Get();
            Held held = await Terminal.NextHeldAsync();
            Time.Advance(latency);
            held.Answer(HttpStatusCode.OK);
            using HttpResponseMessage response = await sending;
            Assert.Equal("a", response.RequestMessage!.GetServedRegion());
        }
    }

    [Fact]
    public async Task A_loser_without_history_runs_on_and_its_late_answer_is_learnt_not_counted()
    {
        Task<HttpResponseMessage> sending = Get();
        Held a = await Terminal.NextHeldAsync();

        Time.Advance(TimeSpan.FromMilliseconds(100));
        using (HttpResponseMessage response = await sending)
        {
            Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        }

        Assert.False(a.Token.IsCancellationRequested);
        Assert.Equal(1, A.Lingering);

        Time.Advance(TimeSpan.FromMilliseconds(150));
        a.Answer(HttpStatusCode.OK);

        Until(() => A.Lingering == 0, "the late attempt ended");
        Assert.Equal(250, A.Latency.FirstMilliseconds);
        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
        Assert.Empty(Changes);
    }

    [Fact]
    public async Task After_one_answer_the_first_latency_sets_the_hedging_delay_capped_at_the_cold_start_allowance()
    {
        // The first request: a has nothing to go by, so it is hedged at the floor; its answer comes late, 1 s in.
        Task<HttpResponseMessage> sending = Get();
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(100));
        (await sending).Dispose();
        Time.Advance(TimeSpan.FromMilliseconds(900));
        a.Answer(HttpStatusCode.OK);
        Until(() => A.Lingering == 0, "the late attempt ended");
        Assert.Equal(1, Terminal.BRequests);

        // The next request waits 3 × 1 s, capped at the 2 s allowance, before asking b: not at the 100 ms floor, and not
        // at 3 s either.
        sending = Get();
        a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(1_999));
        Assert.Equal(1, Terminal.BRequests);
        Time.Advance(TimeSpan.FromMilliseconds(1));
        using (HttpResponseMessage response = await sending.WaitAsync(Wait, TestContext.Current.CancellationToken))
        {
            Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        }

        Assert.Equal(2, Terminal.BRequests);
        a.Answer(HttpStatusCode.OK);
        Until(() => A.Lingering == 0, "the late attempt ended");
    }

    [Fact]
    public async Task A_region_that_never_answered_is_overdue_only_after_the_cold_start_allowance_and_down_when_its_attempt_times_out()
    {
        Task<HttpResponseMessage> sending = Get();
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(100));
        (await sending).Dispose();

        Time.Advance(TimeSpan.FromMilliseconds(1_800));
        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
        Assert.Equal(["a", "b"], Client.Plan(allowTrial: false).Order.Select(static r => r.Region.Name));

        // 2 s after the attempt began: the cold-start allowance is spent.
        Time.Advance(TimeSpan.FromMilliseconds(200));
        Until(() => A.ViewAt(Time.GetUtcNow()).IsOverdue, "a was overdue");
        Assert.Equal(RegionHealth.Degraded, A.HealthAt(Time.GetUtcNow()));
        Assert.Equal(["b"], Client.Plan(allowTrial: false).Order.Select(static r => r.Region.Name));

        // The attempt timeout (5 s) ends it: a failure of its own, and the lateness with it.
        Time.Advance(TimeSpan.FromSeconds(3));
        Until(() => A.Lingering == 0, "the late attempt timed out");
        Assert.True(a.Token.IsCancellationRequested);
        Assert.Equal(RegionHealth.Unhealthy, A.HealthAt(Time.GetUtcNow()));
        Assert.Equal(("a", RegionHealth.Unhealthy, "it fell far behind its usual latency and then failed"), Changes[^1]);
    }

    [Fact]
    public async Task A_loser_far_behind_its_regions_usual_latency_makes_it_overdue_at_once_until_it_answers()
    {
        await LearnAsync(3, TimeSpan.FromMilliseconds(10));

        Task<HttpResponseMessage> sending = Get();
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(100));
        (await sending).Dispose();

        Assert.True(A.ViewAt(Time.GetUtcNow()).IsOverdue);
        Assert.Equal(RegionHealth.Degraded, A.HealthAt(Time.GetUtcNow()));
        Assert.Equal(["b"], Client.Plan(allowTrial: false).Order.Select(static r => r.Region.Name));
        Assert.StartsWith("it has not answered within 0.1s", Changes[^1].Reason, StringComparison.Ordinal);

        // It was slow, not dead: its answer clears it and is learnt.
        Time.Advance(TimeSpan.FromMilliseconds(400));
        a.Answer(HttpStatusCode.OK);
        Until(() => A.Lingering == 0, "the late attempt ended");
        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
        Assert.Equal(["a", "b"], Client.Plan(allowTrial: false).Order.Select(static r => r.Region.Name));
        Assert.Equal(500, A.Latency.P99Milliseconds);
    }

    [Theory]
    [InlineData(600, 150, 900)]     // far: 3 × 150 ms, and the 450 ms its first answer spent opening the connection
    [InlineData(300, 2, 100)]       // near, its first answer slowed by JIT: at most 3 × 2 ms more, under the 100 ms floor
    [InlineData(150, 150, 450)]     // no set-up seen: 3 × p99 alone
    [InlineData(5_000, 1_000, 5_000)] // a set-up of 4 s is allowed the 2 s cold-start allowance at most
    public void The_overdue_bound_allows_one_connection_set_up_of_at_most_three_p99s_never_under_the_floor(int firstMs, int p99Ms, int boundMs)
    {
        A.Latency.Record(TimeSpan.FromMilliseconds(firstMs));
        for (int i = 0; i < 20; i++)
        {
            A.Latency.Record(TimeSpan.FromMilliseconds(p99Ms));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(boundMs), Client.OverdueBound(A));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_far_region_on_a_new_connection_is_allowed_its_set_up_and_is_overdue_only_once_that_is_spent(bool silent)
    {
        // a is 150 ms away: its first answer paid TCP, TLS and the request (600 ms), the rest take one round trip. b is
        // 20 ms away. a's pooled connection has since been closed (idle, or the factory rotated its handler), so this
        // request pays the set-up again: hedged at 3 × 150 ms, b wins, and a's answer comes at 600 ms, not evidence of
        // anything. Its bound is 3 × p99 plus the set-up its first answer showed: 450 + 450 ms.
        A.Latency.Record(TimeSpan.FromMilliseconds(600));
        for (int i = 0; i < 20; i++)
        {
            A.Latency.Record(TimeSpan.FromMilliseconds(150));
            B.Latency.Record(TimeSpan.FromMilliseconds(20));
        }

        Terminal.BDelay = TimeSpan.FromMilliseconds(20);
        Task<HttpResponseMessage> sending = Get();
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(450));
        Until(() => Terminal.BWaiting == 1, "b was asked at 3 × a's p99");
        Time.Advance(TimeSpan.FromMilliseconds(20));
        using (HttpResponseMessage response = await sending)
        {
            Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        }

        Assert.False(A.ViewAt(Time.GetUtcNow()).IsOverdue);
        Time.Advance(TimeSpan.FromMilliseconds(130));
        if (!silent)
        {
            a.Answer(HttpStatusCode.OK);
            Until(() => A.Lingering == 0, "a's late answer was learnt");
            Assert.Empty(Changes);
            Assert.Equal(["a", "b"], Client.Plan(allowTrial: false).Order.Select(static r => r.Region.Name));
            return;
        }

        // Silent past the set-up allowance too: now it is overdue, and out of selection until it answers or times out.
        Time.Advance(TimeSpan.FromMilliseconds(299));
        Assert.False(A.ViewAt(Time.GetUtcNow()).IsOverdue);
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Until(() => A.ViewAt(Time.GetUtcNow()).IsOverdue, "a was overdue 900 ms in");
        Assert.Equal(("a", RegionHealth.Degraded), (Changes[^1].Region, Changes[^1].To));
        Assert.StartsWith("it has not answered within 0.9s", Changes[^1].Reason, StringComparison.Ordinal);
        a.Answer(HttpStatusCode.OK);
        Until(() => A.Lingering == 0, "a's late answer was learnt");
    }

    [Fact]
    public async Task A_loser_that_throws_what_no_attempt_expects_is_logged_and_its_region_not_judged_by_it()
    {
        Task<HttpResponseMessage> sending = Get();
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(100));
        (await sending).Dispose();

        // A handler below a's attempt fails in a way no attempt catches, after the request has moved on.
        a.Pending.SetException(new InvalidOperationException("refused a copy"));
        Until(() => A.Lingering == 0, "the late attempt ended");

        Microsoft.Extensions.Logging.Testing.FakeLogRecord record = Assert.Single(Logs.Collector.GetSnapshot(), r => r.Id.Id == 1010);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, record.Level);
        Assert.Equal("refused a copy", record.Exception?.Message);
        Assert.Contains("region a", record.Message, StringComparison.Ordinal);
        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
        Assert.Empty(Changes);
    }

    [Theory]
    [InlineData(150, 0)]
    [InlineData(10, 60)]
    public async Task A_trial_is_hedged_at_once_when_its_region_usually_takes_longer_than_the_fallback_would(int aMs, int hedgeMs)
    {
        // b answers in 20 ms, so a trial of a is hedged at 3 × 20 ms. A far a (150 ms) could not answer by then: the copy
        // goes to b at once, and the caller does not wait 60 ms for nothing. A near a (10 ms) is given the 60 ms.
        for (int i = 0; i < 20; i++)
        {
            A.Latency.Record(TimeSpan.FromMilliseconds(aMs));
            B.Latency.Record(TimeSpan.FromMilliseconds(20));
        }

        A.RecordFailure(Time.GetUtcNow(), "it failed");
        A.RecordFailure(Time.GetUtcNow(), "it failed");
        Assert.Equal(RegionHealth.Unhealthy, A.HealthAt(Time.GetUtcNow()));
        Time.Advance(Client.Options.BreakDuration);

        Task<HttpResponseMessage> sending = Get();
        Held a = await Terminal.NextHeldAsync();
        if (hedgeMs > 0)
        {
            Time.Advance(TimeSpan.FromMilliseconds(hedgeMs - 1));
            Assert.Equal(0, Terminal.BRequests);
            Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        using (HttpResponseMessage response = await sending.WaitAsync(Wait, TestContext.Current.CancellationToken))
        {
            Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        }

        Assert.Equal(1, Terminal.BRequests);

        // The trial finishes on its own, and its answer is learnt.
        Assert.False(a.Token.IsCancellationRequested);
        a.Answer(HttpStatusCode.OK);
        Until(() => A.Latency.AverageMilliseconds != aMs, "the trial's answer was learnt");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public async Task A_race_won_by_an_answer_slow_for_its_own_region_judges_nobody(int bAnswersBefore)
    {
        // Without answers of its own b is judged by the cold-start allowance; with them (10 ms each) by its p99 as it
        // stood before this answer, although once learnt the 2.5 s answer is that p99 itself.
        await LearnAsync(3, TimeSpan.FromMilliseconds(10));
        TrackedRegion b = Client.Regions[1];
        for (int i = 0; i < bAnswersBefore; i++)
        {
            b.Latency.Record(TimeSpan.FromMilliseconds(10));
        }

        Terminal.BDelay = TimeSpan.FromMilliseconds(2_500);

        Task<HttpResponseMessage> sending = Get();
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(100));
        Until(() => Terminal.BWaiting == 1, "the hedge reached b");
        Time.Advance(TimeSpan.FromMilliseconds(2_500));
        (await sending).Dispose();

        // The request is slow everywhere, and a is not blamed.
        Assert.Equal(bAnswersBefore == 0 ? double.NaN : 2_500, b.Latency.P99Milliseconds);
        Assert.False(A.ViewAt(Time.GetUtcNow()).IsOverdue);
        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
        a.Answer(HttpStatusCode.OK);
        Until(() => A.Lingering == 0, "the late attempt ended");
        Assert.Empty(Changes);
    }

    [Fact]
    public async Task Beyond_max_late_attempts_a_first_attempt_runs_on_unwatched_its_lateness_not_judged()
    {
        Start(o => o.MaxLateAttempts = 1);
        await LearnAsync(3, TimeSpan.FromMilliseconds(10));
        Task<HttpResponseMessage> first = Get();
        Held a1 = await Terminal.NextHeldAsync();
        Task<HttpResponseMessage> second = Get();
        Held a2 = await Terminal.NextHeldAsync();

        Time.Advance(TimeSpan.FromMilliseconds(100));
        (await first).Dispose();
        (await second).Dispose();

        // One watched late attempt; the other, a first attempt sharing its request's token, is not cancelled (that
        // would cancel whatever else the request still runs) but nobody judges it either.
        Assert.Equal(1, A.Lingering);
        Assert.False(a1.Token.IsCancellationRequested);
        Assert.False(a2.Token.IsCancellationRequested);
        a1.Answer(HttpStatusCode.OK);
        a2.Answer(HttpStatusCode.OK);
        Until(() => A.Lingering == 0, "the late attempt ended");
        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
    }

    [Fact]
    public async Task A_listener_that_throws_changes_nothing_for_the_request_or_the_verdict()
    {
        Client.Core.HealthChanged += (_, _) => throw new InvalidOperationException("a careless listener");
        await LearnAsync(3, TimeSpan.FromMilliseconds(10));

        Task<HttpResponseMessage> sending = Get();
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(100));
        using (HttpResponseMessage response = await sending)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(A.ViewAt(Time.GetUtcNow()).IsOverdue);
        a.Answer(HttpStatusCode.OK);
        Until(() => A.Lingering == 0, "the late attempt ended");
        Assert.False(A.ViewAt(Time.GetUtcNow()).IsOverdue);
        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
    }

    [Fact]
    public async Task The_callers_request_gets_its_uri_back_when_a_late_first_attempt_that_sends_it_ends()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x");
        Task<HttpResponseMessage> sending = Invoker.SendAsync(request, TestContext.Current.CancellationToken);
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(100));
        (await sending).Dispose();

        // Still the late attempt's: a socket handler reads it again to retry on a fresh connection.
        Assert.Equal(new Uri("http://a.invalid/x"), request.RequestUri);

        a.Answer(HttpStatusCode.OK);
        Until(() => A.Lingering == 0, "the late attempt ended");
        Assert.Equal(new Uri("http://payments.invalid/x"), request.RequestUri);
    }

    [Fact]
    public async Task A_caller_that_disposes_its_request_before_a_late_first_attempt_ends_leaves_the_verdict_intact()
    {
        await LearnAsync(3, TimeSpan.FromMilliseconds(10));
        var request = new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x");
        Task<HttpResponseMessage> sending = Invoker.SendAsync(request, TestContext.Current.CancellationToken);
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(100));
        (await sending).Dispose();
        request.Dispose();
        Assert.True(A.ViewAt(Time.GetUtcNow()).IsOverdue);

        // Its attempt timeout ends it: the region is resolved (and down), not left overdue for ever.
        Time.Advance(TimeSpan.FromSeconds(5));
        Until(() => A.Lingering == 0, "the late attempt ended");
        Assert.False(A.ViewAt(Time.GetUtcNow()).IsOverdue);
        Assert.Equal(RegionHealth.Unhealthy, A.HealthAt(Time.GetUtcNow()));
        Assert.True(a.Token.IsCancellationRequested);
    }

    [Fact]
    public async Task A_late_attempt_that_ignores_its_timeout_is_given_up_a_second_later_and_its_region_counts_it_failed()
    {
        Terminal.IgnoreCancellation = true;
        await LearnAsync(3, TimeSpan.FromMilliseconds(10));

        Task<HttpResponseMessage> sending = Get();
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(100));
        (await sending).Dispose();
        Assert.True(A.ViewAt(Time.GetUtcNow()).IsOverdue);

        // The attempt timeout (5 s) passes unheeded; a second later the watch gives up on it.
        Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, A.Lingering);
        Time.Advance(TimeSpan.FromSeconds(1));
        Until(() => A.Lingering == 0, "the late attempt was given up on");
        Assert.False(A.ViewAt(Time.GetUtcNow()).IsOverdue);
        Assert.Equal(RegionHealth.Unhealthy, A.HealthAt(Time.GetUtcNow()));

        // When it does end at last, nothing is counted twice.
        a.Answer(HttpStatusCode.OK);
        Assert.Equal(0, A.Lingering);
    }

    [Fact]
    public async Task A_region_that_fails_before_the_hedge_hands_over_at_once()
    {
        Task<HttpResponseMessage> sending = Get();
        Held a = await Terminal.NextHeldAsync();

        a.Answer(HttpStatusCode.ServiceUnavailable);
        using HttpResponseMessage response = await sending.WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        Assert.Equal(1, Terminal.BRequests);
        Assert.Equal(("a", RegionHealth.Degraded, "it answered 503 ServiceUnavailable"), Assert.Single(Changes));
    }

    [Fact]
    public async Task When_every_region_in_a_race_fails_each_outcome_is_reported()
    {
        Terminal.BStatus = HttpStatusCode.BadGateway;
        Task<HttpResponseMessage> sending = Get();
        Held a = await Terminal.NextHeldAsync();

        a.Answer(HttpStatusCode.ServiceUnavailable);
        RegionFailoverException failed = await Assert.ThrowsAsync<RegionFailoverException>(() => sending.WaitAsync(Wait, TestContext.Current.CancellationToken));

        Assert.Equal(
            [("a", RegionAttemptOutcomeKind.TransientStatus, HttpStatusCode.ServiceUnavailable), ("b", RegionAttemptOutcomeKind.TransientStatus, HttpStatusCode.BadGateway)],
            failed.Outcomes.Select(static o => (o.Region.Name, o.Kind, o.StatusCode)));
        Assert.Contains("failed in every region tried", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_first_attempt_beyond_max_late_attempts_keeps_the_callers_request_until_it_ends()
    {
        Start(o => o.MaxLateAttempts = 1);
        Task<HttpResponseMessage> first = Get();
        Held a1 = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(100));
        (await first).Dispose();
        Assert.Equal(1, A.Lingering);

        using var request = new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/y");
        Task<HttpResponseMessage> second = Invoker.SendAsync(request, TestContext.Current.CancellationToken);
        Held a2 = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(100));
        using (HttpResponseMessage response = await second)
        {
            Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        }

        // Beyond the limit, the first attempt runs on with the caller's own request: a socket handler may read its URI
        // again to retry on a fresh connection, so the caller gets its URI back only when the attempt ends.
        Assert.False(a2.Token.IsCancellationRequested);
        Assert.Equal("http://a.invalid/y", request.RequestUri!.AbsoluteUri);
        a2.Answer(HttpStatusCode.OK);
        Until(() => request.RequestUri!.AbsoluteUri == "http://payments.invalid/y", "the caller's URI was given back");
        a1.Answer(HttpStatusCode.OK);
        Until(() => A.Lingering == 0, "the late attempt ended");
    }

    [Fact]
    public async Task A_race_ended_by_an_exception_no_attempt_catches_cancels_the_hedges_still_running()
    {
        Start(o => o.Regions.Add(new Region("c", new Uri("http://c.invalid/")) { Priority = 2 }));
        Terminal.BDelay = TimeSpan.FromMinutes(1);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/z");
        Task<HttpResponseMessage> sending = Invoker.SendAsync(request, TestContext.Current.CancellationToken);
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(100));
        Until(() => Terminal.BWaiting == 1, "b was asked");
        Time.Advance(TimeSpan.FromMilliseconds(100));

        InvalidOperationException thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => sending.WaitAsync(Wait, TestContext.Current.CancellationToken));

        Assert.Equal(HeldTerminal.CFailure, thrown.Message);
        Until(() => Terminal.BWaiting == 0, "b's attempt was cancelled");

        // The first attempt, on the request's own token, ends on its own, and only then gives the caller its URI back.
        Assert.False(a.Token.IsCancellationRequested);
        Assert.Equal("http://a.invalid/z", request.RequestUri!.AbsoluteUri);
        a.Answer(HttpStatusCode.OK);
        Until(() => request.RequestUri!.AbsoluteUri == "http://payments.invalid/z", "the caller's URI was given back");
    }
}
