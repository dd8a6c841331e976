namespace SlaKit.Regions;

/// <summary>How fit a region is to take traffic.</summary>
public enum RegionHealth
{
    /// <summary>Answering well; takes traffic in its turn.</summary>
    Healthy = 0,

    /// <summary>
    /// Answering, but failing now and then or with poor quality; takes traffic only when no healthy
    /// region of the same or a better priority is available.
    /// </summary>
    Degraded = 1,

    /// <summary>Down: skipped while any other region is available.</summary>
    Unhealthy = 2,
}
