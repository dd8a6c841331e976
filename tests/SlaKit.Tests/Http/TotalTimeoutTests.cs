using System.Net;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>
/// Attempts still running when a request's total timeout ends it, on the fake clock: region a's answers come when the
/// test says, region b's after <see cref="HeldTerminal.BDelay"/>. Being cut short is never held against a region: past
/// its usual latency the attempt runs on and is judged by its own outcome; sooner, it is cancelled and counts for nothing.
/// </summary>
public sealed class TotalTimeoutTests : HeldRegionTests
{
    private Task<HttpResponseMessage> Send(HttpMethod? method = null, HttpContent? content = null) =>
        Invoker.SendAsync(new HttpRequestMessage(method ?? HttpMethod.Get, "http://payments.invalid/x") { Content = content }, TestContext.Current.CancellationToken);

    private static async Task<RegionFailoverException> OutOfTimeAsync(Task<HttpResponseMessage> sending, string total)
    {
        RegionFailoverException failed = await Assert.ThrowsAsync<RegionFailoverException>(() => sending.WaitAsync(Wait, TestContext.Current.CancellationToken));
        Assert.Contains($"did not succeed within the total timeout of {total}", failed.Message, StringComparison.Ordinal);
        return failed;
    }

    private static List<(string, RegionAttemptOutcomeKind)> Kinds(RegionFailoverException failed) =>
        failed.Outcomes.Select(static o => (o.Region.Name, o.Kind)).ToList();

    public TotalTimeoutTests()
    {
        // Attempts one after another, each bounded by 2 s, the request by 2.5 s; a and b both held.
        Start(static o => (o.Hedging, o.AttemptTimeout, o.TotalTimeout) = (HedgingMode.Off, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(2_500)));
        Terminal.HoldB = true;
    }

    /// <summary>A client that hedges (the default), with <paramref name="configure"/> applied; b answers after <see cref="HeldTerminal.BDelay"/>.</summary>
    private void StartRace(Action<RegionFailoverOptions> configure)
    {
        Start(configure);
        Terminal.HoldB = false;
    }

    /// <summary>a fails with <paramref name="failure"/> (a 503 unless given) after <paramref name="aAfter"/>, so b, asked then, is still waited on at the total timeout.</summary>
    private async Task<(Task<HttpResponseMessage> Sending, Held B)> SecondAttemptAsync(TimeSpan aAfter, Action<Held>? failure = null, HttpMethod? method = null, HttpContent? content = null)
    {
        Task<HttpResponseMessage> sending = Send(method, content);
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(aAfter);
        (failure ?? (static held => held.Answer(HttpStatusCode.ServiceUnavailable)))(a);
        Held b = await Terminal.NextHeldAsync();
        Assert.Equal("b.invalid", b.Request.RequestUri!.Host);
        return (sending, b);
    }

    [Fact]
    public async Task An_attempt_past_its_usual_latency_when_time_runs_out_runs_on_and_is_judged_by_its_own_attempt_timeout()
    {
        (Task<HttpResponseMessage> sending, Held b) = await SecondAttemptAsync(TimeSpan.FromMilliseconds(1_500));

        Time.Advance(TimeSpan.FromSeconds(1));

        // The caller has its failure at the total timeout; b's attempt, 1 s old, is given up on, not failed.
        RegionFailoverException failed = await OutOfTimeAsync(sending, "2.5s");
        Assert.Equal([("a", RegionAttemptOutcomeKind.TransientStatus), ("b", RegionAttemptOutcomeKind.Cancelled)], Kinds(failed));
        Assert.Equal("b: cancelled after 1s", failed.Outcomes[1].ToString());
        Assert.False(b.Token.IsCancellationRequested);
        Assert.Equal(1, B.Lingering);
        Assert.Equal(("a", RegionHealth.Degraded, "it answered 503 ServiceUnavailable"), Assert.Single(Changes));

        // Its own timeout, 2 s from its start, is evidence.
        Time.Advance(TimeSpan.FromSeconds(1));
        Until(() => B.Lingering == 0, "the attempt left running timed out");
        Assert.True(b.Token.IsCancellationRequested);
        Assert.Equal(("b", RegionHealth.Degraded, "it did not answer within the attempt timeout"), Changes[^1]);
    }

