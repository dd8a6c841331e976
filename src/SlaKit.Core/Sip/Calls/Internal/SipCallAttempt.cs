namespace SlaKit.Sip;

/// <summary>How one INVITE attempt on one trunk ended.</summary>
/// <param name="Kind">How it ended.</param>
/// <param name="Response">The final response, when one decided it.</param>
/// <param name="Error">What went wrong, in words, when no response decided it.</param>
/// <param name="Elapsed">From the INVITE to the end of the attempt; for an INVITE never sent, the time spent connecting.</param>
/// <param name="PostDialDelay">From the INVITE to the first 180 or 183, when one came.</param>
/// <param name="Dialog">The dialog a 2xx made: the established call.</param>
internal readonly record struct SipCallAttemptResult(
    SipAttemptOutcomeKind Kind, SipResponse? Response, string? Error, TimeSpan Elapsed, TimeSpan? PostDialDelay, SipDialog? Dialog);

/// <summary>The timers and codes that decide a call's attempts on its trunks.</summary>
/// <param name="ProvisionalTimeout">How long, from the INVITE, to wait for a first response before the trunk is abandoned.</param>
/// <param name="RingTimeout">How long, from the INVITE, a ringing call may wait for its final response before it is cancelled.</param>
/// <param name="CancelWait">How long a cancelled INVITE may wait for its final response (64·T1, RFC 3261 §9.1).</param>
/// <param name="FailoverCodes">The final responses, besides 408 and 5xx, that move a call to the next trunk.</param>
/// <param name="AttemptTimeout">
/// A bound on the trunk's connection opening, before the INVITE is sent, when shorter than the layer's connect timeout
/// and Timer B (RFC 3261 §17.1.1.2, the same as <paramref name="CancelWait"/>).
/// </param>
/// <param name="ProgressTimeout">
/// How long, from the INVITE, a trunk that sent only 100 Trying may take to show the callee's progress (a provisional
/// above 100, or a final) before the attempt is cancelled as the trunk's failure; <see langword="null"/> never to.
/// </param>
internal sealed record SipCallTimers(
    TimeSpan ProvisionalTimeout, TimeSpan RingTimeout, TimeSpan CancelWait, IReadOnlySet<int> FailoverCodes, TimeSpan? AttemptTimeout = null, TimeSpan? ProgressTimeout = null);

/// <summary>
/// One attempt of a call on one trunk, as the UAC's transaction user (RFC 3261 §13.2.2): the INVITE transaction, the
/// provisional timeout and the ring timeout, the dialog a 2xx makes and its ACK (§13.2.2.4), sent again for each
/// retransmission of that 2xx.
/// </summary>
/// <remarks>
/// <para>The trunk's connection opens first, bounded by the connect or attempt timeout: a far trunk's TCP and TLS set-up
/// takes several round trips, which say nothing of how fast it answers an INVITE. The provisional and ring timeouts, and
/// the post-dial delay, run from the INVITE's sending.</para>
/// An attempt the call leaves (no response within the provisional timeout, no answer within the ring timeout, or the
/// caller's cancellation) is abandoned rather than forgotten: its INVITE is not sent again, and in the background a late
/// provisional gets a CANCEL (§9.1) and a late 2xx an ACK and a BYE (§15), so that a call left behind never stays up.
/// Every 2xx of another dialog (a forked answer, §13.2.2.4) is ended the same way.
/// </remarks>
internal sealed class SipCallAttempt
{
    private readonly Lock _gate = new();
    private readonly SipTransactionLayer _layer;
    private readonly SipRequest _invite;
    private readonly SipCallTimers _timers;
    private readonly TimeProvider _time;
    private readonly Action<SipDialog> _ended;
    private readonly TaskCompletionSource _firstResponse = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // A provisional above 100, or the end of the transaction: the callee's side has been reached (RFC 3261 §21.1).
    private readonly TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _sentOrEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, byte[]?> _acked = new(StringComparer.Ordinal);
    private Task<SipTransactionResult>? _completion;
    private InviteClientTransaction? _transaction;
    private bool _abandoned;
    private readonly Action? _answeredLate;

    // Whether the attempt was left before any response came (the provisional timeout), and whether one has come since.
    private bool _silentWhenLeft;
    private int _heardLate;
    private long _started;
    private TimeSpan? _postDialDelay;

