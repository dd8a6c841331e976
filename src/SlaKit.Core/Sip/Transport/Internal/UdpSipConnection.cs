using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace SlaKit.Sip;

/// <summary>
/// SIP over UDP to one server: a connected socket, which takes the server's datagrams and reports an ICMP port
/// unreachable as a refused receive, a transport error (RFC 3261 §17.1.4, §18.1.1); and, beside it on the same local
/// address and port (the one our Via and Contact name), an unconnected socket that takes what anyone else sends there.
/// </summary>
/// <remarks>
/// The second socket is where a dialog's requests arrive from a peer other than the server: a callee's BYE sent straight
/// to our Contact when the proxy did not Record-Route (RFC 3261 §12.2.1.1), or a request from an SBC that sends from
/// another address than the one it receives on; the connected socket alone drops them, and such a call stays up. It also
/// takes responses from another address (§18.1.2 matches responses by their branch, not their source). Linux and the
/// BSDs hand a datagram to the connected socket when it comes from the server and to the unconnected one otherwise;
/// Windows spreads datagrams over sockets that share a port, so there the connection keeps the connected socket alone.
/// When the second socket cannot be bound, a warning says so and the connection works as with the connected socket alone.
/// </remarks>
internal sealed class UdpSipConnection : SipConnection
{
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _openGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private Socket? _others;
    private EndPoint? _local;
    private Task? _receiving;
    private Task? _receivingOthers;
    private int _disposeCalled;

    public UdpSipConnection(SipTarget target, ILogger logger)
        : base(target)
    {
        _logger = logger;
    }

    public override bool IsReliable => false;