    [Fact]
    public async Task An_attempt_that_answers_after_the_total_timeout_is_a_latency_sample_and_no_failure()
    {
        (Task<HttpResponseMessage> sending, Held b) = await SecondAttemptAsync(TimeSpan.FromMilliseconds(1_500));
        Time.Advance(TimeSpan.FromSeconds(1));
        await OutOfTimeAsync(sending, "2.5s");

        Time.Advance(TimeSpan.FromMilliseconds(500));
        b.Answer(HttpStatusCode.OK);

        Until(() => B.Lingering == 0, "the attempt left running answered");
        Assert.Equal(1_500, B.Latency.FirstMilliseconds, 1);
        Assert.Equal(RegionHealth.Healthy, B.HealthAt(Time.GetUtcNow()));
        Assert.Equal("a", Assert.Single(Changes).Region);
    }

    [Fact]
    public async Task An_attempt_cut_short_before_its_usual_latency_is_cancelled_and_not_held_against_its_region()
    {
        // It is asked 1 s before the total timeout.
        LearnBUsually500Ms();

        (Task<HttpResponseMessage> sending, Held b) = await SecondAttemptAsync(TimeSpan.FromMilliseconds(1_500));

        Time.Advance(TimeSpan.FromSeconds(1));

        RegionFailoverException failed = await OutOfTimeAsync(sending, "2.5s");
        Assert.Equal([("a", RegionAttemptOutcomeKind.TransientStatus), ("b", RegionAttemptOutcomeKind.Cancelled)], Kinds(failed));
        Assert.True(b.Token.IsCancellationRequested);
        Assert.Equal(0, B.Lingering);
        Assert.Equal("a", Assert.Single(Changes).Region);
        Assert.Equal(RegionHealth.Healthy, B.HealthAt(Time.GetUtcNow()));
    }

    [Fact]
    public async Task A_body_too_long_to_buffer_is_the_callers_so_its_attempt_ends_with_the_request()
    {
        // Sent once: b is asked only because a's connection was refused, so the body never went out.
        (Task<HttpResponseMessage> sending, Held b) = await SecondAttemptAsync(
            TimeSpan.FromMilliseconds(1_500),
            static held => held.Pending.TrySetException(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused")),
            HttpMethod.Put,
            new StreamContent(new UnknownLength()));

        Time.Advance(TimeSpan.FromSeconds(1));

        RegionFailoverException failed = await OutOfTimeAsync(sending, "2.5s");
        Assert.Equal([("a", RegionAttemptOutcomeKind.TransportError), ("b", RegionAttemptOutcomeKind.Cancelled)], Kinds(failed));
        Assert.True(b.Token.IsCancellationRequested);
        Assert.Equal(0, B.Lingering);
        Assert.Equal("a", Assert.Single(Changes).Region);
    }

    [Fact]
    public async Task The_first_attempt_is_never_outlasted_by_the_total_timeout_so_it_is_judged_by_its_own_timeout_when_both_end_together()
    {
        Start(static o => (o.Hedging, o.AttemptTimeout, o.TotalTimeout) = (HedgingMode.Off, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)));
        Task<HttpResponseMessage> sending = Send();
        Held a = await Terminal.NextHeldAsync();

        Time.Advance(TimeSpan.FromSeconds(2));

        RegionFailoverException failed = await OutOfTimeAsync(sending, "2s");
        Assert.Equal([("a", RegionAttemptOutcomeKind.Timeout)], Kinds(failed));
        Assert.True(a.Token.IsCancellationRequested);
        Assert.Equal(("a", RegionHealth.Degraded, "it did not answer within the attempt timeout"), Assert.Single(Changes));
        Assert.Equal(0, Terminal.BRequests);
    }

