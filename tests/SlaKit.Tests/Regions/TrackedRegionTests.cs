using Microsoft.Extensions.Time.Testing;
using SlaKit.Regions;

namespace SlaKit.Tests.Regions;

public class TrackedRegionTests
{
    private static readonly RegionHealthPolicy Policy = new(
        FailuresToMarkDown: 2,
        SuccessesToMarkUp: 2,
        BreakDuration: TimeSpan.FromSeconds(5),
        FailbackDelay: TimeSpan.FromSeconds(30),
        MaxRetryAfter: TimeSpan.FromMinutes(1));

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly List<(RegionHealth From, RegionHealth To, string Reason)> _changes = [];
    private readonly TrackedRegion _state;

    public TrackedRegionTests()
    {
        _state = new TrackedRegion(new Region("a", new Uri("http://127.0.0.1:1/")), Policy, (_, from, to, reason) => _changes.Add((from, to, reason)));
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void Starts_healthy_and_preferred()
    {
        SelectionView view = _state.ViewAt(Now);

        Assert.Equal(new SelectionView(RegionHealth.Healthy, IsStandby: false, CanTrial: false), view);
        Assert.Empty(_changes);
    }

    [Fact]
    public void One_failure_degrades_and_a_success_heals()
    {
        _state.RecordFailure(Now, "boom");
        Assert.Equal(RegionHealth.Degraded, _state.HealthAt(Now));

        _state.RecordSuccess(Now);
        Assert.Equal(RegionHealth.Healthy, _state.HealthAt(Now));
        Assert.Equal([(RegionHealth.Healthy, RegionHealth.Degraded, "boom"), (RegionHealth.Degraded, RegionHealth.Healthy, "it answered")], _changes);
    }

    [Fact]
    public void Consecutive_failures_mark_it_down_and_a_success_between_resets_the_count()
    {
        _state.RecordFailure(Now, "1");
        _state.RecordSuccess(Now);
        _state.RecordFailure(Now, "2");
        Assert.Equal(RegionHealth.Degraded, _state.HealthAt(Now));

        _state.RecordFailure(Now, "3");
        Assert.Equal(RegionHealth.Unhealthy, _state.HealthAt(Now));
        Assert.Equal("3", _changes[^1].Reason);
    }

    [Fact]
    public void Failures_of_attempts_begun_before_a_counted_failure_count_with_it_and_a_later_attempt_counts_anew()
    {
        // Three attempts in flight at once, then one event fails them all.
        long atStart = _state.FailuresCounted;
        _time.Advance(TimeSpan.FromMilliseconds(20));
        _state.RecordFailure(Now, "reset", atStart);
        _state.RecordFailure(Now, "reset", atStart);
        _state.RecordFailure(Now, "reset", atStart);
        Assert.Equal(RegionHealth.Degraded, _state.HealthAt(Now));
        Assert.Equal(1, _state.FailuresCounted);

        // An attempt begun after that failure is new evidence, even at the same instant.
        _state.RecordFailure(Now, "again", _state.FailuresCounted);
        Assert.Equal(RegionHealth.Unhealthy, _state.HealthAt(Now));
        Assert.Equal([(RegionHealth.Healthy, RegionHealth.Degraded, "reset"), (RegionHealth.Degraded, RegionHealth.Unhealthy, "again")], _changes);
    }

    [Fact]
    public void A_failure_of_an_attempt_begun_before_a_counted_one_changes_nothing_even_after_a_success()
    {
        long atStart = _state.FailuresCounted;
        _state.RecordFailure(Now, "first", atStart);
        _state.RecordSuccess(Now);
        _state.RecordFailure(Now, "stale", atStart);

        Assert.Equal(RegionHealth.Healthy, _state.HealthAt(Now));
        Assert.Equal(1, _state.FailuresCounted);
    }

    [Fact]
    public void The_lateness_of_an_overdue_attempt_that_failed_still_counts_as_a_second_failure()
    {
        long atStart = _state.FailuresCounted;
        _state.MarkOverdue(Now, "late");
        _state.RecordFailure(Now, "timeout", atStart);
        _state.ResolveOverdue(Now, failed: true);

        Assert.Equal(RegionHealth.Unhealthy, _state.HealthAt(Now));
        Assert.Equal(2, _state.FailuresCounted);
    }

    [Fact]
    public void A_down_region_is_due_a_trial_only_after_the_break()
    {
        MarkDown();

        Assert.False(_state.ViewAt(Now).CanTrial);
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(_state.TryBeginTrial(Now));
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(_state.TryBeginTrial(Now));

        // One trial at a time.
        Assert.False(_state.TryBeginTrial(Now));
        _state.EndTrial();
        Assert.True(_state.TryBeginTrial(Now));
    }

    [Fact]
    public void A_failed_trial_restarts_the_break()
    {
        MarkDown();
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(_state.TryBeginTrial(Now));
        _state.RecordFailure(Now, "still dead");
        _state.EndTrial();

        Assert.False(_state.ViewAt(Now).CanTrial);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(_state.ViewAt(Now).CanTrial);
    }

    [Fact]
    public void Recovery_needs_the_successes_then_waits_the_failback_delay_on_standby()
    {
        MarkDown();
        _time.Advance(TimeSpan.FromSeconds(5));

        _state.RecordSuccess(Now);
        SelectionView recovering = _state.ViewAt(Now);
        Assert.Equal(RegionHealth.Unhealthy, recovering.Health);
        Assert.True(recovering.CanTrial); // recovering regions may be tried again without another break

        _state.RecordSuccess(Now);
        Assert.Equal(new SelectionView(RegionHealth.Healthy, IsStandby: true, CanTrial: false), _state.ViewAt(Now));

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(_state.ViewAt(Now).IsStandby);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new SelectionView(RegionHealth.Healthy, IsStandby: false, CanTrial: false), _state.ViewAt(Now));
    }

