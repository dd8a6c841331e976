using SlaKit.Prometheus;

namespace SlaKit.Tests.Prometheus;

public sealed class PromTextTests
{
    [Theory]
    [InlineData(300_000L, "5m")]
    [InlineData(3_600_000L, "1h")]
    [InlineData(259_200_000L, "3d")]
    [InlineData(129_600_000L, "1d12h")]
    [InlineData(450_000L, "7m30s")]
    [InlineData(1_500L, "1s500ms")]
    public void Durations_are_written_as_promql_reads_them(long milliseconds, string expected) =>
        Assert.Equal(expected, PromText.Duration(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void A_duration_under_a_millisecond_is_refused() =>
        Assert.Equal("duration", Assert.Throws<ArgumentOutOfRangeException>(() => PromText.Duration(TimeSpan.FromTicks(4000))).ParamName);

    [Fact]
    public void Numbers_print_as_their_decimals_without_exponents_or_trailing_zeros()
    {
        Assert.Equal("0.0144", PromText.Number(PromText.Exact(14.4) * 0.001m));
        Assert.Equal("0.00000001", PromText.Number(0.0000000100m));
        Assert.Equal("2592000", PromText.Number(2592000.000m));
        Assert.Equal(13.44m, PromText.Exact(0.02 * 28 * 24));
    }

    [Fact]
    public void Strings_are_quoted_for_promql_and_yaml()
    {
        Assert.Equal("\"a\\\"b\\\\c\\n\"", PromText.StringLiteral("a\"b\\c\n"));
        Assert.Equal("'it''s'", PromText.YamlString("it's"));
        Assert.Equal("\"two\\nlines\"", PromText.YamlString("two\nlines"));
    }
}
