using Microsoft.Extensions.Time.Testing;
using SlaKit.Regions;

namespace SlaKit.Tests.Regions;

public class RegionSelectorTests
{
    private static readonly RegionHealthPolicy Policy = new(2, 2, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    private DateTimeOffset Now => _time.GetUtcNow();

    private static TrackedRegion State(string name, int priority = 0, int weight = 1) =>
        new(new Region(name, new Uri($"http://{name}.invalid/")) { Priority = priority, Weight = weight }, Policy);

    private RegionPlan Plan(IReadOnlyList<TrackedRegion> regions, bool allowTrial = true, RegionSelectionMode mode = RegionSelectionMode.PriorityWeighted, int maxAttempts = 10, int seed = 1, bool hedgedTrials = true) =>
        RegionSelector.Plan(regions, Now, allowTrial, mode, maxAttempts, new Random(seed), hedgedTrials);

    private static string[] Names(RegionPlan plan) => plan.Order.Select(static r => r.Region.Name).ToArray();

    private void Down(TrackedRegion state)
    {
        state.RecordFailure(Now, "x");
        state.RecordFailure(Now, "x");
    }

    [Fact]
    public void Orders_by_priority_whatever_the_configuration_order()
    {
        TrackedRegion[] regions = [State("c", 2), State("a", 0), State("b", 1)];

        Assert.Equal(["a", "b", "c"], Names(Plan(regions)));
    }

    [Fact]
    public void Skips_unhealthy_regions()
    {
        TrackedRegion a = State("a", 0), b = State("b", 1), c = State("c", 2);
        Down(b);

        Assert.Equal(["a", "c"], Names(Plan([a, b, c])));
    }

    [Fact]
    public void Tries_every_region_in_priority_order_when_all_are_unhealthy()
    {
        TrackedRegion a = State("a", 0), b = State("b", 1);
        Down(a);
        Down(b);

        RegionPlan plan = Plan([b, a], allowTrial: false);

        Assert.Equal(["a", "b"], Names(plan));
        Assert.False(plan.IsTrial);
    }

    [Fact]
    public void A_region_a_probe_finds_degraded_goes_after_a_healthy_one_of_the_same_priority_but_before_a_worse_priority()
    {
        TrackedRegion a = State("a", 0), b = State("b", 0), c = State("c", 1);
        a.RecordProbe(Now, RegionHealth.Degraded, "slow");

        for (int seed = 0; seed < 20; seed++)
        {
            Assert.Equal(["b", "a", "c"], Names(Plan([a, b, c], seed: seed)));
        }
    }

    [Fact]
    public void A_region_degraded_by_a_failure_takes_first_place_in_its_priority_for_a_quarter_of_its_share_and_never_before_a_better_priority()
    {
        TrackedRegion a = State("a", 0), b = State("b", 0), backup = State("backup", 1), c = State("c", 2);
        a.RecordFailure(Now, "once");
        c.RecordFailure(Now, "once");
        var random = new Random(42);
        int aFirst = 0;
        const int Runs = 4000;
        for (int i = 0; i < Runs; i++)
        {
            string[] names = Names(RegionSelector.Plan([a, b, c, backup], Now, true, RegionSelectionMode.PriorityWeighted, 10, random, hedgedTrials: true));
            Assert.Equal(["backup", "c"], names[2..]);
            if (names[0] == "a")
            {
                aFirst++;
            }
        }

        // Expected a quarter of its half, 1/8 of runs; 4000 draws put 0.10–0.15 far beyond chance.
        Assert.InRange(aFirst / (double)Runs, 0.10, 0.15);
    }

    [Fact]
    public void A_due_trial_of_a_better_region_goes_first_for_requests_safe_to_repeat()
    {
        TrackedRegion a = State("a", 0), b = State("b", 1);
        Down(a);
        _time.Advance(TimeSpan.FromSeconds(5));

        RegionPlan unsafeRequest = Plan([a, b], allowTrial: false);
        Assert.Equal(["b"], Names(unsafeRequest));

        RegionPlan trial = Plan([a, b], allowTrial: true);
        Assert.True(trial.IsTrial);
        Assert.Equal(["a", "b"], Names(trial));

        // The slot is held: a concurrent request does not trial it too.
        RegionPlan concurrent = Plan([a, b], allowTrial: true);
        Assert.False(concurrent.IsTrial);
        Assert.Equal(["b"], Names(concurrent));
    }

    [Fact]
    public void A_region_on_standby_comes_after_every_preferred_region()
    {
        TrackedRegion a = State("a", 0), b = State("b", 1), c = State("c", 2);
        Down(a);
        a.RecordSuccess(Now);
        a.RecordSuccess(Now);

        Assert.Equal(["b", "c", "a"], Names(Plan([a, b, c])));

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(["a", "b", "c"], Names(Plan([a, b, c])));
    }

    [Fact]
    public void An_overdue_region_is_left_out_until_its_late_attempt_ends_unless_nothing_else_is_left()
    {
        TrackedRegion a = State("a", 0), b = State("b", 1);
        a.MarkOverdue(Now, "late");

        Assert.Equal(["b"], Names(Plan([a, b])));
        Assert.Equal(1UL, RegionSelector.PlanKey([a, b], Now, allowTrial: true));

        Down(b);
        Assert.Equal(["a", "b"], Names(Plan([a, b])));
        b.RecordSuccess(Now);
        b.RecordSuccess(Now);
        _time.Advance(TimeSpan.FromSeconds(30));

        a.RecordSuccess(Now);
        a.ResolveOverdue(Now, failed: false);
        Assert.Equal(["a", "b"], Names(Plan([a, b])));
        Assert.Equal(0UL, RegionSelector.PlanKey([a, b], Now, allowTrial: true));
    }

    [Fact]
    public void Max_attempts_cuts_the_plan()
    {
        TrackedRegion[] regions = [State("a", 0), State("b", 1), State("c", 2)];

        Assert.Equal(["a", "b"], Names(Plan(regions, maxAttempts: 2)));
    }

    [Fact]
    public void Weights_share_first_place_within_a_priority()
    {
        TrackedRegion heavy = State("heavy", 0, weight: 3), light = State("light", 0, weight: 1), backup = State("backup", 1, weight: 100);
        var random = new Random(42);
        int heavyFirst = 0;
        const int Runs = 4000;
        for (int i = 0; i < Runs; i++)
        {
            RegionPlan plan = RegionSelector.Plan([heavy, light, backup], Now, true, RegionSelectionMode.PriorityWeighted, 10, random, hedgedTrials: true);
            Assert.Equal("backup", plan.Order[2].Region.Name);
            if (plan.Order[0] == heavy)
            {
                heavyFirst++;
            }
        }

        // Expected 3/4 of runs; 4000 draws put 0.70–0.80 far beyond chance.
        Assert.InRange(heavyFirst / (double)Runs, 0.70, 0.80);
    }

    [Fact]
    public void Latency_aware_puts_the_fastest_region_of_a_priority_first()
    {
        TrackedRegion slow = State("slow"), fast = State("fast"), backup = State("backup", 1);
        for (int i = 0; i < 20; i++)
        {
            slow.Latency.Record(TimeSpan.FromMilliseconds(80));
            fast.Latency.Record(TimeSpan.FromMilliseconds(5));
            backup.Latency.Record(TimeSpan.FromMilliseconds(1));
        }

        // Whatever the draw: latency, not chance, decides.
        for (int seed = 0; seed < 20; seed++)
        {
            Assert.Equal(["fast", "slow", "backup"], Names(Plan([slow, fast, backup], mode: RegionSelectionMode.LatencyAware, seed: seed)));
        }
    }

    [Fact]
    public void Plan_key_is_zero_while_every_region_is_up_and_marks_each_region_that_is_down()
    {
        TrackedRegion a = State("a", 0), b = State("b", 1), c = State("c", 2);

        Assert.Equal(0UL, RegionSelector.PlanKey([a, b, c], Now, allowTrial: true));

        Down(b);
        ulong? bDown = RegionSelector.PlanKey([a, b, c], Now, allowTrial: true);
        Down(c);
        ulong? bcDown = RegionSelector.PlanKey([a, b, c], Now, allowTrial: true);

        Assert.NotNull(bDown);
        Assert.NotEqual(0UL, bDown);
        Assert.NotEqual(bDown, bcDown);
        Assert.Equal(bDown, RegionSelector.PlanKey([a, b, State("c2", 2)], Now, allowTrial: true));
    }

    [Fact]
    public void Plan_key_is_null_while_a_trial_is_due_for_a_request_that_may_make_one()
    {
        TrackedRegion a = State("a", 0), b = State("b", 1);
        Down(a);
        ulong? whileBroken = RegionSelector.PlanKey([a, b], Now, allowTrial: true);

        _time.Advance(TimeSpan.FromSeconds(6));

        Assert.NotNull(whileBroken);
        Assert.Null(RegionSelector.PlanKey([a, b], Now, allowTrial: true));
        Assert.Equal(whileBroken, RegionSelector.PlanKey([a, b], Now, allowTrial: false));
    }

    [Fact]
    public void Of_two_regions_due_for_a_trial_the_better_one_is_tried()
    {
        TrackedRegion b = State("b", 1), a = State("a", 0), c = State("c", 2);
        Down(b);
        Down(a);
        _time.Advance(TimeSpan.FromSeconds(5));

        RegionPlan plan = Plan([b, a, c]);

        Assert.True(plan.IsTrial);
        Assert.Equal(["a", "c"], Names(plan));
    }

    [Fact]
    public void A_trial_does_not_count_against_max_attempts()
    {
        TrackedRegion a = State("a", 0), b = State("b", 1), c = State("c", 2);
        Down(a);
        _time.Advance(TimeSpan.FromSeconds(5));

        RegionPlan one = Plan([a, b, c], maxAttempts: 1);

        Assert.True(one.IsTrial);
        Assert.Equal(["a", "b"], Names(one));
        a.EndTrial();
        Assert.Equal(["b", "c"], Names(Plan([a, b, c], allowTrial: false, maxAttempts: 2)));
    }

    [Fact]
    public void Of_two_regions_of_one_priority_due_for_a_trial_the_first_configured_is_tried()
    {
        TrackedRegion a = State("a", 0), a2 = State("a2", 0), b = State("b", 1);
        Down(a);
        Down(a2);
        _time.Advance(TimeSpan.FromSeconds(5));

        RegionPlan plan = Plan([a, a2, b]);

        Assert.True(plan.IsTrial);
        Assert.Equal(["a", "b"], Names(plan));
    }

    [Fact]
    public void A_backup_due_for_a_trial_gets_one_beside_the_primary_that_serves()
    {
        TrackedRegion backup = State("backup", 1), primary = State("primary", 0);
        Down(backup);
        _time.Advance(TimeSpan.FromSeconds(5));

        RegionPlan plan = Plan([backup, primary]);

        Assert.True(plan.IsTrial);
        Assert.Equal(["backup", "primary"], Names(plan));
        backup.EndTrial();
    }

    [Fact]
    public void Of_several_regions_due_for_a_trial_the_most_preferred_gets_it_an_active_active_peer_before_a_backup()
    {
        TrackedRegion a = State("a", 0), c = State("c", 1), b = State("b", 0);
        Down(c);
        Down(b);
        _time.Advance(TimeSpan.FromSeconds(5));

        RegionPlan plan = Plan([a, c, b]);

        Assert.True(plan.IsTrial);
        Assert.Equal(["b", "a"], Names(plan));

        // One trial at a time per region: the next request tries the backup, and b's own trial is still under way.
        RegionPlan next = Plan([a, c, b]);
        Assert.True(next.IsTrial);
        Assert.Equal(["c", "a"], Names(next));
        b.EndTrial();
        c.EndTrial();
    }

    [Fact]
    public void Without_hedged_trials_a_region_no_better_than_the_one_serving_gets_none_even_when_configured_first()
    {
        // A SIP request waits on its first region: a trial there is worth it only for a region better than what serves.
        TrackedRegion backup = State("backup", 1), a = State("a", 0), b = State("b", 0), better = State("better", -1);
        Down(backup);
        Down(b);
        _time.Advance(TimeSpan.FromSeconds(5));

        RegionPlan plan = Plan([backup, a, b], hedgedTrials: false);

        Assert.False(plan.IsTrial);
        Assert.Equal(["a"], Names(plan));

        Down(better);
        _time.Advance(TimeSpan.FromSeconds(5));
        RegionPlan trial = Plan([backup, a, b, better], hedgedTrials: false);
        Assert.True(trial.IsTrial);
        Assert.Equal(["better", "a"], Names(trial));
        better.EndTrial();
    }

    [Fact]
    public void A_region_still_in_its_break_gets_no_trial_even_when_better()
    {
        TrackedRegion a = State("a", 0), b = State("b", 1);
        Down(a);
        _time.Advance(TimeSpan.FromSeconds(4));

        RegionPlan plan = Plan([a, b]);

        Assert.False(plan.IsTrial);
        Assert.Equal(["b"], Names(plan));
    }

    [Fact]
    public void The_steady_plan_is_in_priority_order_cut_at_max_attempts_and_none_when_priorities_are_shared()
    {
        TrackedRegion c = State("c", 2), a = State("a", 0), b = State("b", 1);

        Assert.Equal(["a", "b", "c"], Names(RegionSelector.SteadyPlan([c, a, b], maxAttempts: 3)!));
        Assert.Equal(["a", "b"], Names(RegionSelector.SteadyPlan([c, a, b], maxAttempts: 2)!));
        Assert.Equal(["a", "b", "c"], Names(RegionSelector.SteadyPlan([c, a, b], maxAttempts: 5)!));
        Assert.False(RegionSelector.SteadyPlan([c, a, b], maxAttempts: 3)!.IsTrial);
        Assert.Null(RegionSelector.SteadyPlan([c, a, State("a2", 0)], maxAttempts: 3));
        Assert.Null(RegionSelector.SteadyPlan([State("x", 1), State("y", 1)], maxAttempts: 2));
    }

    [Fact]
    public void Plan_key_covers_up_to_32_regions_and_marks_standby_apart_from_down()
    {
        TrackedRegion[] many = [.. Enumerable.Range(0, 33).Select(i => State($"r{i}", i))];

        Assert.Equal(0UL, RegionSelector.PlanKey(many[..32], Now, allowTrial: true));
        Assert.Null(RegionSelector.PlanKey(many, Now, allowTrial: true));

        TrackedRegion a = State("a", 0), b = State("b", 1);
        Down(b);
        b.RecordSuccess(Now);
        b.RecordSuccess(Now);
        Assert.Equal(2UL << 2, RegionSelector.PlanKey([a, b], Now, allowTrial: true));
        Down(a);
        Assert.Equal(1UL | (2UL << 2), RegionSelector.PlanKey([a, b], Now, allowTrial: false));
    }
}