    [Fact]
    public void A_failure_on_standby_sends_it_back_down_so_a_flapping_region_cannot_bounce_traffic()
    {
        MarkDown();
        _state.RecordSuccess(Now);
        _state.RecordSuccess(Now);
        Assert.True(_state.ViewAt(Now).IsStandby);

        _state.RecordFailure(Now, "flap");

        Assert.Equal(RegionHealth.Unhealthy, _state.HealthAt(Now));
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(RegionHealth.Unhealthy, _state.HealthAt(Now));
    }

    [Fact]
    public void Retry_after_keeps_it_out_for_that_long_capped()
    {
        _state.RecordRetryAfter(Now, TimeSpan.FromSeconds(10));
        Assert.Equal(RegionHealth.Unhealthy, _state.HealthAt(Now));
        Assert.False(_state.ViewAt(Now).CanTrial);

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(RegionHealth.Healthy, _state.HealthAt(Now));

        _state.RecordRetryAfter(Now, TimeSpan.FromDays(1));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(RegionHealth.Healthy, _state.HealthAt(Now));
    }

    [Fact]
    public void Successes_neither_end_a_retry_after_early_nor_report_a_change_while_healthy()
    {
        _state.RecordSuccess(Now);
        _state.RecordRetryAfter(Now, TimeSpan.FromSeconds(10));
        _state.RecordSuccess(Now);
        Assert.Equal(RegionHealth.Unhealthy, _state.HealthAt(Now));

        _time.Advance(TimeSpan.FromSeconds(10));
        _state.RecordSuccess(Now);
        _state.RecordSuccess(Now);

        Assert.Equal(RegionHealth.Healthy, _state.HealthAt(Now));
        Assert.Equal(
            [(RegionHealth.Healthy, RegionHealth.Unhealthy), (RegionHealth.Unhealthy, RegionHealth.Healthy)],
            _changes.Select(static c => (c.From, c.To)));
        Assert.Equal("it answered", _changes[^1].Reason);
    }

    [Fact]
    public void Every_change_is_reported_with_the_reason_that_caused_it()
    {
        _state.RecordRetryAfter(Now, TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(10));
        _ = _state.ViewAt(Now);
        _state.RecordProbe(Now, RegionHealth.Unhealthy, "timeout");
        _state.RecordSuccess(Now);
        _state.RecordProbe(Now, RegionHealth.Degraded, "MOS 3.1");
        _state.RecordProbe(Now, RegionHealth.Healthy, "MOS 4.2");
        _state.MarkOverdue(Now, "late");
        _state.RecordSuccess(Now);
        _state.ResolveOverdue(Now, failed: false);
        _state.SetQualityDegraded(Now, true, "NER 80%");
        _state.SetQualityDegraded(Now, true, "NER 79%");
        _state.SetQualityDegraded(Now, false, "NER 99%");

        Assert.Equal(
            [
                (RegionHealth.Healthy, RegionHealth.Unhealthy, "it asked to be left alone for 10s (Retry-After)"),
                (RegionHealth.Unhealthy, RegionHealth.Healthy, "its Retry-After period ended"),
                (RegionHealth.Healthy, RegionHealth.Degraded, "a probe failed: timeout"),
                (RegionHealth.Degraded, RegionHealth.Healthy, "it answered"),
                (RegionHealth.Healthy, RegionHealth.Degraded, "a probe reported it degraded: MOS 3.1"),
                (RegionHealth.Degraded, RegionHealth.Healthy, "a probe reported it healthy"),
                (RegionHealth.Healthy, RegionHealth.Degraded, "late"),
                (RegionHealth.Degraded, RegionHealth.Healthy, "its late attempt answered"),
                (RegionHealth.Healthy, RegionHealth.Degraded, "NER 80%"),
                (RegionHealth.Degraded, RegionHealth.Healthy, "NER 99%"),
            ],
            _changes);
    }

