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

    [Fact]
    public async Task An_attempt_past_its_usual_latency_when_time_runs_out_runs_on_and_is_judged_by_its_own_attempt_timeout()
    {
        Start(static o => (o.Hedging, o.AttemptTimeout, o.TotalTimeout) = (HedgingMode.Off, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2)));
        Task<HttpResponseMessage> sending = Send();
        Held a = await Terminal.NextHeldAsync();

        Time.Advance(TimeSpan.FromSeconds(2));

        // The caller has its failure at the total timeout; the attempt is given up on, not failed.
        RegionFailoverException failed = await OutOfTimeAsync(sending, "2s");
        Assert.Equal("a: cancelled after 2s", Assert.Single(failed.Outcomes).ToString());
        Assert.False(a.Token.IsCancellationRequested);
        Assert.Equal(1, A.Lingering);
        Assert.Empty(Changes);

        // Its own timeout, 5 s from its start, is evidence.
        Time.Advance(TimeSpan.FromSeconds(3));
        Until(() => A.Lingering == 0, "the attempt left running timed out");
        Assert.True(a.Token.IsCancellationRequested);
        Assert.Equal(("a", RegionHealth.Degraded, "it did not answer within the attempt timeout"), Assert.Single(Changes));
    }

    [Fact]
    public async Task An_attempt_that_answers_after_the_total_timeout_is_a_latency_sample_and_no_failure()
    {
        Start(static o => (o.Hedging, o.AttemptTimeout, o.TotalTimeout) = (HedgingMode.Off, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2)));
        Task<HttpResponseMessage> sending = Send();
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromSeconds(2));
        await OutOfTimeAsync(sending, "2s");

        Time.Advance(TimeSpan.FromSeconds(1));
        a.Answer(HttpStatusCode.OK);

        Until(() => A.Lingering == 0, "the attempt left running answered");
        Assert.Equal(3_000, A.Latency.FirstMilliseconds, 1);
        Assert.Empty(Changes);
        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
    }

    [Fact]
    public async Task An_attempt_cut_short_before_its_usual_latency_is_cancelled_and_not_held_against_its_region()
    {
        // a times out at 1 s, b is asked then, and the total timeout comes 50 ms later: within b's usual 100 ms.
        Start(static o => (o.Hedging, o.AttemptTimeout, o.TotalTimeout) = (HedgingMode.Off, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1_050)));
        Terminal.BDelay = TimeSpan.FromMinutes(1);
        Task<HttpResponseMessage> sending = Send();
        await Terminal.NextHeldAsync();

        Time.Advance(TimeSpan.FromSeconds(1));
        Until(() => Terminal.BWaiting == 1, "b was asked");
        Time.Advance(TimeSpan.FromMilliseconds(50));

        RegionFailoverException failed = await OutOfTimeAsync(sending, "1.05s");
        Assert.Equal([("a", RegionAttemptOutcomeKind.Timeout), ("b", RegionAttemptOutcomeKind.Cancelled)], Kinds(failed));
        Assert.Equal(0, Terminal.BWaiting);
        Assert.Equal(0, B.Lingering);
        Assert.Equal(("a", RegionHealth.Degraded, "it did not answer within the attempt timeout"), Assert.Single(Changes));
        Assert.Equal(RegionHealth.Healthy, B.HealthAt(Time.GetUtcNow()));
    }

    [Fact]
    public async Task A_body_too_long_to_buffer_is_the_callers_so_its_attempt_ends_with_the_request()
    {
        Start(static o => (o.Hedging, o.AttemptTimeout, o.TotalTimeout) = (HedgingMode.Off, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2)));
        Task<HttpResponseMessage> sending = Send(HttpMethod.Put, new StreamContent(new UnknownLength()));
        Held a = await Terminal.NextHeldAsync();

        Time.Advance(TimeSpan.FromSeconds(2));

        RegionFailoverException failed = await OutOfTimeAsync(sending, "2s");
        Assert.Equal([("a", RegionAttemptOutcomeKind.Cancelled)], Kinds(failed));
        Assert.True(a.Token.IsCancellationRequested);
        Assert.Equal(0, A.Lingering);
        Assert.Empty(Changes);
    }

    [Fact]
    public async Task A_hedged_attempt_past_its_usual_latency_when_time_runs_out_runs_on_and_is_judged_by_its_own_attempt_timeout()
    {
        // The hedge asks b at 100 ms; a times out at 1 s; the total timeout comes at 1.05 s, b's attempt timeout at 1.1 s.
        Start(static o => (o.AttemptTimeout, o.TotalTimeout) = (TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1_050)));
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
        Start(static o => (o.AttemptTimeout, o.TotalTimeout) = (TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1_050)));

        // b usually answers within 500 ms, so it is not overdue before 1.5 s.
        for (int i = 0; i < 3; i++)
        {
            B.Latency.Record(TimeSpan.FromMilliseconds(500));
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
        Until(() => Terminal.BWaiting == 0, "b's attempt was cancelled");
        Assert.Equal(0, B.Lingering);
        Assert.Equal(("a", RegionHealth.Degraded, "it did not answer within the attempt timeout"), Assert.Single(Changes));
        Assert.Equal(RegionHealth.Healthy, B.HealthAt(Time.GetUtcNow()));
    }

    [Fact]
    public async Task A_first_attempt_with_no_late_place_left_is_not_cancelled_when_time_runs_out_since_that_would_stop_one_running_on()
    {
        Start(static o => (o.AttemptTimeout, o.TotalTimeout, o.MaxLateAttempts) = (TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), 1));
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
