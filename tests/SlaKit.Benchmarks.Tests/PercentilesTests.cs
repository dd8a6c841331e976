using SlaKit.Benchmarks.Failover;

namespace SlaKit.Benchmarks.Tests;

public class PercentilesTests
{
    private static readonly double[] OneToHundred = [.. Enumerable.Range(1, 100).Select(static i => (double)i).Reverse()];

    [Theory]
    [InlineData(50, 50)]
    [InlineData(99, 99)]
    [InlineData(100, 100)]
    [InlineData(1, 1)]
    [InlineData(0.5, 1)]
    public void Nearest_rank_of_one_to_a_hundred(double percentile, double expected) =>
        Assert.Equal(expected, Percentiles.NearestRank(OneToHundred, percentile));

    [Fact]
    public void A_single_value_is_every_percentile()
    {
        Assert.Equal(7, Percentiles.NearestRank([7.0], 50));
        Assert.Equal(7, Percentiles.NearestRank([7.0], 99));
    }

    [Fact]
    public void The_p99_of_few_values_is_the_largest() =>
        Assert.Equal(2000, Percentiles.NearestRank([0.4, 0.5, 2000, 0.3], 99));

    [Fact]
    public void No_values_have_no_percentile() => Assert.True(double.IsNaN(Percentiles.NearestRank([], 50)));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100.5)]
    [InlineData(double.NaN)]
    public void A_percentile_outside_0_to_100_is_refused(double percentile)
    {
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.NearestRank([1.0], percentile));
        Assert.Equal("percentile", error.ParamName);
    }
}
