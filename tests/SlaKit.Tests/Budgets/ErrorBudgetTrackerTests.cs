using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Budgets;
using SlaKit.Tests.Infrastructure;

namespace SlaKit.Tests.Budgets;

public class ErrorBudgetTrackerTests
{
    private readonly FakeTimeProvider _time = new(Traffic.Start);

    [Fact]
    public void A_new_tracker_has_a_whole_budget()
    {
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(), _time);

        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();

        Assert.Equal(0, snapshot.Budget.TotalEvents);
        Assert.Equal(1, snapshot.Budget.RemainingFraction);
        Assert.Equal(0, snapshot.BurnRate(TimeSpan.FromHours(1)));
        Assert.Null(snapshot.ProjectedExhaustionAtOneHourBurnRate);
        Assert.Null(snapshot.ProjectedExhaustionAtSixHourBurnRate);
        Assert.Equal(Traffic.Start, snapshot.Timestamp);
        Assert.Equal(Traffic.Start - TimeSpan.FromDays(30), snapshot.WindowStart);
    }

    [Fact]
    public void Records_count_before_the_minute_is_sealed()
    {
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(), _time);

        for (int i = 0; i < 996; i++)
        {
            tracker.RecordSuccess();
        }

        tracker.RecordFailure();
        tracker.Record(good: 1, total: 3);

        ErrorBudget budget = tracker.GetSnapshot().Budget;
        Assert.Equal(1000, budget.TotalEvents);
        Assert.Equal(3, budget.BadEvents);
        Assert.Equal(1, budget.BudgetEvents);
        Assert.Equal(-2, budget.RemainingEvents);
        Assert.Equal(-2, budget.RemainingFraction);
        Assert.Equal(3, budget.BurnRate);
    }

    [Fact]
    public void A_snapshot_is_a_copy()
    {
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(), _time);
        tracker.RecordFailure();
        ErrorBudgetSnapshot before = tracker.GetSnapshot();

        Traffic.Run(_time, tracker, minutes: 3, perMinute: 100, badPerMinute: 1);

        Assert.Equal(1, before.Budget.TotalEvents);
        Assert.Equal(new SloEventCounts(0, 1), before.CountsOver(TimeSpan.FromHours(1)));
        Assert.Equal(301, tracker.GetSnapshot().Budget.TotalEvents);
    }

    [Fact]
    public void Budget_and_burn_rate_follow_the_target()
    {
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99.9), _time);
        Traffic.Run(_time, tracker, minutes: 10, perMinute: 100_000, badPerMinute: 25);

        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();

        Assert.Equal(1_000_000, snapshot.Budget.TotalEvents);
        Assert.Equal(1000, snapshot.Budget.BudgetEvents);
        Assert.Equal(250, snapshot.Budget.ConsumedEvents);
        Assert.Equal(750, snapshot.Budget.RemainingEvents);
        Assert.Equal(0.25, snapshot.Budget.ConsumedFraction);
        Assert.Equal(0.75, snapshot.Budget.RemainingFraction);
        Assert.Equal(0.00025, snapshot.ErrorRatio(TimeSpan.FromHours(1)));
        Assert.Equal(0.25, snapshot.BurnRate(TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Exhaustion_is_projected_from_the_one_and_six_hour_burn_rates()
    {
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99.9), _time);

        // Five quiet hours, then an hour burning at 10x: over six hours that is 10/6 x.
        Traffic.Run(_time, tracker, minutes: 300, perMinute: 1000, badPerMinute: 0);
        Traffic.Run(_time, tracker, minutes: 60, perMinute: 1000, badPerMinute: 10);
        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();

        Assert.Equal(10, snapshot.BurnRate(TimeSpan.FromHours(1)), 9);
        Assert.Equal(10.0 / 6, snapshot.BurnRate(TimeSpan.FromHours(6)), 9);

        // 600 of a 360-event budget is spent: already exhausted.
        Assert.Equal(snapshot.Timestamp, snapshot.ProjectedExhaustionAtOneHourBurnRate);
    }

    [Fact]
    public void An_overspent_budget_is_exhausted_now()
    {
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99.0), _time);

        // 99% of 60,000 events allows 600 bad ones; 1200 were.
        Traffic.Run(_time, tracker, minutes: 60, perMinute: 1000, badPerMinute: 20);
        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();

        Assert.Equal(2, snapshot.BurnRate(TimeSpan.FromHours(1)), 9);
        Assert.Equal(-1, snapshot.Budget.RemainingFraction, 9);
        Assert.Equal(snapshot.Timestamp, snapshot.ProjectedExhaustion(TimeSpan.FromHours(1)));
    }

    [Fact]
    public void A_slow_burn_projects_exhaustion_within_the_window()
    {
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99.0), _time);

        // An hour at 0.2x: 120 of a 600-event budget spent.
        Traffic.Run(_time, tracker, minutes: 60, perMinute: 1000, badPerMinute: 2);
        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();

        Assert.Equal(0.2, snapshot.BurnRate(TimeSpan.FromHours(1)), 9);
        Assert.Equal(0.8, snapshot.Budget.RemainingFraction, 9);

        // 0.8 of a 30-day budget at 0.2x lasts 0.8 × 30 d / 0.2 = 120 days.
        Assert.Equal(snapshot.Timestamp + TimeSpan.FromDays(120), snapshot.ProjectedExhaustionAtOneHourBurnRate);
    }

    [Fact]
    public void A_calendar_month_budget_that_grows_with_traffic_runs_out_when_projected()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99.9, SloWindow.CalendarMonth()), time);

        // Three clean days at 1000 a minute, then an hour at 14x: 840 of a 4380-event budget spent.
        Traffic.Run(time, tracker, minutes: 3 * 1440, perMinute: 1000, badPerMinute: 0);
        Traffic.Run(time, tracker, minutes: 60, perMinute: 1000, badPerMinute: 14);
        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();
        Assert.Equal(3540, snapshot.Budget.RemainingEvents, 9);

        // Each minute spends 14 and adds 1 to the budget: 3540 left last 3540 / 13 minutes, about four and a half hours.
        DateTimeOffset projected = Assert.IsType<DateTimeOffset>(snapshot.ProjectedExhaustionAtOneHourBurnRate);
        Assert.Equal(snapshot.Timestamp + TimeSpan.FromMinutes(3540.0 / 13), projected, TimeSpan.FromSeconds(1));

        // And so it does.
        Traffic.Run(time, tracker, minutes: 272, perMinute: 1000, badPerMinute: 14);
        Assert.True(tracker.GetSnapshot().Budget.RemainingEvents > 0);
        Traffic.Run(time, tracker, minutes: 1, perMinute: 1000, badPerMinute: 14);
        Assert.True(tracker.GetSnapshot().Budget.RemainingEvents <= 0);
    }

    [Fact]
    public void A_calendar_month_budget_burning_at_most_1x_never_runs_out()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99.0, SloWindow.CalendarMonth()), time);

        // At 0.5x each minute adds 10 to the budget and spends 5 of it; at 1x it spends what it adds.
        Traffic.Run(time, tracker, minutes: 60, perMinute: 1000, badPerMinute: 5);
        Assert.Null(tracker.GetSnapshot().ProjectedExhaustionAtOneHourBurnRate);
        Traffic.Run(time, tracker, minutes: 360, perMinute: 1000, badPerMinute: 10);
        Assert.Null(tracker.GetSnapshot().ProjectedExhaustionAtSixHourBurnRate);
    }

    [Fact]
    public void A_spent_calendar_month_budget_still_burning_is_exhausted_now()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99.0, SloWindow.CalendarMonth()), time);

        Traffic.Run(time, tracker, minutes: 60, perMinute: 1000, badPerMinute: 20);
        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();

        Assert.Equal(snapshot.Timestamp, snapshot.ProjectedExhaustionAtOneHourBurnRate);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_budget_overspent_and_now_burning_slowly_or_not_at_all_is_exhausted_now_not_never(bool calendarMonth)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99.0, calendarMonth ? SloWindow.CalendarMonth() : SloWindow.Rolling(TimeSpan.FromDays(30))), time);

        // An hour at 2x overspends the budget; the next hour burns at 0.5x, then an hour passes without events.
        Traffic.Run(time, tracker, minutes: 60, perMinute: 1000, badPerMinute: 20);
        Traffic.Run(time, tracker, minutes: 60, perMinute: 1000, badPerMinute: 5);
        ErrorBudgetSnapshot slow = tracker.GetSnapshot();
        Assert.True(slow.Budget.RemainingEvents < 0);
        Assert.Equal(slow.Timestamp, slow.ProjectedExhaustionAtOneHourBurnRate);

        Traffic.Idle(time, TimeSpan.FromHours(1));
        ErrorBudgetSnapshot idle = tracker.GetSnapshot();
        Assert.True(idle.Budget.RemainingEvents < 0);
        Assert.Equal(idle.Timestamp, idle.ProjectedExhaustionAtOneHourBurnRate);
    }

    [Fact]
    public void A_budget_spent_to_the_last_event_and_idle_since_is_exhausted_now()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99.0, SloWindow.Rolling(TimeSpan.FromDays(30))), time);

        // 1% of 1000 events may fail, and 10 did: nothing left, and nothing burning over the last hour.
        Traffic.Run(time, tracker, minutes: 1, perMinute: 1000, badPerMinute: 10);
        Traffic.Idle(time, TimeSpan.FromHours(2));
        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();

        Assert.Equal(0, snapshot.Budget.RemainingEvents);
        Assert.Equal(snapshot.Timestamp, snapshot.ProjectedExhaustionAtOneHourBurnRate);
    }

    [Fact]
    public void A_calendar_month_of_time_slices_keeps_a_budget_of_the_whole_month()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var slo = new Slo("slices", Availability.FromPercent(99.9), SloWindow.CalendarMonth(), SloBudgetingMethod.TimeSlices(TimeSpan.FromMinutes(1), Availability.FromPercent(95)));
        using var tracker = new ErrorBudgetTracker(slo, time);

        // March has 44,640 minutes, 44.64 of which may be bad; an hour with every tenth minute bad spends 6.
        for (int minute = 0; minute < 60; minute++)
        {
            Traffic.Run(time, tracker, minutes: 1, perMinute: 100, badPerMinute: minute % 10 == 9 ? 50 : 0);
        }

        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();
        Assert.Equal(38.64, snapshot.Budget.RemainingEvents, 9);

        // Six bad minutes an hour: 38.64 left last 6.44 hours.
        DateTimeOffset projected = Assert.IsType<DateTimeOffset>(snapshot.ProjectedExhaustionAtOneHourBurnRate);
        Assert.Equal(snapshot.Timestamp + TimeSpan.FromHours(6.44), projected, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void A_burn_too_slow_to_end_before_the_last_instant_there_is_projects_that_instant()
    {
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99.0), _time);

        // One bad event in 60 billion: a burn rate near 1.7e-9, at which a 30-day budget would last some 50 million years.
        Traffic.Run(_time, tracker, minutes: 59, perMinute: 1_000_000_000, badPerMinute: 0);
        Traffic.Run(_time, tracker, minutes: 1, perMinute: 1_000_000_000, badPerMinute: 1);
        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();

        Assert.InRange(snapshot.BurnRate(TimeSpan.FromHours(1)), 1e-9, 1e-8);
        Assert.Equal(DateTimeOffset.MaxValue, snapshot.ProjectedExhaustionAtOneHourBurnRate);
    }

    [Fact]
    public void Latency_is_good_only_when_faster_than_the_threshold()
    {
        Slo slo = new("search", Availability.FromPercent(99), SloWindow.Rolling(TimeSpan.FromDays(7))) { LatencyThreshold = TimeSpan.FromMilliseconds(300) };
        using var tracker = new ErrorBudgetTracker(slo, _time);

        tracker.RecordLatency(TimeSpan.FromMilliseconds(120));
        tracker.RecordLatency(TimeSpan.FromMilliseconds(299.9));
        tracker.RecordLatency(TimeSpan.FromMilliseconds(300));
        tracker.RecordLatency(TimeSpan.FromSeconds(2));
        tracker.RecordLatency(TimeSpan.FromMilliseconds(10), succeeded: false);

        ErrorBudget budget = tracker.GetSnapshot().Budget;
        Assert.Equal(5, budget.TotalEvents);
        Assert.Equal(3, budget.BadEvents);
    }

    [Fact]
    public void Latency_needs_a_threshold()
    {
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(), _time);

        var error = Assert.Throws<InvalidOperationException>(() => tracker.RecordLatency(TimeSpan.FromMilliseconds(5)));
        Assert.Contains("LatencyThreshold", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_arguments_name_the_parameter()
    {
        Slo slo = new("api", Availability.FromPercent(99), SloWindow.Rolling(TimeSpan.FromDays(1))) { LatencyThreshold = TimeSpan.FromSeconds(1) };
        using var tracker = new ErrorBudgetTracker(slo, _time);

        Assert.Equal("good", Assert.Throws<ArgumentOutOfRangeException>(() => tracker.Record(5, 4)).ParamName);
        Assert.Equal("good", Assert.Throws<ArgumentOutOfRangeException>(() => tracker.Record(-1, 4)).ParamName);
        Assert.Equal("good", Assert.Throws<ArgumentOutOfRangeException>(() => tracker.Record(1, 0)).ParamName);
        Assert.Equal("total", Assert.Throws<ArgumentOutOfRangeException>(() => tracker.Record(0, -1)).ParamName);
        Assert.Equal("latency", Assert.Throws<ArgumentOutOfRangeException>(() => tracker.RecordLatency(TimeSpan.FromTicks(-1))).ParamName);
        Assert.Equal("window", Assert.Throws<ArgumentOutOfRangeException>(() => tracker.GetSnapshot().CountsOver(TimeSpan.Zero)).ParamName);
        Assert.Equal("slo", Assert.Throws<ArgumentNullException>(() => new ErrorBudgetTracker(null!, _time)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => tracker.SaveState(" ")).ParamName);
    }

    [Fact]
    public void Recording_allocates_nothing()
    {
        Slo slo = new("alloc", Availability.FromPercent(99.9), SloWindow.Rolling(TimeSpan.FromDays(30))) { LatencyThreshold = TimeSpan.FromMilliseconds(100) };
        using var tracker = new ErrorBudgetTracker(slo, _time);
        RecordAll(tracker, 1000);

        long before = GC.GetAllocatedBytesForCurrentThread();
        RecordAll(tracker, 100_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);

        static void RecordAll(ErrorBudgetTracker tracker, int times)
        {
            for (int i = 0; i < times; i++)
            {
                tracker.RecordSuccess();
                tracker.RecordFailure();
                tracker.Record(3, 4);
                tracker.RecordLatency(TimeSpan.FromMilliseconds(i % 200));
            }
        }
    }

    [Fact]
    public void Four_threads_recording_a_million_each_lose_no_count()
    {
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(), _time);
        const int PerThread = 1_000_000;
        using var start = new Barrier(5);
        var threads = new Thread[4];
        for (int t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(() =>
            {
                start.SignalAndWait();
                for (int i = 0; i < PerThread; i++)
                {
                    if (i % 100 == 0)
                    {
                        tracker.RecordFailure();
                    }
                    else
                    {
                        tracker.RecordSuccess();
                    }
                }
            });
            threads[t].Start();
        }

        // Minutes are sealed while the threads record, so counts move from stripes to buckets under load.
        start.SignalAndWait(TestContext.Current.CancellationToken);
        // At most a week of minutes, well within the 30-day window.
        int minutes = 0;
        while (threads.Any(static thread => thread.IsAlive))
        {
            if (minutes++ < 7 * 24 * 60)
            {
                _time.Advance(TimeSpan.FromMinutes(1));
            }

            _ = tracker.GetSnapshot();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        ErrorBudget budget = tracker.GetSnapshot().Budget;
        Assert.Equal(4L * PerThread, budget.TotalEvents);
        Assert.Equal(4L * PerThread / 100, budget.BadEvents);
    }

    [Fact]
    public void Events_move_to_coarser_buckets_across_hours_and_days_without_loss()
    {
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(), _time);
        tracker.Record(good: 990, total: 1000);

        Traffic.Idle(_time, TimeSpan.FromMinutes(59));
        Assert.Equal(new SloEventCounts(990, 10), tracker.GetSnapshot().CountsOver(TimeSpan.FromHours(1)));

        // Once the hour has passed the whole minute, the 1-hour window no longer reaches it.
        Traffic.Idle(_time, TimeSpan.FromSeconds(90));
        Assert.Equal(new SloEventCounts(0, 0), tracker.GetSnapshot().CountsOver(TimeSpan.FromHours(1)));
        Assert.Equal(new SloEventCounts(990, 10), tracker.GetSnapshot().CountsOver(TimeSpan.FromHours(2)));

        // After 7 hours the minute lives in a ten-minute bucket, after 4 days in an hourly one.
        Traffic.Idle(_time, TimeSpan.FromHours(6));
        Assert.Equal(new SloEventCounts(990, 10), tracker.GetSnapshot().CountsOver(TimeSpan.FromHours(8)));
        Assert.Equal(new SloEventCounts(0, 0), tracker.GetSnapshot().CountsOver(TimeSpan.FromHours(6)));
        Traffic.Idle(_time, TimeSpan.FromDays(4));
        Assert.Equal(10, tracker.GetSnapshot().Budget.BadEvents);
        Assert.Equal(new SloEventCounts(0, 0), tracker.GetSnapshot().CountsOver(TimeSpan.FromDays(3)));

        // Until the 30-day window slides past its hourly bucket.
        Traffic.Idle(_time, TimeSpan.FromDays(25) + TimeSpan.FromHours(16));
        Assert.Equal(1000, tracker.GetSnapshot().Budget.TotalEvents);
        Traffic.Idle(_time, TimeSpan.FromHours(14));
        Assert.Equal(0, tracker.GetSnapshot().Budget.TotalEvents);
    }

    [Fact]
    public void Windows_within_six_hours_are_exact_to_the_minute()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(), time);

        // Minute k has k bad events of 1000, for six hours; the clock ends on a minute boundary.
        for (int minute = 1; minute <= 360; minute++)
        {
            tracker.Record(1000 - minute, 1000);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();
        foreach (int minutes in new[] { 5, 30, 60, 360 })
        {
            // A window of n minutes ending on a boundary covers the last n minutes and the open one, still empty.
            long expectedBad = Enumerable.Range(360 - minutes + 1, minutes).Sum(static k => (long)k);
            Assert.Equal(expectedBad, snapshot.CountsOver(TimeSpan.FromMinutes(minutes)).Bad);
            Assert.Equal(1000L * minutes, snapshot.CountsOver(TimeSpan.FromMinutes(minutes)).Total);
        }
    }

    [Fact]
    public void A_calendar_month_starts_afresh_at_local_midnight()
    {
        TimeZoneInfo india = TimeZoneInfo.CreateCustomTimeZone("Test/+05:30", TimeSpan.FromMinutes(330), "+05:30", "+05:30");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 31, 23, 50, 0, TimeSpan.FromMinutes(330)));
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99.9, SloWindow.CalendarMonth(india)), time);

        Traffic.Run(time, tracker, minutes: 10, perMinute: 100, badPerMinute: 1);

        // It is now 2026-02-01 00:00 in the zone: February's budget is untouched.
        ErrorBudgetSnapshot february = tracker.GetSnapshot();
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.FromMinutes(330)), february.WindowStart);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.FromMinutes(330)), february.WindowEnd);
        Assert.Equal(0, february.Budget.TotalEvents);
        Assert.Equal(1, february.Budget.RemainingFraction);

        // The burn-rate windows are rolling and still see January's last minutes.
        Assert.Equal(new SloEventCounts(990, 10), february.CountsOver(TimeSpan.FromHours(1)));

        Traffic.Run(time, tracker, minutes: 5, perMinute: 100, badPerMinute: 2);
        Assert.Equal(new SloEventCounts(490, 10), new SloEventCounts(tracker.GetSnapshot().Budget.GoodEvents, tracker.GetSnapshot().Budget.BadEvents));
    }

    [Fact]
    public void A_calendar_month_counts_everything_since_its_start()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99.9, SloWindow.CalendarMonth()), time);

        tracker.Record(99, 100);
        Traffic.Idle(time, TimeSpan.FromDays(27) + TimeSpan.FromHours(23));
        tracker.Record(98, 100);

        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();
        Assert.Equal(200, snapshot.Budget.TotalEvents);
        Assert.Equal(3, snapshot.Budget.BadEvents);

        Traffic.Idle(time, TimeSpan.FromHours(1));
        Assert.Equal(0, tracker.GetSnapshot().Budget.TotalEvents);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), tracker.GetSnapshot().WindowStart);
    }

    [Fact]
    public void History_for_a_30_day_window_fits_in_64_KiB()
    {
        using var rolling = new ErrorBudgetTracker(Traffic.Slo(window: SloWindow.Rolling(TimeSpan.FromDays(30))), _time);
        using var monthly = new ErrorBudgetTracker(Traffic.Slo(window: SloWindow.CalendarMonth()), _time);
        using var yearly = new ErrorBudgetTracker(Traffic.Slo(window: SloWindow.Rolling(TimeSpan.FromDays(366))), _time);

        Assert.InRange(rolling.HistoryBytes, 1, 64 * 1024);
        Assert.InRange(monthly.HistoryBytes, 1, 64 * 1024);
        Assert.InRange(yearly.HistoryBytes, 1, 64 * 1024);
        Assert.Equal([1, 10, 60], rolling.BucketMinutes);
    }

    [Fact]
    public void Creating_a_tracker_for_30_days_allocates_less_than_64_KiB()
    {
        Slo slo = Traffic.Slo();
        using (new ErrorBudgetTracker(slo, _time))
        {
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        using var tracker = new ErrorBudgetTracker(slo, _time);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.InRange(allocated, 1, 64 * 1024);
    }

    [Fact]
    public void Memory_does_not_grow_with_traffic_or_time()
    {
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(), _time);
        int bytes = tracker.HistoryBytes;

        Traffic.Run(_time, tracker, minutes: 600, perMinute: 1_000_000, badPerMinute: 1);
        Traffic.Idle(_time, TimeSpan.FromDays(45));

        Assert.Equal(bytes, tracker.HistoryBytes);
    }

    [Fact]
    public void Dispose_stops_the_timer()
    {
        var time = new TimerCountingTimeProvider(Traffic.Start);
        var tracker = new ErrorBudgetTracker(Traffic.Slo(), time);
        Assert.Equal(1, time.LiveTimers);

        tracker.Dispose();
        tracker.Dispose();

        Assert.Equal(0, time.LiveTimers);
        Assert.Throws<ObjectDisposedException>(tracker.GetSnapshot);
        Assert.Throws<ObjectDisposedException>(() => tracker.Evaluate());
        time.Advance(TimeSpan.FromMinutes(5));
    }

    [Fact]
    public void The_timer_fires_on_each_minute_boundary()
    {
        var time = new TimerCountingTimeProvider(Traffic.Start);
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(), time);

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, time.Callbacks);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, time.Callbacks);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, time.Callbacks);
    }

    /// <summary>A fake clock that counts the timers it hands out that are not disposed, and their callbacks.</summary>
    private sealed class TimerCountingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private int _live;
        private int _callbacks;

        public int LiveTimers => Volatile.Read(ref _live);

        public int Callbacks => Volatile.Read(ref _callbacks);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _live);
            ITimer timer = base.CreateTimer(s => { Interlocked.Increment(ref _callbacks); callback(s); }, state, dueTime, period);
            return new CountedTimer(timer, this);
        }

        private sealed class CountedTimer(ITimer inner, TimerCountingTimeProvider owner) : ITimer
        {
            private int _disposed;

            public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    Interlocked.Decrement(ref owner._live);
                }

                inner.Dispose();
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }

    [Fact]
    public void A_minute_that_cannot_be_sealed_is_logged_and_the_timer_ticks_on_instead_of_ending_the_process()
    {
        var logs = new LogCollector();
        using var loggerFactory = new LoggerFactory([logs]);
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(), _time, new ErrorBudgetTrackerOptions { LoggerFactory = loggerFactory });

        // Counts past what a long holds: the minute's sum cannot be taken.
        tracker.Record(good: 0, total: long.MaxValue);
        tracker.Record(good: 0, total: long.MaxValue);
        _time.Advance(TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(1));

        var failed = logs.Entries.Where(static e => e.EventId.Id == 1202).ToList();
        Assert.Equal(2, failed.Count);
        Assert.All(failed, static e =>
        {
            Assert.Equal(LogLevel.Error, e.Level);
            Assert.NotNull(e.Error);
        });
    }
}
