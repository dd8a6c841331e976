using SlaKit.Http;

namespace SlaKit.Tests.Http;

/// <summary>The <c>grpc-timeout</c> header as PROTOCOL-HTTP2.md writes it: at most 8 digits and a unit of H, M, S, m, u or n.</summary>
public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("5S", 50_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("3u", 30L)]
    [InlineData("100n", 1L)]
    [InlineData("99n", 0L)]
    [InlineData("99999999H", 99_999_999L * 36_000_000_000L)]
    public void A_timeout_is_read_in_its_unit(string value, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(value, out TimeSpan timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("5")]
    [InlineData("5s")]
    [InlineData("5SS")]
    [InlineData("-5S")]
    [InlineData("+5S")]
    [InlineData(" 5S")]
    [InlineData("5.0S")]
    [InlineData("123456789S")]
    public void Anything_else_is_not_a_timeout(string? value)
    {
        Assert.False(GrpcTimeout.TryParse(value, out _));
    }

    [Theory]
    [InlineData(1L, "100n")]
    [InlineData(999_999L, "99999900n")]
    [InlineData(1_000_000L, "100000u")]
    [InlineData(25_000_000L, "2500000u")]
    [InlineData(999_999_999L, "99999999u")]
    [InlineData(1_000_000_000L, "100000m")]
    [InlineData(999_999_999_999L, "99999999m")]
    [InlineData(1_000_000_000_000L, "100000S")]
    [InlineData(1_000_000_000_000_000L, "1666666M")]
    [InlineData(315_360_000_000_000_000L, "8760000H")]
    [InlineData(long.MaxValue, "99999999H")]
    public void A_remaining_time_is_written_in_the_finest_unit_that_fits_in_8_digits_rounded_down(long ticks, string expected)
    {
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    public void No_time_remaining_is_written_as_one_millisecond(long ticks)
    {
        Assert.Equal("1m", GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(12_345_678L)]
    [InlineData(987_654_321_012L)]
    [InlineData(123_456_789_012_345_678L)]
    public void What_is_written_reads_back_as_at_most_the_time_given_and_short_of_it_by_less_than_a_hundred_thousandth(long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(GrpcTimeout.Format(TimeSpan.FromTicks(ticks)), out TimeSpan read));
        Assert.InRange(read.Ticks, ticks - (ticks / 100_000), ticks);
    }
}
