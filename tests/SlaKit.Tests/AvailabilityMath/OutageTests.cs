namespace SlaKit.Tests.AvailabilityMath;

public class OutageTests
{
    private static DateTimeOffset At(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void Merged_outage_spans_its_incidents()
    {
        Incident[] incidents =
        [
            new(At(4, 10, 10), At(4, 10, 11)),
            new(At(4, 10, 10, 30), At(4, 10, 12)),
        ];
        Outage outage = Assert.Single(AvailabilityMeasurement.Measure(incidents, SlaPeriod.CalendarMonth(2026, 4)).Outages);
        Assert.Equal(new Outage(At(4, 10, 10), At(4, 10, 12), TimeSpan.FromHours(2), TimeSpan.FromHours(2)), outage);
    }

    [Fact]
    public void Clipped_outage_starts_and_ends_at_the_window()
    {
        Incident[] incidents = [new(At(3, 31, 23), At(4, 1, 1))];
        Outage inApril = Assert.Single(AvailabilityMeasurement.Measure(incidents, SlaPeriod.CalendarMonth(2026, 4)).Outages);
        Assert.Equal(At(4, 1, 0), inApril.Start);
        Assert.Equal(At(4, 1, 1), inApril.End);
        Assert.Equal(TimeSpan.FromHours(1), inApril.Duration);

        Outage inMarch = Assert.Single(AvailabilityMeasurement.Measure(incidents, SlaPeriod.CalendarMonth(2026, 3)).Outages);
        Assert.Equal(At(3, 31, 23), inMarch.Start);
        Assert.Equal(At(4, 1, 0), inMarch.End);
        Assert.Equal(TimeSpan.FromHours(1), inMarch.Downtime);
    }

    [Fact]
    public void Partial_outage_has_full_duration_but_weighted_downtime()
    {
        Outage outage = Assert.Single(AvailabilityMeasurement.Measure([new Incident(At(4, 2, 8), At(4, 2, 9), 0.25)], SlaPeriod.CalendarMonth(2026, 4)).Outages);
        Assert.Equal(TimeSpan.FromHours(1), outage.Duration);
        Assert.Equal(TimeSpan.FromMinutes(15), outage.Downtime);
    }

    [Fact]
    public void Outages_are_in_time_order()
    {
        Incident[] incidents =
        [
            new(At(4, 20, 10), At(4, 20, 11)),
            new(At(4, 5, 10), At(4, 5, 11)),
            new(At(4, 12, 10), At(4, 12, 11)),
        ];
        IReadOnlyList<Outage> outages = AvailabilityMeasurement.Measure(incidents, SlaPeriod.CalendarMonth(2026, 4)).Outages;
        Assert.Equal([At(4, 5, 10), At(4, 12, 10), At(4, 20, 10)], outages.Select(o => o.Start));
    }
}