    /// <param name="layer">The trunk's transaction layer.</param>
    /// <param name="invite">The INVITE for this trunk, complete but for the Via (and the Contact, which the layer adds when missing).</param>
    /// <param name="timers">The provisional and ring timeouts and the failover codes.</param>
    /// <param name="time">The clock.</param>
    /// <param name="endedUnwanted">Told of each answer that was ACKed and ended with a BYE because the call no longer wanted it.</param>
    /// <param name="answeredLate">
    /// Told once when the trunk answers (any response) an attempt that was left because it had not answered at all: it
    /// was slow, not dead, as its INVITE or first answers were lost or its route was long.
    /// </param>
    public SipCallAttempt(SipTransactionLayer layer, SipRequest invite, SipCallTimers timers, TimeProvider time, Action<SipDialog> endedUnwanted, Action? answeredLate = null)
    {
        _layer = layer;
        _invite = invite;
        _timers = timers;
        _time = time;
        _ended = endedUnwanted;
        _answeredLate = answeredLate;
    }

    /// <summary>What the attempt leaves running in the background once abandoned: a CANCEL, or the end of a late answer.</summary>
    public Task CleanUp { get; private set; } = Task.CompletedTask;

    /// <summary>Opens the trunk's connection, sends the INVITE and waits for what decides the attempt.</summary>
    /// <param name="provisional">Given each provisional response as it comes.</param>
    /// <param name="cleanUpToken">Stops the background clean-up of an abandoned attempt (the client's disposal).</param>
    /// <param name="cancellationToken">The caller's: the attempt is abandoned and <see cref="OperationCanceledException"/> thrown.</param>
    /// <exception cref="ArgumentException">The INVITE is too large to send.</exception>
    /// <exception cref="OperationCanceledException">The caller stopped waiting.</exception>
    public async Task<SipCallAttemptResult> RunAsync(Action<SipResponse>? provisional, CancellationToken cleanUpToken, CancellationToken cancellationToken)
    {
        _started = _time.GetTimestamp();

        // Stops the connection's opening when the attempt is abandoned before its INVITE went; disposed by whoever ends the attempt.
        var beforeStart = new CancellationTokenSource();
        Task<SipTransactionResult> completion = _layer.InviteAsync(
            _invite,
            response => OnPassUp(response, provisional),
            OnSending,
            _timers.AttemptTimeout,
            beforeStart.Token);
        lock (_gate)
        {
            _completion = completion;
        }

        _ = completion.ContinueWith(
            static (_, state) =>
            {
                var attempt = (SipCallAttempt)state!;
                attempt._firstResponse.TrySetResult();
                attempt._progress.TrySetResult();
                attempt._sentOrEnded.TrySetResult();
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await _sentOrEnded.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (Transaction is not null)
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                if (!await WaitAsync(_firstResponse.Task, _timers.ProvisionalTimeout, cancellationToken).ConfigureAwait(false))
                {
                    Abandon(completion, beforeStart, cleanUpToken);
                    return Result(SipAttemptOutcomeKind.Timeout, null, $"no response within the provisional timeout ({SipDurations.Format(_timers.ProvisionalTimeout)})");
                }

                // 100 Trying says only that the next hop has the INVITE (RFC 3261 §21.1.1); a trunk whose route onward is
                // dead sends it and nothing more. Without a sign of the callee (180, 183, any other provisional or a final)
                // within the progress timeout, or the ring timeout when that is shorter, the trunk failed the call.
                if (_timers.ProgressTimeout is { } progress)
                {
                    TimeSpan limit = progress < _timers.RingTimeout ? progress : _timers.RingTimeout;
                    // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                    if (!await WaitAsync(_progress.Task, limit, cancellationToken).ConfigureAwait(false))
                    {
                        Abandon(completion, beforeStart, cleanUpToken);
                        return Result(SipAttemptOutcomeKind.Timeout, null, $"only 100 Trying within the progress timeout ({SipDurations.Format(limit)}), no sign of the callee; cancelled");
                    }
                }

                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                if (!await WaitAsync(completion, _timers.RingTimeout, cancellationToken).ConfigureAwait(false))
                {
                    // It rang, and nobody answered: the abandoned INVITE is cancelled at once, since it is proceeding.
                    Abandon(completion, beforeStart, cleanUpToken);
                    return Result(SipAttemptOutcomeKind.NoAnswer, null, $"not answered within the ring timeout ({SipDurations.Format(_timers.RingTimeout)}); cancelled");
                }
            }

            // Otherwise the connection did not open: the layer's result says how.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abandon(completion, beforeStart, cleanUpToken);
            throw;
        }

        beforeStart.Dispose();
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        return await DecideAsync(await completion.ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for <paramref name="task"/> until <paramref name="limit"/> from the INVITE; false when the limit passed first.
    /// A task that faults or is cancelled counts as done: its outcome is read later.
    /// </summary>
    private async Task<bool> WaitAsync(Task task, TimeSpan limit, CancellationToken cancellationToken)
    {
        TimeSpan left = limit - _time.GetElapsedTime(_started);
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await task.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // What was awaited may have come just before the time ran out, its continuation still on its way to this wait:
            // it came in time.
            return task.IsCompleted;
        }
        catch (Exception) when (task.IsCompleted)
        {
            // The task's own failure, read by whoever awaits its result.
        }

        return true;
    }

    private async Task<SipCallAttemptResult> DecideAsync(SipTransactionResult result)
    {
        switch (result.Outcome)
        {
            case SipTransactionOutcome.Timeout:
                return Result(SipAttemptOutcomeKind.Timeout, null, $"no response within Timer B ({SipDurations.Format(result.Elapsed)})");
            case SipTransactionOutcome.TransportError:
                return Result(SipAttemptOutcomeKind.TransportError, null, result.Error?.Message);
        }

        SipResponse response = result.Response!;
        SipAttemptOutcomeKind kind = SipCallRules.Classify(response.StatusCode, _timers.FailoverCodes);
        if (kind != SipAttemptOutcomeKind.Answered)
        {
            return Result(kind, response, null);
        }

        SipRequest sent = Transaction?.Invite ?? _invite;
        if (SipDialog.FromInvite(sent, response) is not { } dialog)
        {
            // §13.3.1.4: a 2xx must carry a To tag and a Contact, whose URI is where the ACK and the BYE go. Without them there
            // is no dialog to ACK or end, and another trunk could ring a callee that may already be connected: the call ends here.
            return Result(SipAttemptOutcomeKind.Declined, response, "a 2xx without a To tag or a usable Contact (RFC 3261 §13.3.1.4)");
        }

        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        await AckAsync(dialog).ConfigureAwait(false);
        return Result(SipAttemptOutcomeKind.Answered, response, null) with { Dialog = dialog };
    }

    private SipCallAttemptResult Result(SipAttemptOutcomeKind kind, SipResponse? response, string? error)
    {
        TimeSpan? pdd;
        long started;
        lock (_gate)
        {
            pdd = _postDialDelay;
            started = _started;
        }

        return new SipCallAttemptResult(kind, response, error, _time.GetElapsedTime(started), pdd, null);
    }

    private InviteClientTransaction? Transaction
    {
        get
        {
            lock (_gate)
            {
                return _transaction;
            }
        }
    }

    /// <summary>
    /// Asked by the layer once the connection is open, just before the INVITE goes. Under the lock <see cref="Abandon"/>
    /// takes, so that an INVITE is either sent and this attempt's to cancel or end, or never sent.
    /// </summary>
    private bool OnSending(InviteClientTransaction transaction)
    {
        lock (_gate)
        {
            if (_abandoned)
            {
                return false;
            }

            _transaction = transaction;
            _started = _time.GetTimestamp();
        }

        _sentOrEnded.TrySetResult();
        return true;
    }

    /// <summary>A provisional, or a 2xx after the first: a retransmission to ACK again, or another dialog's answer to end.</summary>
    private void OnPassUp(SipResponse response, Action<SipResponse>? provisional)
    {
        NoteLateAnswer();
        if (response.StatusCode < 200)
        {
            lock (_gate)
            {
                if (response.StatusCode is 180 or 183)
                {
                    _postDialDelay ??= _time.GetElapsedTime(_started);
                }
            }

            _firstResponse.TrySetResult();
            if (response.StatusCode > 100)
            {
                _progress.TrySetResult();
            }

            provisional?.Invoke(response);
            return;
        }

        // The transaction passes a 2xx up only after its first final, so the first 2xx's tag is known here. That dialog's
        // 2xx is the established call's or the clean-up's to ACK; any other tag is a second dialog, to end.
        string tag = Tag(response);
        byte[]? again;
        bool known;
        lock (_gate)
        {
            known = _acked.TryGetValue(tag, out again) ||
                (_completion is { IsCompletedSuccessfully: true, Result.Response: { } first } && Tag(first) == tag);
        }

        if (known)
        {
            // §13.2.2.4: a retransmitted 2xx means the ACK was lost or crossed it; the same ACK goes again.
            if (again is not null)
            {
                _ = _layer.SendQuietlyAsync(again);
            }
        }
        else
        {
            _ = EndUnwantedAsync(response);
        }
    }

    private static string Tag(SipResponse response) => SipHeaderValues.Tag(response.Headers[SipHeaderNames.To] ?? "") ?? "";

    /// <summary>ACKs the 2xx that made <paramref name="dialog"/> (§13.2.2.4), remembering the ACK for its retransmissions.</summary>
    private async Task AckAsync(SipDialog dialog)
    {
        lock (_gate)
        {
            if (!_acked.TryAdd(dialog.RemoteTag, null))
            {
                return;
            }
        }

        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            byte[] ack = await _layer.SendAckAsync(dialog.Ack(), CancellationToken.None).ConfigureAwait(false);
            lock (_gate)
            {
                _acked[dialog.RemoteTag] = ack;
            }
        }
        catch (SipTransportException)
        {
            // The 2xx will come again, and its ACK with it; a broken connection shows on the call's next request.
        }
    }

