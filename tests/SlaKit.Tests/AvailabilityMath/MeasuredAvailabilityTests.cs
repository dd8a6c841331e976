namespace SlaKit.Tests.AvailabilityMath;

public class MeasuredAvailabilityTests
{
    private static readonly SlaPeriod February = SlaPeriod.CalendarMonth(2026, 2);

    [Fact]
    public void Window_is_the_calendar_period()
    {
        MeasuredAvailability m = AvailabilityMeasurement.Measure([], February);
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), m.WindowStart);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), m.WindowEnd);
        Assert.Equal(TimeSpan.FromDays(28), m.WindowLength);
        Assert.Equal(February, m.Period);
    }

    [Fact]
    public void Availability_is_one_minus_downtime_over_window()
    {
        // 241.92 s of a 28-day month is exactly 99.99%; 2419.2 s exactly 99.9%.
        DateTimeOffset start = new(2026, 2, 10, 0, 0, 0, TimeSpan.Zero);
        MeasuredAvailability fourNines = AvailabilityMeasurement.Measure([new Incident(start, start.AddTicks(2_419_200_000))], February);
        Assert.Equal(Availability.FromPercent(99.99), fourNines.Availability);
        Assert.Equal(TimeSpan.FromTicks(2_419_200_000), fourNines.Downtime);

        MeasuredAvailability threeNines = AvailabilityMeasurement.Measure([new Incident(start, start.AddTicks(24_192_000_000))], February);
        Assert.Equal(Availability.FromPercent(99.9), threeNines.Availability);
        Assert.Equal("99.9%", threeNines.Availability.ToString());
    }

    [Fact]
    public void Meets_is_at_least_the_target()
    {
        DateTimeOffset start = new(2026, 2, 10, 0, 0, 0, TimeSpan.Zero);
        MeasuredAvailability m = AvailabilityMeasurement.Measure([new Incident(start, start.AddTicks(24_192_000_000))], February);
        Assert.True(m.Meets(Availability.FromPercent(99.9)));
        Assert.True(m.Meets(Availability.FromPercent(99)));
        Assert.False(m.Meets(Availability.FromPercent(99.95)));
        Assert.True(AvailabilityMeasurement.Measure([], February).Meets(Availability.Perfect));
    }

    [Fact]
    public void Incident_count_is_the_number_of_outages()
    {
        DateTimeOffset start = new(2026, 2, 10, 0, 0, 0, TimeSpan.Zero);
        Incident[] incidents =
        [
            new(start, start.AddMinutes(5)),
            new(start.AddMinutes(5), start.AddMinutes(6)),
            new(start.AddHours(1), start.AddHours(2)),
            new(start.AddDays(1), start.AddDays(1).AddMinutes(1)),
        ];
        MeasuredAvailability m = AvailabilityMeasurement.Measure(incidents, February);
        Assert.Equal(3, m.IncidentCount);
        Assert.Equal(m.Outages.Count, m.IncidentCount);
        // Outages of 6, 60 and 1 minutes.
        Assert.Equal(TimeSpan.FromMinutes(67), m.Downtime);
        Assert.Equal(TimeSpan.FromTicks(TimeSpan.FromMinutes(67).Ticks / 3), m.Mttr);
        Assert.Equal(TimeSpan.FromTicks((TimeSpan.FromDays(28) - TimeSpan.FromMinutes(67)).Ticks / 3), m.Mtbf);
    }

    [Fact]
    public void Mttr_uses_duration_not_weighted_downtime()
    {
        DateTimeOffset start = new(2026, 2, 10, 0, 0, 0, TimeSpan.Zero);
        MeasuredAvailability m = AvailabilityMeasurement.Measure([new Incident(start, start.AddHours(2), 0.25)], February);
        Assert.Equal(TimeSpan.FromMinutes(30), m.Downtime);
        Assert.Equal(TimeSpan.FromHours(2), m.Mttr);
        Assert.Equal(TimeSpan.FromDays(28) - TimeSpan.FromHours(2), m.Mtbf);
    }
}
