namespace SlaKit.Tests.AvailabilityMath;

public class AvailabilityMeasurementTests
{
    private static readonly SlaPeriod April = SlaPeriod.CalendarMonth(2026, 4);
    private static readonly MeasurementOptions WholeMinutes = new() { WholeMinutesOnly = true };

    private static DateTimeOffset At(int month, int day, int hour, int minute = 0, int second = 0) =>
        new(2026, month, day, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public void No_incidents_is_perfect()
    {
        MeasuredAvailability m = AvailabilityMeasurement.Measure([], April);
        Assert.Equal(Availability.Perfect, m.Availability);
        Assert.Equal(TimeSpan.Zero, m.Downtime);
        Assert.Empty(m.Outages);
        Assert.Equal(0, m.IncidentCount);
        Assert.Null(m.Mttr);
        Assert.Null(m.Mtbf);
    }

    [Fact]
    public void Overlapping_incidents_are_counted_once()
    {
        // 10:00–10:30 and 10:15–10:43:12 merge into one outage of 43m 12s: exactly 99.9% of a 30-day month.
        Incident[] incidents =
        [
            new(At(4, 10, 10, 15), At(4, 10, 10, 43, 12)),
            new(At(4, 10, 10), At(4, 10, 10, 30)),
        ];
        MeasuredAvailability m = AvailabilityMeasurement.Measure(incidents, April);
        Assert.Equal(TimeSpan.FromSeconds(2592), m.Downtime);
        Assert.Equal(1, m.IncidentCount);
        Assert.Equal(Availability.FromPercent(99.9), m.Availability);
    }

    [Fact]
    public void Duplicate_and_contained_incidents_are_counted_once()
    {
        Incident[] incidents =
        [
            new(At(4, 10, 10), At(4, 10, 12)),
            new(At(4, 10, 10), At(4, 10, 12)),
            new(At(4, 10, 10, 30), At(4, 10, 11)),
        ];
        MeasuredAvailability m = AvailabilityMeasurement.Measure(incidents, April);
        Assert.Equal(TimeSpan.FromHours(2), m.Downtime);
        Assert.Equal(1, m.IncidentCount);
    }

    [Fact]
    public void Touching_incidents_are_merged()
    {
        Incident[] incidents =
        [
            new(At(4, 10, 10), At(4, 10, 10, 30)),
            new(At(4, 10, 10, 30), At(4, 10, 11)),
        ];
        MeasuredAvailability m = AvailabilityMeasurement.Measure(incidents, April);
        Outage outage = Assert.Single(m.Outages);
        Assert.Equal(TimeSpan.FromHours(1), outage.Duration);
        Assert.Equal(TimeSpan.FromHours(1), m.Downtime);
    }

    [Fact]
    public void Separate_incidents_are_separate_outages()
    {
        Incident[] incidents =
        [
            new(At(4, 10, 10), At(4, 10, 10, 30)),
            new(At(4, 10, 10, 30, 1), At(4, 10, 11)),
        ];
        MeasuredAvailability m = AvailabilityMeasurement.Measure(incidents, April);
        Assert.Equal(2, m.IncidentCount);
        Assert.Equal(TimeSpan.FromSeconds(3599), m.Downtime);
    }

    [Fact]
    public void Parts_outside_the_window_are_clipped()
    {
        Incident[] incidents =
        [
            new(At(3, 31, 23), At(4, 1, 1)),      // 1 h inside April
            new(At(4, 30, 23, 30), At(5, 1, 2)),  // 30 min inside April
            new(At(3, 1, 0), At(3, 2, 0)),        // wholly before
            new(At(5, 1, 0), At(5, 1, 1)),        // wholly after (starts at April's exclusive end)
        ];
        MeasuredAvailability m = AvailabilityMeasurement.Measure(incidents, April);
        Assert.Equal(TimeSpan.FromMinutes(90), m.Downtime);
        Assert.Equal(2, m.IncidentCount);
        Assert.Equal(At(4, 1, 0), m.Outages[0].Start);
        Assert.Equal(At(5, 1, 0), m.Outages[1].End);
    }

    [Fact]
    public void Incident_covering_the_whole_window_is_zero()
    {
        MeasuredAvailability m = AvailabilityMeasurement.Measure([new Incident(At(3, 1, 0), At(6, 1, 0))], April);
        Assert.Equal(Availability.Zero, m.Availability);
        Assert.Equal(TimeSpan.FromDays(30), m.Downtime);
        Assert.Equal(TimeSpan.FromDays(30), m.Mttr);
        Assert.Equal(TimeSpan.Zero, m.Mtbf);
    }

    [Fact]
    public void Explicit_window_measures_that_window()
    {
        DateTimeOffset start = At(4, 10, 0);
        MeasuredAvailability m = AvailabilityMeasurement.Measure([new Incident(At(4, 10, 23, 30), At(4, 11, 1))], start, start.AddDays(1));
        Assert.Equal(TimeSpan.FromMinutes(30), m.Downtime);
        Assert.Equal(start, m.WindowStart);
        Assert.Equal(start.AddDays(1), m.WindowEnd);
        Assert.Null(m.Period);
        // 30 min of a day: 1 − 1800/86400 = 97.91666…%
        Assert.Equal(1 - (1800.0 / 86400), m.Availability.Ratio, 15);
    }

    [Fact]
    public void Incident_spanning_a_month_boundary_is_split_between_months()
    {
        Incident[] incidents = [new(At(3, 31, 22), At(4, 1, 2))];
        IReadOnlyList<MeasuredAvailability> months = AvailabilityMeasurement.MeasureCalendarMonths(
            incidents, SlaPeriod.CalendarMonth(2026, 3), SlaPeriod.CalendarMonth(2026, 5));
        Assert.Equal(3, months.Count);
        Assert.Equal(SlaPeriod.CalendarMonth(2026, 3), months[0].Period);
        Assert.Equal(SlaPeriod.CalendarMonth(2026, 4), months[1].Period);
        Assert.Equal(SlaPeriod.CalendarMonth(2026, 5), months[2].Period);
        Assert.Equal(TimeSpan.FromHours(2), months[0].Downtime);
        Assert.Equal(TimeSpan.FromHours(2), months[1].Downtime);
        Assert.Equal(TimeSpan.Zero, months[2].Downtime);
        Assert.Equal(Availability.FromDowntime(TimeSpan.FromHours(2), SlaPeriod.CalendarMonth(2026, 3)), months[0].Availability);
        Assert.Equal(Availability.FromDowntime(TimeSpan.FromHours(2), April), months[1].Availability);
        Assert.Equal(Availability.Perfect, months[2].Availability);
    }

    [Fact]
    public void Incident_across_a_year_end_is_split_between_december_and_january()
    {
        var incident = new Incident(new DateTimeOffset(2026, 12, 31, 23, 45, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 1, 0, 15, 0, TimeSpan.Zero));
        IReadOnlyList<MeasuredAvailability> months = AvailabilityMeasurement.MeasureCalendarMonths(
            [incident], SlaPeriod.CalendarMonth(2026, 12), SlaPeriod.CalendarMonth(2027, 1));
        Assert.Equal([TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15)], months.Select(m => m.Downtime));
    }

