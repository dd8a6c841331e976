namespace SlaKit.Sip;

/// <summary>How one attempt of a SIP request against one region ended.</summary>
public enum SipAttemptOutcomeKind
{
    /// <summary>
    /// The region answered with a final response other than 503 (for a call's INVITE, a 2xx: the call is established):
    /// its answer is the request's answer.
    /// </summary>
    Answered = 0,

    /// <summary>The region answered 503 Service Unavailable, so the next region is tried (RFC 3263 §4.3).</summary>
    ServiceUnavailable = 1,

    /// <summary>
    /// No final response within Timer F (64·T1) or the attempt timeout, the request having been sent; for a call, no
    /// response within the provisional timeout, or only 100 Trying within the progress timeout.
    /// </summary>
    Timeout = 2,

    /// <summary>
    /// The transport failed: ICMP port unreachable over UDP, a refused or broken TCP connection, a TCP connect or TLS
    /// handshake that did not complete within <see cref="SipFailoverOptions.ConnectTimeout"/> (or a shorter attempt timeout
    /// or Timer F or B), a name that does not resolve.
    /// </summary>
    TransportError = 3,

    /// <summary>
    /// A call's INVITE got a final response that is the callee's answer, such as 486 Busy Here, 603 Decline or 404 Not
    /// Found: the call ends there, since another trunk would ring the same person. The trunk itself worked.
    /// </summary>
    Declined = 4,

    /// <summary>
    /// A call's INVITE got a final response that fails the trunk: 401 or 407 (a challenge for credentials this client does
    /// not send), 408, a 5xx other than 503, or one of <see cref="SipFailoverOptions.CallFailoverStatusCodes"/>. The next
    /// trunk is tried.
    /// </summary>
    FailureStatus = 5,

    /// <summary>
    /// A call rang (a provisional response came: 180, 183 or another above 100, or only 100 Trying when
    /// <see cref="SipFailoverOptions.ProgressTimeout"/> is <see langword="null"/>) but was not answered within
    /// <see cref="SipFailoverOptions.RingTimeout"/>, so it was cancelled. The call ends there; the trunk itself worked.
    /// </summary>
    NoAnswer = 6,

    /// <summary>
    /// The trunk already carried <see cref="SipFailoverOptions.MaxConcurrentCalls"/> calls, so the call skipped it; nothing
    /// was sent and its health is unchanged.
    /// </summary>
    AtCapacity = 7,
}
