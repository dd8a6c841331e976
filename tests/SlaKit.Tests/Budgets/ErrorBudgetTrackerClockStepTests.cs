using SlaKit.Budgets;

namespace SlaKit.Tests.Budgets;

/// <summary>
/// The tracker on a host whose wall clock is stepped (an NTP correction, a clock set wrong by hand, a virtual machine
/// resumed) while elapsed time runs on, and on a process that is suspended for a while.
/// </summary>
public class ErrorBudgetTrackerClockStepTests
{
    private static readonly SloBudgetingMethod MinuteSlices = SloBudgetingMethod.TimeSlices(TimeSpan.FromMinutes(1), Availability.FromPercent(95));

    [Fact]
    public void A_wall_clock_stepped_back_two_seconds_does_not_take_snapshots_back_in_time_and_is_caught_up_within_two_minutes()
    {
        var clock = new SteppedClock(Traffic.Start);
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(), clock);
        clock.Advance(TimeSpan.FromSeconds(29));
        tracker.Record(good: 99, total: 100);
        DateTimeOffset latest = tracker.GetSnapshot().Timestamp;

        clock.Step(TimeSpan.FromSeconds(-2));
        ErrorBudgetSnapshot stepped = tracker.GetSnapshot();

        Assert.Equal(latest, stepped.Timestamp);
        Assert.Equal(100, stepped.Budget.TotalEvents);

