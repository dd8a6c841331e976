namespace SlaKit.Tests.AvailabilityMath;

public class SlaTargetAttributeTests
{
    [Theory]
    [InlineData(99.99)]
    [InlineData(100)]
    [InlineData(0.001)]
    public void A_target_in_range_is_kept(double percent)
    {
        var attribute = new SlaTargetAttribute(percent);
        Assert.Equal(percent, attribute.Percent);
        Assert.Equal(Availability.FromPercent(percent), attribute.Target);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100.0001)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_target_outside_zero_to_hundred_throws_naming_the_percent(double percent)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SlaTargetAttribute(percent));
        Assert.Equal("percent", error.ParamName);
    }

    [Fact]
    public void The_attribute_applies_to_assemblies_and_classes_once()
    {
        var usage = (AttributeUsageAttribute)Attribute.GetCustomAttribute(typeof(SlaTargetAttribute), typeof(AttributeUsageAttribute))!;
        Assert.Equal(AttributeTargets.Assembly | AttributeTargets.Class, usage.ValidOn);
        Assert.False(usage.AllowMultiple);
    }
}
