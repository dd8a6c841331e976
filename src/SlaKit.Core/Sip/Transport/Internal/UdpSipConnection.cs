using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace SlaKit.Sip;

/// <summary>
/// SIP over UDP to one server: one connected socket, so the kernel drops datagrams from anyone else and reports
/// an ICMP port unreachable as a refused receive, which becomes a transport error (RFC 3261 §17.1.4, §18.1.1).
/// </summary>
internal sealed class UdpSipConnection : SipConnection
{
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _openGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private EndPoint? _local;
    private Task? _receiving;
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
                socket.Connect(remote);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw new SipTransportException($"cannot send to {remote}: {e.Message}", e);
            }

            _socket = socket;
            _receiving = Task.Run(() => ReceiveAsync(socket), CancellationToken.None);
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

            ReadOnlySpan<byte> datagram = buffer.AsSpan(0, received);
            if (IsKeepAlive(datagram))
            {
                continue;
            }

            SipMessage message;
            try
            {
                message = SipMessage.Parse(datagram);
            }
            catch (SipParseException e)
            {
                // RFC 3261 §18.1.2: a malformed response is discarded.
                SipLog.MalformedMessageDropped(_logger, Target.ToString(), e.Message);
                continue;
            }

            Deliver(message);
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
