namespace SlaKit.Tests.AvailabilityMath;

public class AvailabilityMeasurementTests
{
    private static readonly SlaPeriod April = SlaPeriod.CalendarMonth(2026, 4);
    private static readonly MeasurementOptions WholeMinutes = new() { WholeMinutesOnly = true };

    private static DateTimeOffset At(int month, int day, int hour, int minute = 0, int second = 0) =>
        new(2026, month, day, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public void NoIncidents_IsPerfect()
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
    public void OverlappingIncidents_AreCountedOnce()
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
    public void DuplicateAndContainedIncidents_AreCountedOnce()
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
    public void TouchingIncidents_AreMerged()
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
    public void SeparateIncidents_AreSeparateOutages()
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
    public void PartsOutsideTheWindow_AreClipped()
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
    public void IncidentCoveringTheWholeWindow_IsZero()
    {
        MeasuredAvailability m = AvailabilityMeasurement.Measure([new Incident(At(3, 1, 0), At(6, 1, 0))], April);
        Assert.Equal(Availability.Zero, m.Availability);
        Assert.Equal(TimeSpan.FromDays(30), m.Downtime);
        Assert.Equal(TimeSpan.FromDays(30), m.Mttr);
        Assert.Equal(TimeSpan.Zero, m.Mtbf);
    }

    [Fact]
    public void ExplicitWindow_MeasuresThatWindow()
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
    public void IncidentSpanningAMonthBoundary_IsSplitBetweenMonths()
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
    public void IncidentAcrossAYearEnd_IsSplitBetweenDecemberAndJanuary()
    {
        var incident = new Incident(new DateTimeOffset(2026, 12, 31, 23, 45, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 1, 0, 15, 0, TimeSpan.Zero));
        IReadOnlyList<MeasuredAvailability> months = AvailabilityMeasurement.MeasureCalendarMonths(
            [incident], SlaPeriod.CalendarMonth(2026, 12), SlaPeriod.CalendarMonth(2027, 1));
        Assert.Equal([TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15)], months.Select(m => m.Downtime));
    }

    [Fact]
    public void MeasureCalendarMonths_OneMonth_AndAFullYear()
    {
        SlaPeriod jan = SlaPeriod.CalendarMonth(2026, 1);
        Assert.Single(AvailabilityMeasurement.MeasureCalendarMonths([], jan, jan));
        IReadOnlyList<MeasuredAvailability> year = AvailabilityMeasurement.MeasureCalendarMonths([], jan, SlaPeriod.CalendarMonth(2026, 12));
        Assert.Equal(12, year.Count);
        Assert.Equal(TimeSpan.FromDays(365), TimeSpan.FromTicks(year.Sum(m => m.WindowLength.Ticks)));
    }

    [Fact]
    public void HalfWeightForAnHour_IsThirtyMinutes()
    {
        MeasuredAvailability m = AvailabilityMeasurement.Measure([new Incident(At(4, 2, 8), At(4, 2, 9), 0.5)], April);
        Assert.Equal(TimeSpan.FromMinutes(30), m.Downtime);
        Assert.Equal(TimeSpan.FromHours(1), m.Mttr);
    }

    [Fact]
    public void FullOutageOverlappingAPartialOne_CountsTheHeavierNotTheSum()
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
    public void FullOutageInsideAPartialOne_CountsTheHeavierNotTheSum()
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
    public void OverlappingPartialOutages_CountTheHeaviestAtEachInstant()
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
    public void TouchingPartialOutagesOfEqualWeight_AreOneOutage()
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
    public void WholeMinutesOnly_IgnoresOutagesUnderAMinute()
    {
        MeasuredAvailability m = AvailabilityMeasurement.Measure([new Incident(At(4, 2, 8), At(4, 2, 8, 0, 59))], April, WholeMinutes);
        Assert.Equal(Availability.Perfect, m.Availability);
        Assert.Equal(TimeSpan.Zero, m.Downtime);
        Assert.Equal(0, m.IncidentCount);
        Assert.Null(m.Mttr);
        Assert.Null(m.Mtbf);
    }

