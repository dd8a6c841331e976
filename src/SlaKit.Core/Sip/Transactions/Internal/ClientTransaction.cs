namespace SlaKit.Sip;

/// <summary>
/// What the INVITE and non-INVITE client transactions share (RFC 3261 §17.1): the lock their state machine runs under,
/// the result their user awaits, the end by timeout, transport error (§17.1.4) or abandonment, and sending on the connection.
/// </summary>
internal abstract class ClientTransaction : IClientTransaction
{
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(1);
    private readonly TaskCompletionSource<SipTransactionResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<IClientTransaction> _terminated;

    /// <param name="key">The branch and method that responses are matched by.</param>
    /// <param name="connection">Where the request goes.</param>
    /// <param name="timers">T1, T2, T4.</param>
    /// <param name="time">The clock the timers run on.</param>
    /// <param name="startedAt">When the transaction user initiated the transaction, as a timestamp of <paramref name="time"/>: before its connection opened.</param>
    /// <param name="terminated">Told once, when the transaction ends.</param>
    protected ClientTransaction(string key, SipConnection connection, SipTimerSettings timers, TimeProvider time, long startedAt, Action<IClientTransaction> terminated)
    {
        Key = key;
        Connection = connection;
        Timers = timers;
        Time = time;
        StartedAt = startedAt;
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

    /// <summary>
    /// When the transaction started, as a timestamp of <see cref="Time"/>: when its user initiated it, before the
    /// connection opened (RFC 3261 §17.1.1.2, §17.1.2.2). Timer B or F and the result's elapsed time run from here.
    /// </summary>
    protected long StartedAt { get; }

    /// <summary>How many times the request was sent again.</summary>
    protected int Retransmissions { get; set; }

    /// <summary>Whether the transaction still waits for a final response: the states a timeout or a transport error ends.</summary>
    protected abstract bool AwaitsFinal { get; }

    /// <summary>Whether the transaction has ended.</summary>
    protected abstract bool IsTerminated { get; }

    /// <inheritdoc/>
    public abstract bool AwaitsFinalAnswer { get; }

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

    /// <summary>
    /// How long the transaction may still wait for its final response: what is left of <paramref name="timeout"/> (Timer F,
    /// or Timer B) since <see cref="StartedAt"/>. RFC 3261 sets Timer F when the non-INVITE transaction enters Trying, as
    /// its user initiates it (§17.1.2.2), and Timer B when the INVITE transaction enters Calling (§17.1.1.2); the
    /// transport's connection set-up comes after that, so a TCP connect or TLS handshake counts against the timer, and the
    /// whole wait is at most Timer F or B. At least a millisecond: a connection that opened just as the timer ran out
    /// still sends its request, and the timer fires right after.
    /// </summary>
    protected TimeSpan TimeLeft(TimeSpan timeout)
    {
        TimeSpan left = timeout - Time.GetElapsedTime(StartedAt);
        return left > MinimumWait ? left : MinimumWait;
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
