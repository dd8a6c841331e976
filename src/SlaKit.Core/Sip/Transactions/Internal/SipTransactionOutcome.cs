namespace SlaKit.Sip;

/// <summary>How a client transaction ended.</summary>
internal enum SipTransactionOutcome
{
    /// <summary>A final response arrived.</summary>
    Response = 0,

    /// <summary>Timer F fired before a final response (RFC 3261 §17.1.2.2).</summary>
    Timeout = 1,

    /// <summary>The transport failed (RFC 3261 §17.1.4).</summary>
    TransportError = 2,
}
