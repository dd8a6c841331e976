namespace SlaKit.Tests.AvailabilityMath;

public class YearConventionTests
{
    [Fact]
    public void Days_365_is_the_default()
    {
        Assert.Equal(YearConvention.Days365, default);
        Assert.Equal(SlaPeriod.Year(YearConvention.Days365), SlaPeriod.Year());
        Assert.Equal(SlaPeriod.Year(), SlaPeriod.Parse("year"));
    }

    [Theory]
    [InlineData(YearConvention.Days365, 31_536_000, 7_884_000, 2_628_000)]
    [InlineData(YearConvention.Gregorian, 31_556_952, 7_889_238, 2_629_746)]
    public void Convention_sets_year_quarter_and_month_lengths(YearConvention convention, long yearSeconds, long quarterSeconds, long monthSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(yearSeconds), SlaPeriod.Year(convention).Length);
        Assert.Equal(TimeSpan.FromSeconds(quarterSeconds), SlaPeriod.Quarter(convention).Length);
        Assert.Equal(TimeSpan.FromSeconds(monthSeconds), SlaPeriod.Month(convention).Length);
    }

    [Fact]
    public void The_difference_is_visible_in_allowed_downtime()
    {
        SlaKit.Availability fourNines = Availability.FromPercent(99.99);
        Assert.Equal("52m 33.6s", DurationText.Format(fourNines.AllowedDowntime(SlaPeriod.Year(YearConvention.Days365))));
        Assert.Equal("52m 35.6952s", DurationText.Format(fourNines.AllowedDowntime(SlaPeriod.Year(YearConvention.Gregorian))));
    }

    [Fact]
    public void Undefined_convention_is_rejected()
    {
        var bogus = (YearConvention)2;
        Assert.Throws<ArgumentOutOfRangeException>(() => SlaPeriod.Month(bogus));
        Assert.Throws<ArgumentOutOfRangeException>(() => SlaPeriod.Quarter(bogus));
        Assert.Throws<FormatException>(() => SlaPeriod.Parse("2026", bogus));
    }
}
