namespace SlaKit.Regions;

/// <summary>A region's state as selection sees it at one instant.</summary>
/// <param name="Health">Its health.</param>
/// <param name="IsStandby">Recovered but still inside its failback delay: used only after the preferred regions.</param>
/// <param name="CanTrial">Unhealthy, but due for a trial attempt that would help bring it back.</param>
internal readonly record struct RegionView(RegionHealth Health, bool IsStandby, bool CanTrial);
