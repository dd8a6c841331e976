using System.Collections.Concurrent;
using System.Net;

namespace SlaKit.Sip;

/// <summary>
/// The client transactions running over one connection: it stamps each request with a Via carrying a new branch,
/// runs a <see cref="NonInviteClientTransaction"/> for it, and hands each response to the transaction whose branch
/// and CSeq method it carries (RFC 3261 §17.1.3). Responses that match none are dropped (§18.1.2).
/// </summary>
internal sealed class SipTransactionLayer : ISipResponseSink, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, NonInviteClientTransaction> _transactions = new(StringComparer.Ordinal);
    private readonly SipTimerSettings _timers;
    private readonly TimeProvider _time;
    private readonly Action<NonInviteClientTransaction> _terminated;

    public SipTransactionLayer(SipConnection connection, SipTimerSettings timers, TimeProvider time)
    {
        Connection = connection;
        _timers = timers;
        _time = time;
        _terminated = t => _transactions.TryRemove(new KeyValuePair<string, NonInviteClientTransaction>(t.Key, t));
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
            throw new ArgumentException($"The request is {bytes.Length} bytes; at most {SipMessage.MaxMessageSize} can be sent.", nameof(request));
        }

        var transaction = new NonInviteClientTransaction(Key(branch, request.Method), bytes, Connection, _timers, _time, _terminated);
        _transactions[transaction.Key] = transaction;
        using CancellationTokenRegistration registration = cancellationToken.Register(
            static (state, token) => ((NonInviteClientTransaction)state!).Abandon(token), transaction);
        transaction.Start();
        return await transaction.Completion.ConfigureAwait(false);
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

        if (_transactions.TryGetValue(Key(branch, method), out NonInviteClientTransaction? transaction))
        {
            transaction.OnResponse(response);
        }
    }

    public void OnTransportError(SipTransportException error)
    {
        foreach (NonInviteClientTransaction transaction in _transactions.Values)
        {
            transaction.OnTransportError(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (NonInviteClientTransaction transaction in _transactions.Values)
        {
            transaction.Abandon(CancellationToken.None);
        }

        await Connection.DisposeAsync().ConfigureAwait(false);
    }

    // RFC 3261 §17.1.3: the branch and the CSeq method together identify the transaction.
    private static string Key(string branch, string method) => branch + " " + method;
}
