namespace SlaKit.Sip;

/// <summary>Where a connection hands what it receives: the transaction layer above it.</summary>
internal interface ISipResponseSink
{
    /// <summary>A well-formed response arrived.</summary>
    void OnResponse(SipResponse response);

    /// <summary>The transport failed; every pending transaction on the connection is affected.</summary>
    void OnTransportError(SipTransportException error);
}
