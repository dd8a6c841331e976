using System.Security.Cryptography.X509Certificates;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Probes;
using SlaKit.Regions;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>SIP over TLS (RFC 3261 §26.2) to a loopback TLS server: requests, calls, probes, certificate checks, mutual TLS.</summary>
public sealed class SipTlsTests : IDisposable
{
    private readonly X509Certificate2 _certificate = TestCertificate.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _certificate.Dispose();

    [Fact]
    public async Task A_request_goes_over_tls_to_a_server_whose_certificate_the_callback_accepts()
    {
        await using TlsSipServer server = TlsSipServer.Start(_certificate);
        await using SipFailoverClient client = Client(server, o => o.Tls.ServerCertificateValidation = Pinned(_certificate));

        SipResponse response = await client.SendAsync(new SipRequest("OPTIONS", "sip:carrier.example"), Ct);

        Assert.Equal("tls-server", response.Headers["Server"]);
        Assert.StartsWith("SIP/2.0/TLS 127.0.0.1:", response.Headers["Via"], StringComparison.Ordinal);
        Assert.Equal(["OPTIONS"], server.Received);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("wrong.example", true)]
    public async Task The_certificate_is_checked_for_the_targets_host_or_the_configured_target_host(string? targetHost, bool mismatch)
    {
        await using TlsSipServer server = TlsSipServer.Start(_certificate);
        var seen = System.Net.Security.SslPolicyErrors.None;
        System.Net.Security.RemoteCertificateValidationCallback pinned = Pinned(_certificate);
        await using SipFailoverClient client = Client(server, o =>
        {
            o.Tls.TargetHost = targetHost;
            o.Tls.ServerCertificateValidation = (sender, presented, chain, errors) =>
            {
                seen = errors;
                return pinned(sender, presented, chain, errors);
            };
        });

        await client.SendAsync(new SipRequest("OPTIONS", "sip:carrier.example"), Ct);

        // The certificate names 127.0.0.1, ::1 and localhost: the target's own address matches, another name does not.
        Assert.Equal(mismatch, seen.HasFlag(System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public async Task A_certificate_the_system_does_not_trust_fails_the_handshake_as_a_transport_error()
    {
        await using TlsSipServer server = TlsSipServer.Start(_certificate);
        await using SipFailoverClient client = Client(server);

        SipFailoverException error = await Assert.ThrowsAsync<SipFailoverException>(() => client.SendAsync(new SipRequest("OPTIONS", "sip:carrier.example"), Ct));

        SipAttemptOutcome outcome = Assert.Single(error.Outcomes);
        Assert.Equal(SipAttemptOutcomeKind.TransportError, outcome.Kind);
        Assert.Contains("TLS handshake", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task A_certificate_callback_that_throws_fails_the_handshake_as_a_transport_error()
    {
        await using TlsSipServer server = TlsSipServer.Start(_certificate);
        await using SipFailoverClient client = Client(server, o => o.Tls.ServerCertificateValidation = static (_, _, _, _) =>
            throw new InvalidOperationException("The pinned certificate store is missing."));

        SipFailoverException error = await Assert.ThrowsAsync<SipFailoverException>(() => client.SendAsync(new SipRequest("OPTIONS", "sip:carrier.example"), Ct));

        SipAttemptOutcome outcome = Assert.Single(error.Outcomes);
        Assert.Equal(SipAttemptOutcomeKind.TransportError, outcome.Kind);
        Assert.Contains("TLS handshake", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("The pinned certificate store is missing.", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task A_server_that_asks_for_a_client_certificate_gets_the_configured_one()
    {
        using X509Certificate2 mine = TestCertificate.Create();
        await using TlsSipServer server = TlsSipServer.Start(_certificate, askForClientCertificate: true);
        await using SipFailoverClient client = Client(server, o =>
        {
            o.Tls.ServerCertificateValidation = Pinned(_certificate);
            o.Tls.ClientCertificates.Add(mine);
        });

        await client.SendAsync(new SipRequest("OPTIONS", "sip:carrier.example"), Ct);

        Assert.Equal(1, server.ClientCertificates);
    }

    [Fact]
    public async Task A_well_framed_response_the_client_refuses_is_dropped_and_the_connection_kept()
    {
        // RFC 4475 §3.1.2.5: a receiver "will simply discard" a response with an overlarge CSeq. On a stream its
        // Content-Length still says where the next message starts, so the real answer behind it is read.
        await using TlsSipServer server = TlsSipServer.Start(_certificate, refusedFirst: true);
        await using SipFailoverClient client = Client(server, o => o.Tls.ServerCertificateValidation = Pinned(_certificate));

        SipResponse first = await client.SendAsync(new SipRequest("OPTIONS", "sip:carrier.example"), Ct);
        SipResponse second = await client.SendAsync(new SipRequest("OPTIONS", "sip:carrier.example"), Ct);

        Assert.Equal((200, 200), (first.StatusCode, second.StatusCode));
        Assert.Equal(["OPTIONS", "OPTIONS"], server.Received);
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task A_call_over_tls_is_answered_acked_and_ended()
    {
        await using TlsSipServer server = TlsSipServer.Start(_certificate);
        await using SipFailoverClient client = Client(server, o => o.Tls.ServerCertificateValidation = Pinned(_certificate));

        SipCall call = await client.InviteAsync(new SipRequest("INVITE", "sip:+4930123456@carrier.example"), Ct);
        SipResponse? bye = await call.ByeAsync(Ct);

        Assert.Equal(SipTransportProtocol.Tls, call.Attempts[0].Target!.Transport);
        Assert.Equal(200, bye!.StatusCode);
        Assert.Equal(["INVITE", "ACK", "BYE"], server.Received);
    }

    [Fact]
    public async Task An_options_probe_checks_a_tls_server()
    {
        await using TlsSipServer server = TlsSipServer.Start(_certificate);
        var options = new SipOptionsProbeOptions();
        options.Tls.ServerCertificateValidation = Pinned(_certificate);
        await using var probe = new SipOptionsProbe(server.Target, options);

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Healthy, result.Status);
        Assert.Equal(["OPTIONS"], server.Received);
    }

    [Fact]
    public async Task A_call_over_tls_through_kamailio_is_answered_and_the_callees_bye_comes_back_over_the_same_connection()
    {
        // Kamailio's own TLS stack (OpenSSL) on the trunk's side, relaying to a SIPp callee over UDP; without Record-Route
        // the callee's BYE goes to Kamailio, which sends it to our Contact over the TLS connection we opened.
        await using SippServer callee = await SippServer.StartAsync(SippScenario.AnswerThenCalleeHangsUp, SipTransportProtocol.Udp, Ct, calls: 1);
        await using KamailioProxy trunk = await KamailioProxy.StartAsync(callee.Target, Ct, _certificate);
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("carrier", trunk.TlsTarget!.ToUri()));
        options.Tls.ServerCertificateValidation = Pinned(_certificate);
        await using var client = new SipFailoverClient("tls-" + Guid.NewGuid().ToString("N")[..8], options);
        var invite = new SipRequest("INVITE", "sip:+4930123456@carrier.example")
        {
            Body = "v=0\r\no=agent 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"u8.ToArray(),
        };
        invite.Headers.Add("From", "<sip:agent@callcentre.example>");
        invite.Headers.Add("Content-Type", "application/sdp");

        SipCall call = await client.InviteAsync(invite, Ct);
        await call.Ended.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        Assert.StartsWith($"sip:callee@127.0.0.1:{callee.Target.Port}", call.RemoteTarget, StringComparison.Ordinal);
        Assert.True(call.EndedByCallee);
        Assert.Equal(0, await callee.WaitForExitAsync(TimeSpan.FromSeconds(15), Ct));
    }

    [Fact]
    public async Task Calls_and_requests_waiting_on_one_tls_handshake_that_never_answers_count_once_and_leave_the_trunk_degraded()
    {
        // An SBC whose TLS port takes the connection and never answers the handshake, as several agents dial at once:
        // every attempt waits on the opening of the trunk's one connection, and the trunk counts that failure once.
        await using var sbc = new BlackHole();
        var options = new SipFailoverOptions { ConnectTimeout = TimeSpan.FromSeconds(1), FailuresToMarkDown = 3 };
        options.Regions.Add(new Region("carrier", new Uri($"sips:127.0.0.1:{sbc.BaseUri.Port}")));
        await using var client = new SipFailoverClient("tls-" + Guid.NewGuid().ToString("N")[..8], options);

        Task[] attempts =
        [
            client.InviteAsync(new SipRequest("INVITE", "sip:+4930123456@carrier.example"), Ct),
            client.InviteAsync(new SipRequest("INVITE", "sip:+4930123457@carrier.example"), Ct),
            client.InviteAsync(new SipRequest("INVITE", "sip:+4930123458@carrier.example"), Ct),
            client.SendAsync(new SipRequest("OPTIONS", "sip:carrier.example"), Ct),
        ];

        foreach (Task attempt in attempts)
        {
            SipFailoverException error = await Assert.ThrowsAsync<SipFailoverException>(() => attempt.WaitAsync(TimeSpan.FromSeconds(15), Ct));
            SipAttemptOutcome outcome = Assert.Single(error.Outcomes);
            Assert.Equal(SipAttemptOutcomeKind.TransportError, outcome.Kind);
            Assert.EndsWith("did not open within ConnectTimeout (1s)", outcome.Error, StringComparison.Ordinal);
        }

        Assert.Equal(RegionHealth.Degraded, client.GetStatus()[0].Health);
    }

    private static System.Net.Security.RemoteCertificateValidationCallback Pinned(X509Certificate2 certificate) =>
        (_, presented, _, _) => presented is not null && string.Equals(presented.GetCertHashString(), certificate.Thumbprint, StringComparison.OrdinalIgnoreCase);

    private static SipFailoverClient Client(TlsSipServer server, Action<SipFailoverOptions>? configure = null)
    {
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("carrier", server.Target.ToUri()));
        configure?.Invoke(options);
        return new SipFailoverClient("tls-" + Guid.NewGuid().ToString("N")[..8], options);
    }
}
