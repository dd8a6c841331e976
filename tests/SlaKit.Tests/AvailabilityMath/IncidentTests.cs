namespace SlaKit.Tests.AvailabilityMath;

public class IncidentTests
{
    private static readonly DateTimeOffset Start = new(2026, 2, 3, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Constructor_KeepsItsValues_AndDefaultsToAFullOutage()
    {
        var incident = new Incident(Start, Start.AddMinutes(45));
        Assert.Equal(Start, incident.Start);
        Assert.Equal(Start.AddMinutes(45), incident.End);
        Assert.Equal(1.0, incident.Weight);
        Assert.Equal(TimeSpan.FromMinutes(45), incident.Duration);
    }

    [Fact]
    public void Duration_IsMeasuredAcrossOffsets()
    {
        var incident = new Incident(Start, new DateTimeOffset(2026, 2, 3, 11, 30, 0, TimeSpan.FromHours(1)), 0.5);
        Assert.Equal(TimeSpan.FromMinutes(30), incident.Duration);
        Assert.Equal(0.5, incident.Weight);
    }

    [Fact]
    public void ZeroLengthIncident_IsAllowed()
    {
        Assert.Equal(TimeSpan.Zero, new Incident(Start, Start).Duration);
    }

    [Fact]
    public void EndBeforeStart_Throws()
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
    public void WeightOutsideZeroToOne_Throws(double weight)
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Incident(Start, Start.AddHours(1), weight));
        Assert.Equal("weight", ex.ParamName);
    }

    [Fact]
    public void Equality_IsByValue()
    {
        Assert.Equal(new Incident(Start, Start.AddHours(1), 0.25), new Incident(Start, Start.AddHours(1), 0.25));
        Assert.NotEqual(new Incident(Start, Start.AddHours(1), 0.25), new Incident(Start, Start.AddHours(1), 0.5));
    }
}
