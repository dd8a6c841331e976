using Microsoft.Extensions.Time.Testing;
using SlaKit.Budgets;

namespace SlaKit.Tests.Budgets;

public sealed class TimeSliceTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(Traffic.Start);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("slakit-slices-");

    private string StatePath => Path.Combine(_directory.FullName, "uptime.json");

    public void Dispose() => _directory.Delete(recursive: true);

    private static Slo Uptime(int sliceMinutes, double sliceTarget, SloWindow? window = null) =>
        new("uptime-" + Guid.NewGuid().ToString("N"), Availability.FromPercent(99.9), window ?? SloWindow.Rolling(TimeSpan.FromDays(30)),
            SloBudgetingMethod.TimeSlices(TimeSpan.FromMinutes(sliceMinutes), Availability.FromPercent(sliceTarget)));

    [Fact]
    public void Each_minute_is_good_or_bad_by_its_share_of_good_events()
    {
        using var tracker = new ErrorBudgetTracker(Uptime(1, 95), _time);

        Traffic.Run(_time, tracker, minutes: 1, perMinute: 100, badPerMinute: 10); // 90%: bad
        Traffic.Run(_time, tracker, minutes: 1, perMinute: 100, badPerMinute: 3);  // 97%: good
        _time.Advance(TimeSpan.FromMinutes(1));                                    // no traffic: good
        Traffic.Run(_time, tracker, minutes: 1, perMinute: 100, badPerMinute: 5);  // exactly 95%: good

        ErrorBudget budget = tracker.GetSnapshot().Budget;
        Assert.Equal(4, budget.TotalEvents);
        Assert.Equal(1, budget.BadEvents);

        // 99.9% of the 43,200 minutes of 30 days allows 43.2 bad minutes.
        Assert.Equal(43.2, budget.BudgetEvents, 9);
        Assert.Equal(1 - (1 / 43.2), budget.RemainingFraction, 9);
    }

    [Fact]
    public void A_slice_counts_once_it_ends()
    {
        using var tracker = new ErrorBudgetTracker(Uptime(1, 95), _time);

        tracker.Record(good: 0, total: 100);
        Assert.Equal(0, tracker.GetSnapshot().Budget.TotalEvents);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, tracker.GetSnapshot().Budget.BadEvents);
    }

    [Fact]
    public void Longer_slices_judge_all_their_minutes_together()
    {
        using var tracker = new ErrorBudgetTracker(Uptime(5, 99), _time);

        // 12:00–12:05 is one slice: 2% bad over its five minutes makes it bad, even though the last minutes are clean.
        Traffic.Run(_time, tracker, minutes: 2, perMinute: 100, badPerMinute: 5);
        Traffic.Run(_time, tracker, minutes: 2, perMinute: 100, badPerMinute: 0);
        Assert.Equal(0, tracker.GetSnapshot().Budget.TotalEvents);

        Traffic.Run(_time, tracker, minutes: 1, perMinute: 100, badPerMinute: 0);
        Assert.Equal(new SloEventCounts(0, 1), tracker.GetSnapshot().CountsOver(TimeSpan.FromHours(1)));

        // Twenty quiet minutes end four more slices, all good.
        _time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(new SloEventCounts(4, 1), tracker.GetSnapshot().CountsOver(TimeSpan.FromHours(1)));
    }

    [Fact]
    public void A_calendar_month_of_slices_has_the_months_own_budget()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 3, 0, 0, 0, TimeSpan.Zero));
        using var tracker = new ErrorBudgetTracker(Uptime(1, 95, SloWindow.CalendarMonth()), time);

        Traffic.Run(time, tracker, minutes: 3, perMinute: 10, badPerMinute: 10);

        ErrorBudget budget = tracker.GetSnapshot().Budget;

        // February 2026 has 28 × 1440 = 40,320 minutes; 99.9% of them allows 40.32 bad ones.
        Assert.Equal(40.32, budget.BudgetEvents, 9);
        Assert.Equal(3, budget.BadEvents);
    }

    [Fact]
    public void Bad_minutes_page()
    {
        using var tracker = new ErrorBudgetTracker(Uptime(1, 95), _time);
        var pages = new List<BurnRateAlert>();
        tracker.AlertStarted += (_, e) => pages.Add(e.Alert);

        // One bad minute in every ten: 10% of minutes against a 0.1% allowance burns at 100x.
        for (int i = 0; i < 3; i++)
        {
            Traffic.Run(_time, tracker, minutes: 1, perMinute: 100, badPerMinute: 50);
            Traffic.Run(_time, tracker, minutes: 9, perMinute: 100, badPerMinute: 0);
        }

        Assert.Contains(pages, static alert => alert.Severity == AlertSeverity.Page);
    }

    [Fact]
    public void A_time_slice_state_survives_a_restart()
    {
        Slo slo = Uptime(5, 99);
        using (var tracker = new ErrorBudgetTracker(slo, _time))
        {
            Traffic.Run(_time, tracker, minutes: 7, perMinute: 100, badPerMinute: 2);
            tracker.Record(good: 95, total: 100);
            tracker.SaveState(StatePath);
        }

        using var restarted = new ErrorBudgetTracker(slo, _time);
        restarted.LoadState(StatePath);

        // The first slice (bad) was saved as a verdict, the second is still open with its events so far.
        Assert.Equal(new SloEventCounts(0, 1), restarted.GetSnapshot().CountsOver(TimeSpan.FromHours(1)));
        Traffic.Run(_time, restarted, minutes: 3, perMinute: 100, badPerMinute: 0);
        Assert.Equal(new SloEventCounts(0, 2), restarted.GetSnapshot().CountsOver(TimeSpan.FromHours(1)));
    }

    [Fact]
    public void A_slice_saved_open_that_ended_while_nothing_recorded_counts_its_verdict_at_its_own_end()
    {
        Slo slo = Uptime(5, 99);
        var steadyTime = new FakeTimeProvider(Traffic.Start);
        using var steady = new ErrorBudgetTracker(slo, steadyTime);

        // The slice 12:00–12:05 so far: 300 events, 4 bad (98.7%, under its 99%).
        static void FirstMinutes(FakeTimeProvider time, ErrorBudgetTracker tracker)
        {
            Traffic.Run(time, tracker, minutes: 2, perMinute: 100, badPerMinute: 2);
            tracker.Record(good: 100, total: 100);
        }

        using (var stopped = new ErrorBudgetTracker(slo, _time))
        {
            FirstMinutes(_time, stopped);
            stopped.SaveState(StatePath);
        }

        FirstMinutes(steadyTime, steady);
        _time.Advance(TimeSpan.FromMinutes(20));
        steadyTime.Advance(TimeSpan.FromMinutes(20));

        using var restarted = new ErrorBudgetTracker(slo, _time);
        restarted.LoadState(StatePath);

        // At 12:22:30 the slice's last minute, 12:04, is in a window from 12:04:30 but not in one from 12:05:30: the
        // restarted tracker judges the saved slice as the one that never stopped did, and counts it where it ended.
        foreach (ErrorBudgetTracker tracker in new[] { steady, restarted })
        {
            Assert.Equal(1, tracker.GetSnapshot().CountsOver(TimeSpan.FromMinutes(18)).Bad);
            Assert.Equal(0, tracker.GetSnapshot().CountsOver(TimeSpan.FromMinutes(17)).Bad);
        }
    }

    [Fact]
    public void A_quiet_gap_longer_than_the_history_ends_the_same_slices_as_time_passing_hour_by_hour()
    {
        Slo slo = Uptime(5, 99);
        var stepTime = new FakeTimeProvider(Traffic.Start);
        using var jump = new ErrorBudgetTracker(slo, _time);
        using var step = new ErrorBudgetTracker(slo, stepTime);
        Traffic.Run(_time, jump, minutes: 5, perMinute: 100, badPerMinute: 10);
        Traffic.Run(stepTime, step, minutes: 5, perMinute: 100, badPerMinute: 10);

        // A hundred days at once: the history of a 30-day window reaches back far less.
        _time.Advance(TimeSpan.FromDays(100));
        Traffic.Idle(stepTime, TimeSpan.FromDays(100));

        foreach (TimeSpan window in new[] { TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(30) })
        {
            Assert.Equal(step.GetSnapshot().CountsOver(window), jump.GetSnapshot().CountsOver(window));
        }

        // 30 days of five-minute slices and one more at the window's edge, every one quiet and so good.
        Assert.Equal(new SloEventCounts(8641, 0), jump.GetSnapshot().CountsOver(TimeSpan.FromDays(30)));
    }
}
