namespace SlaKit.Regions;

/// <summary>The hysteresis that turns attempt and probe outcomes into a region's health.</summary>
/// <param name="FailuresToMarkDown">Consecutive failures that make a region Unhealthy.</param>
/// <param name="SuccessesToMarkUp">Consecutive successes that bring an Unhealthy region back.</param>
/// <param name="BreakDuration">How long an Unhealthy region rests before it is tried again.</param>
/// <param name="FailbackDelay">How long a recovered region stays on standby before it is preferred again.</param>
/// <param name="MaxRetryAfter">The longest a <c>Retry-After</c> may keep a region out.</param>
internal sealed record RegionHealthPolicy(int FailuresToMarkDown, int SuccessesToMarkUp, TimeSpan BreakDuration, TimeSpan FailbackDelay, TimeSpan MaxRetryAfter)
{
    /// <summary>How long a <c>Retry-After</c> of <paramref name="delay"/> keeps its region (or server) out: at most <see cref="MaxRetryAfter"/>.</summary>
    // Stryker disable once Equality : equivalent; when the two are equal either is the answer.
    public TimeSpan CapRetryAfter(TimeSpan delay) => delay > MaxRetryAfter ? MaxRetryAfter : delay;
}