        // A sixtieth slow, it makes up the two seconds in two minutes.
        Run(clock, tracker, minutes: 3, perMinute: 100, badPerMinute: 0);
        Assert.Equal(clock.GetUtcNow(), tracker.GetSnapshot().Timestamp);
        Assert.Equal(400, tracker.GetSnapshot().Budget.TotalEvents);
    }

    [Fact]
    public void A_wall_clock_stepped_back_an_hour_leaves_the_short_windows_their_own_minutes()
    {
        var clock = new SteppedClock(Traffic.Start);
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99), clock);
        Run(clock, tracker, minutes: 60, perMinute: 1000, badPerMinute: 0);
        DateTimeOffset latest = tracker.GetSnapshot().Timestamp;

        clock.Step(TimeSpan.FromHours(-1));
        Run(clock, tracker, minutes: 10, perMinute: 1000, badPerMinute: 0);
        Run(clock, tracker, minutes: 5, perMinute: 1000, badPerMinute: 100);
        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();

        // The five minutes just past, give or take a minute at the window's start; not the hour before the step as well.
        SloEventCounts lastFive = snapshot.CountsOver(TimeSpan.FromMinutes(5));
        Assert.Equal(500, lastFive.Bad);
        Assert.InRange(lastFive.Total, 5000, 6000);
        Assert.InRange(snapshot.CountsOver(TimeSpan.FromHours(1)).Total, 60_000, 61_000);
        Assert.True(snapshot.Timestamp > latest, $"{snapshot.Timestamp:O} is not after {latest:O}");
        Assert.Equal(75_000, snapshot.Budget.TotalEvents);
    }

    [Fact]
    public void A_wall_clock_stepped_back_an_hour_goes_on_ending_time_slices_a_minute_at_a_time()
    {
        var clock = new SteppedClock(Traffic.Start);
        using var tracker = new ErrorBudgetTracker(new Slo("slices", Availability.FromPercent(99.9), SloWindow.Rolling(TimeSpan.FromDays(30)), MinuteSlices), clock);
        Run(clock, tracker, minutes: 60, perMinute: 100, badPerMinute: 0);
        long ended = tracker.GetSnapshot().Budget.TotalEvents;

        clock.Step(TimeSpan.FromHours(-1));
        Run(clock, tracker, minutes: 10, perMinute: 100, badPerMinute: 50);

        // Ten bad minutes, less the one that a tracker minute of a little over a minute has not ended yet.
        ErrorBudget budget = tracker.GetSnapshot().Budget;
        Assert.InRange(budget.TotalEvents - ended, 9, 10);
        Assert.InRange(budget.BadEvents, 9, 10);
    }

    [Fact]
    public void A_page_after_the_wall_clock_stepped_back_an_hour_ends_once_its_short_windows_are_clean()
    {
        var clock = new SteppedClock(Traffic.Start);
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99), clock);
        Run(clock, tracker, minutes: 60, perMinute: 1000, badPerMinute: 0);

        clock.Step(TimeSpan.FromHours(-1));
        Run(clock, tracker, minutes: 10, perMinute: 1000, badPerMinute: 1000);
        Assert.Contains(tracker.Evaluate(), static alert => alert.Severity == AlertSeverity.Page);

        // 35 clean minutes: the last 5 and 30 minutes burn nothing, so neither page rule holds; the ticket's do.
        Run(clock, tracker, minutes: 35, perMinute: 1000, badPerMinute: 0);
        IReadOnlyList<BurnRateAlert> alerts = tracker.Evaluate();
        Assert.DoesNotContain(alerts, static alert => alert.Severity == AlertSeverity.Page);
        Assert.Contains(alerts, static alert => alert.Severity == AlertSeverity.Ticket);
    }

    [Fact]
    public void A_wall_clock_stepped_back_over_a_month_start_keeps_counting_the_new_month()
    {
        var clock = new SteppedClock(new DateTimeOffset(2026, 11, 30, 23, 50, 30, TimeSpan.Zero));
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99, SloWindow.CalendarMonth()), clock);
        Run(clock, tracker, minutes: 20, perMinute: 1000, badPerMinute: 0);
        long december = tracker.GetSnapshot().Budget.TotalEvents;

        clock.Step(TimeSpan.FromHours(-1));
        Run(clock, tracker, minutes: 5, perMinute: 1000, badPerMinute: 10);
        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), snapshot.WindowStart);
        Assert.True(snapshot.Timestamp >= snapshot.WindowStart, $"{snapshot.Timestamp:O} is before the window's start");
        Assert.Equal(december + 5000, snapshot.Budget.TotalEvents);
        Assert.Equal(50, snapshot.Budget.BadEvents);
    }

    [Fact]
    public void A_wall_clock_stepped_forward_hours_keeps_every_event_and_seals_the_minutes_it_skipped_empty()
    {
        var clock = new SteppedClock(Traffic.Start);
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99), clock);
        Run(clock, tracker, minutes: 10, perMinute: 1000, badPerMinute: 10);
        tracker.Record(good: 990, total: 1000);

        clock.Step(TimeSpan.FromHours(3));
        clock.Advance(TimeSpan.FromSeconds(30));
        tracker.Record(good: 1000, total: 1000);
        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();

        // The events recorded since the last minute was sealed, before the step or after it, count in the minute it stepped to.
        Assert.Equal(clock.GetUtcNow(), snapshot.Timestamp);
        Assert.Equal(new SloEventCounts(11_890, 110), new SloEventCounts(snapshot.Budget.GoodEvents, snapshot.Budget.BadEvents));
        Assert.Equal(new SloEventCounts(1990, 10), snapshot.CountsOver(TimeSpan.FromHours(1)));
        Assert.Equal(new SloEventCounts(11_890, 110), snapshot.CountsOver(TimeSpan.FromHours(4)));

        Run(clock, tracker, minutes: 3, perMinute: 1000, badPerMinute: 1000);
        Assert.Equal(new SloEventCounts(1990, 3010), tracker.GetSnapshot().CountsOver(TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void A_wall_clock_stepped_forward_hours_counts_the_time_slices_it_skipped_as_good()
    {
        var clock = new SteppedClock(Traffic.Start);
        var slo = new Slo("slices", Availability.FromPercent(99.9), SloWindow.Rolling(TimeSpan.FromDays(30)), SloBudgetingMethod.TimeSlices(TimeSpan.FromMinutes(5), Availability.FromPercent(95)));
        using var tracker = new ErrorBudgetTracker(slo, clock);
        Run(clock, tracker, minutes: 10, perMinute: 100, badPerMinute: 50);

        clock.Step(TimeSpan.FromHours(3));
        clock.Advance(TimeSpan.FromSeconds(30));
        ErrorBudget budget = tracker.GetSnapshot().Budget;

        // 12:00 and 12:05 were bad; the slice of 12:10, and 35 more up to 15:10, had no events.
        Assert.Equal(2, budget.BadEvents);
        Assert.Equal(38, budget.TotalEvents);
    }

    [Fact]
    public void A_wall_clock_stepped_forward_over_a_month_end_counts_what_was_recorded_after_the_step_in_the_new_month()
    {
        var clock = new SteppedClock(new DateTimeOffset(2026, 11, 30, 22, 0, 30, TimeSpan.Zero));
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99, SloWindow.CalendarMonth()), clock);
        Run(clock, tracker, minutes: 60, perMinute: 1000, badPerMinute: 10);
        tracker.Record(good: 990, total: 1000);
        Assert.Equal(61_000, tracker.GetSnapshot().Budget.TotalEvents);

        clock.Step(TimeSpan.FromHours(2));
        tracker.Record(good: 500, total: 500);
        ErrorBudgetSnapshot december = tracker.GetSnapshot();

        // Which of the events since the last sealed minute came before the step is not known: all of them count in
        // December, the month in which the last of them were recorded, rather than in November, which is over.
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), december.WindowStart);
        Assert.Equal(new SloEventCounts(1490, 10), new SloEventCounts(december.Budget.GoodEvents, december.Budget.BadEvents));
        Assert.Equal(new SloEventCounts(60_890, 610), december.CountsOver(TimeSpan.FromHours(4)));

        Run(clock, tracker, minutes: 2, perMinute: 1000, badPerMinute: 0);
        Assert.Equal(3500, tracker.GetSnapshot().Budget.TotalEvents);
    }

    [Fact]
    public void A_wall_clock_stepped_forward_over_a_month_end_between_two_ticks_counts_the_minute_after_the_step_in_the_new_month()
    {
        var clock = new SteppedClock(new DateTimeOffset(2026, 11, 30, 22, 0, 30, TimeSpan.Zero));
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99, SloWindow.CalendarMonth()), clock);
        Run(clock, tracker, minutes: 60, perMinute: 1000, badPerMinute: 10);
        clock.Advance(TimeSpan.FromSeconds(30));

        clock.Step(TimeSpan.FromHours(2));
        Run(clock, tracker, minutes: 2, perMinute: 1000, badPerMinute: 0);
        ErrorBudgetSnapshot december = tracker.GetSnapshot();

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), december.WindowStart);
        Assert.Equal(new SloEventCounts(2000, 0), new SloEventCounts(december.Budget.GoodEvents, december.Budget.BadEvents));
    }

    [Fact]
    public void A_process_suspended_ten_minutes_seals_its_minutes_empty_on_resuming_and_then_a_minute_at_a_time()
    {
        var clock = new SteppedClock(Traffic.Start);
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99), clock);
        Run(clock, tracker, minutes: 5, perMinute: 1000, badPerMinute: 10);
        tracker.Record(good: 990, total: 1000);

        clock.Suspend();
        clock.Advance(TimeSpan.FromMinutes(10));
        clock.Resume();
        ErrorBudgetSnapshot resumed = tracker.GetSnapshot();

        Assert.Equal(new SloEventCounts(5940, 60), new SloEventCounts(resumed.Budget.GoodEvents, resumed.Budget.BadEvents));
        Assert.Equal(new SloEventCounts(0, 0), resumed.CountsOver(TimeSpan.FromMinutes(9)));
        Assert.Equal(new SloEventCounts(990, 10), resumed.CountsOver(TimeSpan.FromMinutes(10)));

        Run(clock, tracker, minutes: 3, perMinute: 1000, badPerMinute: 1000);
        Assert.Equal(new SloEventCounts(0, 3000), tracker.GetSnapshot().CountsOver(TimeSpan.FromMinutes(3)));
    }

    /// <summary>For each of <paramref name="minutes"/> minutes: records the minute's requests, then lets the minute pass.</summary>
    private static void Run(SteppedClock clock, ErrorBudgetTracker tracker, int minutes, long perMinute, long badPerMinute)
    {
        for (int i = 0; i < minutes; i++)
        {
            tracker.Record(perMinute - badPerMinute, perMinute);
            clock.Advance(TimeSpan.FromMinutes(1));
        }
    }
}
