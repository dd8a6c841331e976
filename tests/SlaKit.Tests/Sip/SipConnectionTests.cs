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
    public async Task A_disposed_tcp_connection_closes_its_socket_and_refuses_to_open()
    {
        using var listener = Listen();
        var connection = new TcpSipConnection(TargetOf(listener, SipTransportProtocol.Tcp), new LogCollector()) { Sink = new Sink() };
        await connection.OpenAsync(Ct);
        using Socket peer = await listener.AcceptSocketAsync(Ct).AsTask().WaitAsync(Bound, Ct);

        await connection.DisposeAsync();
        await connection.DisposeAsync();

        Assert.Equal(0, await ReceiveAsync(peer, new byte[16]));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await connection.OpenAsync(Ct));
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
    public async Task A_udp_connection_refuses_to_send_before_it_opens_and_to_open_once_disposed()
    {
        var connection = new UdpSipConnection(new SipTarget("127.0.0.1", ClosedUdpPort()), new LogCollector());

        var notOpen = await Assert.ThrowsAsync<InvalidOperationException>(async () => await connection.SendAsync(SipTestMessages.Bytes(SipTestMessages.Options), Ct));
        await connection.OpenAsync(Ct);
        await connection.DisposeAsync();
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

        public void OnResponse(SipResponse response) => Messages.Writer.TryWrite(response);

        public void OnRequest(SipRequest request) => Messages.Writer.TryWrite(request);

        public void OnTransportError(SipTransportException error) => Errors.Writer.TryWrite(error);
    }
}
