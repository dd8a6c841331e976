namespace SlaKit.Regions;

/// <summary>How regions of the same priority share traffic.</summary>
public enum RegionSelectionMode
{
    /// <summary>
    /// Lowest priority first; within one priority, a weighted random order by <see cref="Region.Weight"/>
    /// (active-active). The default.
    /// </summary>
    PriorityWeighted = 0,

    /// <summary>Lowest priority first; within one priority, the region with the lowest recent latency (EWMA) first.</summary>
    LatencyAware = 1,
}
