namespace SlaKit.Probes;

/// <summary>
/// Estimates voice quality (MOS) from network measurements with a simplified ITU-T G.107 E-model, as
/// contact centres watch their lines.
/// </summary>
/// <remarks>
/// Effective latency Le = one-way latency + 2 × jitter + 10 ms (codec and buffers); R = 93.2 − Le / 40 below
/// 160 ms, else 93.2 − (Le − 120) / 10; then R −= 2.5 × loss%. MOS = 1 + 0.035 R + 7·10⁻⁶ R (R − 60)(100 − R)
/// for 0 &lt; R &lt; 100, 1 at or below 0 and 4.5 at or above 100 (G.107 Annex B). The arithmetic is decimal, so
/// 100 ms / 10 ms / 1% gives R = 87.45 exactly and MOS ≈ 4.27.
/// </remarks>
public static class VoiceQuality
{
    /// <summary>The MOS under which a line is Degraded by default: 3.6, where many users start to be dissatisfied.</summary>
    public const double DefaultDegradedMos = 3.6;

    /// <summary>Estimates quality from one-way latency, jitter and packet loss.</summary>
    /// <param name="oneWayLatency">One-way (mouth-to-ear network) latency, 0 to 10 s.</param>
    /// <param name="jitter">Jitter (mean deviation of packet delay), 0 to 10 s.</param>
    /// <param name="lossPercent">Packet loss, 0 to 100 percent.</param>
    /// <returns>R-factor, MOS and band.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static VoiceQualityEstimate Estimate(TimeSpan oneWayLatency, TimeSpan jitter, double lossPercent)
    {
        decimal r = RFactor(oneWayLatency, jitter, lossPercent);
        decimal mos = r <= 0m ? 1m
            : r >= 100m ? 4.5m
            : Math.Clamp(1m + (0.035m * r) + (0.000007m * r * (r - 60m) * (100m - r)), 1m, 4.5m);
        decimal shownR = Math.Max(r, 0m);
        return new VoiceQualityEstimate((double)shownR, (double)mos, BandOf(shownR));
    }

    /// <summary>Estimates the MOS from one-way latency, jitter and packet loss.</summary>
    /// <param name="oneWayLatency">One-way latency, 0 to 10 s.</param>
    /// <param name="jitter">Jitter, 0 to 10 s.</param>
    /// <param name="lossPercent">Packet loss, 0 to 100 percent.</param>
    /// <returns>The MOS, 1 to 4.5.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static double EstimateMos(TimeSpan oneWayLatency, TimeSpan jitter, double lossPercent) =>
        Estimate(oneWayLatency, jitter, lossPercent).Mos;

    private static decimal RFactor(TimeSpan oneWayLatency, TimeSpan jitter, double lossPercent)
    {
        var limit = TimeSpan.FromSeconds(10);
        if (oneWayLatency < TimeSpan.Zero || oneWayLatency > limit)
        {
            throw new ArgumentOutOfRangeException(nameof(oneWayLatency), oneWayLatency, "The one-way latency must be between 0 and 10 s.");
        }

        if (jitter < TimeSpan.Zero || jitter > limit)
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "The jitter must be between 0 and 10 s.");
        }

        if (double.IsNaN(lossPercent) || lossPercent < 0 || lossPercent > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(lossPercent), lossPercent, "The packet loss must be between 0 and 100 percent.");
        }

        decimal effective = Milliseconds(oneWayLatency) + (2m * Milliseconds(jitter)) + 10m;
        decimal r = effective < 160m ? 93.2m - (effective / 40m) : 93.2m - ((effective - 120m) / 10m);
        return r - (2.5m * (decimal)lossPercent);
    }

    private static decimal Milliseconds(TimeSpan span) => (decimal)span.Ticks / TimeSpan.TicksPerMillisecond;

    private static VoiceQualityBand BandOf(decimal r) => r switch
    {
        >= 90m => VoiceQualityBand.Best,
        >= 80m => VoiceQualityBand.High,
        >= 70m => VoiceQualityBand.Medium,
        >= 60m => VoiceQualityBand.Low,
        >= 50m => VoiceQualityBand.Poor,
        _ => VoiceQualityBand.NotRecommended,
    };
}