    [Fact]
    public void WholeMinutesOnly_RoundsDownToWholeMinutes()
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
    public void WholeMinutesOnly_RoundsEachOutageOnItsOwn()
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
    public void MttrAndMtbf_KnownAnswers()
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
    public void ExactlyTheAllowedDowntime_MeasuresExactlyTheTarget()
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
    public void IncidentsWithOffsets_AreMeasuredInUtc()
    {
        // 01:30+02:00 is 23:30 UTC on 31 March, so only 30 min of this incident falls in April.
        var incident = new Incident(new DateTimeOffset(2026, 4, 1, 1, 30, 0, TimeSpan.FromHours(2)), new DateTimeOffset(2026, 4, 1, 2, 30, 0, TimeSpan.FromHours(2)));
        Assert.Equal(TimeSpan.FromMinutes(30), AvailabilityMeasurement.Measure([incident], April).Downtime);
    }

    [Fact]
    public void ZeroLengthIncidents_AreNotOutages()
    {
        MeasuredAvailability m = AvailabilityMeasurement.Measure([new Incident(At(4, 2, 8), At(4, 2, 8))], April);
        Assert.Equal(0, m.IncidentCount);
        Assert.Equal(Availability.Perfect, m.Availability);
    }

    [Fact]
    public void Measure_CalendarQuarter_AndYear()
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
    public void Measure_WindowEndNotAfterStart_Throws()
    {
        DateTimeOffset start = At(4, 1, 0);
        Assert.Equal("windowEnd", Assert.Throws<ArgumentOutOfRangeException>(() => AvailabilityMeasurement.Measure([], start, start)).ParamName);
        Assert.Equal("windowEnd", Assert.Throws<ArgumentOutOfRangeException>(() => AvailabilityMeasurement.Measure([], start, start.AddTicks(-1))).ParamName);
    }

    [Fact]
    public void Measure_NonCalendarPeriod_Throws()
    {
        Assert.Equal("period", Assert.Throws<ArgumentException>(() => AvailabilityMeasurement.Measure([], SlaPeriod.Month())).ParamName);
        Assert.Equal("period", Assert.Throws<ArgumentException>(() => AvailabilityMeasurement.Measure([], SlaPeriod.Rolling(TimeSpan.FromDays(30)))).ParamName);
        Assert.Equal("period", Assert.Throws<ArgumentException>(() => AvailabilityMeasurement.Measure([], default(SlaPeriod))).ParamName);
    }

    [Fact]
    public void MeasureCalendarMonths_LastBeforeFirst_Throws()
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => AvailabilityMeasurement.MeasureCalendarMonths([], SlaPeriod.CalendarMonth(2026, 5), SlaPeriod.CalendarMonth(2026, 4)));
        Assert.Equal("lastMonth", ex.ParamName);
    }

    [Fact]
    public void MeasureCalendarMonths_NonMonthBounds_Throw()
    {
        Assert.Equal("firstMonth", Assert.Throws<ArgumentException>(
            () => AvailabilityMeasurement.MeasureCalendarMonths([], SlaPeriod.CalendarQuarter(2026, 1), April)).ParamName);
        Assert.Equal("lastMonth", Assert.Throws<ArgumentException>(
            () => AvailabilityMeasurement.MeasureCalendarMonths([], April, SlaPeriod.Month())).ParamName);
    }

    [Fact]
    public void NullIncidents_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => AvailabilityMeasurement.Measure(null!, April));
        Assert.Throws<ArgumentNullException>(() => AvailabilityMeasurement.Measure(null!, At(4, 1, 0), At(4, 2, 0)));
        Assert.Throws<ArgumentNullException>(() => AvailabilityMeasurement.MeasureCalendarMonths(null!, April, April));
    }
}
