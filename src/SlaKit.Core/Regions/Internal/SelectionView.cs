namespace SlaKit.Regions;

/// <summary>A region's state as selection sees it at one instant.</summary>
/// <param name="Health">Its health.</param>
/// <param name="IsStandby">Recovered but still inside its failback delay: used only after the preferred regions.</param>
/// <param name="CanTrial">Unhealthy, but due for a trial attempt that would help bring it back.</param>
/// <param name="IsOverdue">
/// An attempt of it fell far behind its own usual latency while another region answered, and is still running: left
/// out of plans, as an Unhealthy region is, until that attempt ends (see <see cref="TrackedRegion.MarkOverdue"/>).
/// </param>
/// <param name="IsDegradedByFailures">
/// Degraded only by failures of its own since its last success (no probe, call quality or late attempt says so): it still
/// takes first place in its priority for some requests, so that one of them can succeed and heal it.
/// </param>
/// <param name="AskedToWait">
/// Inside the <c>Retry-After</c> period it answered with: left out even of panic mode, since it asked for no requests.
/// </param>
internal readonly record struct SelectionView(
    RegionHealth Health, bool IsStandby, bool CanTrial, bool IsOverdue = false, bool IsDegradedByFailures = false, bool AskedToWait = false);
