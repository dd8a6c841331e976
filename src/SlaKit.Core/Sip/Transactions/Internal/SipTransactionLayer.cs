using System.Collections.Concurrent;
using System.Net;

namespace SlaKit.Sip;

/// <summary>
/// The client transactions running over one connection: it stamps each request with a Via carrying a new branch,
/// runs a <see cref="NonInviteClientTransaction"/> or an <see cref="InviteClientTransaction"/> for it, and hands each
/// response to the transaction whose branch and CSeq method it carries (RFC 3261 §17.1.3). Responses that match none
/// are dropped (§18.1.2).
/// </summary>
internal sealed class SipTransactionLayer : ISipResponseSink, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, IClientTransaction> _transactions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<SipRequest, SipResponse>> _dialogs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Retransmission> _unacknowledged = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (byte[] Response, long AnsweredAt)> _answered = new(StringComparer.Ordinal);
    private readonly Lock _answeredGate = new();
    private readonly SipTimerSettings _timers;
    private readonly TimeSpan? _connectTimeout;
    private readonly TimeProvider _time;
    private readonly Action<IClientTransaction> _terminated;
    private int _users;

    public SipTransactionLayer(SipConnection connection, SipTimerSettings timers, TimeProvider time, TimeSpan? connectTimeout = null)
    {
        Connection = connection;
        _timers = timers;
        _time = time;
        _connectTimeout = connectTimeout;
        _terminated = t => _transactions.TryRemove(new KeyValuePair<string, IClientTransaction>(t.Key, t));
        connection.Sink = this;
    }

    public SipConnection Connection { get; }

    /// <summary>How many transactions are running or absorbing retransmitted responses.</summary>
    public int ActiveTransactions => _transactions.Count;

    /// <summary>
    /// Whether nothing uses the layer: no attempt holds it (<see cref="Enter"/>), no transaction runs or absorbs
    /// retransmitted responses, no call's dialog takes requests through it, and no request the server sent is still
    /// within Timer J, when a retransmission of it is answered again.
    /// </summary>
    public bool IsIdle => Volatile.Read(ref _users) == 0 && _transactions.IsEmpty && _dialogs.IsEmpty && _unacknowledged.IsEmpty && !AbsorbsRequests();

    /// <summary>Holds the layer for an attempt, from before its connection opens until <see cref="Leave"/>.</summary>
    public void Enter() => Interlocked.Increment(ref _users);

    /// <summary>Lets go of the layer an attempt held with <see cref="Enter"/>.</summary>
    public void Leave() => Interlocked.Decrement(ref _users);

    /// <summary>
    /// Runs one non-INVITE client transaction for <paramref name="request"/>, which is left unchanged: the copy sent
    /// carries a new topmost Via with a new branch.
    /// </summary>
    /// <exception cref="ArgumentException">The request is an INVITE or ACK, or too large to send.</exception>
    /// <exception cref="OperationCanceledException">The caller stopped waiting; the transaction is abandoned.</exception>
    public Task<SipTransactionResult> SendAsync(SipRequest request, CancellationToken cancellationToken) =>
        SendAsync(request, attemptTimeout: null, cancellationToken);

    /// <summary>
    /// Runs one non-INVITE client transaction for <paramref name="request"/>, as
    /// <see cref="SendAsync(SipRequest, CancellationToken)"/> does, within <paramref name="attemptTimeout"/> from its start.
    /// </summary>
    /// <param name="request">The request, left unchanged.</param>
    /// <param name="attemptTimeout">
    /// A bound on the whole attempt, the connection's opening included, besides Timer F and the connect timeout. A
    /// connection that has not opened when it runs out is a transport error, as for those; a request sent that has no
    /// final response by then is abandoned, and <see cref="OperationCanceledException"/> thrown.
    /// </param>
    /// <param name="cancellationToken">Stops the opening, or abandons the transaction once its request went.</param>
    /// <exception cref="ArgumentException">The request is an INVITE or ACK, or too large to send.</exception>
    /// <exception cref="OperationCanceledException">The caller stopped waiting, or the attempt timeout ran out after the request went.</exception>
    public async Task<SipTransactionResult> SendAsync(SipRequest request, TimeSpan? attemptTimeout, CancellationToken cancellationToken)
    {
        if (request.Method is "INVITE" or "ACK")
        {
            throw new ArgumentException($"{request.Method} needs an INVITE transaction; only non-INVITE requests are supported.", nameof(request));
        }

        Opening opening = OpeningWithin(_timers.TimerF, "Timer F", cancellationToken, attemptTimeout);

        // The opening has its own bound (see OpenAsync), so that it ends as a failure of the connection; this one, from
        // the same start, only abandons a request sent that has had no final answer within the attempt's time.
        using CancellationTokenSource? answerWithin = attemptTimeout is { } limit ? new CancellationTokenSource(limit, _time) : null;
        using CancellationTokenSource? abandon = answerWithin is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, answerWithin.Token);

        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        return await RunAsync(request, nameof(request), passUp: null, opening, abandon?.Token ?? cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one INVITE client transaction for <paramref name="invite"/>, which is left unchanged: the copy sent carries a
    /// new topmost Via with a new branch. The result is the first final response (a non-2xx already ACKed), a timeout
    /// (Timer B) or a transport error (a connection that did not open within Timer B or the connect timeout among them).
    /// </summary>
    /// <param name="invite">The INVITE.</param>
    /// <param name="passUp">Given each provisional response, and each 2xx retransmitted after the first (to be ACKed again).</param>
    /// <param name="cancellationToken">Abandons the transaction: nothing more is sent or passed up. A CANCEL is the caller's to send.</param>
    /// <param name="started">Given the transaction once its INVITE is on its way, for <see cref="CancelAsync"/>.</param>
    /// <exception cref="ArgumentException">The request is not an INVITE, or is too large to send.</exception>
    /// <exception cref="OperationCanceledException">The caller stopped waiting; the transaction is abandoned.</exception>
    public async Task<SipTransactionResult> InviteAsync(
        SipRequest invite, Action<SipResponse> passUp, CancellationToken cancellationToken, Action<InviteClientTransaction>? started = null)
    {
        CheckInvite(invite);
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        return await RunAsync(invite, nameof(invite), passUp, OpeningWithin(_timers.TimerB, "Timer B", cancellationToken), cancellationToken, started).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one INVITE client transaction that its user ends itself, with <see cref="InviteClientTransaction.StopRetransmissions"/>
    /// and <see cref="CancelAsync"/>: nothing but the connection's opening can be stopped here. Otherwise as
    /// <see cref="InviteAsync(SipRequest, Action{SipResponse}, CancellationToken, Action{InviteClientTransaction}?)"/>.
    /// </summary>
    /// <param name="invite">The INVITE.</param>
    /// <param name="passUp">Given each provisional response, and each 2xx retransmitted after the first (to be ACKed again).</param>
    /// <param name="sending">
    /// Asked once the connection is open, just before the INVITE goes: <see langword="false"/> leaves it unsent, and the
    /// result is then cancelled. The user decides here, under its own lock, whether the INVITE is its to manage.
    /// </param>
    /// <param name="attemptTimeout">
    /// A bound on the connection's opening besides Timer B and the connect timeout, the shortest of which applies; a
    /// connection not open by then is a transport error.
    /// </param>
    /// <param name="openCancellation">Stops the connection's opening; the result is then cancelled.</param>
    /// <exception cref="ArgumentException">The request is not an INVITE, or is too large to send.</exception>
    /// <exception cref="OperationCanceledException">The opening was stopped, or <paramref name="sending"/> declined.</exception>
    public async Task<SipTransactionResult> InviteAsync(
        SipRequest invite, Action<SipResponse> passUp, Func<InviteClientTransaction, bool> sending, TimeSpan? attemptTimeout, CancellationToken openCancellation)
    {
        ArgumentNullException.ThrowIfNull(sending);
        CheckInvite(invite);
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        return await RunAsync(invite, nameof(invite), passUp, OpeningWithin(_timers.TimerB, "Timer B", openCancellation, attemptTimeout), CancellationToken.None, sending: sending).ConfigureAwait(false);
    }

    /// <summary>Refuses a request an INVITE transaction cannot run: not an INVITE, or without what its ACK is built from.</summary>
    private static void CheckInvite(SipRequest invite)
    {
        if (invite.Method != "INVITE")
        {
            throw new ArgumentException($"{invite.Method} is not an INVITE; send it with SendAsync.", nameof(invite));
        }

        // What the ACK for a non-2xx final is built from (RFC 3261 §17.1.1.3).
        SipHeaders headers = invite.Headers;
        if (!headers.Contains(SipHeaderNames.From) || !headers.Contains(SipHeaderNames.To) || !headers.Contains(SipHeaderNames.CallId) ||
            !headers.TryGetValue(SipHeaderNames.CSeq, out string? cseq) || !SipHeaderValues.TryParseCSeq(cseq, out _, out string method) || method != "INVITE")
        {
            throw new ArgumentException("An INVITE needs From, To, Call-ID and a CSeq naming INVITE.", nameof(invite));
        }
    }

    /// <summary>
    /// Cancels a pending INVITE, RFC 3261 §9.1: waits for its first response, and if that left it proceeding (a
    /// provisional, no final yet) sends a CANCEL in a non-INVITE transaction of its own, with the INVITE's Request-URI,
    /// Call-ID, From, To, CSeq number, Route set and top Via (so the same branch). The INVITE then ends as the server
    /// says, normally 487 Request Terminated, which its transaction ACKs.
    /// </summary>
    /// <returns>The CANCEL's outcome; <see langword="null"/> when no CANCEL was sent, since the INVITE had ended.</returns>
    public async Task<SipTransactionResult?> CancelAsync(InviteClientTransaction invite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invite);

        // §9.1: a CANCEL must not be sent before a provisional response has come.
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        await invite.Answered.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!invite.IsProceeding)
        {
            return null;
        }

        SipRequest sent = invite.Invite;
        SipRequest cancel = SipRequests.SameTransactionAs(sent, "CANCEL");
        string key = Key(SipHeaderValues.TopBranch(sent) ?? "", "CANCEL");
        // The CANCEL goes on the INVITE's connection, already open: its transaction starts as it is sent.
        var transaction = new NonInviteClientTransaction(key, cancel.ToBytes(), Connection, _timers, _time, _time.GetTimestamp(), _terminated);
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        return await RunAsync(transaction, transaction.Start, transaction.Completion, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the connection, then stamps a copy of <paramref name="request"/> with our Via and runs its transaction:
    /// INVITE when <paramref name="passUp"/> is given. <paramref name="abandon"/> abandons the transaction once started.
    /// The transaction started with <paramref name="opening"/>: its Timer F or B counts the opening (RFC 3261 §17.1.1.2,
    /// §17.1.2.2), so the whole wait is at most that timer.
    /// </summary>
    private async Task<SipTransactionResult> RunAsync(
        SipRequest request, string paramName, Action<SipResponse>? passUp, Opening opening, CancellationToken abandon,
        Action<InviteClientTransaction>? started = null, Func<InviteClientTransaction, bool>? sending = null)
    {
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        (EndPoint? local, SipTransactionResult? failed) = await OpenAsync(opening).ConfigureAwait(false);
        if (failed is { } failure)
        {
            return failure;
        }

        (SipRequest copy, string branch, byte[] bytes) = Stamp(request, local!, paramName);
        string key = Key(branch, request.Method);
        if (passUp is null)
        {
            var transaction = new NonInviteClientTransaction(key, bytes, Connection, _timers, _time, opening.StartedAt, _terminated);
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            return await RunAsync(transaction, transaction.Start, transaction.Completion, abandon).ConfigureAwait(false);
        }

        var invite = new InviteClientTransaction(key, copy, bytes, Connection, _timers, _time, opening.StartedAt, _terminated, passUp);
        if (sending is not null && !sending(invite))
        {
            throw new OperationCanceledException("The INVITE was abandoned before it was sent.", opening.CancellationToken);
        }

        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        return await RunAsync(invite, () => { invite.Start(); started?.Invoke(invite); }, invite.Completion, abandon).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the connection within <see cref="Opening.Limit"/>, from <see cref="Opening.StartedAt"/>. RFC 3261's
    /// transaction timers start with the transaction, before the transport sets up its connection (Timer B on entering
    /// Calling, §17.1.1.2; Timer F on entering Trying, §17.1.2.2), so the opening counts against them: it is bounded by the
    /// timer, or a shorter connect or attempt timeout, and the transaction then waits only for what is left of its timer
    /// (<see cref="ClientTransaction.TimeLeft"/>). A connection not open within the bound is a transport error, as a refused
    /// one is: a connect or TLS handshake never answered is a connection failure, which the transport reports as a failure
    /// in sending (§18.4), not the server's silence to a request it was never sent.
    /// </summary>
    /// <returns>The local address for Via; or, when the connection did not open, the transaction's result.</returns>
    /// <exception cref="OperationCanceledException">The caller's token stopped the opening.</exception>
    private async Task<(EndPoint? Local, SipTransactionResult? Failure)> OpenAsync(Opening opening)
    {
        using var bound = new CancellationTokenSource(opening.Limit, _time);
        using CancellationTokenSource? linked = opening.CancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(opening.CancellationToken, bound.Token)
            : null;
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            return (await Connection.OpenAsync(linked?.Token ?? bound.Token).ConfigureAwait(false), null);
        }
        catch (SipTransportException e)
        {
            return (null, new SipTransactionResult(SipTransactionOutcome.TransportError, null, e, _time.GetElapsedTime(opening.StartedAt), 0));
        }
        catch (OperationCanceledException e) when (bound.IsCancellationRequested && !opening.CancellationToken.IsCancellationRequested)
        {
            SipTarget target = Connection.Target;
            var error = new SipTransportException(
                $"the {Connection.ViaTransport} connection to {target.Host}:{target.Port} did not open within {opening.LimitName} ({SipDurations.Format(opening.Limit)})", e);
            return (null, new SipTransactionResult(SipTransactionOutcome.TransportError, null, error, _time.GetElapsedTime(opening.StartedAt), 0));
        }
    }

    /// <summary>
    /// Sends the ACK for an INVITE's 2xx, which belongs to no transaction (RFC 3261 §13.2.2.4, §17.1.1.3): stamped with
    /// our Via and a new branch, and sent once. Each retransmission of the 2xx is answered with the same bytes, through
    /// <see cref="SendQuietlyAsync"/>.
    /// </summary>
    /// <returns>The ACK as sent.</returns>
    /// <exception cref="SipTransportException">The connection could not be opened (within Timer B) or the ACK not sent.</exception>
    public async Task<byte[]> SendAckAsync(SipRequest ack, CancellationToken cancellationToken)
    {
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        (EndPoint? local, SipTransactionResult? failed) = await OpenAsync(OpeningWithin(_timers.TimerB, "Timer B", cancellationToken)).ConfigureAwait(false);
        if (failed is { } failure)
        {
            throw failure.Error!;
        }

        (_, _, byte[] bytes) = Stamp(ack, local!, nameof(ack));
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        await Connection.SendAsync(bytes, cancellationToken).ConfigureAwait(false);
        return bytes;
    }

    /// <summary>
    /// Sends <paramref name="message"/> as it is, waited on by nobody (an ACK sent again, an answer to the server's own
    /// request); a transport error is the next exchange's to report.
    /// </summary>
    public async Task SendQuietlyAsync(ReadOnlyMemory<byte> message)
    {
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await Connection.SendAsync(message, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SipTransportException)
        {
            // Nothing waits on this message; the connection reports its failure to the transactions that do.
        }
    }

    /// <summary>Whether <paramref name="request"/> goes to a SIPS URI: its Request-URI, or its top Route (RFC 3261 §8.1.1.8).</summary>
    private static bool IsSips(SipRequest request)
    {
        string? route = request.Headers[SipHeaderNames.Route]?.TrimStart();
        return request.RequestUri.StartsWith("sips:", StringComparison.OrdinalIgnoreCase) ||
            (route is not null && (route.StartsWith("<sips:", StringComparison.OrdinalIgnoreCase) || route.StartsWith("sips:", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>
    /// The largest a request may be, on the wire, to go over UDP when the path MTU is unknown: 1300 bytes. RFC 3261
    /// §18.1.1 sends a larger one over a congestion-controlled transport such as TCP, since its UDP fragments are often lost.
    /// </summary>
    public const int MaxUdpRequestSize = 1300;

    /// <summary>
    /// How large <paramref name="request"/> is at most once stamped for UDP: with our Via and, for an INVITE without one,
    /// our Contact, from the longest local address there is. Compared with <see cref="MaxUdpRequestSize"/> before a
    /// connection is chosen.
    /// </summary>
    public static int UdpWireSizeAtMost(SipRequest request)
    {
        var longest = new IPEndPoint(IPAddress.Parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), IPEndPoint.MaxPort);
        return Stamp(request, "UDP", longest, SipIds.NewBranch()).Bytes.Length;
    }

    /// <summary>A copy of <paramref name="request"/> with our Via on top and a new branch, and its wire form.</summary>
    /// <exception cref="ArgumentException">The request is too large to send.</exception>
    private (SipRequest Copy, string Branch, byte[] Bytes) Stamp(SipRequest request, EndPoint local, string paramName)
    {
        string branch = SipIds.NewBranch();
        (SipRequest copy, byte[] bytes) = Stamp(request, Connection.ViaTransport, local, branch);
        if (bytes.Length > SipMessage.MaxMessageSize)
        {
            throw new ArgumentException($"The request is {bytes.Length} bytes; at most {SipMessage.MaxMessageSize} can be sent.", paramName);
        }

        return (copy, branch, bytes);
    }

    /// <summary>A copy of <paramref name="request"/> stamped with our Via for <paramref name="transport"/>, and its wire form.</summary>
    private static (SipRequest Copy, byte[] Bytes) Stamp(SipRequest request, string transport, EndPoint local, string branch)
    {
        SipRequest copy = request.Clone();

        // RFC 3261 §8.1.1.7 and RFC 3581: our Via on top, asking the server to answer to the port the request came from.
        copy.Headers.InsertFirst(SipHeaderNames.Via, $"SIP/2.0/{transport} {SipEndpoints.SentBy(local)};branch={branch};rport");
        if (copy.Method == "INVITE" && !copy.Headers.Contains(SipHeaderNames.Contact))
        {
            // §8.1.1.8: an INVITE must carry a Contact, where the dialog's requests reach us: the address it is sent from;
            // a SIPS URI when the Request-URI or the top Route is one (and then TLS is implied: no transport parameter,
            // which RFC 5630 §3.1.3 deprecates with sips).
            copy.Headers.Add(SipHeaderNames.Contact, IsSips(copy)
                ? $"<sips:slakit@{SipEndpoints.SentBy(local)}>"
                : $"<sip:slakit@{SipEndpoints.SentBy(local)};transport={transport.ToLowerInvariant()}>");
        }

        if (copy.Method == "INVITE" && !copy.Headers.Contains(SipHeaderNames.Allow))
        {
            // §13.2.1: the methods the dialog may carry to us. With UPDATE listed, a server that refreshes the session
            // (RFC 4028 §9: the refresher when the INVITE says nothing of timers) may use an UPDATE rather than a re-INVITE.
            copy.Headers.Add(SipHeaderNames.Allow, SipCall.AllowedMethods);
        }

        return (copy, copy.ToBytes());
    }

    private async Task<SipTransactionResult> RunAsync(IClientTransaction transaction, Action start, Task<SipTransactionResult> completion, CancellationToken cancellationToken)
    {
        _transactions[transaction.Key] = transaction;
        using CancellationTokenRegistration registration = cancellationToken.Register(
            static (state, token) => ((IClientTransaction)state!).Abandon(token), transaction);
        long heard = Connection.Received;
        start();
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        SipTransactionResult result = await completion.ConfigureAwait(false);
        if (result.Outcome == SipTransactionOutcome.Timeout)
        {
            // Timer F or B fired: a connection that brought nothing back since the request went is not used again.
            CloseIfSilentSince(heard, result.Elapsed, transaction.Key);
        }

        return result;
    }

    /// <summary>
    /// After a request timed out (<paramref name="waited"/>), closes the connection if nothing came back on it since
    /// <see cref="SipConnection.Received"/> read <paramref name="mark"/> (see <see cref="SipConnection.CloseIfSilentSince"/>),
    /// unless something else still depends on it: a dialog, or a request other than <paramref name="except"/> still
    /// within its own time, waiting for its final answer (an INVITE ringing, say, or a request sent after the one that
    /// timed out). Slower is not dead: closing would fail each of them at once with a transport error, counted against
    /// their region although each had time left, a ringing INVITE with no CANCEL sent (so a call could ring twice), and
    /// the dialog's requests from the far end would have nowhere to arrive. A connection that is in fact dead is closed by
    /// the last of its requests to time out, each having had its whole time; by then its region is out of rotation, and
    /// the connection is closed within Timer F's default all the same when data sent on it goes unacknowledged (see
    /// <see cref="TcpSipConnection.KeepAlive"/>).
    /// </summary>
    public void CloseIfSilentSince(long mark, TimeSpan waited, string? except = null)
    {
        if (!_dialogs.IsEmpty)
        {
            return;
        }

        foreach (IClientTransaction transaction in _transactions.Values)
        {
            // One still waiting for its final answer; an answered one (Completed, Accepted: absorbing retransmitted
            // answers) needs nothing more.
            if (transaction.Key != except && transaction.AwaitsFinalAnswer)
            {
                return;
            }
        }

        Connection.CloseIfSilentSince(mark, waited);
    }

    public void OnResponse(SipResponse response)
    {
        string? branch = SipHeaderValues.TopBranch(response);
        if (branch is null ||
            !response.Headers.TryGetValue(SipHeaderNames.CSeq, out string? cseq) ||
            !SipHeaderValues.TryParseCSeq(cseq, out _, out string method))
        {
            return;
        }

        if (_transactions.TryGetValue(Key(branch, method), out IClientTransaction? transaction))
        {
            transaction.OnResponse(response);
        }
    }

    /// <summary>
    /// Takes the requests of a dialog (by Call-ID) until <see cref="Forget"/>: <paramref name="answer"/> makes each one's
    /// final response, which the layer sends (RFC 3261 §12.2.2), and over UDP sends again for a re-INVITE's 2xx until its
    /// ACK comes (§13.3.1.4).
    /// </summary>
    public void Listen(string callId, Func<SipRequest, SipResponse> answer) => _dialogs[callId] = answer;

    /// <summary>Stops taking a dialog's requests: later ones get 481.</summary>
    public void Forget(string callId) => _dialogs.TryRemove(callId, out _);

    /// <summary>
    /// A request from the server, answered as a UAS answers within a dialog (RFC 3261 §12.2.2): by the dialog it
    /// belongs to, or 481 Call/Transaction Does Not Exist when none. An ACK gets no response (§17.1.1.3).
    /// </summary>
    /// <remarks>
    /// Each request answered is a non-INVITE server transaction (§17.2.2): over UDP, where the server sends its request
    /// again when our answer is lost, a retransmission (the same top Via, so the same branch and sent-by, §17.2.3, and
    /// the same Call-ID and CSeq) gets the same final response again until Timer J (64·T1) has passed, and is not
    /// handed to its dialog a second time; a callee's BYE whose 200 was lost gets that 200, not a 481 from a dialog its
    /// first copy ended. Over a reliable transport Timer J is zero, and nothing is kept.
    /// </remarks>
    public void OnRequest(SipRequest request, IPEndPoint? from)
    {
        if (request.Method == "ACK")
        {
            // The ACK for a re-INVITE's 2xx ends its retransmissions (§13.3.1.4); an ACK gets no response (§17.1.1.3).
            if (AcknowledgedKey(request) is { } acknowledged && _unacknowledged.TryRemove(acknowledged, out Retransmission? retransmission))
            {
                retransmission.Dispose();
            }

            return;
        }

        byte[] answer;
        IPEndPoint? to = from is null ? null : SipEndpoints.ResponseDestination(request, from);
        lock (_answeredGate)
        {
            ForgetAnsweredBefore(_time.GetTimestamp());
            string? key = ServerTransactionKey(request);
            if (key is not null && _answered.TryGetValue(key, out (byte[] Response, long AnsweredAt) earlier))
            {
                answer = earlier.Response;
            }
            else
            {
                SipResponse response = Answer(request);
                answer = response.ToBytes();
                if (key is not null && !Connection.IsReliable)
                {
                    _answered[key] = (answer, _time.GetTimestamp());
                    if (request.Method == "INVITE" && response.StatusCode is >= 200 and < 300 && AcknowledgedKey(request) is { } acknowledged)
                    {
                        RetransmitUntilAcknowledged(acknowledged, answer, to);
                    }
                }
            }
        }

        _ = Reply(answer, to);
    }

    /// <summary>Sends an answer to a request: back to the server, or to <paramref name="to"/>, another peer that sent it.</summary>
    private Task Reply(byte[] answer, IPEndPoint? to) => to is null ? SendQuietlyAsync(answer) : SendToQuietlyAsync(answer, to);

    /// <summary>
    /// Sends a re-INVITE's 2xx again over UDP at T1, then at intervals doubling up to T2, until the ACK comes or 64·T1 has
    /// passed (RFC 3261 §13.3.1.4): the 2xx is the UAS core's to deliver, as no transaction sends it again.
    /// </summary>
    private void RetransmitUntilAcknowledged(string key, byte[] answer, IPEndPoint? to)
    {
        var retransmission = new Retransmission(this, key, answer, to, _time.GetTimestamp());
        if (_unacknowledged.TryAdd(key, retransmission))
        {
            retransmission.Start();
        }
        else
        {
            retransmission.Dispose();
        }
    }

    /// <summary>What an ACK for an INVITE's 2xx shares with that INVITE: its Call-ID and CSeq number (§13.2.2.4); <see langword="null"/> when unreadable.</summary>
    private static string? AcknowledgedKey(SipRequest request) =>
        request.Headers[SipHeaderNames.CallId] is { } callId &&
        SipHeaderValues.TryParseCSeq(request.Headers[SipHeaderNames.CSeq] ?? "", out long number, out _)
            ? $"{callId}\n{number.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            : null;

    /// <summary>A re-INVITE's 2xx sent again until its ACK comes (see <see cref="RetransmitUntilAcknowledged"/>).</summary>
    private sealed class Retransmission : IDisposable
    {
        private readonly SipTransactionLayer _layer;
        private readonly string _key;
        private readonly byte[] _answer;
        private readonly IPEndPoint? _to;
        private readonly long _startedAt;
        private readonly Lock _gate = new();
        private ITimer? _timer;
        private TimeSpan _interval;
        private bool _disposed;

        public Retransmission(SipTransactionLayer layer, string key, byte[] answer, IPEndPoint? to, long startedAt)
        {
            _layer = layer;
            _key = key;
            _answer = answer;
            _to = to;
            _startedAt = startedAt;
            _interval = layer._timers.T1;
        }

        public void Start()
        {
            lock (_gate)
            {
                if (!_disposed)
                {
                    _timer = _layer._time.CreateTimer(static state => ((Retransmission)state!).Fire(), this, _interval, Timeout.InfiniteTimeSpan);
                }
            }
        }

        private void Fire()
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                if (_layer._time.GetElapsedTime(_startedAt) >= _layer._timers.TimerB)
                {
                    // 64·T1 without an ACK: given up (§13.3.1.4). The session goes on; a peer that lost it ends it.
                    _layer._unacknowledged.TryRemove(new KeyValuePair<string, Retransmission>(_key, this));
                    _disposed = true;
                    _timer?.Dispose();
                    return;
                }

                _interval = _layer._timers.DoubledUpToT2(_interval);
                _timer?.Change(_interval, Timeout.InfiniteTimeSpan);
            }

            _ = _layer.Reply(_answer, _to);
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                _timer?.Dispose();
            }
        }
    }

    /// <summary>
    /// Sends an answer to a request that came from a peer other than the server, waited on by nobody; a peer that is
    /// gone sends its request again or gives up, as it would if the answer were lost.
    /// </summary>
    private async Task SendToQuietlyAsync(byte[] answer, IPEndPoint to)
    {
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await Connection.SendToAsync(answer, to, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SipTransportException)
        {
            // As with a datagram lost on the way.
        }
    }

    /// <summary>The final response to a request from the server, once: what its dialog says, or what §11.2 and §12.2.2 do.</summary>
    private SipResponse Answer(SipRequest request)
    {
        if (request.Method == "OPTIONS" && !(request.Headers[SipHeaderNames.To] is { } to && SipHeaderValues.HasTag(to)))
        {
            // An OPTIONS outside any dialog (no To tag) asks what this UA can do, as a server's keep-alive does over the
            // connection it shares with us: RFC 3261 §11.2 answers it 200 with Allow, as the UA would answer an INVITE.
            SipResponse capabilities = SipResponses.To(request, 200, "OK");
            capabilities.Headers.Add(SipHeaderNames.Allow, SipCall.AllowedMethods);
            return capabilities;
        }

        return request.Headers[SipHeaderNames.CallId] is { } callId && _dialogs.TryGetValue(callId, out var answer)
            ? answer(request)
            : SipResponses.To(request, 481, "Call/Transaction Does Not Exist");
    }

    /// <summary>
    /// What makes a request from the server the same request sent again: its top Via, which holds the branch and sent-by
    /// RFC 3261 §17.2.3 matches on, with what a retransmission carries unchanged besides and §17.2.3 matched on before
    /// branches were unique (RFC 2543): the Call-ID, the CSeq (number and method) and the From and To tags.
    /// <see langword="null"/> without a Via.
    /// </summary>
    private static string? ServerTransactionKey(SipRequest request)
    {
        SipHeaders headers = request.Headers;
        return headers[SipHeaderNames.Via] is { } via
            ? string.Join(
                '\n',
                SipHeaderValues.FirstElement(via).Trim().ToString(),
                headers[SipHeaderNames.CallId],
                headers[SipHeaderNames.CSeq],
                SipHeaderValues.Tag(headers[SipHeaderNames.From] ?? ""),
                SipHeaderValues.Tag(headers[SipHeaderNames.To] ?? ""))
            : null;
    }

    /// <summary>Drops the answers whose Timer J (§17.2.2) has passed by <paramref name="now"/>.</summary>
    private void ForgetAnsweredBefore(long now)
    {
        if (_answered.Count == 0)
        {
            return;
        }

        foreach ((string key, (_, long answeredAt)) in _answered.ToList())
        {
            if (_time.GetElapsedTime(answeredAt, now) >= _timers.TimerJ)
            {
                _answered.Remove(key);
            }
        }
    }

    /// <summary>Whether a request from the server is still within its Timer J, when its retransmission is answered again.</summary>
    private bool AbsorbsRequests()
    {
        lock (_answeredGate)
        {
            ForgetAnsweredBefore(_time.GetTimestamp());
            return _answered.Count > 0;
        }
    }

    public void OnTransportError(SipTransportException error)
    {
        foreach (IClientTransaction transaction in _transactions.Values)
        {
            transaction.OnTransportError(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (IClientTransaction transaction in _transactions.Values)
        {
            transaction.Abandon(CancellationToken.None);
        }

        foreach (Retransmission retransmission in _unacknowledged.Values)
        {
            retransmission.Dispose();
        }

        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        await Connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The start of a transaction, now, and the opening of its connection, bounded by the shortest of the transaction's
    /// own timer, the connect timeout and <paramref name="attemptTimeout"/>, named for the timeout's description.
    /// </summary>
    private Opening OpeningWithin(TimeSpan timer, string timerName, CancellationToken cancellationToken, TimeSpan? attemptTimeout = null)
    {
        long startedAt = _time.GetTimestamp();
        (TimeSpan limit, string name) = _connectTimeout is { } connect && connect < timer ? (connect, "ConnectTimeout") : (timer, timerName);
        return attemptTimeout is { } attempt && attempt < limit
            ? new Opening(startedAt, attempt, "the attempt timeout", cancellationToken)
            : new Opening(startedAt, limit, name, cancellationToken);
    }

    // RFC 3261 §17.1.3: the branch and the CSeq method together identify the transaction.
    private static string Key(string branch, string method) => branch + " " + method;

    /// <summary>
    /// When a transaction started (its timer runs from there), how long its connection may take to open before its request
    /// is sent, what that limit is called, and what stops it.
    /// </summary>
    private readonly record struct Opening(long StartedAt, TimeSpan Limit, string LimitName, CancellationToken CancellationToken);
}
