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
    private readonly SipTimerSettings _timers;
    private readonly TimeProvider _time;
    private readonly Action<IClientTransaction> _terminated;

    public SipTransactionLayer(SipConnection connection, SipTimerSettings timers, TimeProvider time)
    {
        Connection = connection;
        _timers = timers;
        _time = time;
        _terminated = t => _transactions.TryRemove(new KeyValuePair<string, IClientTransaction>(t.Key, t));
        connection.Sink = this;
    }

    public SipConnection Connection { get; }

    /// <summary>How many transactions are running or absorbing retransmitted responses.</summary>
    public int ActiveTransactions => _transactions.Count;

    /// <summary>
    /// Runs one non-INVITE client transaction for <paramref name="request"/>, which is left unchanged: the copy sent
    /// carries a new topmost Via with a new branch.
    /// </summary>
    /// <exception cref="ArgumentException">The request is an INVITE or ACK, or too large to send.</exception>
    /// <exception cref="OperationCanceledException">The caller stopped waiting; the transaction is abandoned.</exception>
    public async Task<SipTransactionResult> SendAsync(SipRequest request, CancellationToken cancellationToken)
    {
        if (request.Method is "INVITE" or "ACK")
        {
            throw new ArgumentException($"{request.Method} needs an INVITE transaction; only non-INVITE requests are supported.", nameof(request));
        }

        return await RunAsync(request, nameof(request), passUp: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one INVITE client transaction for <paramref name="invite"/>, which is left unchanged: the copy sent carries a
    /// new topmost Via with a new branch. The result is the first final response (a non-2xx already ACKed), a timeout
    /// (Timer B) or a transport error.
    /// </summary>
    /// <param name="invite">The INVITE.</param>
    /// <param name="passUp">Given each provisional response, and each 2xx retransmitted after the first (to be ACKed again).</param>
    /// <param name="cancellationToken">Abandons the transaction: nothing more is sent or passed up. A CANCEL is the caller's to send.</param>
    /// <exception cref="ArgumentException">The request is not an INVITE, or is too large to send.</exception>
    /// <exception cref="OperationCanceledException">The caller stopped waiting; the transaction is abandoned.</exception>
    public async Task<SipTransactionResult> InviteAsync(SipRequest invite, Action<SipResponse> passUp, CancellationToken cancellationToken)
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

        return await RunAsync(invite, nameof(invite), passUp, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stamps a copy of <paramref name="request"/> with our Via and runs its transaction: INVITE when <paramref name="passUp"/> is given.</summary>
    private async Task<SipTransactionResult> RunAsync(SipRequest request, string paramName, Action<SipResponse>? passUp, CancellationToken cancellationToken)
    {
        long opening = _time.GetTimestamp();
        EndPoint local;
        try
        {
            local = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SipTransportException e)
        {
            return new SipTransactionResult(SipTransactionOutcome.TransportError, null, e, _time.GetElapsedTime(opening), 0);
        }

        string branch = SipIds.NewBranch();
        SipRequest copy = request.Clone();

        // RFC 3261 §8.1.1.7 and RFC 3581: our Via on top, asking the server to answer to the port the request came from.
        copy.Headers.InsertFirst(SipHeaderNames.Via, $"SIP/2.0/{Connection.ViaTransport} {SipEndpoints.SentBy(local)};branch={branch};rport");
        byte[] bytes = copy.ToBytes();
        if (bytes.Length > SipMessage.MaxMessageSize)
        {
            throw new ArgumentException($"The request is {bytes.Length} bytes; at most {SipMessage.MaxMessageSize} can be sent.", paramName);
        }

        string key = Key(branch, request.Method);
        if (passUp is null)
        {
            var transaction = new NonInviteClientTransaction(key, bytes, Connection, _timers, _time, _terminated);
            return await RunAsync(transaction, transaction.Start, transaction.Completion, cancellationToken).ConfigureAwait(false);
        }

        var invite = new InviteClientTransaction(key, copy, bytes, Connection, _timers, _time, _terminated, passUp);
        return await RunAsync(invite, invite.Start, invite.Completion, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SipTransactionResult> RunAsync(IClientTransaction transaction, Action start, Task<SipTransactionResult> completion, CancellationToken cancellationToken)
    {
        _transactions[transaction.Key] = transaction;
        using CancellationTokenRegistration registration = cancellationToken.Register(
            static (state, token) => ((IClientTransaction)state!).Abandon(token), transaction);
        start();
        return await completion.ConfigureAwait(false);
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

        await Connection.DisposeAsync().ConfigureAwait(false);
    }

    // RFC 3261 §17.1.3: the branch and the CSeq method together identify the transaction.
    private static string Key(string branch, string method) => branch + " " + method;
}
