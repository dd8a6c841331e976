using SlaKit.Budgets;

namespace SlaKit.Tests.Budgets;

public class SloTests
{
    private static readonly SloWindow ThirtyDays = SloWindow.Rolling(TimeSpan.FromDays(30));

    [Fact]
    public void An_slo_counts_events_unless_told_otherwise()
    {
        var slo = new Slo("checkout", Availability.FromPercent(99.9), ThirtyDays);

        Assert.Same(SloBudgetingMethod.Events, slo.BudgetingMethod);
        Assert.False(slo.BudgetingMethod.IsTimeSlices);
        Assert.Null(slo.LatencyThreshold);
        Assert.Equal("checkout: 99.9% over 30d", slo.ToString());
        Assert.Equal("events", slo.BudgetingMethod.ToString());
    }

    [Fact]
    public void Bad_slos_name_the_parameter()
    {
        Assert.Equal("target", Assert.Throws<ArgumentOutOfRangeException>(() => new Slo("a", Availability.Perfect, ThirtyDays)).ParamName);
        Assert.Equal("target", Assert.Throws<ArgumentOutOfRangeException>(() => new Slo("a", Availability.Zero, ThirtyDays)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => new Slo(" ", Availability.FromPercent(99), ThirtyDays)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => new Slo("check\u0007out", Availability.FromPercent(99), ThirtyDays)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => new Slo(null!, Availability.FromPercent(99), ThirtyDays)).ParamName);
        Assert.Equal("window", Assert.Throws<ArgumentNullException>(() => new Slo("a", Availability.FromPercent(99), null!)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Slo("a", Availability.FromPercent(99), ThirtyDays) { LatencyThreshold = TimeSpan.Zero });
    }

    [Fact]
    public void Time_slices_are_whole_minutes_up_to_an_hour()
    {
        SloBudgetingMethod slices = SloBudgetingMethod.TimeSlices(TimeSpan.FromMinutes(5), Availability.FromPercent(95));

        Assert.True(slices.IsTimeSlices);
        Assert.Equal(TimeSpan.FromMinutes(5), slices.SliceLength);
        Assert.Equal(Availability.FromPercent(95), slices.SliceTarget);
        Assert.Equal("time slices of 5m at 95%", slices.ToString());

        foreach (TimeSpan bad in new[] { TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(90), TimeSpan.FromMinutes(61) })
        {
            Assert.Equal("sliceLength", Assert.Throws<ArgumentOutOfRangeException>(() => SloBudgetingMethod.TimeSlices(bad, Availability.FromPercent(95))).ParamName);
        }

        Assert.Equal("sliceTarget", Assert.Throws<ArgumentOutOfRangeException>(() => SloBudgetingMethod.TimeSlices(TimeSpan.FromMinutes(1), Availability.Zero)).ParamName);
    }

    [Fact]
    public void A_rolling_window_may_be_exactly_an_hour_or_366_days_long_and_not_a_tick_outside()
    {
        Assert.Equal(TimeSpan.FromHours(1), SloWindow.Rolling(TimeSpan.FromHours(1)).NominalLength);
        Assert.Equal(TimeSpan.FromDays(366), SloWindow.Rolling(TimeSpan.FromDays(366)).NominalLength);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => SloWindow.Rolling(TimeSpan.FromHours(1) - TimeSpan.FromTicks(1))).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => SloWindow.Rolling(TimeSpan.FromDays(366) + TimeSpan.FromTicks(1))).ParamName);
    }

    [Fact]
    public void A_rolling_window_that_would_start_before_the_first_instant_starts_at_it()
    {
        Assert.Equal(DateTimeOffset.MinValue, ThirtyDays.StartAt(DateTimeOffset.MinValue + TimeSpan.FromDays(10)));
        Assert.Equal(DateTimeOffset.MinValue + TimeSpan.FromDays(1), ThirtyDays.StartAt(DateTimeOffset.MinValue + TimeSpan.FromDays(31)));
    }

    [Fact]
    public void A_rolling_window_is_from_an_hour_to_366_days()
    {
        Assert.Equal("30d", ThirtyDays.ToString());
        Assert.Equal(TimeSpan.FromDays(30), ThirtyDays.NominalLength);
        Assert.False(ThirtyDays.IsCalendarMonth);
        Assert.Null(ThirtyDays.TimeZone);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => SloWindow.Rolling(TimeSpan.FromMinutes(59))).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => SloWindow.Rolling(TimeSpan.FromDays(367))).ParamName);

        DateTimeOffset now = new(2026, 3, 10, 12, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal(now - TimeSpan.FromDays(30), ThirtyDays.StartAt(now));
        Assert.Equal(now, ThirtyDays.EndAt(now));
    }

    [Fact]
    public void A_calendar_month_has_its_real_length()
    {
        SloWindow month = SloWindow.CalendarMonth();
        DateTimeOffset midFebruary = new(2026, 2, 14, 9, 0, 0, TimeSpan.Zero);

        Assert.True(month.IsCalendarMonth);
        Assert.Equal(TimeZoneInfo.Utc, month.TimeZone);
        Assert.Equal("calendar month (UTC)", month.ToString());
        Assert.Equal(TimeSpan.FromDays(30), month.NominalLength);
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), month.StartAt(midFebruary));
        Assert.Equal(TimeSpan.FromDays(28), month.EndAt(midFebruary) - month.StartAt(midFebruary));
    }

    [Fact]
    public void A_calendar_month_starts_at_the_zones_local_midnight()
    {
        TimeZoneInfo zone = TimeZoneInfo.CreateCustomTimeZone("Test/-03:00", TimeSpan.FromHours(-3), "-03:00", "-03:00");
        SloWindow month = SloWindow.CalendarMonth(zone);

        // 2026-03-01T01:00Z is still February 28 at 22:00 in the zone.
        DateTimeOffset instant = new(2026, 3, 1, 1, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 2, 1, 3, 0, 0, TimeSpan.Zero), month.StartAt(instant));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 3, 0, 0, TimeSpan.Zero), month.EndAt(instant));
    }

    [Fact]
    public void Daylight_saving_at_midnight_moves_the_month_start_to_the_first_real_local_time()
    {
        // A zone at +02:00 that springs forward at midnight on April 1 (00:00 → 01:00) and falls back at
        // 01:00 on October 1 (01:00 → 00:00), so April's midnight never happens and October's happens twice.
        var rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
            DateTime.MinValue.Date, DateTime.MaxValue.Date, TimeSpan.FromHours(1),
            TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 0, 0, 0), 4, 1),
            TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 1, 0, 0), 10, 1));
        TimeZoneInfo zone = TimeZoneInfo.CreateCustomTimeZone("Test/DST", TimeSpan.FromHours(2), "Test", "Test", "Test DST", [rule]);
        SloWindow month = SloWindow.CalendarMonth(zone);

        // April starts at 01:00 summer time (+03:00), the instant midnight would have been.
        DateTimeOffset april = new(2026, 3, 31, 22, 0, 0, TimeSpan.Zero);
        Assert.Equal(april, month.StartAt(new DateTimeOffset(2026, 4, 15, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(april, month.EndAt(new DateTimeOffset(2026, 3, 15, 12, 0, 0, TimeSpan.Zero)));

        // October starts at the first of its two midnights, still on summer time.
        DateTimeOffset october = new(2026, 9, 30, 21, 0, 0, TimeSpan.Zero);
        Assert.Equal(october, month.StartAt(new DateTimeOffset(2026, 9, 30, 21, 30, 0, TimeSpan.Zero)));
        Assert.Equal(october, month.StartAt(new DateTimeOffset(2026, 9, 30, 22, 30, 0, TimeSpan.Zero)));
        Assert.Equal(october, month.EndAt(new DateTimeOffset(2026, 9, 30, 20, 59, 0, TimeSpan.Zero)));
    }
}
