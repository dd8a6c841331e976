namespace SlaKit.Http;

/// <summary>How one attempt against one region ended.</summary>
public enum RegionAttemptOutcomeKind
{
    /// <summary>The region answered with a status that is not transient.</summary>
    Success = 0,

    /// <summary>The region answered 408, 429 or 5xx.</summary>
    TransientStatus = 1,

    /// <summary>The connection failed or broke (refused, reset, DNS failure, TLS failure).</summary>
    TransportError = 2,

    /// <summary>The region did not answer within the attempt timeout.</summary>
    Timeout = 3,

    /// <summary>The region's circuit breaker is open: the attempt was not sent.</summary>
    CircuitOpen = 4,

    /// <summary>
    /// The request gave up on this attempt: another region answered first, or the total timeout ended the request. It was
    /// cancelled, or runs on in the background so that its region is judged by its own outcome (see
    /// <see cref="RegionFailoverOptions.MaxLateAttempts"/>).
    /// </summary>
    Cancelled = 5,
}
