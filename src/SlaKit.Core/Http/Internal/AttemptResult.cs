using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>How an attempt ended; a value, so that an attempt that succeeds at once allocates nothing to say so.</summary>
/// <param name="Region">The region asked.</param>
/// <param name="Kind">The outcome.</param>
/// <param name="Response">The region's answer, if it gave one.</param>
/// <param name="Error">What went wrong, if anything was thrown.</param>
/// <param name="Elapsed">How long the attempt took.</param>
/// <param name="CertainlyNotSent">Whether the request certainly never reached a server.</param>
/// <param name="OnTime">
/// Whether the attempt succeeded within its region's usual latency as it stood before this answer was learnt
/// (<see cref="HttpRegionSet.OverdueBound(TrackedRegion, int)"/>): a slow answer must not make itself look usual.
/// </param>
internal readonly record struct AttemptResult(
    TrackedRegion Region, RegionAttemptOutcomeKind Kind, HttpResponseMessage? Response, Exception? Error, TimeSpan Elapsed, bool CertainlyNotSent, bool OnTime = false)
{
    /// <summary>Whether the outcome is evidence that the region fails: a failing status, a transport error or its own timeout.</summary>
    public bool IsRegionFailure => Kind is RegionAttemptOutcomeKind.TransientStatus or RegionAttemptOutcomeKind.TransportError or RegionAttemptOutcomeKind.Timeout;

    /// <summary>The outcome as <see cref="RegionFailoverException"/> reports it.</summary>
    public RegionAttemptOutcome ToOutcome() => new(Region.Region, Kind, Response?.StatusCode, Error, Elapsed);
}
