namespace SlaKit.Tests.AvailabilityMath;

public class MeasurementOptionsTests
{
    private static readonly DateTimeOffset Noon = new(2026, 4, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Default_counts_to_the_tick()
    {
        Assert.False(MeasurementOptions.Default.WholeMinutesOnly);
        Assert.Equal(new MeasurementOptions(), MeasurementOptions.Default);
        Assert.NotEqual(MeasurementOptions.Default, MeasurementOptions.Default with { WholeMinutesOnly = true });
    }

    [Fact]
    public void Null_options_mean_default()
    {
        Incident[] incidents = [new(Noon, Noon.AddSeconds(59))];
        MeasuredAvailability withNull = AvailabilityMeasurement.Measure(incidents, SlaPeriod.CalendarMonth(2026, 4), null);
        Assert.Equal(TimeSpan.FromSeconds(59), withNull.Downtime);
    }

    [Fact]
    public void Whole_minutes_only_changes_the_count()
    {
        Incident[] incidents = [new(Noon, Noon.AddSeconds(119))];
        var options = new MeasurementOptions { WholeMinutesOnly = true };
        Assert.Equal(TimeSpan.FromSeconds(119), AvailabilityMeasurement.Measure(incidents, SlaPeriod.CalendarMonth(2026, 4)).Downtime);
        Assert.Equal(TimeSpan.FromSeconds(60), AvailabilityMeasurement.Measure(incidents, SlaPeriod.CalendarMonth(2026, 4), options).Downtime);
    }
}
