using CsCheck;
using SlaKit.Analyzers.Model;

namespace SlaKit.Analyzers.Tests.Model;

/// <summary>The analyzer cannot reference SlaKit, so its copy of the math is checked against SlaKit.Availability.</summary>
public sealed class AvailabilityMathTests
{
    /// <summary>Percentages as people write them (99.95) and as doubles come (99.91234567891234).</summary>
    private static readonly Gen<double> Percent = Gen.OneOf(
        Gen.Int[0, 100_000].Select(thousandths => thousandths / 1000.0),
        Gen.Double[0.0, 100.0]);

    [Fact]
    public void Parallel_composition_and_its_text_agree_with_SlaKit()
    {
        Percent.Array[1, 5].Sample(percents =>
        {
            Availability expected = Availability.Parallel(percents.Select(Availability.FromPercent));
            decimal composed = AvailabilityMath.Parallel(percents.Select(p => AvailabilityMath.FromPercent(p)!.Value));

            Assert.Equal(expected.ToString(), AvailabilityMath.Format(composed));
            // A tolerance, not a rounding: two values 1e-16 apart may round to different twelfth places.
            Assert.Equal((double)(decimal)expected.Unavailability, (double)composed, tolerance: 1e-12);
        });
    }

    [Fact]
    public void Comparing_with_a_target_agrees_with_SlaKit()
    {
        Gen.Select(Percent.Array[1, 4], Percent).Sample((percents, target) =>
        {
            bool below = Availability.Parallel(percents.Select(Availability.FromPercent)) < Availability.FromPercent(target);
            decimal composed = AvailabilityMath.Parallel(percents.Select(p => AvailabilityMath.FromPercent(p)!.Value));
            Assert.Equal(below, composed > AvailabilityMath.FromPercent(target)!.Value);
        });
    }

    [Theory]
    [InlineData(new[] { 99.95, 95.0 }, "99.9975%")]
    [InlineData(new[] { 99.9, 99.9 }, "99.9999%")]
    [InlineData(new[] { 99.9 }, "99.9%")]
    [InlineData(new[] { 100.0 }, "100%")]
    [InlineData(new[] { 0.0 }, "0%")]
    public void Figures_print_without_float_artifacts(double[] percents, string expected) =>
        Assert.Equal(expected, AvailabilityMath.Format(AvailabilityMath.Parallel(percents.Select(p => AvailabilityMath.FromPercent(p)!.Value))));

    [Fact]
    public void Ratios_and_nines_agree_with_SlaKit()
    {
        Gen.Double[0.0, 1.0].Sample(ratio =>
            Assert.Equal(Availability.FromRatio(ratio).ToString(), AvailabilityMath.Format(AvailabilityMath.FromRatio(ratio)!.Value)));
        Gen.Double[0.0, 28.0].Sample(nines =>
            Assert.Equal(Availability.FromNines(nines).ToString(), AvailabilityMath.Format(AvailabilityMath.FromNines(nines)!.Value)));
        Assert.Equal(Availability.FromNines(4).ToString(), AvailabilityMath.Format(AvailabilityMath.FromNines(4)!.Value));
    }

    [Theory]
    [InlineData("99.95", "99.95%")]
    [InlineData(" 99.95 % ", "99.95%")]
    [InlineData("100", "100%")]
    public void Configuration_text_reads_as_the_type_converter_reads_it(string text, string expected) =>
        Assert.Equal(expected, AvailabilityMath.Format(AvailabilityMath.ParsePercent(text)!.Value));

    [Theory]
    [InlineData("abc")]
    [InlineData("100.5")]
    [InlineData("-1")]
    [InlineData("")]
    [InlineData(null)]
    public void Text_that_is_not_a_percentage_reads_as_unknown(string? text) =>
        Assert.Null(AvailabilityMath.ParsePercent(text));

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.1)]
    [InlineData(100.1)]
    public void Out_of_range_percentages_are_unknown(double percent) =>
        Assert.Null(AvailabilityMath.FromPercent(percent));
}
