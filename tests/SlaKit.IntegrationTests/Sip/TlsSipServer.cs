using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>
/// A SIP server over TLS on 127.0.0.1 (SIPp here has no TLS): it answers OPTIONS with 200, an INVITE with 100, 180 and a
/// 200 with a Contact and an SDP answer, a BYE with 200, and keeps every request's method and whether the client offered
/// a certificate. Its certificate is the test's self-signed one. Told to, it sends a response the client must refuse
/// (RFC 4475 §3.1.2.5's overlarge CSeq, with a body) on the same connection before each real answer.
/// </summary>
public sealed class TlsSipServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly bool _askForClientCertificate;
    private readonly bool _refusedFirst;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly List<string> _received = [];
    private readonly Task _accepting;
    private int _clientCertificates;
    private int _accepted;

    private TlsSipServer(X509Certificate2 certificate, bool askForClientCertificate, bool refusedFirst)
    {
        _certificate = certificate;
        _askForClientCertificate = askForClientCertificate;
        _refusedFirst = refusedFirst;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Where it listens, as a <c>sips:</c> target.</summary>
    public SipTarget Target => new("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port, SipTransportProtocol.Tls);

    /// <summary>The methods of the requests received, in order.</summary>
    public IReadOnlyList<string> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>How many connections offered a client certificate.</summary>
    public int ClientCertificates => Volatile.Read(ref _clientCertificates);

    /// <summary>How many connections it accepted.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>
    /// Starts the server with <paramref name="certificate"/>; asks clients for theirs when <paramref name="askForClientCertificate"/>,
    /// and sends a malformed copy of each answer before it when <paramref name="refusedFirst"/>.
    /// </summary>
    public static TlsSipServer Start(X509Certificate2 certificate, bool askForClientCertificate = false, bool refusedFirst = false) =>
        new(certificate, askForClientCertificate, refusedFirst);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections);
        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // Stopped: before the wait began (InvalidOperationException, "Not listening", when disposal came between the
                // loop's check and the call) or during it.
                return;
            }

            Interlocked.Increment(ref _accepted);
            lock (_connections)
            {
                _connections.Add(ServeAsync(client));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            // The client's certificate is the test's own self-signed one: the server counts it and checks only that it came.
            await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) =>
            {
                if (certificate is not null)
                {
                    Interlocked.Increment(ref _clientCertificates);
                }

                return certificate is not null || !_askForClientCertificate;
            });
            try
            {
                await tls.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions { ServerCertificate = _certificate, ClientCertificateRequired = _askForClientCertificate }, _stop.Token);
                var framer = new SipStreamFramer();
                while (true)
                {
                    int read = await tls.ReadAsync(framer.GetWriteBuffer(), _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    framer.Advance(read);
                    while (framer.TryReadMessage(out SipMessage? message))
                    {
                        if (message is SipRequest request)
                        {
                            await AnswerAsync(tls, request);
                        }
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
            {
                // The client went away, failed its handshake, or the server is stopping.
            }
        }
    }

    private async Task AnswerAsync(SslStream tls, SipRequest request)
    {
        lock (_received)
        {
            _received.Add(request.Method);
        }

        switch (request.Method)
        {
            case "OPTIONS" or "BYE":
                await SendAsync(tls, Response(request, 200, "OK"));
                break;
            case "INVITE":
                await SendAsync(tls, Response(request, 100, "Trying"));
                await SendAsync(tls, Response(request, 180, "Ringing"));
                SipResponse ok = Response(request, 200, "OK");
                ok.Headers.Add("Contact", string.Create(CultureInfo.InvariantCulture, $"<sip:callee@127.0.0.1:{Target.Port};transport=tls>"));
                ok.Headers.Add("Content-Type", "application/sdp");
                ok.Body = "v=0\r\no=callee 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"u8.ToArray();
                await SendAsync(tls, ok);
                break;
        }
    }

    private static SipResponse Response(SipRequest request, int status, string reason)
    {
        var response = new SipResponse(status, reason);
        foreach (string via in request.Headers.GetValues("Via"))
        {
            response.Headers.Add("Via", via);
        }

        string to = request.Headers["To"]!;
        response.Headers.Add("From", request.Headers["From"]!);
        response.Headers.Add("To", status > 100 && !to.Contains(";tag=", StringComparison.Ordinal) ? to + ";tag=tls1" : to);
        response.Headers.Add("Call-ID", request.Headers["Call-ID"]!);
        response.Headers.Add("CSeq", request.Headers["CSeq"]!);
        response.Headers.Add("Server", "tls-server");
        return response;
    }

    private async Task SendAsync(SslStream tls, SipResponse response)
    {
        if (_refusedFirst)
        {
            // Well framed, so a stream receiver can skip it whole, but with a CSeq number far beyond 2^31.
            SipResponse refused = Response(response, "CSeq", "9292394834772304023312 " + response.Headers["CSeq"]!.Split(' ')[1]);
            refused.Body = "v=0\r\n"u8.ToArray();
            await tls.WriteAsync(refused.ToBytes(), _stop.Token);
        }

        await tls.WriteAsync(response.ToBytes(), _stop.Token);
    }

    /// <summary>A copy of <paramref name="response"/> with <paramref name="header"/> set to <paramref name="value"/>.</summary>
    private static SipResponse Response(SipResponse response, string header, string value)
    {
        var copy = new SipResponse(response.StatusCode, response.ReasonPhrase);
        foreach (KeyValuePair<string, string> field in response.Headers)
        {
            copy.Headers.Add(field.Key, string.Equals(field.Key, header, StringComparison.OrdinalIgnoreCase) ? value : field.Value);
        }

        return copy;
    }
}
