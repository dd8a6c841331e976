namespace SlaKit.Probes;

/// <summary>A call's estimated quality.</summary>
/// <param name="RFactor">The transmission rating R, 0 to 93.2.</param>
/// <param name="Mos">The mean opinion score, 1 to 4.5.</param>
/// <param name="Band">How users rate it.</param>
public readonly record struct VoiceQualityEstimate(double RFactor, double Mos, VoiceQualityBand Band);