    [Fact]
    public void A_retry_after_longer_than_the_cap_keeps_it_out_for_the_cap_and_says_so()
    {
        _state.RecordRetryAfter(Now, TimeSpan.FromMinutes(1));
        _state.RecordRetryAfter(Now, TimeSpan.FromMinutes(5));

        Assert.Equal("it asked to be left alone for 1m (Retry-After)", _changes[^1].Reason);
        _time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1));
        Assert.Equal(RegionHealth.Unhealthy, _state.HealthAt(Now));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(RegionHealth.Healthy, _state.HealthAt(Now));
    }

    [Fact]
    public void A_shorter_retry_after_does_not_shorten_a_longer_one()
    {
        _state.RecordRetryAfter(Now, TimeSpan.FromSeconds(30));
        _state.RecordRetryAfter(Now, TimeSpan.FromSeconds(1));

        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(RegionHealth.Unhealthy, _state.HealthAt(Now));
    }

    [Fact]
    public void Probe_verdicts_feed_the_same_hysteresis()
    {
        _state.RecordProbe(Now, RegionHealth.Unhealthy, "timeout");
        Assert.Equal(RegionHealth.Degraded, _state.HealthAt(Now));
        _state.RecordProbe(Now, RegionHealth.Unhealthy, "timeout");
        Assert.Equal(RegionHealth.Unhealthy, _state.HealthAt(Now));

        _state.RecordProbe(Now, RegionHealth.Healthy, "200");
        _state.RecordProbe(Now, RegionHealth.Healthy, "200");
        Assert.True(_state.ViewAt(Now).IsStandby);
    }

    [Fact]
    public void A_degraded_probe_marks_it_degraded_until_a_healthy_one()
    {
        _state.RecordProbe(Now, RegionHealth.Degraded, "MOS 3.1");
        Assert.Equal(RegionHealth.Degraded, _state.HealthAt(Now));
        Assert.Contains("MOS 3.1", _changes[^1].Reason, StringComparison.Ordinal);

        _state.RecordSuccess(Now);
        Assert.Equal(RegionHealth.Degraded, _state.HealthAt(Now));

        _state.RecordProbe(Now, RegionHealth.Healthy, "MOS 4.2");
        Assert.Equal(RegionHealth.Healthy, _state.HealthAt(Now));
    }

    [Fact]
    public void A_down_region_whose_probes_answer_degraded_comes_back_degraded()
    {
        _state.ProbeStarted();
        _state.RecordProbe(Now, RegionHealth.Unhealthy, "timeout");
        _state.RecordProbe(Now, RegionHealth.Unhealthy, "timeout");
        Assert.Equal(RegionHealth.Unhealthy, _state.HealthAt(Now));
        int down = _changes.Count;

        // It answers again, slower than DegradedLatency: evidence that it is up, if not at its best.
        _state.RecordProbe(Now, RegionHealth.Degraded, "answered in 900 ms");
        _state.RecordProbe(Now, RegionHealth.Degraded, "answered in 900 ms");
        Assert.Equal(new SelectionView(RegionHealth.Degraded, IsStandby: true, CanTrial: false), _state.ViewAt(Now));

        _time.Advance(Policy.FailbackDelay);
        _state.RecordProbe(Now, RegionHealth.Degraded, "answered in 900 ms");
        Assert.Equal(new SelectionView(RegionHealth.Degraded, IsStandby: false, CanTrial: false), _state.ViewAt(Now));

        _state.RecordProbe(Now, RegionHealth.Healthy, "answered in 20 ms");
        Assert.Equal(RegionHealth.Healthy, _state.HealthAt(Now));

        // Reported as it was: never Healthy while its probes said Degraded.
        Assert.Equal(
            [(RegionHealth.Unhealthy, RegionHealth.Degraded), (RegionHealth.Degraded, RegionHealth.Healthy)],
            _changes.Skip(down).Select(static c => (c.From, c.To)));
    }

    [Fact]
    public void Mark_down_takes_it_out_at_once()
    {
        _state.MarkDown(Now, "its circuit breaker opened");

        Assert.Equal(RegionHealth.Unhealthy, _state.HealthAt(Now));
        Assert.Equal((RegionHealth.Healthy, RegionHealth.Unhealthy, "its circuit breaker opened"), _changes.Single());
    }

    [Fact]
    public async Task Concurrent_outcomes_keep_the_state_consistent()
    {
        var state = new TrackedRegion(new Region("b", new Uri("http://127.0.0.1:1/")), Policy);
        DateTimeOffset now = Now;
        Task[] workers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                if ((i + w) % 3 == 0)
                {
                    state.RecordFailure(now, "x");
                }
                else
                {
                    state.RecordSuccess(now);
                }

                _ = state.ViewAt(now);
            }
        }, TestContext.Current.CancellationToken)).ToArray();
        await Task.WhenAll(workers);

        state.RecordSuccess(now);
        state.RecordSuccess(now);
        SelectionView view = state.ViewAt(now);
        Assert.NotEqual(RegionHealth.Unhealthy, view.Health);
    }

    [Fact]
    public void A_region_without_history_has_no_usual_latency_so_no_race_can_judge_it()
    {
        Assert.Null(_state.UsualLatencyBound(TimeSpan.FromMilliseconds(100), 3));

        // The first answer carries the connection, TLS and JIT, and teaches nothing about the usual latency.
        _state.Latency.Record(TimeSpan.FromMilliseconds(190));
        Assert.Null(_state.UsualLatencyBound(TimeSpan.FromMilliseconds(100), 3));

        _state.Latency.Record(TimeSpan.FromMilliseconds(150));
        Assert.Equal(TimeSpan.FromMilliseconds(450), _state.UsualLatencyBound(TimeSpan.FromMilliseconds(100), 3));
    }

    [Fact]
    public void The_usual_latency_bound_never_falls_under_the_floor()
    {
        _state.Latency.Record(TimeSpan.FromMilliseconds(20));
        _state.Latency.Record(TimeSpan.FromMilliseconds(1));

        Assert.Equal(TimeSpan.FromMilliseconds(100), _state.UsualLatencyBound(TimeSpan.FromMilliseconds(100), 3));
    }

    [Fact]
    public void An_overdue_region_is_degraded_and_deferred_but_nothing_counts_against_it_until_its_attempt_ends()
    {
        _state.MarkOverdue(Now, "late");

        Assert.Equal(new SelectionView(RegionHealth.Degraded, IsStandby: false, CanTrial: false, IsOverdue: true), _state.ViewAt(Now));
        Assert.Equal([(RegionHealth.Healthy, RegionHealth.Degraded, "late")], _changes);

        // Slower is not dead: the late attempt answers, and the region is as it was.
        _state.RecordSuccess(Now);
        _state.ResolveOverdue(Now, failed: false);

        Assert.Equal(new SelectionView(RegionHealth.Healthy, IsStandby: false, CanTrial: false), _state.ViewAt(Now));
        Assert.Equal(RegionHealth.Healthy, _changes[^1].To);
    }

    [Fact]
    public void An_overdue_attempt_that_then_fails_counts_its_lateness_too_and_marks_the_region_down()
    {
        _state.MarkOverdue(Now, "late");

        // The attempt itself records its real outcome (its attempt timeout) first, then the verdict is resolved.
        _state.RecordFailure(Now, "it did not answer within the attempt timeout");
        Assert.Equal(RegionHealth.Degraded, _state.HealthAt(Now));
        _state.ResolveOverdue(Now, failed: true);

        Assert.Equal(RegionHealth.Unhealthy, _state.HealthAt(Now));
        Assert.False(_state.ViewAt(Now).IsOverdue);
        Assert.Equal("it fell far behind its usual latency and then failed", _changes[^1].Reason);
    }

    [Fact]
    public void A_late_failure_resolved_after_the_region_recovered_leaves_no_failure_behind()
    {
        _state.MarkOverdue(Now, "late");
        MarkDown();
        _time.Advance(TimeSpan.FromSeconds(5));
        _state.RecordSuccess(Now);
        _state.RecordSuccess(Now);

        // On standby now; the old late attempt's failure arrives only now, and is no news.
        _state.ResolveOverdue(Now, failed: true);
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(new SelectionView(RegionHealth.Healthy, IsStandby: false, CanTrial: false), _state.ViewAt(Now));
    }

    [Fact]
    public void An_overdue_region_stays_deferred_while_any_of_its_late_attempts_runs()
    {
        _state.MarkOverdue(Now, "late 1");
        _state.MarkOverdue(Now, "late 2");
        _state.RecordSuccess(Now);
        _state.ResolveOverdue(Now, failed: false);

        Assert.True(_state.ViewAt(Now).IsOverdue);

        _state.RecordSuccess(Now);
        _state.ResolveOverdue(Now, failed: false);
        Assert.Equal(RegionHealth.Healthy, _state.HealthAt(Now));
        Assert.False(_state.ViewAt(Now).IsOverdue);
    }

    [Fact]
    public void Late_attempts_are_capped_per_region_and_released_one_by_one()
    {
        Assert.True(_state.TryBeginLinger(2));
        Assert.True(_state.TryBeginLinger(2));
        Assert.False(_state.TryBeginLinger(2));
        Assert.Equal(2, _state.Lingering);

        _state.EndLinger();
        Assert.True(_state.TryBeginLinger(2));
        Assert.False(_state.TryBeginLinger(2));
    }

    [Fact]
    public void One_late_attempt_takes_one_place()
    {
        Assert.True(_state.TryBeginLinger(5));

        Assert.Equal(1, _state.Lingering);
    }

    [Fact]
    public void Each_change_is_reported_by_the_call_that_made_it()
    {
        _state.MarkOverdue(Now, "late");
        Assert.Equal((RegionHealth.Healthy, RegionHealth.Degraded, "late"), _changes[^1]);

        _state.ResolveOverdue(Now, failed: false);
        _state.RecordFailure(Now, "refused");
        Assert.Equal((RegionHealth.Healthy, RegionHealth.Degraded, "refused"), _changes[^1]);

        _state.MarkDown(Now, "its circuit opened");
        Assert.Equal((RegionHealth.Degraded, RegionHealth.Unhealthy, "its circuit opened"), _changes[^1]);
    }

    [Fact]
    public void The_end_of_a_retry_after_is_reported_by_the_first_look_after_it()
    {
        _state.RecordRetryAfter(Now, TimeSpan.FromSeconds(10));
        int before = _changes.Count;
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(RegionHealth.Healthy, _state.ViewAt(Now).Health);

        Assert.Equal(before + 1, _changes.Count);
        Assert.Equal((RegionHealth.Unhealthy, RegionHealth.Healthy, "its Retry-After period ended"), _changes[^1]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void At_the_end_of_the_failback_delay_the_region_is_up_again_so_one_failure_only_degrades_it(bool lookedAtFirst)
    {
        Recover();
        _time.Advance(Policy.FailbackDelay);
        if (lookedAtFirst)
        {
            Assert.False(_state.ViewAt(Now).IsStandby);
        }
        else
        {
            _state.RecordSuccess(Now);
        }

        _state.RecordFailure(Now, "one");

        Assert.Equal(RegionHealth.Degraded, _state.HealthAt(Now));
    }

    [Fact]
    public void A_success_on_standby_does_not_end_the_failback_delay_early()
    {
        Recover();
        _time.Advance(Policy.FailbackDelay - TimeSpan.FromSeconds(1));

        _state.RecordSuccess(Now);

        Assert.True(_state.ViewAt(Now).IsStandby);
    }

    [Fact]
    public void A_retry_after_on_standby_takes_it_out_and_off_standby()
    {
        Recover();

        _state.RecordRetryAfter(Now, TimeSpan.FromSeconds(5));

        Assert.Equal(new SelectionView(RegionHealth.Unhealthy, IsStandby: false, CanTrial: false, AskedToWait: true), _state.ViewAt(Now));
    }

    /// <summary>Takes the region down and back up: it is then Healthy, on standby for the failback delay.</summary>
    private void Recover()
    {
        MarkDown();
        _time.Advance(Policy.BreakDuration);
        _state.RecordSuccess(Now);
        _state.RecordSuccess(Now);
        Assert.True(_state.ViewAt(Now).IsStandby);
    }

    private void MarkDown()
    {
        _state.RecordFailure(Now, "1");
        _state.RecordFailure(Now, "2");
        Assert.Equal(RegionHealth.Unhealthy, _state.HealthAt(Now));
    }
}
