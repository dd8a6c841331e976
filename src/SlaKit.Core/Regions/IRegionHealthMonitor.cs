namespace SlaKit.Regions;

/// <summary>
/// The region health of one failover client: read by dashboards and health checks, fed by active probes.
/// One monitor per client, shared by all its requests.
/// </summary>
public interface IRegionHealthMonitor
{
    /// <summary>The client's name (the named or typed <see cref="HttpClient"/>'s name).</summary>
    string ClientName { get; }

    /// <summary>Raised when a region's health changes.</summary>
    /// <remarks>
    /// Each region's changes are raised in the order they happened, one at a time, outside the region's lock: a handler
    /// may read or change the health of any region of the client, and hears of a change it caused once it returns.
    /// When two threads change one region at once, one of them may raise both changes.
    /// </remarks>
    event EventHandler<RegionHealthChangedEventArgs>? HealthChanged;

    /// <summary>Every region's health now, in configuration order.</summary>
    /// <returns>One status per region.</returns>
    IReadOnlyList<RegionStatus> GetStatus();

    /// <summary>
    /// Feeds an active probe's verdict into a region's health, with the same hysteresis as request outcomes:
    /// Healthy counts as a success, Unhealthy as a failure. Degraded counts as a success too (the region answered) and
    /// marks the region Degraded until a Healthy verdict.
    /// </summary>
    /// <param name="regionName">The region probed.</param>
    /// <param name="observed">What the probe saw.</param>
    /// <param name="detail">What it saw, in words (a status code, an error, a MOS), for logs.</param>
    /// <exception cref="ArgumentException"><paramref name="regionName"/> is not one of the client's regions.</exception>
    void ReportProbeResult(string regionName, RegionHealth observed, string? detail = null);
}
