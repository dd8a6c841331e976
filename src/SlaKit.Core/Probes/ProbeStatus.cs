namespace SlaKit.Probes;

/// <summary>What a health probe found.</summary>
public enum ProbeStatus
{
    /// <summary>The target answered as expected.</summary>
    Healthy = 0,

    /// <summary>The target answered, but poorly: slow, at low voice quality, or near a capacity limit.</summary>
    Degraded = 1,

    /// <summary>The target did not answer, or answered wrongly.</summary>
    Unhealthy = 2,
}
