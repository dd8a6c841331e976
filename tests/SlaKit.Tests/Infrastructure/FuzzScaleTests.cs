namespace SlaKit.Tests.Infrastructure;

public class FuzzScaleTests
{
    [Theory]
    [InlineData(null, 1.0)]
    [InlineData("", 1.0)]
    [InlineData("  ", 1.0)]
    [InlineData("0.05", 0.05)]
    [InlineData("1", 1.0)]
    [InlineData("1e-3", 0.001)]
    public void A_fraction_or_nothing_is_read(string? text, double expected) =>
        Assert.Equal(expected, FuzzScale.Parse(text));

    [Theory]
    [InlineData("0")]
    [InlineData("-0.5")]
    [InlineData("1.01")]
    [InlineData("0,05")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("half")]
    public void Anything_else_is_refused_with_the_variables_name(string text)
    {
        var error = Assert.Throws<InvalidOperationException>(() => FuzzScale.Parse(text));
        Assert.Contains($"SLAKIT_FUZZ_SCALE must be a fraction in (0, 1], such as 0.05; it is '{text}'.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60_000, 1.0, 60_000)]
    [InlineData(60_000, 0.05, 3_000)]
    [InlineData(10, 0.05, 1)]
    [InlineData(1, 0.001, 1)]
    [InlineData(30, 0.1, 3)]
    public void Counts_are_scaled_rounded_up_and_never_zero(int iterations, double scale, int expected) =>
        Assert.Equal(expected, FuzzScale.Of(iterations, scale));
}
