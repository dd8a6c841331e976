using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace SlaKit.Sip;

/// <summary>
/// SIP over TCP, or over TLS on TCP (RFC 3261 §26.2, the server's certificate checked against the target's domain as
/// RFC 5922 says), to one server: one connection, reused by every request and opened again after it breaks. Messages
/// are framed by <c>Content-Length</c> (RFC 3261 §18.3); a refused, reset or closed connection, or a failed handshake,
/// is a transport error for every request waiting on it (RFC 3261 §17.1.4).
/// </summary>
internal sealed class TcpSipConnection : SipConnection
{
    /// <summary>How long a connection may sit idle before TCP checks that its peer is still there, in seconds.</summary>
    internal const int KeepAliveIdleSeconds = 30;

    /// <summary>How long TCP waits between its checks of an idle connection whose peer has not answered, in seconds.</summary>
    internal const int KeepAliveIntervalSeconds = 10;

    private readonly ILogger _logger;
    private readonly SipTlsOptions? _tls;
    private readonly SemaphoreSlim _openGate = new(1, 1);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private Session? _session;
    private int _disposeCalled;

    public TcpSipConnection(SipTarget target, ILogger logger, SipTlsOptions? tls = null)
        : base(target)
    {
        _logger = logger;
        _tls = tls;
    }

    public override bool IsReliable => true;

