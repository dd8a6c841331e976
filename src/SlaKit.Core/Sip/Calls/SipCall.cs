using SlaKit.Regions;

namespace SlaKit.Sip;

/// <summary>
/// A call a <see cref="SipFailoverClient"/> placed and a trunk answered: the dialog its 2xx made (RFC 3261 §12.1.2), the
/// trunk that carries it, and the callee's session description. End it with <see cref="ByeAsync"/>, or by disposing it.
/// </summary>
/// <remarks>
/// <para>Every request of the call, the ACK and the BYE included, goes through the trunk that answered it, the next hop
/// the client was configured with; the dialog's remote target and route set are carried in them (§12.2.1.1). The call
/// holds one of its trunk's <see cref="SipFailoverOptions.MaxConcurrentCalls"/> channels until it ends.</para>
/// <para>Requests the callee sends within the dialog are answered (§12.2.2): a BYE with 200, which ends the call
/// (<see cref="Ended"/> completes, <see cref="EndedByCallee"/> is true); an OPTIONS or INFO with 200; a re-INVITE or
/// UPDATE that refreshes the session (RFC 4028 session timers) with 200 and our session description unchanged, its 2xx
/// sent again over UDP until its ACK comes (§13.3.1.4), while one that changes the session description gets 488 and
/// the session stays as it was; any other method with 501 Not Implemented. Over UDP, a request the callee sends again because our answer was lost
/// gets the same answer until Timer J (64·T1, §17.2.2) has passed, also once the call has ended: a BYE sent again gets
/// its 200, not a 481. Thread-safe.</para>
/// </remarks>
public sealed class SipCall : IAsyncDisposable
{
    private readonly SipDialog _dialog;
    private readonly SipTransactionLayer _layer;
    private readonly Action _released;
    private readonly TaskCompletionSource _endedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _ended;
    private volatile bool _endedByCallee;

    internal SipCall(
        Region trunk, SipDialog dialog, SipResponse answer, TimeSpan? postDialDelay, IReadOnlyList<SipAttemptOutcome> attempts,
        SipTransactionLayer layer, Action released)
    {
        Trunk = trunk;
        _dialog = dialog;
        Answer = answer;
        PostDialDelay = postDialDelay;
        Attempts = attempts;
        _layer = layer;
        _released = released;
        layer.Listen(dialog.CallId, AnswerCallee);
    }

    /// <summary>The trunk (region) that answered and carries the call.</summary>
    public Region Trunk { get; }

    /// <summary>The dialog's Call-ID.</summary>
    public string CallId => _dialog.CallId;

    /// <summary>Our tag: the From tag of the INVITE.</summary>
    public string LocalTag => _dialog.LocalTag;

    /// <summary>The callee's tag: the To tag of its 2xx.</summary>
    public string RemoteTag => _dialog.RemoteTag;

    /// <summary>Where requests within the dialog are addressed: the URI in the 2xx's Contact.</summary>
    public string RemoteTarget => _dialog.RemoteTarget;

    /// <summary>The 2xx that answered the call, as received.</summary>
    public SipResponse Answer { get; }

    /// <summary>
    /// The callee's session description (the SDP answer, RFC 3264): the 2xx's body, left as it came. SlaKit carries it and
    /// never reads media from it. Empty when the 2xx had none.
    /// </summary>
    public ReadOnlyMemory<byte> SessionDescription => Answer.Body;

    /// <summary>The 2xx's <c>Content-Type</c>, such as <c>application/sdp</c>; <see langword="null"/> when it had none.</summary>
    public string? ContentType => Answer.Headers["Content-Type"];

    /// <summary>
    /// Post-dial delay on the trunk that answered: from its INVITE's sending (the connection's set-up not counted) to the
    /// first 180 or 183; <see langword="null"/> when the 2xx came first.
    /// </summary>
    public TimeSpan? PostDialDelay { get; }

    /// <summary>How each attempt of the call went, in order, the last being the answer.</summary>
    public IReadOnlyList<SipAttemptOutcome> Attempts { get; }

    /// <summary>Whether the call has ended: by <see cref="ByeAsync"/>, by disposal, or by the callee's BYE.</summary>
    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    /// <summary>Whether the callee ended the call, with a BYE of its own.</summary>
    public bool EndedByCallee => _endedByCallee;

    /// <summary>Completes when the call ends, whichever side ends it.</summary>
    public Task Ended => _endedSignal.Task;

