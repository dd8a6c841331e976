namespace SlaKit.Sip;

/// <summary>How a client transaction ended.</summary>
internal enum SipTransactionOutcome
{
    /// <summary>A final response arrived.</summary>
    Response = 0,

    /// <summary>Timer F or B fired before a final response (RFC 3261 §17.1.2.2, §17.1.1.2), or the connection did not open within it.</summary>
    Timeout = 1,

    /// <summary>The transport failed (RFC 3261 §17.1.4).</summary>
    TransportError = 2,
}