    public override async ValueTask<EndPoint> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposeCalled) != 0, this);
        if (Volatile.Read(ref _session) is { IsOpen: true } open)
        {
            return open.Local;
        }

        // Disposal stops an opening in progress, and those queued behind it.
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        return await OpenUntilDisposedAsync(OpenOnceAsync, _closing.Token, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a new connection unless another caller just did, one caller at a time.</summary>
    private async Task<EndPoint> OpenOnceAsync(CancellationToken cancellationToken)
    {
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        await _openGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposeCalled != 0, this);
            if (_session is { IsOpen: true } current)
            {
                return current.Local;
            }

            if (_session is { } broken)
            {
                // Its socket is closed, so its receive loop has ended or is about to.
                if (broken.Receiving is not null)
                {
                    // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                    await broken.Receiving.ConfigureAwait(false);
                }

                // Stryker disable once Statement : equivalent; a source with no timer and no links frees nothing when disposed.
                broken.Stop.Dispose();
                _session = null;
            }

            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            IPEndPoint remote = await SipEndpoints.ResolveAsync(Target, cancellationToken).ConfigureAwait(false);
            var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                KeepAlive(socket);
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                await socket.ConnectAsync(remote, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw new SipTransportException(DescribeConnectFailure(e), e);
            }
            catch (OperationCanceledException)
            {
                socket.Dispose();
                throw;
            }

            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (Target.Transport == SipTransportProtocol.Tls)
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                stream = await HandshakeAsync(socket, stream, cancellationToken).ConfigureAwait(false);
            }

            var session = new Session(socket, stream);
            session.Receiving = Task.Run(() => ReceiveAsync(session), CancellationToken.None);
            Volatile.Write(ref _session, session);

            // The peer answered the connection (and the handshake): a connection opened while a request waited is new,
            // not silent, however little time that request had left on it.
            NoteReceived();
            return session.Local;
        }
        finally
        {
            _openGate.Release();
        }
    }

    public override async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        Session session = Volatile.Read(ref _session) is { IsOpen: true } open
            ? open
            : throw new SipTransportException($"the {ViaTransport} connection to {Target.Host}:{Target.Port} is closed");
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await session.Stream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            var error = new SipTransportException($"sending to {Target.Host}:{Target.Port} over {ViaTransport} failed: {e.Message}", e);
            Close(session, error);
            throw error;
        }
        catch (ObjectDisposedException e)
        {
            throw new SipTransportException($"the {ViaTransport} connection to {Target.Host}:{Target.Port} is closed", e);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        // A second call does nothing, as IAsyncDisposable asks; the gate it would wait on may already be gone.
        if (Interlocked.Exchange(ref _disposeCalled, 1) != 0)
        {
            return;
        }

        // An opening in progress gives up first, so that the gate is free to take.
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        await _closing.CancelAsync().ConfigureAwait(false);
        Session? session;
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        await _openGate.WaitAsync().ConfigureAwait(false);
        try
        {
            session = _session;
        }
        finally
        {
            _openGate.Release();
        }

        if (session is not null)
        {
            // Closed first, so that a send refuses at once and the receive loop's end is no failure; the read is cancelled
            // before the socket goes, which then closes gracefully (a socket disposed under a pending read is reset).
            Interlocked.Exchange(ref session.Closed, 1);
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await session.Stop.CancelAsync().ConfigureAwait(false);
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await session.Stream.DisposeAsync().ConfigureAwait(false);
            session.Socket.Dispose();
            if (session.Receiving is not null)
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                await session.Receiving.ConfigureAwait(false);
            }

            // Stryker disable once Statement : equivalent; a source with no timer and no links frees nothing when disposed.
            session.Stop.Dispose();
        }

        // A semaphore's Dispose frees only its AvailableWaitHandle, which these never create; nothing waits on them any more.
        // Stryker disable once Statement : equivalent; nothing to free, see above.
        _openGate.Dispose();
        // Stryker disable once Statement : equivalent; nothing to free, see above.
        _writeGate.Dispose();
        // Stryker disable once Statement : equivalent; a source with no timer and no links frees nothing when disposed.
        _closing.Dispose();
    }

    public override void CloseIfSilentSince(long mark, TimeSpan waited)
    {
        // Over TCP the answer comes back on the connection the request went on (RFC 3261 §18.2.2), so one that brought
        // nothing back, not even an answer to another request, is taken for dead and closed.
        if (Volatile.Read(ref _session) is { IsOpen: true } session && Received == mark)
        {
            Close(session, new SipTransportException(
                $"nothing came back on the {ViaTransport} connection to {Target.Host}:{Target.Port} within {SipDurations.Format(waited)} of a request; it was closed, and the next request opens a new one"));
        }
    }

    /// <summary>
    /// Turns on TCP keep-alive: after <see cref="KeepAliveIdleSeconds"/> without traffic the kernel checks the peer every
    /// <see cref="KeepAliveIntervalSeconds"/>, which keeps a NAT's or firewall's binding of an idle connection alive and
    /// finds a peer that is gone, where the system's default waits two hours. RFC 5626 §4.4.1 keeps SIP flows alive with
    /// CRLF pings the server must answer; TCP's own probes need nothing from the server.
    /// </summary>
    /// <remarks>
    /// Keep-alive probes only run while nothing is in flight. On Linux the connection is also given a
    /// <c>TCP_USER_TIMEOUT</c> of <see cref="UnacknowledgedMilliseconds"/>: data the peer's kernel has not acknowledged
    /// by then ends the connection. A live peer's kernel acknowledges at once, however slow its SIP stack; a flow a NAT
    /// dropped never does. So a connection that a call keeps from being closed as silent (see
    /// <see cref="SipTransactionLayer.CloseIfSilentSince"/>) still fails within Timer F's default instead of the
    /// kernel's quarter of an hour of retransmissions, and the next request opens a new one.
    /// </remarks>
    internal static void KeepAlive(Socket socket)
    {
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, KeepAliveIdleSeconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, KeepAliveIntervalSeconds);
        if (OperatingSystem.IsLinux())
        {
            Span<byte> value = stackalloc byte[sizeof(uint)];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(value, UnacknowledgedMilliseconds);
            socket.SetRawSocketOption(IpProtocolTcp, TcpUserTimeout, value);
        }
    }

    /// <summary>
    /// How long sent data may go unacknowledged before the kernel ends the connection, on Linux: Timer F's default,
    /// 64 × T1 = 32 s (RFC 3261 §17.1.2.2).
    /// </summary>
    internal const uint UnacknowledgedMilliseconds = 32_000;

    /// <summary>IPPROTO_TCP, the level of <see cref="TcpUserTimeout"/>.</summary>
    private const int IpProtocolTcp = 6;

    /// <summary>Linux's TCP_USER_TIMEOUT option (RFC 5482's user timeout, as the kernel applies it locally).</summary>
    private const int TcpUserTimeout = 18;

    /// <summary>Why a connection could not be made, in one line.</summary>
    internal string DescribeConnectFailure(SocketException e) => SipEndpoints.IsRefused(e)
        ? $"{Target.Host}:{Target.Port} refused the {ViaTransport} connection: nothing listens there"
        : $"cannot connect to {Target.Host}:{Target.Port} over {ViaTransport}: {e.Message}";

    private async Task ReceiveAsync(Session session)
    {
        // A refused message that is well framed is dropped as over UDP; the connection stays (RFC 4475 §3.1.2.5).
        var framer = new SipStreamFramer(refused => SipLog.MalformedMessageDropped(_logger, Target.ToString(), refused.Message));
        while (true)
        {
            Memory<byte> buffer = framer.GetWriteBuffer();
            int received;
            try
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                received = await session.Stream.ReadAsync(buffer, session.Stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (IOException e)
            {
                Close(session, new SipTransportException($"the {ViaTransport} connection to {Target.Host}:{Target.Port} failed: {e.Message}", e));
                return;
            }

            if (received == 0)
            {
                Close(session, new SipTransportException($"{Target.Host}:{Target.Port} closed the {ViaTransport} connection"));
                return;
            }

            NoteReceived();
            framer.Advance(received);
            try
            {
                while (framer.TryReadMessage(out SipMessage? message))
                {
                    Deliver(message);
                }
            }
            catch (SipParseException e)
            {
                // A framing error: on a stream the next message's start is lost with it, so the connection must go.
                SipLog.MalformedMessageDropped(_logger, Target.ToString(), e.Message);
                Close(session, new SipTransportException($"{Target.Host}:{Target.Port} sent malformed SIP over {ViaTransport}: {e.Message}", e));
                return;
            }
        }
    }

    /// <summary>
    /// The TLS handshake (RFC 3261 §26.2.1): the server's certificate is checked for the target's domain (RFC 5922 §7.2:
    /// the domain of the URI, not the address DNS gave for it), by the system or by the configured callback, and the
    /// configured client certificates are offered to a server that asks for one.
    /// </summary>
    private async Task<Stream> HandshakeAsync(Socket socket, Stream network, CancellationToken cancellationToken)
    {
        var tls = new SslStream(network, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = _tls?.TargetHost ?? Target.TlsName,
            RemoteCertificateValidationCallback = _tls?.ServerCertificateValidation,
            ClientCertificates = _tls is { ClientCertificates.Count: > 0 } ? _tls.ClientCertificates : null,
        };
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await tls.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
            return tls;
        }
        catch (OperationCanceledException)
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await tls.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            throw;
        }
