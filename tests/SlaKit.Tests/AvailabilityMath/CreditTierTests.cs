namespace SlaKit.Tests.AvailabilityMath;

public class CreditTierTests
{
    [Fact]
    public void Constructor_keeps_its_values()
    {
        var tier = new CreditTier(Availability.FromPercent(99.95), 12.5);
        Assert.Equal(Availability.FromPercent(99.95), tier.Below);
        Assert.Equal(12.5, tier.CreditPercent);
    }

    [Theory]
    [InlineData(99.99, 10, "99.99:10")]
    [InlineData(99.95, 12.5, "99.95:12.5")]
    [InlineData(99, 25, "99:25")]
    [InlineData(95, 100, "95:100")]
    [InlineData(100, 0, "100:0")]
    [InlineData(99.999, 5, "99.999:5")]
    public void To_string_is_what_parse_reads(double below, double credit, string expected)
    {
        var tier = new CreditTier(Availability.FromPercent(below), credit);
        Assert.Equal(expected, tier.ToString());
        Assert.Equal(tier, Assert.Single(CreditSchedule.Parse(tier.ToString()).Tiers));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100.5)]
    [InlineData(double.NaN)]
    public void Credit_outside_zero_to_hundred_throws(double credit)
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CreditTier(Availability.FromPercent(99), credit));
        Assert.Equal("creditPercent", ex.ParamName);
    }

    [Fact]
    public void Equality_is_by_value()
    {
        Assert.Equal(new CreditTier(Availability.FromNines(3), 10), new CreditTier(Availability.FromPercent(99.9), 10));
        Assert.NotEqual(new CreditTier(Availability.FromPercent(99.9), 10), new CreditTier(Availability.FromPercent(99.9), 25));
    }
}
