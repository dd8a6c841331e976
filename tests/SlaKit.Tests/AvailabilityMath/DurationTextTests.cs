using CsCheck;

namespace SlaKit.Tests.AvailabilityMath;

public class DurationTextTests
{
    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(1L, "0.0000001s")]
    [InlineData(2_500_000L, "0.25s")]
    [InlineData(31_536_000_000L, "52m 33.6s")]
    [InlineData(315_360_000_000L, "8h 45m 36s")]
    [InlineData(3_153_600_000_000L, "3d 15h 36m")]
    [InlineData(864_000_000L, "1m 26.4s")]
    [InlineData(36_000_000_000L, "1h")]
    [InlineData(36_000_000_001L, "1h 0.0000001s")]
    [InlineData(864_000_000_000L, "1d")]
    [InlineData(900_000_000_000L, "1d 1h")]
    [InlineData(-3_000_000_000L, "-5m")]
    [InlineData(-54_000_000_000L, "-1h 30m")]
    public void Format_known_answers(long ticks, string expected)
    {
        Assert.Equal(expected, DurationText.Format(TimeSpan.FromTicks(ticks)));
    }

    [Theory]
    [InlineData("4m19.2s", 2_592_000_000L, "4m 19.2s")]
    [InlineData("4m 19.2s", 2_592_000_000L, "4m 19.2s")]
    [InlineData("1d12h", 1_296_000_000_000L, "1d 12h")]
    [InlineData("720h", 25_920_000_000_000L, "30d")]
    [InlineData("15m", 9_000_000_000L, "15m")]
    [InlineData("250ms", 2_500_000L, "0.25s")]
    [InlineData("0", 0L, "0s")]
    [InlineData("0s", 0L, "0s")]
    [InlineData("1.5h", 54_000_000_000L, "1h 30m")]
    [InlineData("52m 35.6952s", 31_556_952_000L, "52m 35.6952s")]
    [InlineData("1s 500ms", 15_000_000L, "1.5s")]
    [InlineData("  8h 45m 36s  ", 315_360_000_000L, "8h 45m 36s")]
    [InlineData("1d 0.0000001s", 864_000_000_001L, "1d 0.0000001s")]
    [InlineData("0.00000005s", 1L, "0.0000001s")]
    public void Parse_then_format(string text, long ticks, string formatted)
    {
        TimeSpan parsed = DurationText.Parse(text);
        Assert.Equal(ticks, parsed.Ticks);
        Assert.Equal(formatted, DurationText.Format(parsed));
        Assert.Equal(parsed, DurationText.Parse(formatted));
        Assert.True(DurationText.TryParse(text, out TimeSpan tried));
        Assert.Equal(parsed, tried);
    }

    [Fact]
    public void Format_then_parse_round_trips_every_duration()
    {
        Gen.Long[0, TimeSpan.MaxValue.Ticks].Sample(ticks =>
        {
            TimeSpan duration = TimeSpan.FromTicks(ticks);
            string text = DurationText.Format(duration);
            Assert.Equal(duration, DurationText.Parse(text));
            Assert.Equal(duration, DurationText.Parse(text.Replace(" ", "", StringComparison.Ordinal)));
        }, iter: 5000);
    }

    [Fact]
    public void Format_then_parse_round_trips_extremes()
    {
        Assert.Equal(TimeSpan.MaxValue, DurationText.Parse(DurationText.Format(TimeSpan.MaxValue)));
        Assert.Equal("-" + DurationText.Format(TimeSpan.MaxValue), DurationText.Format(-TimeSpan.MaxValue));
    }

    [Theory]
    [InlineData("15m 1h")]
    [InlineData("30s 1m")]
    [InlineData("5m 5m")]
    [InlineData("1h1h")]
    [InlineData("5y")]
    [InlineData("5M")]
    [InlineData("5 m")]
    [InlineData("5")]
    [InlineData("m")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("-5m")]
    [InlineData("1.2.3s")]
    [InlineData("1h-5m")]
    [InlineData("1,5h")]
    [InlineData("99999999999999999999999999999d")]
    [InlineData("100000000000d")]
    public void Parse_rejects_malformed_text(string text)
    {
        Assert.Throws<FormatException>(() => DurationText.Parse(text));
        Assert.False(DurationText.TryParse(text, out TimeSpan duration));
        Assert.Equal(TimeSpan.Zero, duration);
    }

    [Fact]
    public void Parse_error_messages_name_the_problem()
    {
        Assert.Contains("'y'", Assert.Throws<FormatException>(() => DurationText.Parse("5y")).Message, StringComparison.Ordinal);
        Assert.Contains("largest first", Assert.Throws<FormatException>(() => DurationText.Parse("15m 1h")).Message, StringComparison.Ordinal);
        Assert.Contains("largest first", Assert.Throws<FormatException>(() => DurationText.Parse("5m 5m")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => DurationText.Parse(null!));
        Assert.False(DurationText.TryParse(null, out _));
    }
}
