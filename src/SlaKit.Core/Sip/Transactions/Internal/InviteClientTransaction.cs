namespace SlaKit.Sip;

/// <summary>
/// The INVITE client transaction of RFC 3261 §17.1.1, with the Accepted state RFC 6026 §7.2 adds: Calling → Proceeding →
/// Completed (a 300–699, ACKed here) or Accepted (a 2xx, ACKed end to end by the transaction's user) → Terminated.
/// Over UDP, Timer A retransmits the INVITE at T1, doubling, until a response arrives; Timer B ends it 64·T1 after its
/// start (a connection's opening included) with no response at all (once a provisional has come, only a final response or the user's CANCEL ends it); Timer D (32 s) absorbs retransmitted non-2xx finals, each ACKed again; Timer M (64·T1) passes
/// retransmitted 2xx up. Over TCP, A is not used and D is zero.
/// </summary>
internal sealed class InviteClientTransaction : ClientTransaction
{
    private readonly SipRequest _invite;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly Action<SipResponse> _passUp;
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _timerA;
    private ITimer? _timerB;
    private ITimer? _timerEnd;
    private TimeSpan _intervalA;
    private byte[]? _ack;
    private bool _sentOnce;

    /// <param name="key">The branch and method that responses are matched by.</param>
    /// <param name="invite">The INVITE as sent, our Via on top: the ACK for a non-2xx final is built from it (§17.1.1.3).</param>
    /// <param name="bytes">The INVITE's wire form.</param>
    /// <param name="connection">Where it goes.</param>
    /// <param name="timers">T1, T2, T4.</param>
    /// <param name="time">The clock the timers run on.</param>
    /// <param name="startedAt">When the transaction user initiated the transaction, before the connection opened: Timer B runs from here.</param>
    /// <param name="terminated">Told once, when the transaction ends.</param>
    /// <param name="passUp">
    /// Given every response the transaction user must see besides the first final: provisionals, and 2xx retransmitted
    /// in Accepted (each to be ACKed again, §13.2.2.4). Called outside the transaction's lock.
    /// </param>
    public InviteClientTransaction(
        string key, SipRequest invite, ReadOnlyMemory<byte> bytes, SipConnection connection, SipTimerSettings timers, TimeProvider time,
        long startedAt, Action<IClientTransaction> terminated, Action<SipResponse> passUp)
        : base(key, connection, timers, time, startedAt, terminated)
    {
        _invite = invite;
        _bytes = bytes;
        _passUp = passUp;
    }

    /// <summary>The states of RFC 3261 Figure 5, with RFC 6026's Accepted.</summary>
    public enum TransactionState
    {
        Created,
        Calling,
        Proceeding,
        Completed,
        Accepted,
        Terminated,
    }

    public TransactionState State { get; private set; }

    protected override bool AwaitsFinal => State is TransactionState.Calling or TransactionState.Proceeding;

    /// <summary>Whether the INVITE has not had its final answer yet: <see cref="AwaitsFinal"/>, or not yet sent.</summary>
    public override bool AwaitsFinalAnswer => State == TransactionState.Created || AwaitsFinal;

    protected override bool IsTerminated => State == TransactionState.Terminated;

    /// <summary>Completes when the first response of any kind arrives, or the transaction ends without one.</summary>
    public Task Answered => _answered.Task;

    /// <summary>The INVITE as sent, with our Via on top: a CANCEL copies it (RFC 3261 §9.1).</summary>
    public SipRequest Invite => _invite;

    /// <summary>Whether a CANCEL may be sent now: a provisional response came and no final one yet (RFC 3261 §9.1).</summary>
    public bool IsProceeding
    {
        get
        {
            lock (Gate)
            {
                return State == TransactionState.Proceeding;
            }
        }
    }

    /// <summary>
    /// Sends the INVITE and starts Timer B for what is left of it since the transaction started (RFC 3261 §17.1.1.2: started
    /// on entering Calling, as the INVITE is passed to the transport, whose connection set-up is then within it), and
    /// Timer A, from now, on an unreliable transport.
    /// </summary>
    public void Start()
    {
        lock (Gate)
        {
            if (State != TransactionState.Created)
            {
                return;
            }

            State = TransactionState.Calling;
            _timerB = Time.CreateTimer(static s => ((InviteClientTransaction)s!).EndWithoutResponse(SipTransactionOutcome.Timeout, null), this, TimeLeft(Timers.TimerB), Timeout.InfiniteTimeSpan);
            if (!Connection.IsReliable && !_sentOnce)
            {
                _intervalA = Timers.T1;
                _timerA = Time.CreateTimer(static s => ((InviteClientTransaction)s!).OnTimerA(), this, _intervalA, Timeout.InfiniteTimeSpan);
            }
        }

        _ = TransmitAsync(_bytes);
    }

