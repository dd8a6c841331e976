using SlaKit.Probes;

namespace SlaKit.Tests.Probes;

public class VoiceQualityTests
{
    private static VoiceQualityEstimate Estimate(double latencyMs, double jitterMs, double lossPercent) =>
        VoiceQuality.Estimate(TimeSpan.FromMilliseconds(latencyMs), TimeSpan.FromMilliseconds(jitterMs), lossPercent);

    [Theory]
    // Le = 100 + 20 + 10 = 130 → R = 93.2 − 3.25 − 2.5 = 87.45 → MOS 4.2716…
    [InlineData(100, 10, 1, 87.45, 4.27, VoiceQualityBand.High)]
    // Le = 150 + 60 + 10 = 220 ≥ 160 → R = 93.2 − 10 − 7.5 = 75.7 → MOS 3.8517…
    [InlineData(150, 30, 3, 75.7, 3.85, VoiceQualityBand.Medium)]
    // Le = 10 → R = 92.95 → very satisfied.
    [InlineData(0, 0, 0, 92.95, 4.41, VoiceQualityBand.Best)]
    // Le = 160 exactly takes the second branch: 93.2 − 4 = 89.2.
    [InlineData(130, 10, 0, 89.2, 4.32, VoiceQualityBand.High)]
    public void Known_answers(double latency, double jitter, double loss, double r, double mos, VoiceQualityBand band)
    {
        VoiceQualityEstimate estimate = Estimate(latency, jitter, loss);

        Assert.Equal(r, estimate.RFactor, 9);
        Assert.Equal(mos, estimate.Mos, 0.01);
        Assert.Equal(band, estimate.Band);
        Assert.Equal(estimate.Mos, VoiceQuality.EstimateMos(TimeSpan.FromMilliseconds(latency), TimeSpan.FromMilliseconds(jitter), loss));
    }

    [Fact]
    public void Heavy_loss_clamps_at_one()
    {
        VoiceQualityEstimate estimate = Estimate(400, 100, 60);

        Assert.Equal(1, estimate.Mos);
        Assert.Equal(0, estimate.RFactor);
        Assert.Equal(VoiceQualityBand.NotRecommended, estimate.Band);
    }

    [Fact]
    public void Mos_never_exceeds_four_and_a_half_and_falls_as_conditions_worsen()
    {
        double previous = 4.5;
        for (int loss = 0; loss <= 40; loss += 2)
        {
            double mos = Estimate(50, 5, loss).Mos;
            Assert.InRange(mos, 1, 4.5);
            Assert.True(mos <= previous, $"MOS rose from {previous} to {mos} at {loss}% loss");
            previous = mos;
        }
    }

    [Theory]
    [InlineData(-1, 0, 0, "oneWayLatency")]
    [InlineData(10_001, 0, 0, "oneWayLatency")]
    [InlineData(0, -1, 0, "jitter")]
    [InlineData(0, 0, -0.1, "lossPercent")]
    [InlineData(0, 0, 100.5, "lossPercent")]
    [InlineData(0, 0, double.NaN, "lossPercent")]
    public void Out_of_range_input_names_the_parameter(double latency, double jitter, double loss, string parameter)
    {
        ArgumentOutOfRangeException exception = Assert.Throws<ArgumentOutOfRangeException>(() => Estimate(latency, jitter, loss));

        Assert.Equal(parameter, exception.ParamName);
    }
}