    /// <summary>b usually answers within 500 ms, so it is not overdue before 1.5 s.</summary>
    private void LearnBUsually500Ms()
    {
        for (int i = 0; i < 3; i++)
        {
            B.Latency.Record(TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>
    /// A race out of time: the hedge asks b at 100 ms (b answers only after a minute), a times out at 1 s, and the total
    /// timeout comes at 1.05 s, before b's attempt timeout at 1.1 s. With <paramref name="bUsuallySlow"/>, b's 950 ms are
    /// within its usual latency (<see cref="LearnBUsually500Ms"/>); without, past it.
    /// </summary>
    private async Task RaceOutOfTimeAsync(bool bUsuallySlow)
    {
        StartRace(static o => (o.AttemptTimeout, o.TotalTimeout) = (TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1_050)));
        if (bUsuallySlow)
        {
            LearnBUsually500Ms();
        }

        Terminal.BDelay = TimeSpan.FromMinutes(1);
        Task<HttpResponseMessage> sending = Send();
        await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(100));
        Until(() => Terminal.BWaiting == 1, "b was asked");
        Time.Advance(TimeSpan.FromMilliseconds(900));
        Until(() => Changes.Count == 1, "a's attempt timed out");

        Time.Advance(TimeSpan.FromMilliseconds(50));

        RegionFailoverException failed = await OutOfTimeAsync(sending, "1.05s");
        Assert.Equal([("a", RegionAttemptOutcomeKind.Timeout), ("b", RegionAttemptOutcomeKind.Cancelled)], Kinds(failed));
    }

    [Fact]
    public async Task A_hedged_attempt_past_its_usual_latency_when_time_runs_out_runs_on_and_is_judged_by_its_own_attempt_timeout()
    {
        await RaceOutOfTimeAsync(bUsuallySlow: false);

        Assert.Equal(1, Terminal.BWaiting);
        Assert.Equal(1, B.Lingering);
        Assert.Equal(RegionHealth.Healthy, B.HealthAt(Time.GetUtcNow()));

        Time.Advance(TimeSpan.FromMilliseconds(50));
        Until(() => B.Lingering == 0, "b's attempt left running timed out");
        Assert.Equal(("b", RegionHealth.Degraded, "it did not answer within the attempt timeout"), Changes[^1]);
    }

    [Fact]
    public async Task A_hedged_attempt_cut_short_before_its_usual_latency_is_cancelled_and_not_held_against_its_region()
    {
        await RaceOutOfTimeAsync(bUsuallySlow: true);

        Until(() => Terminal.BWaiting == 0, "b's attempt was cancelled");
        Assert.Equal(0, B.Lingering);
        Assert.Equal(("a", RegionHealth.Degraded, "it did not answer within the attempt timeout"), Assert.Single(Changes));
        Assert.Equal(RegionHealth.Healthy, B.HealthAt(Time.GetUtcNow()));
    }

    [Fact]
    public async Task A_first_attempt_with_no_late_place_left_is_not_cancelled_when_time_runs_out_since_that_would_stop_one_running_on()
    {
        StartRace(static o => (o.AttemptTimeout, o.TotalTimeout, o.MaxLateAttempts) = (TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), 1));
        Assert.True(A.TryBeginLinger(1));

        // a's answer does not come even at its own timeout, so a still runs when time runs out.
        Terminal.IgnoreCancellation = true;
        Terminal.BDelay = TimeSpan.FromMinutes(1);
        Task<HttpResponseMessage> sending = Send();
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(100));
        Until(() => Terminal.BWaiting == 1, "b was asked");

        Time.Advance(TimeSpan.FromMilliseconds(4_900));

        // a's attempt, on the request's own token, is left to end on its own: cancelling that token would stop b's too.
        RegionFailoverException failed = await OutOfTimeAsync(sending, "5s");
        Assert.Equal([("a", RegionAttemptOutcomeKind.Cancelled), ("b", RegionAttemptOutcomeKind.Cancelled)], Kinds(failed).Order().ToList());
        Assert.Equal(1, Terminal.BWaiting);
        Assert.Equal(1, B.Lingering);
        a.Answer(HttpStatusCode.OK);
    }
}