    /// <inheritdoc/>
    public override void OnResponse(SipResponse response)
    {
        SipTransactionResult? result = null;
        bool passUp = false;
        byte[]? ack = null;
        bool terminated = false;
        lock (Gate)
        {
            switch (State)
            {
                case TransactionState.Calling or TransactionState.Proceeding when response.StatusCode < 200:
                    // §17.1.1.2: a provisional stops the retransmissions and, as Figure 5 has it, Timer B: a callee may
                    // ring for minutes, and ending that is the user's, with a CANCEL (§9.1). The user sees every provisional.
                    State = TransactionState.Proceeding;
                    _timerA?.Dispose();
                    _timerB?.Dispose();
                    _timerA = _timerB = null;
                    passUp = true;
                    break;
                case TransactionState.Calling or TransactionState.Proceeding when response.StatusCode < 300:
                    // RFC 6026 §7.2: a 2xx goes up and the transaction waits in Accepted for 64·T1, passing up any
                    // retransmission of it; the ACK is the user's (§13.2.2.4).
                    result = Answer(response);
                    State = TransactionState.Accepted;
                    _timerEnd = Time.CreateTimer(static s => ((InviteClientTransaction)s!).OnTimerEnd(), this, Timers.TimerM, Timeout.InfiniteTimeSpan);
                    break;
                case TransactionState.Calling or TransactionState.Proceeding:
                    // §17.1.1.2: a 300–699 is ACKed by the transaction, goes up, and Timer D absorbs its retransmissions.
                    result = Answer(response);
                    _ack = ack = SipRequests.SameTransactionAs(_invite, "ACK", response.Headers[SipHeaderNames.To]).ToBytes();
                    if (Connection.IsReliable)
                    {
                        State = TransactionState.Terminated;
                        terminated = true;
                    }
                    else
                    {
                        State = TransactionState.Completed;
                        _timerEnd = Time.CreateTimer(static s => ((InviteClientTransaction)s!).OnTimerEnd(), this, Timers.TimerD, Timeout.InfiniteTimeSpan);
                    }

                    break;
                case TransactionState.Completed when response.StatusCode >= 300:
                    // A retransmitted final: ACKed again, not passed up.
                    ack = _ack;
                    break;
                case TransactionState.Accepted when response.StatusCode is >= 200 and < 300:
                    passUp = true;
                    break;
                default:
                    return;
            }
        }

        _answered.TrySetResult();
        if (ack is not null)
        {
            _ = TransmitAsync(ack);
        }

        if (result is { } final)
        {
            Complete(final);
        }

        if (passUp)
        {
            _passUp(response);
        }

        if (terminated)
        {
            Ended();
        }
    }

    /// <summary>
    /// Stops Timer A: the INVITE is not sent again, while responses are still taken and Timer B still ends a transaction
    /// that never hears back. For a user that gave up waiting but must still CANCEL a late provisional or end a late 2xx.
    /// Before <see cref="Start"/>, the INVITE will be sent once only.
    /// </summary>
    public void StopRetransmissions()
    {
        lock (Gate)
        {
            _sentOnce = true;
            _timerA?.Dispose();
            _timerA = null;
        }
    }

    protected override void Terminate()
    {
        State = TransactionState.Terminated;
        DisposeTimers();
    }

    protected override void Ended()
    {
        _answered.TrySetResult();
        base.Ended();
    }

    /// <summary>The result for the first final response; the timers of Calling and Proceeding stop. Called under the lock.</summary>
    private SipTransactionResult Answer(SipResponse response)
    {
        _timerA?.Dispose();
        _timerB?.Dispose();
        _timerA = _timerB = null;
        return Final(response);
    }

    private void OnTimerA()
    {
        lock (Gate)
        {
            if (State != TransactionState.Calling)
            {
                return;
            }

            // §17.1.1.2: A doubles each time, with no cap (unlike Timer E), until B ends the transaction.
            _intervalA *= 2;
            Retransmissions++;
            _timerA?.Change(_intervalA, Timeout.InfiniteTimeSpan);
        }

        _ = TransmitAsync(_bytes);
    }

    /// <summary>Timer D in Completed, Timer M in Accepted: the transaction ends.</summary>
    private void OnTimerEnd()
    {
        lock (Gate)
        {
            if (State is not (TransactionState.Completed or TransactionState.Accepted))
            {
                return;
            }

            Terminate();
        }

        Ended();
    }

    private void DisposeTimers()
    {
        _timerA?.Dispose();
        _timerB?.Dispose();
        _timerEnd?.Dispose();
        _timerA = _timerB = _timerEnd = null;
    }
}