    /// <summary>
    /// Ends the call with a BYE within its dialog (RFC 3261 §15.1.1), sent through its trunk in a transaction of its own.
    /// The call is over for this side whatever the answer (§15.1.1): a later call returns <see langword="null"/> at once.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the BYE's response; the call is still ended.</param>
    /// <returns>The BYE's final response; <see langword="null"/> when the call had already been ended.</returns>
    /// <exception cref="TimeoutException">The BYE got no final response within Timer F (64·T1).</exception>
    /// <exception cref="IOException">The BYE could not be sent: the trunk's connection failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The client that placed the call was disposed, which closed its connections.</exception>
    public async Task<SipResponse?> ByeAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return null;
        }

        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            SipTransactionResult result = await _layer.SendAsync(_dialog.Bye(), cancellationToken).ConfigureAwait(false);
            return result.Outcome switch
            {
                SipTransactionOutcome.Response => result.Response,
                SipTransactionOutcome.Timeout => throw new TimeoutException($"The BYE of call {CallId} on trunk '{Trunk.Name}' got no answer within Timer F ({SipDurations.Format(result.Elapsed)})."),
                _ => throw new IOException($"The BYE of call {CallId} on trunk '{Trunk.Name}' could not be sent: {result.Error?.Message}", result.Error),
            };
        }
        finally
        {
            End();
        }
    }

    /// <summary>Ends the call with a BYE unless it has been ended; a BYE that fails is given up silently.</summary>
    /// <returns>A task that completes when the BYE has been answered or given up.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await ByeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or IOException or ObjectDisposedException)
        {
            // Disposal does not throw: a trunk that cannot take the BYE has lost the call already.
        }
    }

    /// <summary>The methods a call takes within its dialog, as its INVITE's and its answers' Allow say (RFC 3261 §20.5).</summary>
    internal const string AllowedMethods = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE";

    /// <summary>The final response to a request the callee sent within the dialog (RFC 3261 §12.2.2).</summary>
    private SipResponse AnswerCallee(SipRequest request)
    {
        SipHeaders headers = request.Headers;
        if (SipHeaderValues.Tag(headers[SipHeaderNames.To] ?? "") != LocalTag || SipHeaderValues.Tag(headers[SipHeaderNames.From] ?? "") != RemoteTag)
        {
            return SipResponses.To(request, 481, "Call/Transaction Does Not Exist");
        }

        switch (request.Method)
        {
            case "BYE":
                // §15.1.2: the BYE is answered 200 and the call is over.
                if (Interlocked.Exchange(ref _ended, 1) == 0)
                {
                    _endedByCallee = true;
                    End();
                }

                return SipResponses.To(request, 200, "OK");
            case "OPTIONS" or "INFO":
                return SipResponses.To(request, 200, "OK");
            case "INVITE" or "UPDATE":
                return AnswerRefresh(request);
            default:
                SipResponse unsupported = SipResponses.To(request, 501, "Not Implemented");
                unsupported.Headers.Add(SipHeaderNames.Allow, AllowedMethods);
                return unsupported;
        }
    }

    /// <summary>
    /// The answer to a re-INVITE or an UPDATE from the callee. A session refresh (RFC 4028: an SBC's session timer, a
    /// keep-alive of the call) carries the callee's session description unchanged (the same <c>o=</c> line, whose version
    /// RFC 3264 §8 keeps for an unchanged session) or none: it gets a 200 with our Contact (RFC 3261 §13.3.1.4, RFC 3311
    /// §5.2) and our own session description unchanged, as the answer, or as the offer of a re-INVITE that carried none
    /// (its ACK then brings the answer). A new remote target in its Contact is taken (§12.2.2). A changed session
    /// description (a hold, a new media address or codec) is the application's media to negotiate, which SlaKit does not
    /// carry: it gets 488, and the session stays as it was (§14.2, RFC 3311 §5.2).
    /// </summary>
    private SipResponse AnswerRefresh(SipRequest request)
    {
        bool offered = !request.Body.IsEmpty;
        if (offered && (SipSessionDescriptions.Origin(request.Body.Span) is not { } origin || origin != SipSessionDescriptions.Origin(SessionDescription.Span)))
        {
            SipResponse refused = SipResponses.To(request, 488, "Not Acceptable Here");
            refused.Headers.Add("Warning", "399 slakit \"Only session refreshes are taken; the session stays as it was\"");
            return refused;
        }

        _dialog.RefreshTarget(request);
        SipResponse ok = SipResponses.To(request, 200, "OK");
        if (_dialog.LocalContact is { } contact)
        {
            ok.Headers.Add(SipHeaderNames.Contact, contact);
        }

        ok.Headers.Add(SipHeaderNames.Allow, AllowedMethods);
        if ((offered || request.Method == "INVITE") && !_dialog.LocalSessionDescription.IsEmpty)
        {
            ok.Headers.Add("Content-Type", _dialog.LocalContentType ?? "application/sdp");
            ok.Body = _dialog.LocalSessionDescription;
        }

        return ok;
    }

    /// <summary>Gives the channel back and stops taking the dialog's requests; once.</summary>
    private void End()
    {
        if (_endedSignal.TrySetResult())
        {
            _layer.Forget(CallId);
            _released();
        }
    }

    /// <summary>The call in words, such as <c>call a84b4c76e66710 on carrier-a (sip:callee@10.0.0.5)</c>.</summary>
    /// <returns>The call's description.</returns>
    public override string ToString() => $"call {CallId} on {Trunk.Name} ({RemoteTarget})";
}
