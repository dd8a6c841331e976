namespace SlaKit.Regions;

/// <summary>
/// The words <c>slakit.failover.attempts</c> tags an attempt's outcome with, one vocabulary for every protocol, so a
/// dashboard reads HTTP and SIP clients alike.
/// </summary>
internal static class AttemptOutcomes
{
    /// <summary>
    /// The region answered, and the answer is served: an HTTP answer whose body breaks off while still flowing past the
    /// attempt timeout (a stream cut on its way) included, as a gRPC server stream broken after its headers is.
    /// </summary>
    public const string Success = "success";

    /// <summary>The region answered that it cannot serve now: HTTP 408, 429 or 5xx, SIP 503.</summary>
    public const string TransientStatus = "transient_status";

    /// <summary>The region could not be reached: refused, reset, unreachable.</summary>
    public const string TransportError = "transport_error";

    /// <summary>The region did not answer within the attempt's own timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>The region's circuit breaker was open, so nothing was sent.</summary>
    public const string CircuitOpen = "circuit_open";

    /// <summary>The attempt was cancelled by its caller or the race it lost.</summary>
    public const string Cancelled = "cancelled";
}
