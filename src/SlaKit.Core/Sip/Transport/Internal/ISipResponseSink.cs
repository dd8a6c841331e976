namespace SlaKit.Sip;

/// <summary>Where a connection hands what it receives: the transaction layer above it.</summary>
internal interface ISipResponseSink
{
    /// <summary>A well-formed response arrived.</summary>
    void OnResponse(SipResponse response);

    /// <summary>A well-formed request arrived from the server: one within a dialog, such as the callee's BYE.</summary>
    void OnRequest(SipRequest request);

    /// <summary>The transport failed; every pending transaction on the connection is affected.</summary>
    void OnTransportError(SipTransportException error);
}