#pragma warning disable CA1031 // What a certificate callback throws is user code's; the connection is closed and the handshake failed either way.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // An AuthenticationException or IOException from the handshake, or whatever the configured certificate callback
            // threw: the server's certificate was not accepted, so the connection closes and the next server is tried.
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await tls.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            throw new SipTransportException($"the TLS handshake with {Target.Host}:{Target.Port} failed: {e.Message}", e);
        }
    }

    private void Close(Session session, SipTransportException error)
    {
        if (Interlocked.Exchange(ref session.Closed, 1) != 0)
        {
            return;
        }

        session.Stream.Dispose();
        session.Socket.Dispose();
        Fail(error);
    }

    private sealed class Session
    {
        public Session(Socket socket, Stream stream)
        {
            Socket = socket;
            Stream = stream;
            Local = socket.LocalEndPoint!;
        }

        public Socket Socket { get; }

        /// <summary>The socket's stream, or the TLS stream over it.</summary>
        public Stream Stream { get; }

        public EndPoint Local { get; }

        /// <summary>Cancels the receive loop's read when the connection is disposed.</summary>
        public CancellationTokenSource Stop { get; } = new();

        public Task? Receiving { get; set; }

        public bool IsOpen => Volatile.Read(ref Closed) == 0;

#pragma warning disable CA1051 // Interlocked needs a field.
        public int Closed;
#pragma warning restore CA1051
    }
}