    [Fact]
    public void Measure_calendar_months_one_month_and_a_full_year()
    {
        SlaPeriod jan = SlaPeriod.CalendarMonth(2026, 1);
        Assert.Single(AvailabilityMeasurement.MeasureCalendarMonths([], jan, jan));
        IReadOnlyList<MeasuredAvailability> year = AvailabilityMeasurement.MeasureCalendarMonths([], jan, SlaPeriod.CalendarMonth(2026, 12));
        Assert.Equal(12, year.Count);
        Assert.Equal(TimeSpan.FromDays(365), TimeSpan.FromTicks(year.Sum(m => m.WindowLength.Ticks)));
    }

    [Fact]
    public void Half_weight_for_an_hour_is_thirty_minutes()
    {
        MeasuredAvailability m = AvailabilityMeasurement.Measure([new Incident(At(4, 2, 8), At(4, 2, 9), 0.5)], April);
        Assert.Equal(TimeSpan.FromMinutes(30), m.Downtime);
        Assert.Equal(TimeSpan.FromHours(1), m.Mttr);
    }

    [Fact]
    public void Full_outage_overlapping_a_partial_one_counts_the_heavier_not_the_sum()
    {
        // Partial (0.5) 08:00–09:00, full 08:00–08:20: 20 min full + 40 min at half = 40 min (the sum would be 50).
        Incident[] incidents =
        [
            new(At(4, 2, 8), At(4, 2, 9), 0.5),
            new(At(4, 2, 8), At(4, 2, 8, 20)),
        ];
        MeasuredAvailability m = AvailabilityMeasurement.Measure(incidents, April);
        Assert.Equal(TimeSpan.FromMinutes(40), m.Downtime);
        Outage outage = Assert.Single(m.Outages);
        Assert.Equal(TimeSpan.FromHours(1), outage.Duration);
    }

