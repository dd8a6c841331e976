namespace SlaKit.Sip;

/// <summary>How a client transaction ended.</summary>
internal enum SipTransactionOutcome
{
    /// <summary>A final response arrived.</summary>
    Response = 0,

    /// <summary>Timer F or B fired before a final response (RFC 3261 §17.1.2.2, §17.1.1.2), the request having been sent.</summary>
    Timeout = 1,

    /// <summary>
    /// The transport failed (RFC 3261 §17.1.4): ICMP port unreachable, or a connection refused, broken, or not open within
    /// its bound (a connection failure, which §18.4 reports as a failure in sending).
    /// </summary>
    TransportError = 2,
}
