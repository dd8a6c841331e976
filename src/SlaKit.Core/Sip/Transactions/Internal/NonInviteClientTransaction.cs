namespace SlaKit.Sip;

/// <summary>
/// The non-INVITE client transaction of RFC 3261 §17.1.2: Trying → Proceeding → Completed → Terminated. Over UDP,
/// Timer E retransmits the request at T1, doubling up to T2; Timer F ends it 64·T1 after its start (a connection's
/// opening included) without a final response; Timer K keeps it for T4 after the final response to absorb retransmitted
/// responses. Over TCP, E and K are not used.
/// </summary>
internal sealed class NonInviteClientTransaction : ClientTransaction
{
    private readonly ReadOnlyMemory<byte> _request;
    private ITimer? _timerE;
    private ITimer? _timerF;
    private ITimer? _timerK;
    private TimeSpan _intervalE;

    public NonInviteClientTransaction(
        string key, ReadOnlyMemory<byte> request, SipConnection connection, SipTimerSettings timers, TimeProvider time, long startedAt, Action<IClientTransaction> terminated)
        : base(key, connection, timers, time, startedAt, terminated) => _request = request;

    /// <summary>The states of RFC 3261 Figure 6.</summary>
    public enum TransactionState
    {
        Created,
        Trying,
        Proceeding,
        Completed,
        Terminated,
    }

    public TransactionState State { get; private set; }

    protected override bool AwaitsFinal => State is TransactionState.Trying or TransactionState.Proceeding;

    /// <summary>Whether the request has not had its final answer yet: <see cref="AwaitsFinal"/>, or not yet sent.</summary>
    public override bool AwaitsFinalAnswer => State == TransactionState.Created || AwaitsFinal;

    protected override bool IsTerminated => State == TransactionState.Terminated;

    /// <summary>
    /// Sends the request and starts Timer F for what is left of it since the transaction started (RFC 3261 §17.1.2.2: set
    /// on entering Trying, before the connection opened), and Timer E, from now, on an unreliable transport.
    /// </summary>
    public void Start()
    {
        lock (Gate)
        {
            if (State != TransactionState.Created)
            {
                return;
            }

            State = TransactionState.Trying;
            _timerF = Time.CreateTimer(static s => ((NonInviteClientTransaction)s!).EndWithoutResponse(SipTransactionOutcome.Timeout, null), this, TimeLeft(Timers.TimerF), Timeout.InfiniteTimeSpan);
            if (!Connection.IsReliable)
            {
                _intervalE = Timers.T1;
                _timerE = Time.CreateTimer(static s => ((NonInviteClientTransaction)s!).OnTimerE(), this, _intervalE, Timeout.InfiniteTimeSpan);
            }
        }

        _ = TransmitAsync(_request);
    }

    /// <inheritdoc/>
    public override void OnResponse(SipResponse response)
    {
        SipTransactionResult result;
        bool terminated;
        lock (Gate)
        {
            if (!AwaitsFinal)
            {
                // Completed: a retransmitted final response is absorbed (RFC 3261 §17.1.2.2).
                return;
            }

            if (response.StatusCode < 200)
            {
                // A provisional response moves Trying to Proceeding, where Timer E fires at T2.
                State = TransactionState.Proceeding;
                return;
            }

            result = Final(response);
            DisposeTimers();
            if (Connection.IsReliable)
            {
                // Timer K is zero on a reliable transport.
                State = TransactionState.Terminated;
                terminated = true;
            }
            else
            {
                State = TransactionState.Completed;
                _timerK = Time.CreateTimer(static s => ((NonInviteClientTransaction)s!).OnTimerK(), this, Timers.T4, Timeout.InfiniteTimeSpan);
                terminated = false;
            }
        }

        Complete(result);
        if (terminated)
        {
            Ended();
        }
    }

    protected override void Terminate()
    {
        State = TransactionState.Terminated;
        DisposeTimers();
    }

    private void OnTimerE()
    {
        lock (Gate)
        {
            switch (State)
            {
                case TransactionState.Trying:
                    // RFC 3261 §17.1.2.2: in Trying, E doubles from T1 up to T2.
                    _intervalE = Timers.DoubledUpToT2(_intervalE);
                    break;
                case TransactionState.Proceeding:
                    // In Proceeding, E fires every T2.
                    _intervalE = Timers.T2;
                    break;
                default:
                    return;
            }

            Retransmissions++;
            _timerE?.Change(_intervalE, Timeout.InfiniteTimeSpan);
        }

        _ = TransmitAsync(_request);
    }

    private void OnTimerK()
    {
        lock (Gate)
        {
            if (State != TransactionState.Completed)
            {
                return;
            }

            Terminate();
        }

        Ended();
    }

    private void DisposeTimers()
    {
        _timerE?.Dispose();
        _timerF?.Dispose();
        _timerK?.Dispose();
        _timerE = _timerF = _timerK = null;
    }
}
