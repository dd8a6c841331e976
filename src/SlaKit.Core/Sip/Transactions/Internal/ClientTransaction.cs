namespace SlaKit.Sip;

/// <summary>
/// What the INVITE and non-INVITE client transactions share (RFC 3261 §17.1): the lock their state machine runs under,
/// the result their user awaits, the end by timeout, transport error (§17.1.4) or abandonment, and sending on the connection.
/// </summary>
internal abstract class ClientTransaction : IClientTransaction
{
    private readonly TaskCompletionSource<SipTransactionResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<IClientTransaction> _terminated;

    protected ClientTransaction(string key, SipConnection connection, SipTimerSettings timers, TimeProvider time, Action<IClientTransaction> terminated)
    {
        Key = key;
        Connection = connection;
        Timers = timers;
        Time = time;
        _terminated = terminated;
    }

    /// <inheritdoc/>
    public string Key { get; }

    /// <summary>Completes with the first final response, a timeout or a transport error; cancelled when abandoned before one.</summary>
    public Task<SipTransactionResult> Completion => _completion.Task;

    /// <summary>Guards the state machine; the user's callbacks and sends run outside it.</summary>
    protected Lock Gate { get; } = new();

    protected SipConnection Connection { get; }

    protected SipTimerSettings Timers { get; }

    protected TimeProvider Time { get; }

    /// <summary>When the request was first sent, as a timestamp of <see cref="Time"/>.</summary>
    protected long StartedAt { get; set; }

    /// <summary>How many times the request was sent again.</summary>
    protected int Retransmissions { get; set; }

    /// <summary>Whether the transaction still waits for a final response: the states a timeout or a transport error ends.</summary>
    protected abstract bool AwaitsFinal { get; }

    /// <summary>Whether the transaction has ended.</summary>
    protected abstract bool IsTerminated { get; }

    /// <inheritdoc/>
    public abstract void OnResponse(SipResponse response);

    /// <inheritdoc/>
    public void OnTransportError(SipTransportException error) => EndWithoutResponse(SipTransactionOutcome.TransportError, error);

    /// <inheritdoc/>
    public void Abandon(CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            if (IsTerminated)
            {
                return;
            }

            Terminate();
        }

        _completion.TrySetCanceled(cancellationToken);
        Ended();
    }

    /// <summary>Moves to Terminated and stops every timer; called under <see cref="Gate"/>.</summary>
    protected abstract void Terminate();

    /// <summary>Ends a transaction still waiting for its final response: its timeout fired (<paramref name="error"/> null) or its transport failed.</summary>
    protected void EndWithoutResponse(SipTransactionOutcome outcome, SipTransportException? error)
    {
        SipTransactionResult result;
        lock (Gate)
        {
            if (!AwaitsFinal)
            {
                return;
            }

            Terminate();
            result = new SipTransactionResult(outcome, null, error, Time.GetElapsedTime(StartedAt), Retransmissions);
        }

        _completion.TrySetResult(result);
        Ended();
    }

    /// <summary>The result for a final response.</summary>
    protected SipTransactionResult Final(SipResponse response) =>
        new(SipTransactionOutcome.Response, response, null, Time.GetElapsedTime(StartedAt), Retransmissions);

    /// <summary>Hands the user its result; called outside <see cref="Gate"/>.</summary>
    protected void Complete(SipTransactionResult result) => _completion.TrySetResult(result);

    /// <summary>Tells the layer the transaction has ended, once; called outside <see cref="Gate"/>.</summary>
    protected virtual void Ended() => _terminated(this);

    /// <summary>Sends <paramref name="message"/>; a transport error ends the transaction.</summary>
    protected async Task TransmitAsync(ReadOnlyMemory<byte> message)
    {
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await Connection.SendAsync(message, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SipTransportException e)
        {
            OnTransportError(e);
        }
    }
}
