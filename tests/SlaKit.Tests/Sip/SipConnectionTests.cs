using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SlaKit.Sip;
using SlaKit.Tests.Infrastructure;

namespace SlaKit.Tests.Sip;

/// <summary>
/// The TCP and UDP connections against a peer made of a plain socket on 127.0.0.1: what arrives is handed up, what
/// breaks is reported once with what broke, and a disposed connection lets its socket go. Every wait is bounded.
/// </summary>
public sealed class SipConnectionTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tcp_hands_up_what_the_peer_sends_and_reuses_its_connection()
    {
        using var listener = Listen();
        var sink = new Sink();
        await using var connection = new TcpSipConnection(TargetOf(listener, SipTransportProtocol.Tcp), new LogCollector()) { Sink = sink };

        EndPoint local = await connection.OpenAsync(Ct);
        using Socket peer = await listener.AcceptSocketAsync(Ct).AsTask().WaitAsync(Bound, Ct);
        await connection.SendAsync(SipTestMessages.Bytes(SipTestMessages.Options), Ct);
        await peer.SendAsync(SipTestMessages.Bytes(SipTestMessages.Ok + SipTestMessages.Ok), Ct);

        Assert.Equal((true, "TCP"), (connection.IsReliable, connection.ViaTransport));
        Assert.Equal(peer.RemoteEndPoint, local);
        Assert.Same(local, await connection.OpenAsync(Ct));
        Assert.StartsWith("OPTIONS sip:carrier.example SIP/2.0\r\n", await ReceiveTextAsync(peer), StringComparison.Ordinal);
        Assert.Equal(200, ((SipResponse)await sink.Messages.Reader.ReadAsync(Ct).AsTask().WaitAsync(Bound, Ct)).StatusCode);
        Assert.Equal(200, ((SipResponse)await sink.Messages.Reader.ReadAsync(Ct).AsTask().WaitAsync(Bound, Ct)).StatusCode);
        Assert.Equal(0, sink.Errors.Reader.Count);
    }

    [Fact]
    public async Task Tcp_reports_a_peer_that_closes_refuses_sends_until_opened_again_and_then_connects_anew()
    {
        using var listener = Listen();
        var sink = new Sink();
        SipTarget target = TargetOf(listener, SipTransportProtocol.Tcp);
        await using var connection = new TcpSipConnection(target, new LogCollector()) { Sink = sink };
        await connection.OpenAsync(Ct);
        using (Socket first = await listener.AcceptSocketAsync(Ct).AsTask().WaitAsync(Bound, Ct))
        {
            first.Shutdown(SocketShutdown.Both);
        }

        SipTransportException error = await sink.Errors.Reader.ReadAsync(Ct).AsTask().WaitAsync(Bound, Ct);
        var refused = await Assert.ThrowsAsync<SipTransportException>(async () => await connection.SendAsync(SipTestMessages.Bytes(SipTestMessages.Options), Ct));
        EndPoint again = await connection.OpenAsync(Ct);
        using Socket second = await listener.AcceptSocketAsync(Ct).AsTask().WaitAsync(Bound, Ct);

        Assert.Equal($"127.0.0.1:{target.Port} closed the TCP connection", error.Message);
        Assert.Equal($"the TCP connection to 127.0.0.1:{target.Port} is closed", refused.Message);
        Assert.Equal(second.RemoteEndPoint, again);
    }

    [Fact]
    public async Task Tcp_closes_a_connection_only_when_nothing_arrived_on_it_since_the_mark()
    {
        using var listener = Listen();
        var sink = new Sink();
        SipTarget target = TargetOf(listener, SipTransportProtocol.Tcp);
        await using var connection = new TcpSipConnection(target, new LogCollector()) { Sink = sink };
        await connection.OpenAsync(Ct);
        using Socket peer = await listener.AcceptSocketAsync(Ct).AsTask().WaitAsync(Bound, Ct);
        long before = connection.Received;
        await peer.SendAsync(SipTestMessages.Bytes(SipTestMessages.Ok), Ct);
        await sink.Messages.Reader.ReadAsync(Ct).AsTask().WaitAsync(Bound, Ct);

        connection.CloseIfSilentSince(before, TimeSpan.FromSeconds(2));
        await connection.SendAsync(SipTestMessages.Bytes(SipTestMessages.Options), Ct);
        Assert.StartsWith("OPTIONS ", await ReceiveTextAsync(peer), StringComparison.Ordinal);
        Assert.Equal(0, sink.Errors.Reader.Count);

        connection.CloseIfSilentSince(connection.Received, TimeSpan.FromSeconds(2));
        SipTransportException error = await sink.Errors.Reader.ReadAsync(Ct).AsTask().WaitAsync(Bound, Ct);
        await Assert.ThrowsAsync<SipTransportException>(async () => await connection.SendAsync(SipTestMessages.Bytes(SipTestMessages.Options), Ct));
        await connection.OpenAsync(Ct);
        using Socket second = await listener.AcceptSocketAsync(Ct).AsTask().WaitAsync(Bound, Ct);

        Assert.Equal(
            $"nothing came back on the TCP connection to 127.0.0.1:{target.Port} within 2s of a request; it was closed, and the next request opens a new one",
            error.Message);
    }

    [Fact]
    public async Task Tcp_keeps_a_connection_opened_after_the_mark_as_new_not_silent()
    {
        // The request waited while the connection (and, over TLS, its handshake) was made, and timed out just after it
        // went: the peer answered the opening, so the connection is not taken for silent.
        using var listener = Listen();
        var sink = new Sink();
        await using var connection = new TcpSipConnection(TargetOf(listener, SipTransportProtocol.Tcp), new LogCollector()) { Sink = sink };
        long before = connection.Received;
        await connection.OpenAsync(Ct);
        using Socket peer = await listener.AcceptSocketAsync(Ct).AsTask().WaitAsync(Bound, Ct);

        connection.CloseIfSilentSince(before, TimeSpan.FromSeconds(2));

        await connection.SendAsync(SipTestMessages.Bytes(SipTestMessages.Options), Ct);
        Assert.StartsWith("OPTIONS ", await ReceiveTextAsync(peer), StringComparison.Ordinal);
        Assert.Equal(0, sink.Errors.Reader.Count);
    }

    [Fact]
    public void Tcp_sockets_check_an_idle_peer_after_30_seconds_and_every_10_seconds_after_that()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        TcpSipConnection.KeepAlive(socket);

        Assert.NotEqual(0, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal(30, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        Assert.Equal(10, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!);
    }

    [Fact]
    public void Tcp_sockets_on_linux_end_a_connection_whose_data_went_unacknowledged_for_32_seconds()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "TCP_USER_TIMEOUT is a Linux socket option.");
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        TcpSipConnection.KeepAlive(socket);

        byte[] value = new byte[sizeof(uint)];
        Assert.Equal(sizeof(uint), socket.GetRawSocketOption(6, 18, value));
        Assert.Equal(32_000u, BitConverter.ToUInt32(value));
    }

    [Fact]
    public async Task Udp_ignores_a_request_to_close_when_silent()
    {
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var sink = new Sink();
        await using var connection = new UdpSipConnection(new SipTarget("127.0.0.1", ((IPEndPoint)peer.LocalEndPoint!).Port, SipTransportProtocol.Udp), new LogCollector()) { Sink = sink };
        await connection.OpenAsync(Ct);

        connection.CloseIfSilentSince(connection.Received, TimeSpan.FromSeconds(32));
        await connection.SendAsync(SipTestMessages.Bytes(SipTestMessages.Options), Ct);

        Assert.StartsWith("OPTIONS ", await ReceiveTextAsync(peer), StringComparison.Ordinal);
        Assert.Equal(0, sink.Errors.Reader.Count);
    }

    [Fact]
    public async Task Tcp_drops_a_connection_whose_framing_is_lost_and_logs_why()
    {
        using var listener = Listen();
        var sink = new Sink();
        var log = new LogCollector();
        SipTarget target = TargetOf(listener, SipTransportProtocol.Tcp);
        await using var connection = new TcpSipConnection(target, log) { Sink = sink };
        await connection.OpenAsync(Ct);
        using Socket peer = await listener.AcceptSocketAsync(Ct).AsTask().WaitAsync(Bound, Ct);

        // Without a length the next message's start is lost (RFC 3261 §18.3): the connection must go.
        await peer.SendAsync(Encoding.ASCII.GetBytes("SIP/2.0 200 OK\r\nContent-Length: many\r\n\r\n"), Ct);

        SipTransportException error = await sink.Errors.Reader.ReadAsync(Ct).AsTask().WaitAsync(Bound, Ct);
        Assert.StartsWith($"127.0.0.1:{target.Port} sent malformed SIP over TCP: ", error.Message, StringComparison.Ordinal);
        Assert.IsType<SipParseException>(error.InnerException);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith($"A malformed SIP message from {target} was dropped", StringComparison.Ordinal));
        Assert.Equal(0, await ReceiveAsync(peer, new byte[16]));
    }

    [Fact]
    public async Task Tcp_names_a_refused_connection_and_gives_the_caller_its_cancellation()
    {
        int closed = ClosedPort();
        await using var connection = new TcpSipConnection(new SipTarget("127.0.0.1", closed, SipTransportProtocol.Tcp), new LogCollector());

        var error = await Assert.ThrowsAsync<SipTransportException>(async () => await connection.OpenAsync(Ct));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await connection.OpenAsync(new CancellationToken(canceled: true)));

        Assert.Equal($"127.0.0.1:{closed} refused the TCP connection: nothing listens there", error.Message);
        Assert.IsType<SocketException>(error.InnerException);
    }

    [Fact]
    public async Task A_disposed_tcp_connection_closes_its_socket_reports_no_failure_and_refuses_to_send_or_open()
    {
        using var listener = Listen();
        var sink = new Sink();
        SipTarget target = TargetOf(listener, SipTransportProtocol.Tcp);
        var connection = new TcpSipConnection(target, new LogCollector()) { Sink = sink };
        await connection.OpenAsync(Ct);
        using Socket peer = await listener.AcceptSocketAsync(Ct).AsTask().WaitAsync(Bound, Ct);

        await connection.DisposeAsync();

        // The first call does the work: the peer sees the close, and the receive loop it ended is no failure.
        Assert.Equal(0, await ReceiveAsync(peer, new byte[16]));
        Assert.Equal(0, sink.Errors.Reader.Count);
        var closed = await Assert.ThrowsAsync<SipTransportException>(async () => await connection.SendAsync(SipTestMessages.Bytes(SipTestMessages.Options), Ct));
        Assert.Equal($"the TCP connection to 127.0.0.1:{target.Port} is closed", closed.Message);
        await connection.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await connection.OpenAsync(Ct));
    }

    [Fact]
    public async Task Tls_names_its_transport_when_refused()
    {
        int closed = ClosedPort();
        await using var connection = new TcpSipConnection(new SipTarget("127.0.0.1", closed, SipTransportProtocol.Tls), new LogCollector());

        var error = await Assert.ThrowsAsync<SipTransportException>(async () => await connection.OpenAsync(Ct));

        Assert.Equal($"127.0.0.1:{closed} refused the TLS connection: nothing listens there", error.Message);
    }

    [Fact]
    public async Task Tls_reports_a_peer_that_closes_during_the_handshake_and_lets_its_socket_go()
    {
        using var listener = Listen();
        SipTarget target = TargetOf(listener, SipTransportProtocol.Tls);
        await using var connection = new TcpSipConnection(target, new LogCollector());

        ValueTask<EndPoint> opening = connection.OpenAsync(Ct);
        using (Socket peer = await listener.AcceptSocketAsync(Ct).AsTask().WaitAsync(Bound, Ct))
        {
            // A ClientHello arrives; a peer that speaks no TLS hangs up.
            Assert.True(await ReceiveAsync(peer, new byte[4096]) > 0);
        }

        var error = await Assert.ThrowsAsync<SipTransportException>(async () => await opening);

        Assert.StartsWith($"the TLS handshake with 127.0.0.1:{target.Port} failed: ", error.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(error.InnerException, exactMatch: false);
    }

    [Fact]
    public async Task Tls_gives_the_caller_its_cancellation_during_the_handshake_and_closes_the_socket()
    {
        using var listener = Listen();
        await using var connection = new TcpSipConnection(TargetOf(listener, SipTransportProtocol.Tls), new LogCollector());
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        ValueTask<EndPoint> opening = connection.OpenAsync(cancel.Token);
        using Socket peer = await listener.AcceptSocketAsync(Ct).AsTask().WaitAsync(Bound, Ct);
        Assert.True(await ReceiveAsync(peer, new byte[4096]) > 0);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await opening);
        Assert.Equal(0, await ReceiveAsync(peer, new byte[16]));
    }

    [Theory]
    [InlineData(SocketError.ConnectionRefused, SipTransportProtocol.Tcp, "127.0.0.1:5070 refused the TCP connection: nothing listens there")]
    [InlineData(SocketError.ConnectionReset, SipTransportProtocol.Tls, "127.0.0.1:5070 refused the TLS connection: nothing listens there")]
    [InlineData(SocketError.NetworkUnreachable, SipTransportProtocol.Tcp, "cannot connect to 127.0.0.1:5070 over TCP: Network is unreachable")]
    [InlineData(SocketError.TimedOut, SipTransportProtocol.Tls, "cannot connect to 127.0.0.1:5070 over TLS: Connection timed out")]
    public async Task A_failed_connection_is_described_by_what_failed(SocketError code, SipTransportProtocol transport, string message)
    {
        await using var connection = new TcpSipConnection(new SipTarget("127.0.0.1", 5070, transport), new LogCollector());

        Assert.Equal(message, connection.DescribeConnectFailure(new SocketException((int)code)));
    }

    [Theory]
    [InlineData(SocketError.ConnectionRefused, true, "127.0.0.1:5070 is unreachable over UDP (ICMP port unreachable: nothing listens there)")]
    [InlineData(SocketError.ConnectionReset, true, "127.0.0.1:5070 is unreachable over UDP (ICMP port unreachable: nothing listens there)")]
    [InlineData(SocketError.HostUnreachable, true, "UDP to 127.0.0.1:5070 failed: No route to host")]
    [InlineData(SocketError.NetworkUnreachable, true, "UDP to 127.0.0.1:5070 failed: Network is unreachable")]
    [InlineData(SocketError.HostDown, true, "UDP to 127.0.0.1:5070 failed: Host is down")]
    [InlineData(SocketError.MessageSize, false, "UDP to 127.0.0.1:5070 failed: Message too long")]
    [InlineData(SocketError.AccessDenied, false, "UDP to 127.0.0.1:5070 failed: Permission denied")]
    public async Task A_udp_socket_error_is_told_apart_as_an_ICMP_report_or_a_failed_socket(SocketError code, bool icmp, string message)
    {
        await using var connection = new UdpSipConnection(new SipTarget("127.0.0.1", 5070), new LogCollector());
        var error = new SocketException((int)code);

        Assert.Equal((icmp, message), (UdpSipConnection.IsIcmpReport(error), connection.Describe(error)));
    }

    [Fact]
    public async Task Udp_hands_up_responses_skips_keep_alives_and_drops_what_does_not_parse()
    {
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var sink = new Sink();
        var log = new LogCollector();
        var target = new SipTarget("127.0.0.1", ((IPEndPoint)peer.LocalEndPoint!).Port);
        await using var connection = new UdpSipConnection(target, log) { Sink = sink };

        EndPoint local = await connection.OpenAsync(Ct);
        await connection.SendAsync(SipTestMessages.Bytes(SipTestMessages.Options), Ct);
        byte[] buffer = new byte[SipMessage.MaxMessageSize];
        SocketReceiveFromResult request = await peer.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), Ct).AsTask().WaitAsync(Bound, Ct);
        await peer.SendToAsync("\r\n\r\n"u8.ToArray(), request.RemoteEndPoint, Ct);
        await peer.SendToAsync("not SIP\r\n\r\n"u8.ToArray(), request.RemoteEndPoint, Ct);
        await peer.SendToAsync(SipTestMessages.Bytes(SipTestMessages.Ok), request.RemoteEndPoint, Ct);

        SipMessage response = await sink.Messages.Reader.ReadAsync(Ct).AsTask().WaitAsync(Bound, Ct);
        Assert.Equal((false, "UDP"), (connection.IsReliable, connection.ViaTransport));
        Assert.Equal(request.RemoteEndPoint, local);
        Assert.Same(local, await connection.OpenAsync(Ct));
        Assert.Equal(SipTestMessages.Options, Encoding.UTF8.GetString(buffer, 0, request.ReceivedBytes));
        Assert.Equal(200, ((SipResponse)response).StatusCode);
        Assert.Single(log.Entries, e => e.Message.StartsWith($"A malformed SIP message from {target} was dropped", StringComparison.Ordinal));
        Assert.Equal(0, sink.Messages.Reader.Count);
    }

    [Fact]
    public async Task Udp_takes_what_another_peer_sends_to_its_port_and_answers_it_from_that_port()
    {
        // A callee's BYE sent straight to our Contact, not through the server the connection is for.
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var callee = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        callee.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var sink = new Sink();
        await using var connection = new UdpSipConnection(new SipTarget("127.0.0.1", ((IPEndPoint)server.LocalEndPoint!).Port), new LogCollector()) { Sink = sink };
        EndPoint local = await connection.OpenAsync(Ct);

        await callee.SendToAsync(SipTestMessages.Bytes(SipTestMessages.Options.Replace("OPTIONS", "BYE", StringComparison.Ordinal)), local, Ct);
        SipMessage fromCallee = await sink.Messages.Reader.ReadAsync(Ct).AsTask().WaitAsync(Bound, Ct);
        await callee.SendToAsync(SipTestMessages.Bytes(SipTestMessages.Ok), local, Ct);
        SipMessage responseFromCallee = await sink.Messages.Reader.ReadAsync(Ct).AsTask().WaitAsync(Bound, Ct);
        await server.SendToAsync(SipTestMessages.Bytes(SipTestMessages.Options), local, Ct);
        SipMessage fromServer = await sink.Messages.Reader.ReadAsync(Ct).AsTask().WaitAsync(Bound, Ct);
        await connection.SendToAsync(SipTestMessages.Bytes(SipTestMessages.Ok), (IPEndPoint)callee.LocalEndPoint!, Ct);
        byte[] buffer = new byte[SipMessage.MaxMessageSize];
        SocketReceiveFromResult answer = await callee.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), Ct).AsTask().WaitAsync(Bound, Ct);

        Assert.Equal("BYE", ((SipRequest)fromCallee).Method);
        Assert.Equal(200, ((SipResponse)responseFromCallee).StatusCode);
        Assert.Equal("OPTIONS", ((SipRequest)fromServer).Method);
        Assert.Equal([callee.LocalEndPoint, null], sink.RequestSenders);
        Assert.Equal(local, answer.RemoteEndPoint);
        Assert.Equal(SipTestMessages.Ok, Encoding.UTF8.GetString(buffer, 0, answer.ReceivedBytes));
        Assert.Equal(0, sink.Errors.Reader.Count);
    }

    [Fact]
    public async Task Udp_leaves_its_port_to_itself_so_no_later_socket_that_allows_sharing_is_bound_to_it()
    {
        // Another trunk's connection (or anything else) allowing the port to be shared must not land on this one's port,
        // where it would take the requests sent to this one's Contact.
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var connection = new UdpSipConnection(new SipTarget("127.0.0.1", ((IPEndPoint)server.LocalEndPoint!).Port), new LogCollector()) { Sink = new Sink() };
        EndPoint local = await connection.OpenAsync(Ct);
        using var intruder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        intruder.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);

        SocketException refused = Assert.Throws<SocketException>(() => intruder.Bind(local));

        Assert.Equal(SocketError.AddressAlreadyInUse, refused.SocketErrorCode);
    }

    [Fact]
    public async Task Udp_reports_a_port_nobody_listens_on_and_keeps_its_socket()
    {
        int closed = ClosedUdpPort();
        var sink = new Sink();
        await using var connection = new UdpSipConnection(new SipTarget("127.0.0.1", closed), new LogCollector()) { Sink = sink };
        EndPoint local = await connection.OpenAsync(Ct);

        // Loopback answers a datagram to a closed port with ICMP port unreachable, which the connected socket reports.
        await connection.SendAsync(SipTestMessages.Bytes(SipTestMessages.Options), Ct);
        SipTransportException error = await sink.Errors.Reader.ReadAsync(Ct).AsTask().WaitAsync(Bound, Ct);

        Assert.Equal($"127.0.0.1:{closed} is unreachable over UDP (ICMP port unreachable: nothing listens there)", error.Message);
        Assert.Same(local, await connection.OpenAsync(Ct));
    }

    [Fact]
    public async Task A_udp_connection_refuses_to_send_before_it_opens_and_once_disposed_lets_its_port_go_quietly()
    {
        var sink = new Sink();
        var connection = new UdpSipConnection(new SipTarget("127.0.0.1", ClosedUdpPort()), new LogCollector()) { Sink = sink };

        var notOpen = await Assert.ThrowsAsync<InvalidOperationException>(async () => await connection.SendAsync(SipTestMessages.Bytes(SipTestMessages.Options), Ct));
        EndPoint local = await connection.OpenAsync(Ct);
        await connection.DisposeAsync();

        // The first DisposeAsync lets the socket go (its port can be bound again), and its receive loop ends quietly.
        using (var rebound = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            rebound.Bind(local);
        }

        Assert.Equal(0, sink.Errors.Reader.Count);
        await connection.DisposeAsync();
        var closed = await Assert.ThrowsAsync<SipTransportException>(async () => await connection.SendAsync(SipTestMessages.Bytes(SipTestMessages.Options), Ct));

        Assert.Equal("The connection is not open.", notOpen.Message);
        Assert.Equal("the connection was closed", closed.Message);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await connection.OpenAsync(Ct));
    }

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static SipTarget TargetOf(TcpListener listener, SipTransportProtocol transport) =>
        new("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, transport);

    private static int ClosedPort()
    {
        using TcpListener listener = Listen();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static int ClosedUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static async Task<int> ReceiveAsync(Socket peer, byte[] buffer) =>
        await peer.ReceiveAsync(buffer, SocketFlags.None, Ct).AsTask().WaitAsync(Bound, Ct);

    private static async Task<string> ReceiveTextAsync(Socket peer)
    {
        byte[] buffer = new byte[SipMessage.MaxMessageSize];
        int received = await ReceiveAsync(peer, buffer);
        return Encoding.UTF8.GetString(buffer, 0, received);
    }

    private sealed class Sink : ISipResponseSink
    {
        public Channel<SipMessage> Messages { get; } = Channel.CreateUnbounded<SipMessage>();

        public Channel<SipTransportException> Errors { get; } = Channel.CreateUnbounded<SipTransportException>();

        /// <summary>Where each request came from, in order: <see langword="null"/> for the server.</summary>
        public List<IPEndPoint?> RequestSenders { get; } = [];

        public void OnResponse(SipResponse response) => Messages.Writer.TryWrite(response);

        public void OnRequest(SipRequest request, IPEndPoint? from)
        {
            lock (RequestSenders)
            {
                RequestSenders.Add(from);
            }

            Messages.Writer.TryWrite(request);
        }

        public void OnTransportError(SipTransportException error) => Errors.Writer.TryWrite(error);
    }
}
