namespace SlaKit.Sip;

/// <summary>
/// The non-INVITE client transaction of RFC 3261 §17.1.2: Trying → Proceeding → Completed → Terminated. Over UDP,
/// Timer E retransmits the request at T1, doubling up to T2; Timer F ends it after 64·T1 without a final response;
/// Timer K keeps it for T4 after the final response to absorb retransmitted responses. Over TCP, E and K are not used.
/// </summary>
internal sealed class NonInviteClientTransaction : IClientTransaction
{
    private readonly Lock _gate = new();
    private readonly ReadOnlyMemory<byte> _request;
    private readonly SipConnection _connection;
    private readonly SipTimerSettings _timers;
    private readonly TimeProvider _time;
    private readonly Action<IClientTransaction> _terminated;
    private readonly TaskCompletionSource<SipTransactionResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _timerE;
    private ITimer? _timerF;
    private ITimer? _timerK;
    private TimeSpan _intervalE;
    private long _startedAt;
    private int _retransmissions;

    public NonInviteClientTransaction(string key, ReadOnlyMemory<byte> request, SipConnection connection, SipTimerSettings timers, TimeProvider time, Action<IClientTransaction> terminated)
    {
        Key = key;
        _request = request;
        _connection = connection;
        _timers = timers;
        _time = time;
        _terminated = terminated;
    }

    /// <summary>The states of RFC 3261 Figure 6.</summary>
    public enum TransactionState
    {
        Created,
        Trying,
        Proceeding,
        Completed,
        Terminated,
    }

    /// <inheritdoc/>
    public string Key { get; }

    public TransactionState State { get; private set; }

    /// <summary>Completes with the outcome, or is cancelled when the transaction's user abandons it.</summary>
    public Task<SipTransactionResult> Completion => _completion.Task;

    /// <summary>Sends the request and starts Timer F, and Timer E on an unreliable transport.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (State != TransactionState.Created)
            {
                return;
            }

            State = TransactionState.Trying;
            _startedAt = _time.GetTimestamp();
            _timerF = _time.CreateTimer(static s => ((NonInviteClientTransaction)s!).OnTimerF(), this, _timers.TimerF, Timeout.InfiniteTimeSpan);
            if (!_connection.IsReliable)
            {
                _intervalE = _timers.T1;
                _timerE = _time.CreateTimer(static s => ((NonInviteClientTransaction)s!).OnTimerE(), this, _intervalE, Timeout.InfiniteTimeSpan);
            }
        }

        _ = TransmitAsync();
    }

    /// <inheritdoc/>
    public void OnResponse(SipResponse response)
    {
        SipTransactionResult result;
        bool terminated;
        lock (_gate)
        {
            if (State is not (TransactionState.Trying or TransactionState.Proceeding))
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

            result = new SipTransactionResult(SipTransactionOutcome.Response, response, null, _time.GetElapsedTime(_startedAt), _retransmissions);
            DisposeTimers();
            if (_connection.IsReliable)
            {
                // Timer K is zero on a reliable transport.
                State = TransactionState.Terminated;
                terminated = true;
            }
            else
            {
                State = TransactionState.Completed;
                _timerK = _time.CreateTimer(static s => ((NonInviteClientTransaction)s!).OnTimerK(), this, _timers.T4, Timeout.InfiniteTimeSpan);
                terminated = false;
            }
        }

        _completion.TrySetResult(result);
        if (terminated)
        {
            _terminated(this);
        }
    }

    /// <inheritdoc/>
    public void OnTransportError(SipTransportException error)
    {
        SipTransactionResult result;
        lock (_gate)
        {
            if (State is not (TransactionState.Trying or TransactionState.Proceeding))
            {
                return;
            }

            State = TransactionState.Terminated;
            DisposeTimers();
            result = new SipTransactionResult(SipTransactionOutcome.TransportError, null, error, _time.GetElapsedTime(_startedAt), _retransmissions);
        }

        _completion.TrySetResult(result);
        _terminated(this);
    }

    /// <inheritdoc/>
    public void Abandon(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (State == TransactionState.Terminated)
            {
                return;
            }

            State = TransactionState.Terminated;
            DisposeTimers();
        }

        _completion.TrySetCanceled(cancellationToken);
        _terminated(this);
    }

    private void OnTimerE()
    {
        lock (_gate)
        {
            switch (State)
            {
                case TransactionState.Trying:
                    // RFC 3261 §17.1.2.2: in Trying, E doubles from T1 up to T2.
                    _intervalE = _intervalE * 2 < _timers.T2 ? _intervalE * 2 : _timers.T2;
                    break;
                case TransactionState.Proceeding:
                    // In Proceeding, E fires every T2.
                    _intervalE = _timers.T2;
                    break;
                default:
                    return;
            }

            _retransmissions++;
            _timerE?.Change(_intervalE, Timeout.InfiniteTimeSpan);
        }

        _ = TransmitAsync();
    }

    private void OnTimerF()
    {
        SipTransactionResult result;
        lock (_gate)
        {
            if (State is not (TransactionState.Trying or TransactionState.Proceeding))
            {
                return;
            }

            State = TransactionState.Terminated;
            DisposeTimers();
            result = new SipTransactionResult(SipTransactionOutcome.Timeout, null, null, _time.GetElapsedTime(_startedAt), _retransmissions);
        }

        _completion.TrySetResult(result);
        _terminated(this);
    }

    private void OnTimerK()
    {
        lock (_gate)
        {
            if (State != TransactionState.Completed)
            {
                return;
            }

            State = TransactionState.Terminated;
            DisposeTimers();
        }

        _terminated(this);
    }

    private async Task TransmitAsync()
    {
        try
        {
            await _connection.SendAsync(_request, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SipTransportException e)
        {
            OnTransportError(e);
        }
    }

    private void DisposeTimers()
    {
        _timerE?.Dispose();
        _timerF?.Dispose();
        _timerK?.Dispose();
        _timerE = _timerF = _timerK = null;
    }
}
