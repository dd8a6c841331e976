using System.Net;

namespace SlaKit.Sip;

/// <summary>
/// A client's path to one SIP server (RFC 3261 §18.1): it sends requests and hands the responses that come back to
/// its <see cref="Sink"/>. Responses are matched to transactions above it, so one connection carries many.
/// </summary>
internal abstract class SipConnection : IAsyncDisposable
{
    private long _received;

    protected SipConnection(SipTarget target)
    {
        Target = target;
    }

    /// <summary>The server.</summary>
    public SipTarget Target { get; }

    /// <summary>Whether the transport is reliable (TCP), so requests are not retransmitted (RFC 3261 §17.1.2.2).</summary>
    public abstract bool IsReliable { get; }

    /// <summary>The transport as written in a Via header: <c>UDP</c>, <c>TCP</c> or <c>TLS</c>.</summary>
    public string ViaTransport => Target.Transport switch
    {
        SipTransportProtocol.Tcp => "TCP",
        SipTransportProtocol.Tls => "TLS",
        _ => "UDP",
    };

    /// <summary>
    /// How many times bytes have arrived on the connection, over all its openings, each opening counted too: read before a
    /// request goes, and compared after it timed out, it says whether anything at all came back in between.
    /// </summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Receives responses and transport errors; set before the connection is opened.</summary>
    public ISipResponseSink? Sink { get; set; }

    /// <summary>Makes the connection ready to send, once or again after it broke; returns the local address for Via.</summary>
    /// <exception cref="SipTransportException">The server cannot be reached.</exception>
    public abstract ValueTask<EndPoint> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Sends one message.</summary>
    /// <exception cref="SipTransportException">The transport failed.</exception>
    public abstract ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="remote"/>, a peer other than the server that sent us a request
    /// (see <see cref="Deliver"/>): only a connection that takes messages from others does.
    /// </summary>
    /// <exception cref="SipTransportException">The transport failed.</exception>
    /// <exception cref="InvalidOperationException">The connection takes messages from its server alone.</exception>
    public virtual ValueTask SendToAsync(ReadOnlyMemory<byte> message, IPEndPoint remote, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"The {ViaTransport} connection to {Target.Host}:{Target.Port} sends to its server alone.");

    /// <summary>
    /// Called when a request timed out after <paramref name="waited"/>: a reliable connection on which nothing arrived
    /// since <see cref="Received"/> read <paramref name="mark"/> is closed, so that the next request opens a new one; a
    /// flow a NAT or firewall dropped without a word would otherwise take every later request with it. Requests still
    /// waiting on it end with a transport error. A connection without a connection to lose (UDP) ignores it.
    /// </summary>
    public virtual void CloseIfSilentSince(long mark, TimeSpan waited)
    {
    }

    /// <summary>
    /// Runs <paramref name="open"/>, an opening that the connection's disposal stops through <paramref name="closing"/>
    /// (a connect, a handshake or a name lookup the server or resolver never completes), rather than wait for it.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The connection was disposed while it opened.</exception>
    protected async ValueTask<EndPoint> OpenUntilDisposedAsync(Func<CancellationToken, Task<EndPoint>> open, CancellationToken closing, CancellationToken cancellationToken)
    {
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, closing);
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            return await open(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException($"The {ViaTransport} connection to {Target.Host}:{Target.Port} was disposed while it opened.", e);
        }
    }

    /// <summary>Notes that bytes arrived, whatever they turn out to be.</summary>
    protected void NoteReceived() => Interlocked.Increment(ref _received);

    /// <summary>
    /// Hands a received message up: a response to its transaction, a request to the dialog it belongs to, with
    /// <paramref name="from"/>, the address it came from when that is not the server (answered with
    /// <see cref="SendToAsync"/>), or <see langword="null"/> when it came from the server.
    /// </summary>
    protected void Deliver(SipMessage message, IPEndPoint? from = null)
    {
        switch (message)
        {
            case SipResponse response:
                Sink?.OnResponse(response);
                break;
            case SipRequest request:
                Sink?.OnRequest(request, from);
                break;
        }
    }

    /// <summary>Reports a transport failure up.</summary>
    protected void Fail(SipTransportException error) => Sink?.OnTransportError(error);
}
