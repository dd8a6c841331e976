using Microsoft.Extensions.Time.Testing;
using SlaKit.Budgets;

namespace SlaKit.Tests.Budgets;

public class BurnRateAlertPolicyTests
{
    [Fact]
    public void Defaults_are_the_workbook_table_for_30_days()
    {
        BurnRateAlertPolicy policy = BurnRateAlertPolicy.ForSlo(Traffic.Slo(99.9));

        Assert.Equal(
            ["page at 14.4x over 1h and 5m", "page at 6x over 6h and 30m", "ticket at 1x over 3d and 6h"],
            policy.Rules.Select(static rule => rule.ToString()));
        Assert.Equal(14.4, policy.Rules[0].BurnRate);
        Assert.Equal(AlertSeverity.Page, policy.Rules[0].Severity);
        Assert.Equal(TimeSpan.FromHours(1), policy.Rules[0].LongWindow);
        Assert.Equal(TimeSpan.FromMinutes(5), policy.Rules[0].ShortWindow);
        Assert.Equal(AlertSeverity.Ticket, policy.Rules[2].Severity);
    }

    [Fact]
    public void A_calendar_month_uses_the_30_day_table()
    {
        BurnRateAlertPolicy policy = BurnRateAlertPolicy.ForSlo(Traffic.Slo(99.9, SloWindow.CalendarMonth()));

        Assert.Equal([14.4, 6, 1], policy.Rules.Select(static rule => rule.BurnRate));
    }

    [Theory]
    [InlineData(28, 13.44, 5.6, 1)]
    [InlineData(90, 43.2, 18, 3)]
    [InlineData(7, 3.36, 1.4, 1)]
    [InlineData(365, 175.2, 73, 12.166666666666666)]
    public void Other_windows_keep_the_budget_share_of_each_rule(int days, double fastPage, double slowPage, double ticket)
    {
        BurnRateAlertPolicy policy = BurnRateAlertPolicy.ForSlo(Traffic.Slo(99.9, SloWindow.Rolling(TimeSpan.FromDays(days))));

        Assert.Equal([fastPage, slowPage, ticket], policy.Rules.Select(static rule => rule.BurnRate));
        Assert.Equal([TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromDays(3)], policy.Rules.Select(static rule => rule.LongWindow));
    }

    [Fact]
    public void Windows_longer_than_the_slo_are_cut_to_it_and_rates_never_fall_below_one()
    {
        BurnRateAlertPolicy policy = BurnRateAlertPolicy.ForSlo(Traffic.Slo(99.9, SloWindow.Rolling(TimeSpan.FromDays(1))));

        Assert.Equal([1.0, 1.0, 1.0], policy.Rules.Select(static rule => rule.BurnRate));
        Assert.Equal(TimeSpan.FromDays(1), policy.Rules[2].LongWindow);
        Assert.Equal(TimeSpan.FromHours(2), policy.Rules[2].ShortWindow);
    }

