namespace SlaKit.Regions;

/// <summary>What every monitor of a client's regions (HTTP or SIP) answers from its <see cref="RegionState"/>s alike.</summary>
internal static class RegionStates
{
    /// <summary>Each region's health and standby at <paramref name="now"/>, in the regions' order.</summary>
    public static IReadOnlyList<RegionStatus> StatusAt(RegionState[] regions, DateTimeOffset now)
    {
        var statuses = new RegionStatus[regions.Length];
        for (int i = 0; i < regions.Length; i++)
        {
            RegionView view = regions[i].ViewAt(now);
            statuses[i] = new RegionStatus(regions[i].Region, view.Health, view.IsStandby);
        }

        return statuses;
    }

    /// <summary>
    /// Checks a probe result's arguments, as <see cref="IRegionHealthMonitor.ReportProbeResult"/> takes them, and finds
    /// the region named (case-insensitively) among <paramref name="regions"/>.
    /// </summary>
    /// <param name="regions">The client's regions.</param>
    /// <param name="regionName">The region probed.</param>
    /// <param name="observed">What the probe found.</param>
    /// <param name="client">The client as the error names it, such as <c>Client 'payments'</c>.</param>
    /// <returns>The region's index in <paramref name="regions"/>.</returns>
    public static int IndexForProbe(RegionState[] regions, string regionName, RegionHealth observed, string client)
    {
        ArgumentException.ThrowIfNullOrEmpty(regionName);
        if (!Enum.IsDefined(observed))
        {
            throw new ArgumentOutOfRangeException(nameof(observed), observed, "Unknown region health.");
        }

        int index = Array.FindIndex(regions, r => string.Equals(r.Region.Name, regionName, StringComparison.OrdinalIgnoreCase));
        return index >= 0
            ? index
            : throw new ArgumentException($"{client} has no region named '{regionName}'.", nameof(regionName));
    }
}