    public override async ValueTask<EndPoint> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposeCalled) != 0, this);
        if (Volatile.Read(ref _local) is { } open)
        {
            return open;
        }

        // Disposal stops an opening in progress (a name the resolver never answers for).
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        return await OpenUntilDisposedAsync(OpenOnceAsync, _stop.Token, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Binds the socket unless another caller just did, one caller at a time.</summary>
    private async Task<EndPoint> OpenOnceAsync(CancellationToken cancellationToken)
    {
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        await _openGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposeCalled != 0, this);
            if (_local is not null)
            {
                return _local;
            }

            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            IPEndPoint remote = await SipEndpoints.ResolveAsync(Target, cancellationToken).ConfigureAwait(false);
            var socket = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                // Connected before any sharing is allowed, so the system gives it a port no other socket holds (a socket
                // that allowed sharing first could be given the port of another that did: another trunk's).
                socket.Connect(remote);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw new SipTransportException($"cannot send to {remote}: {e.Message}", e);
            }

            // A socket that failed (see ReceiveAsync) left its companion open: the new pair replaces both.
            _others?.Dispose();
            _others = SharesItsPort ? BindBeside(socket) : null;
            _socket = socket;
            _receiving = Task.Run(() => ReceiveAsync(socket), CancellationToken.None);
            if (_others is { } others)
            {
                _receivingOthers = Task.Run(() => ReceiveFromOthersAsync(others), CancellationToken.None);
            }

            Volatile.Write(ref _local, socket.LocalEndPoint!);
            return _local;
        }
        finally
        {
            _openGate.Release();
        }
    }

    public override async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        Socket socket = _socket ?? throw new InvalidOperationException("The connection is not open.");
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await socket.SendAsync(message, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new SipTransportException(Describe(e), e);
        }
        catch (ObjectDisposedException e)
        {
            throw new SipTransportException("the connection was closed", e);
        }
    }

    /// <summary>
    /// Whether a second socket shares the connected one's port, to take what others send (see the remarks on the type):
    /// not on Windows, which does not give the server's datagrams to the connected socket.
    /// </summary>
    internal static bool SharesItsPort => !OperatingSystem.IsWindows();

    /// <summary>
    /// An unconnected socket on <paramref name="connected"/>'s local address and port, or <see langword="null"/> when none
    /// can be bound there. Sharing the port is allowed on both only while the second binds: left allowed, a later socket
    /// allowing it too could be bound to the same port, and would take what others send to this one.
    /// </summary>
    private Socket? BindBeside(Socket connected)
    {
        EndPoint local = connected.LocalEndPoint!;
        var others = new Socket(connected.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            connected.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            others.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            others.Bind(local);
            others.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
            return others;
        }
        catch (SocketException e)
        {
            others.Dispose();
            SipLog.UdpListenerUnavailable(_logger, local.ToString() ?? "", $"{Target.Host}:{Target.Port}", e.Message);
            return null;
        }
        finally
        {
            connected.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
        }
    }

    /// <summary>
    /// Sends a response to a peer other than the server from the socket that takes their datagrams, so that it leaves
    /// from the port our Contact names.
    /// </summary>
    public override async ValueTask SendToAsync(ReadOnlyMemory<byte> message, IPEndPoint remote, CancellationToken cancellationToken)
    {
        Socket others = _others ?? throw new InvalidOperationException("The connection takes datagrams from its server alone.");
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await others.SendToAsync(message, SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new SipTransportException($"UDP to {remote} failed: {e.Message}", e);
        }
        catch (ObjectDisposedException e)
        {
            throw new SipTransportException("the connection was closed", e);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        // A second call does nothing, as IAsyncDisposable asks; the gate it would wait on may already be gone.
        if (Interlocked.Exchange(ref _disposeCalled, 1) != 0)
        {
            return;
        }

        // Stopped first: the receive loop ends, and an opening in progress gives up, so that the gate is free to take.
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        await _stop.CancelAsync().ConfigureAwait(false);
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        await _openGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _socket?.Dispose();
            _others?.Dispose();
        }
        finally
        {
            _openGate.Release();
        }

        if (_receiving is not null)
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await _receiving.ConfigureAwait(false);
        }

        if (_receivingOthers is not null)
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await _receivingOthers.ConfigureAwait(false);
        }

        // A source with no timer and no links, and a semaphore that never made its AvailableWaitHandle: their Dispose frees nothing.
        // Stryker disable once Statement : equivalent; nothing to free, see above.
        _stop.Dispose();
        // Stryker disable once Statement : equivalent; nothing to free, see above.
        _openGate.Dispose();
    }

    private async Task ReceiveAsync(Socket socket)
    {
        byte[] buffer = new byte[SipMessage.MaxMessageSize];
        while (!_stop.IsCancellationRequested)
        {
            int received;
            try
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                received = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
            catch (SocketException e) when (IsIcmpReport(e))
            {
                // An ICMP error for an earlier datagram, such as port unreachable: the socket itself is fine.
                Fail(new SipTransportException(Describe(e), e));
                continue;
            }
            catch (SocketException e)
            {
                // The socket itself failed: the next request opens a new one.
                Fail(new SipTransportException(Describe(e), e));
                if (ReferenceEquals(Volatile.Read(ref _socket), socket))
                {
                    Volatile.Write(ref _local, null);
                }

                socket.Dispose();
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if (Parse(buffer.AsSpan(0, received), Target.ToString()) is { } message)
            {
                Deliver(message);
            }
        }
    }

    /// <summary>
    /// Takes what peers other than the server send to our port until the connection is disposed or the socket fails; an
    /// ICMP report here concerns an answer sent to such a peer, never the server, and changes nothing.
    /// </summary>
    private async Task ReceiveFromOthersAsync(Socket others)
    {
        byte[] buffer = new byte[SipMessage.MaxMessageSize];
        EndPoint any = new IPEndPoint(others.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                received = await others.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
            }
            catch (SocketException e) when (IsIcmpReport(e))
            {
                continue;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Disposed, or failed with the connected socket (see ReceiveAsync): the next opening binds a new one.
                return;
            }

            var from = (IPEndPoint)received.RemoteEndPoint;
            if (Parse(buffer.AsSpan(0, received.ReceivedBytes), from.ToString()) is { } message)
            {
                Deliver(message, from);
            }
        }
    }

    /// <summary>The message in <paramref name="datagram"/>; <see langword="null"/> for a keep-alive or for what does not parse, which is logged.</summary>
    private SipMessage? Parse(ReadOnlySpan<byte> datagram, string sender)
    {
        if (IsKeepAlive(datagram))
        {
            return null;
        }

        try
        {
            return SipMessage.Parse(datagram);
        }
        catch (SipParseException e)
        {
            // RFC 3261 §18.1.2 and §18.2.1: a malformed message is discarded.
            SipLog.MalformedMessageDropped(_logger, sender, e.Message);
            return null;
        }
    }

    /// <summary>Whether a receive error is an ICMP report about an earlier datagram, which leaves the socket usable.</summary>
    internal static bool IsIcmpReport(SocketException e) =>
        SipEndpoints.IsRefused(e) || e.SocketErrorCode is SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown;

    // RFC 5626 §4.4.1: a datagram of CRLFs (or a STUN packet, which never starts with CR) is a keep-alive, not a message.
    private static bool IsKeepAlive(ReadOnlySpan<byte> datagram) => datagram.TrimStart("\r\n"u8).IsEmpty;

    /// <summary>What a socket error means for this target, in one line.</summary>
    internal string Describe(SocketException e) => SipEndpoints.IsRefused(e)
        ? $"{Target.Host}:{Target.Port} is unreachable over UDP (ICMP port unreachable: nothing listens there)"
        : $"UDP to {Target.Host}:{Target.Port} failed: {e.Message}";
}