    [Fact]
    public void Full_outage_inside_a_partial_one_counts_the_heavier_not_the_sum()
    {
        // Partial (0.5) 08:00–09:00, full 08:20–08:40: 10 + 20 + 10 = 40 min.
        Incident[] incidents =
        [
            new(At(4, 2, 8, 20), At(4, 2, 8, 40)),
            new(At(4, 2, 8), At(4, 2, 9), 0.5),
        ];
        Assert.Equal(TimeSpan.FromMinutes(40), AvailabilityMeasurement.Measure(incidents, April).Downtime);
    }

    [Fact]
    public void Overlapping_partial_outages_count_the_heaviest_at_each_instant()
    {
        // 0.25 over 08:00–10:00, 0.5 over 09:00–11:00, 0.25 again over 10:30–12:00:
        // 60 min × .25 + 120 min × .5 + 60 min × .25 = 15 + 60 + 15 = 90 min.
        Incident[] incidents =
        [
            new(At(4, 2, 8), At(4, 2, 10), 0.25),
            new(At(4, 2, 9), At(4, 2, 11), 0.5),
            new(At(4, 2, 10, 30), At(4, 2, 12), 0.25),
        ];
        MeasuredAvailability m = AvailabilityMeasurement.Measure(incidents, April);
        Assert.Equal(TimeSpan.FromMinutes(90), m.Downtime);
        Assert.Equal(1, m.IncidentCount);
    }

    [Fact]
    public void Touching_partial_outages_of_equal_weight_are_one_outage()
    {
        Incident[] incidents =
        [
            new(At(4, 2, 8), At(4, 2, 9), 0.5),
            new(At(4, 2, 9), At(4, 2, 10), 0.5),
            new(At(4, 2, 10), At(4, 2, 11)),
        ];
        MeasuredAvailability m = AvailabilityMeasurement.Measure(incidents, April);
        Assert.Equal(TimeSpan.FromMinutes(120), m.Downtime);
        Assert.Equal(TimeSpan.FromHours(3), Assert.Single(m.Outages).Duration);
    }

    [Fact]
    public void Whole_minutes_only_ignores_outages_under_a_minute()
    {
        MeasuredAvailability m = AvailabilityMeasurement.Measure([new Incident(At(4, 2, 8), At(4, 2, 8, 0, 59))], April, WholeMinutes);
        Assert.Equal(Availability.Perfect, m.Availability);
        Assert.Equal(TimeSpan.Zero, m.Downtime);
        Assert.Equal(0, m.IncidentCount);
        Assert.Null(m.Mttr);
        Assert.Null(m.Mtbf);
    }

