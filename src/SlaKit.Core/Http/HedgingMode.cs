namespace SlaKit.Http;

/// <summary>When a request that is safe to repeat is also sent to the next region while the first is still pending.</summary>
public enum HedgingMode
{
    /// <summary>Never: the next region is tried only after an attempt fails or times out.</summary>
    Off = 0,

    /// <summary>After <see cref="RegionFailoverOptions.HedgingDelay"/> without an answer.</summary>
    Fixed = 1,

    /// <summary>
    /// After max(<see cref="RegionFailoverOptions.HedgingDelay"/>, <see cref="RegionFailoverOptions.AdaptiveHedgingMultiplier"/> ×
    /// the region's recent p99 latency) without an answer: a region that is usually fast is hedged early, one
    /// that is usually slow is given its usual time. The default.
    /// </summary>
    Adaptive = 2,
}
