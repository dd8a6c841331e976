namespace SlaKit.Regions;

/// <summary>A region's health as a client sees it now.</summary>
/// <param name="Region">The region.</param>
/// <param name="Health">Its health.</param>
/// <param name="IsStandby">Recovered, but still inside the failback delay: used only after the preferred regions.</param>
public readonly record struct RegionStatus(Region Region, RegionHealth Health, bool IsStandby);