    [Fact]
    public void Whole_minutes_only_rounds_down_to_whole_minutes()
    {
        MeasuredAvailability m = AvailabilityMeasurement.Measure([new Incident(At(4, 2, 8), At(4, 2, 8, 1, 30))], April, WholeMinutes);
        Assert.Equal(TimeSpan.FromSeconds(60), m.Downtime);
        Outage outage = Assert.Single(m.Outages);
        Assert.Equal(TimeSpan.FromSeconds(60), outage.Duration);
        Assert.Equal(TimeSpan.FromSeconds(60), outage.Downtime);
        Assert.Equal(TimeSpan.FromSeconds(60), m.Mttr);

        MeasuredAvailability exact = AvailabilityMeasurement.Measure([new Incident(At(4, 2, 8), At(4, 2, 8, 1, 30))], April);
        Assert.Equal(TimeSpan.FromSeconds(90), exact.Downtime);
    }

    [Fact]
    public void Whole_minutes_only_keeps_a_long_partial_outage_whose_downtime_rounds_to_no_minute_as_an_incident()
    {
        // Ten minutes at 5% of traffic: 30 s of downtime, no whole minute, but an outage ten minutes long.
        MeasuredAvailability m = AvailabilityMeasurement.Measure([new Incident(At(4, 2, 8), At(4, 2, 8, 10), 0.05)], April, WholeMinutes);

        Outage outage = Assert.Single(m.Outages);
        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.Zero), (outage.Duration, outage.Downtime));
        Assert.Equal(TimeSpan.Zero, m.Downtime);
        Assert.Equal(1, m.IncidentCount);
        Assert.Equal(TimeSpan.FromMinutes(10), m.Mttr);
    }

    [Fact]
    public void Whole_minutes_only_rounds_each_outage_on_its_own()
    {
        // Two 90 s outages count 60 s each (120 s), not 180 s rounded once.
        Incident[] incidents =
        [
            new(At(4, 2, 8), At(4, 2, 8, 1, 30)),
            new(At(4, 2, 9), At(4, 2, 9, 1, 30)),
        ];
        Assert.Equal(TimeSpan.FromSeconds(120), AvailabilityMeasurement.Measure(incidents, April, WholeMinutes).Downtime);
    }

    [Fact]
    public void Mttr_and_mtbf_known_answers()
    {
        // Outages of 10 and 20 minutes in a 30-day month:
        // MTTR = 15 min; MTBF = (2,592,000 s − 1,800 s) / 2 = 1,295,100 s.
        Incident[] incidents =
        [
            new(At(4, 5, 10), At(4, 5, 10, 10)),
            new(At(4, 20, 10), At(4, 20, 10, 20)),
        ];
        MeasuredAvailability m = AvailabilityMeasurement.Measure(incidents, April);
        Assert.Equal(TimeSpan.FromMinutes(15), m.Mttr);
        Assert.Equal(TimeSpan.FromSeconds(1_295_100), m.Mtbf);
        Assert.Equal(TimeSpan.FromMinutes(30), m.Downtime);
    }

    [Fact]
    public void Exactly_the_allowed_downtime_measures_exactly_the_target()
    {
        // 99.99% of a 31-day month (2,678,400 s) is 267.84 s.
        SlaPeriod january = SlaPeriod.CalendarMonth(2026, 1);
        DateTimeOffset start = new(2026, 1, 15, 3, 0, 0, TimeSpan.Zero);
        MeasuredAvailability m = AvailabilityMeasurement.Measure([new Incident(start, start.AddTicks(2_678_400_000))], january);
        Assert.Equal(Availability.FromPercent(99.99), m.Availability);
        Assert.Equal("99.99%", m.Availability.ToString());
        Assert.True(m.Meets(Availability.FromPercent(99.99)));

        MeasuredAvailability oneTickMore = AvailabilityMeasurement.Measure([new Incident(start, start.AddTicks(2_678_400_001))], january);
        Assert.False(oneTickMore.Meets(Availability.FromPercent(99.99)));
    }

    [Fact]
    public void Incidents_with_offsets_are_measured_in_utc()
    {
        // 01:30+02:00 is 23:30 UTC on 31 March, so only 30 min of this incident falls in April.
        var incident = new Incident(new DateTimeOffset(2026, 4, 1, 1, 30, 0, TimeSpan.FromHours(2)), new DateTimeOffset(2026, 4, 1, 2, 30, 0, TimeSpan.FromHours(2)));
        Assert.Equal(TimeSpan.FromMinutes(30), AvailabilityMeasurement.Measure([incident], April).Downtime);
    }

    [Fact]
    public void Zero_length_incidents_are_not_outages()
    {
        MeasuredAvailability m = AvailabilityMeasurement.Measure([new Incident(At(4, 2, 8), At(4, 2, 8))], April);
        Assert.Equal(0, m.IncidentCount);
        Assert.Equal(Availability.Perfect, m.Availability);
    }

    [Fact]
    public void Measure_calendar_quarter_and_year()
    {
        Incident[] incidents = [new(At(3, 31, 23), At(4, 1, 1))];
        MeasuredAvailability q1 = AvailabilityMeasurement.Measure(incidents, SlaPeriod.CalendarQuarter(2026, 1));
        Assert.Equal(TimeSpan.FromHours(1), q1.Downtime);
        Assert.Equal(TimeSpan.FromDays(90), q1.WindowLength);
        MeasuredAvailability year = AvailabilityMeasurement.Measure(incidents, SlaPeriod.CalendarYear(2026));
        Assert.Equal(TimeSpan.FromHours(2), year.Downtime);
        Assert.Equal(SlaPeriod.CalendarYear(2026), year.Period);
    }

    // ---- Bad input ----

    [Fact]
    public void Measure_window_end_not_after_start_throws()
    {
        DateTimeOffset start = At(4, 1, 0);
        Assert.Equal("windowEnd", Assert.Throws<ArgumentOutOfRangeException>(() => AvailabilityMeasurement.Measure([], start, start)).ParamName);
        Assert.Equal("windowEnd", Assert.Throws<ArgumentOutOfRangeException>(() => AvailabilityMeasurement.Measure([], start, start.AddTicks(-1))).ParamName);
    }

    [Fact]
    public void Measure_non_calendar_period_throws()
    {
        Assert.Equal("period", Assert.Throws<ArgumentException>(() => AvailabilityMeasurement.Measure([], SlaPeriod.Month())).ParamName);
        Assert.Equal("period", Assert.Throws<ArgumentException>(() => AvailabilityMeasurement.Measure([], SlaPeriod.Rolling(TimeSpan.FromDays(30)))).ParamName);
        Assert.Equal("period", Assert.Throws<ArgumentException>(() => AvailabilityMeasurement.Measure([], default(SlaPeriod))).ParamName);
    }

    [Fact]
    public void Measure_calendar_months_last_before_first_throws()
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => AvailabilityMeasurement.MeasureCalendarMonths([], SlaPeriod.CalendarMonth(2026, 5), SlaPeriod.CalendarMonth(2026, 4)));
        Assert.Equal("lastMonth", ex.ParamName);
    }

    [Fact]
    public void Measure_calendar_months_non_month_bounds_throw()
    {
        Assert.Equal("firstMonth", Assert.Throws<ArgumentException>(
            () => AvailabilityMeasurement.MeasureCalendarMonths([], SlaPeriod.CalendarQuarter(2026, 1), April)).ParamName);
        Assert.Equal("lastMonth", Assert.Throws<ArgumentException>(
            () => AvailabilityMeasurement.MeasureCalendarMonths([], April, SlaPeriod.Month())).ParamName);
    }

    [Fact]
    public void Null_incidents_throw()
    {
        Assert.Throws<ArgumentNullException>(() => AvailabilityMeasurement.Measure(null!, April));
        Assert.Throws<ArgumentNullException>(() => AvailabilityMeasurement.Measure(null!, At(4, 1, 0), At(4, 2, 0)));
        Assert.Throws<ArgumentNullException>(() => AvailabilityMeasurement.MeasureCalendarMonths(null!, April, April));
    }
}
