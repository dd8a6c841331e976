namespace SlaKit.Sip;

/// <summary>What the transaction layer asks of a client transaction, INVITE or not (RFC 3261 §17.1).</summary>
internal interface IClientTransaction
{
    /// <summary>The branch and method that responses are matched by (RFC 3261 §17.1.3).</summary>
    string Key { get; }

    /// <summary>Whether the request has not had its final answer yet: it has not been sent, or it waits for one.</summary>
    bool AwaitsFinalAnswer { get; }

    /// <summary>A response whose branch and method match this transaction arrived.</summary>
    void OnResponse(SipResponse response);

    /// <summary>The transport failed (RFC 3261 §17.1.4).</summary>
    void OnTransportError(SipTransportException error);

    /// <summary>The user no longer waits: the transaction ends without a result.</summary>
    void Abandon(CancellationToken cancellationToken);
}