    [Fact]
    public void Two_pages_cut_to_the_same_rule_in_an_hour_long_slo_are_one()
    {
        BurnRateAlertPolicy policy = BurnRateAlertPolicy.ForSlo(Traffic.Slo(99.9, SloWindow.Rolling(TimeSpan.FromHours(1))));

        Assert.Equal(
            [(AlertSeverity.Page, 1.0, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)), (AlertSeverity.Ticket, 1.0, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5))],
            policy.Rules.Select(static rule => (rule.Severity, rule.BurnRate, rule.LongWindow, rule.ShortWindow)));
    }

    [Theory]
    [InlineData(99.9, 167)]
    [InlineData(99.99, 1667)]
    [InlineData(99.0, 17)]
    [InlineData(90.0, 2)]
    public void The_guard_keeps_one_bad_event_from_reaching_the_lowest_page(double percent, long minimumEvents)
    {
        BurnRateAlertPolicy policy = BurnRateAlertPolicy.ForSlo(Traffic.Slo(percent));

        Assert.Equal(minimumEvents, policy.MinimumEvents);

        // One bad event among the guard's minimum burns below 6x; among one fewer, at or above it.
        double unavailability = 1 - (percent / 100);
        Assert.True(1.0 / minimumEvents / unavailability < 6);
        Assert.True(1.0 / (minimumEvents - 1) / unavailability >= 6 - 1e-9);
    }

    [Fact]
    public void Time_slices_need_no_guard()
    {
        var slo = new Slo("uptime", Availability.FromPercent(99.9), SloWindow.Rolling(TimeSpan.FromDays(30)),
            SloBudgetingMethod.TimeSlices(TimeSpan.FromMinutes(1), Availability.FromPercent(95)));

        Assert.Equal(0, BurnRateAlertPolicy.ForSlo(slo).MinimumEvents);
    }

    [Fact]
    public void Evaluating_a_snapshot_gives_the_trackers_alerts()
    {
        var time = new FakeTimeProvider(Traffic.Start);
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99.9), time);
        Traffic.Run(time, tracker, minutes: 10, perMinute: 1000, badPerMinute: 20);

        IReadOnlyList<BurnRateAlert> alerts = tracker.AlertPolicy.Evaluate(tracker.GetSnapshot());

        Assert.Equal(tracker.Evaluate().Select(static alert => alert.Rule), alerts.Select(static alert => alert.Rule));
        BurnRateAlert fast = alerts[0];
        Assert.Equal(AlertSeverity.Page, fast.Severity);
        Assert.Equal(20, fast.LongWindowBurnRate, 9);
        Assert.Equal(20, fast.ShortWindowBurnRate, 9);
        Assert.Equal(new SloEventCounts(9800, 200), fast.LongWindowCounts);
        Assert.Equal(new SloEventCounts(4900, 100), fast.ShortWindowCounts);
        Assert.Equal("page: burn 20x over 1h, 20x over 5m (threshold 14.4x)", fast.ToString());
    }

    [Fact]
    public void A_rule_needs_both_windows_over_the_rate()
    {
        var time = new FakeTimeProvider(Traffic.Start);
        var rule = new BurnRateAlertRule(AlertSeverity.Page, 10, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5));
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99.9), time, new ErrorBudgetTrackerOptions { AlertPolicy = new BurnRateAlertPolicy([rule], 0) });

        // A burst at 50x, then 20 quiet minutes: the hour still burns at 50/3 x, the last 5 minutes at 0.
        Traffic.Run(time, tracker, minutes: 10, perMinute: 1000, badPerMinute: 50);
        Assert.Single(tracker.Evaluate());
        Traffic.Run(time, tracker, minutes: 20, perMinute: 1000, badPerMinute: 0);

        Assert.True(tracker.GetSnapshot().BurnRate(TimeSpan.FromHours(1)) > 10);
        Assert.Empty(tracker.Evaluate());
    }

    [Fact]
    public void Bad_rules_and_policies_are_rejected()
    {
        TimeSpan hour = TimeSpan.FromHours(1);
        TimeSpan fiveMinutes = TimeSpan.FromMinutes(5);
        Assert.Equal("burnRate", Assert.Throws<ArgumentOutOfRangeException>(() => new BurnRateAlertRule(AlertSeverity.Page, 0, hour, fiveMinutes)).ParamName);
        Assert.Equal("burnRate", Assert.Throws<ArgumentOutOfRangeException>(() => new BurnRateAlertRule(AlertSeverity.Page, double.NaN, hour, fiveMinutes)).ParamName);
        Assert.Equal("shortWindow", Assert.Throws<ArgumentOutOfRangeException>(() => new BurnRateAlertRule(AlertSeverity.Page, 2, hour, hour)).ParamName);
        Assert.Equal("longWindow", Assert.Throws<ArgumentOutOfRangeException>(() => new BurnRateAlertRule(AlertSeverity.Page, 2, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10))).ParamName);
        Assert.Equal("severity", Assert.Throws<ArgumentOutOfRangeException>(() => new BurnRateAlertRule((AlertSeverity)7, 2, hour, fiveMinutes)).ParamName);

        var rule = new BurnRateAlertRule(AlertSeverity.Ticket, 1, hour, fiveMinutes);
        Assert.Equal("rules", Assert.Throws<ArgumentException>(() => new BurnRateAlertPolicy([], 0)).ParamName);
        Assert.Equal("rules", Assert.Throws<ArgumentNullException>(() => new BurnRateAlertPolicy([rule, null!], 0)).ParamName);
        Assert.Equal("minimumEvents", Assert.Throws<ArgumentOutOfRangeException>(() => new BurnRateAlertPolicy([rule], -1)).ParamName);
        Assert.Equal("slo", Assert.Throws<ArgumentNullException>(() => BurnRateAlertPolicy.ForSlo(null!)).ParamName);
    }
}
