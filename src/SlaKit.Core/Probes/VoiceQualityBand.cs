namespace SlaKit.Probes;

/// <summary>How users rate a call's quality, by R-factor (ITU-T G.107 Annex B).</summary>
public enum VoiceQualityBand
{
    /// <summary>R ≥ 90: very satisfied.</summary>
    Best = 0,

    /// <summary>80 ≤ R &lt; 90: satisfied.</summary>
    High = 1,

    /// <summary>70 ≤ R &lt; 80: some users dissatisfied.</summary>
    Medium = 2,

    /// <summary>60 ≤ R &lt; 70: many users dissatisfied.</summary>
    Low = 3,

    /// <summary>50 ≤ R &lt; 60: nearly all users dissatisfied.</summary>
    Poor = 4,

    /// <summary>R &lt; 50: not recommended.</summary>
    NotRecommended = 5,
}
