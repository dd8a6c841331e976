namespace SlaKit.Sip;

/// <summary>How one attempt of a SIP request against one region ended.</summary>
public enum SipAttemptOutcomeKind
{
    /// <summary>The region answered with a final response other than 503: its answer is the request's answer.</summary>
    Answered = 0,

    /// <summary>The region answered 503 Service Unavailable, so the next region is tried (RFC 3263 §4.3).</summary>
    ServiceUnavailable = 1,

    /// <summary>No final response within Timer F (64·T1) or the attempt timeout.</summary>
    Timeout = 2,

    /// <summary>The transport failed: ICMP port unreachable over UDP, a refused or broken TCP connection, a name that does not resolve.</summary>
    TransportError = 3,
}
