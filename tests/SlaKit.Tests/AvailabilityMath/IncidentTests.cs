namespace SlaKit.Tests.AvailabilityMath;

public class IncidentTests
{
    private static readonly DateTimeOffset Start = new(2026, 2, 3, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Constructor_keeps_its_values_and_defaults_to_a_full_outage()
    {
        var incident = new Incident(Start, Start.AddMinutes(45));
        Assert.Equal(Start, incident.Start);
        Assert.Equal(Start.AddMinutes(45), incident.End);
        Assert.Equal(1.0, incident.Weight);
        Assert.Equal(TimeSpan.FromMinutes(45), incident.Duration);
    }

    [Fact]
    public void Duration_is_measured_across_offsets()
    {
        var incident = new Incident(Start, new DateTimeOffset(2026, 2, 3, 11, 30, 0, TimeSpan.FromHours(1)), 0.5);
        Assert.Equal(TimeSpan.FromMinutes(30), incident.Duration);
        Assert.Equal(0.5, incident.Weight);
    }

    [Fact]
    public void Zero_length_incident_is_allowed()
    {
        Assert.Equal(TimeSpan.Zero, new Incident(Start, Start).Duration);
    }

    [Fact]
    public void End_before_start_throws()
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Incident(Start, Start.AddTicks(-1)));
        Assert.Equal("end", ex.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    [InlineData(1.0000001)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Weight_outside_zero_to_one_throws(double weight)
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Incident(Start, Start.AddHours(1), weight));
        Assert.Equal("weight", ex.ParamName);
    }

    [Fact]
    public void Equality_is_by_value()
    {
        Assert.Equal(new Incident(Start, Start.AddHours(1), 0.25), new Incident(Start, Start.AddHours(1), 0.25));
        Assert.NotEqual(new Incident(Start, Start.AddHours(1), 0.25), new Incident(Start, Start.AddHours(1), 0.5));
    }
}
