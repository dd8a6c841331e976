namespace SlaKit.Regions;

/// <summary>
/// What every failover client's options share, whatever its protocol: the regions, and the thresholds that turn attempt
/// and probe outcomes into a region's health. Validated with the client's options, every problem named at once.
/// </summary>
public abstract class RegionSetOptions
{
    /// <summary>The least <see cref="BreakDuration"/> allowed: half a second.</summary>
    internal static readonly TimeSpan MinimumBreak = TimeSpan.FromMilliseconds(500);

    /// <summary>Creates options with the defaults.</summary>
    protected RegionSetOptions()
    {
    }

    /// <summary>
    /// The regions, in any order: lower <see cref="Region.Priority"/> is preferred, and regions of one priority share
    /// requests by <see cref="Region.Weight"/>. At least one is required; names must be unique (case-insensitively).
    /// </summary>
    public IList<Region> Regions { get; } = [];

    /// <summary>Consecutive failures (attempts or probes) that mark a region Unhealthy; at least 1. 2 by default.</summary>
    public int FailuresToMarkDown { get; set; } = 2;

    /// <summary>Consecutive successes (attempts or probes) that bring an Unhealthy region back; at least 1. 2 by default.</summary>
    public int SuccessesToMarkUp { get; set; } = 2;

    /// <summary>
    /// How long an Unhealthy region rests before one attempt tries it again, when no probe watches it; at least 0.5 s.
    /// 5 seconds by default. The trial never holds up a caller: an HTTP trial is hedged, a SIP trial is an OPTIONS sent in
    /// the background. While probes watch a client, only probes bring its regions back.
    /// </summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a recovered region stays on standby before it is preferred again, so a flapping region does not bounce
    /// traffic; zero or positive. 30 seconds by default.
    /// </summary>
    public TimeSpan FailbackDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a <c>Retry-After</c> (on an HTTP 503 or 429, a SIP 503) may keep a region out; positive. 5 minutes by default.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The thresholds as the region state machine reads them.</summary>
    internal RegionHealthPolicy HealthPolicy => new(FailuresToMarkDown, SuccessesToMarkUp, BreakDuration, FailbackDelay, MaxRetryAfter);
}