    /// <summary>
    /// Ends an answer the call does not want (a late 2xx of an abandoned attempt, or a second dialog's): ACK, then BYE, as
    /// §15 asks of a UAC that receives a 2xx it no longer wants.
    /// </summary>
    private async Task EndUnwantedAsync(SipResponse ok)
    {
        SipRequest sent = Transaction?.Invite ?? _invite;
        if (SipDialog.FromInvite(sent, ok) is not { } dialog)
        {
            return;
        }

        lock (_gate)
        {
            if (_acked.ContainsKey(dialog.RemoteTag))
            {
                return;
            }
        }

        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        await AckAsync(dialog).ConfigureAwait(false);
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await _layer.SendAsync(dialog.Bye(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The client was disposed: its connections are closed.
        }

        _ended(dialog);
    }

    /// <summary>Tells <see cref="_answeredLate"/>, once, of a response that came after the attempt was left with none.</summary>
    private void NoteLateAnswer()
    {
        bool silent;
        lock (_gate)
        {
            // Set only when the attempt is left, so a response before then is no late answer.
            silent = _silentWhenLeft;
        }

        if (silent && Interlocked.Exchange(ref _heardLate, 1) == 0)
        {
            _answeredLate?.Invoke();
        }
    }

    /// <summary>Leaves the attempt: its INVITE is not sent again, and what comes late is cancelled or ended in the background.</summary>
    private void Abandon(Task<SipTransactionResult> completion, CancellationTokenSource beforeStart, CancellationToken cleanUpToken)
    {
        InviteClientTransaction? transaction;
        lock (_gate)
        {
            _abandoned = true;
            _silentWhenLeft = !_firstResponse.Task.IsCompleted;
            transaction = _transaction;
        }

        if (transaction is null)
        {
            // Still connecting: the INVITE has not been sent, and OnSending will now refuse to send it.
            beforeStart.Cancel();
        }
        else
        {
            transaction.StopRetransmissions();
        }

        CleanUp = CleanUpAsync(completion, transaction, beforeStart, cleanUpToken);
    }

    private async Task CleanUpAsync(
        Task<SipTransactionResult> completion, InviteClientTransaction? transaction, CancellationTokenSource beforeStart, CancellationToken cancellationToken)
    {
        try
        {
            if (transaction is null)
            {
                // Nothing was sent. The opening stops; its token may go once it has, whatever its outcome.
                await ((Task)completion).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                return;
            }

            // §9.1: a CANCEL waits for a provisional (Timer B bounds that wait), and goes only to a proceeding INVITE;
            // it runs on its own, so that a 2xx crossing it is ACKed at once.
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await transaction.Answered.WaitAsync(cancellationToken).ConfigureAwait(false);
            Task<SipTransactionResult?> cancelling = _layer.CancelAsync(transaction, cancellationToken);
            try
            {
                // §9.1: a cancelled INVITE with no final response after 64·T1 is considered terminated.
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                await completion.WaitAsync(_timers.CancelWait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                transaction.Abandon(CancellationToken.None);
            }

            if (completion is { IsCompletedSuccessfully: true, Result.Response: not null })
            {
                // A final response with no provisional before it comes up here alone.
                NoteLateAnswer();
            }

            if (completion is { IsCompletedSuccessfully: true, Result.Response: { StatusCode: >= 200 and < 300 } late })
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                await EndUnwantedAsync(late).ConfigureAwait(false);
            }

            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await cancelling.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client is being disposed.
        }
        catch (ObjectDisposedException)
        {
            // The client was disposed: its connections are closed.
        }
        finally
        {
            beforeStart.Dispose();
        }
    }
}
