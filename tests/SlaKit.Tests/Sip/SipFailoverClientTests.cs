using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Probes;
using SlaKit.Regions;
using SlaKit.Sip;
using SlaKit.Tests.Infrastructure;
using static SlaKit.Tests.Sip.SipTestMessages;

namespace SlaKit.Tests.Sip;

public sealed class SipFailoverClientTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly Region _primary = new("primary", new Uri("sip:10.0.0.1:5060"));
    private readonly Region _secondary = new("secondary", new Uri("sip:10.0.0.2:5060")) { Priority = 1 };
    private readonly InMemorySipConnection _a = new(new SipTarget("10.0.0.1"));
    private readonly InMemorySipConnection _b = new(new SipTarget("10.0.0.2"));
    private SipFailoverClient? _client;

    public SipFailoverClientTests()
    {
        _b.Responder = r => ResponseTo(r, 200, "OK");
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sends_to_the_preferred_region_with_what_rfc_3261_requires_filled_in()
    {
        _a.Responder = r => ResponseTo(r, 200, "OK");
        var request = new SipRequest("MESSAGE", "sip:bob@carrier.example") { Body = "hello"u8.ToArray() };
        request.Headers.Add("From", "<sip:alice@example.com>");
        request.Headers.Add("Content-Type", "text/plain");

        SipResponse response = await Client().SendAsync(request, Token);

        Assert.Equal(200, response.StatusCode);
        SipRequest sent = Assert.Single(_a.Sent);
        Assert.Empty(_b.Sent);
        Assert.Equal("70", sent.Headers["Max-Forwards"]);
        Assert.Matches("^<sip:alice@example.com>;tag=[0-9a-f]{16}$", sent.Headers["From"]);
        Assert.Equal("<sip:bob@carrier.example>", sent.Headers["To"]);
        Assert.Equal("1 MESSAGE", sent.Headers["CSeq"]);
        Assert.NotNull(sent.Headers["Call-ID"]);
        Assert.Equal("hello"u8.ToArray(), sent.Body.ToArray());
        Assert.Equal("<sip:alice@example.com>", request.Headers["From"]); // the caller's request is left as it was
        Assert.False(request.Headers.Contains("Call-ID"));
    }

    [Fact]
    public async Task A_503_moves_the_same_request_to_the_next_region_with_a_new_branch()
    {
        _a.Responder = r => ResponseTo(r, 503, "Service Unavailable");
        var request = new SipRequest("REGISTER", "sip:carrier.example");
        request.Headers.Add("CSeq", "7 REGISTER");

        SipResponse response = await Client().SendAsync(request, Token);

        Assert.Equal(200, response.StatusCode);
        SipRequest first = Assert.Single(_a.Sent);
        SipRequest second = Assert.Single(_b.Sent);

        // RFC 3263 §4.3: the same request — Call-ID, From, To, CSeq — in a new transaction.
        foreach (string header in new[] { "Call-ID", "From", "To", "CSeq" })
        {
            Assert.Equal(first.Headers[header], second.Headers[header]);
        }

        Assert.Equal("7 REGISTER", second.Headers["CSeq"]);
        Assert.NotEqual(Branch(first), Branch(second));
    }

    [Fact]
    public async Task A_503_with_retry_after_keeps_later_requests_off_the_region_for_that_long()
    {
        _a.Responder = r => ResponseTo(r, 503, "Service Unavailable", ("Retry-After", "20"));
        SipFailoverClient client = Client();
        await client.SendAsync(Options(), Token);
        _a.Responder = r => ResponseTo(r, 200, "OK");

        await client.SendAsync(Options(), Token);
        Assert.Single(_a.Sent);
        Assert.Equal(2, _b.Sent.Count);

        _time.Advance(TimeSpan.FromSeconds(20));
        await client.SendAsync(Options(), Token);
        Assert.Equal(2, _a.Sent.Count);
        Assert.Equal(2, _b.Sent.Count);
    }

    [Fact]
    public async Task A_region_that_answers_every_request_503_with_retry_after_zero_is_marked_down()
    {
        // RFC 3261 §20.33: a Retry-After of 0 asks for no rest at all, so such a 503 is a plain failure (§21.5.4).
        _a.Responder = r => ResponseTo(r, 503, "Service Unavailable", ("Retry-After", "0"));
        SipFailoverClient client = Client();

        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(200, (await client.SendAsync(Options(), Token)).StatusCode);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // Two requests mark it down, then one background OPTIONS tries it after the break. A trial's retransmission, sent when
        // the clock moves on while it runs, is no request of its own.
        RegionHealth health = client.GetStatus()[0].Health;
        int tried = _a.Sent.Select(Branch).Distinct().Count();
        Assert.True(health == RegionHealth.Unhealthy && tried <= 3, $"the refusing region is {health} and was sent {tried} of 10 requests");
    }

    [Fact]
    public async Task A_transport_error_moves_on_at_once()
    {
        _a.OpenFailure = "10.0.0.1:5060 refused the TCP connection: nothing listens there";

        SipResponse response = await Client().SendAsync(Options(), Token);

        Assert.Equal(200, response.StatusCode);
        Assert.Single(_b.Sent);
    }

    [Fact]
    public async Task A_silent_region_is_left_after_timer_f()
    {
        Task<SipResponse> pending = Client().SendAsync(Options(), Token);
        for (int i = 0; i < 319; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.False(pending.IsCompleted);
        Assert.Empty(_b.Sent);
        _time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal(200, (await pending).StatusCode);
        Assert.Equal(11, _a.Sent.Count);
    }

    [Fact]
    public async Task A_tls_server_that_never_completes_the_handshake_is_left_after_the_connect_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("primary", new Uri($"sips:127.0.0.1:{port}")));
        options.Regions.Add(_secondary);
        SipFailoverClient client = _client = new SipFailoverClient(
            "carrier", options, _time, null, null, ownsTelemetry: false,
            t => t.Transport == SipTransportProtocol.Tls ? new TcpSipConnection(t, new LogCollector()) : _b,
            new Random(1));

        Task<SipResponse> pending = client.SendAsync(Options(), Token);
        using Socket peer = await listener.AcceptSocketAsync(Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Token); // and never speaks TLS
        _time.Advance(SipFailoverOptions.DefaultConnectTimeout - TimeSpan.FromMilliseconds(1));
        await Task.Delay(50, Token);
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(200, (await pending.WaitAsync(TimeSpan.FromSeconds(10), Token)).StatusCode);
        Assert.Equal(RegionHealth.Degraded, client.GetStatus()[0].Health);
        await client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), Token);
    }

    [Fact]
    public async Task Disposing_the_client_during_a_stalled_tls_handshake_stops_it_and_returns()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("primary", new Uri($"sips:127.0.0.1:{port}")));
        var client = new SipFailoverClient(
            "carrier", options, _time, null, null, ownsTelemetry: false, t => new TcpSipConnection(t, new LogCollector()), new Random(1));

        Task<SipResponse> pending = client.SendAsync(Options(), Token);
        using Socket peer = await listener.AcceptSocketAsync(Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Token);

        await client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), Token);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10), Token));
    }

    [Fact]
    public async Task An_attempt_timeout_shortens_the_wait()
    {
        Task<SipResponse> pending = Client(o => o.AttemptTimeout = TimeSpan.FromSeconds(2)).SendAsync(Options(), Token);
        for (int i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(200, (await pending).StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(500)]
    public async Task A_tcp_connection_that_brought_nothing_back_before_a_request_timed_out_is_closed_and_the_next_request_opens_a_new_one(int? attemptTimeoutMs)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = new SipFailoverOptions { AttemptTimeout = attemptTimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null };
        options.Regions.Add(new Region("primary", new Uri($"sip:127.0.0.1:{port};transport=tcp")));
        SipFailoverClient client = _client = new SipFailoverClient(
            "carrier", options, _time, null, null, ownsTelemetry: false, t => new TcpSipConnection(t, new LogCollector()), new Random(1));

        Task<SipResponse> first = client.SendAsync(Options(), Token);
        using Socket stale = await listener.AcceptSocketAsync(Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Token);
        var staleFramer = new SipStreamFramer();
        await AnswerAsync(stale, await ReceiveRequestAsync(stale, staleFramer, Token));
        Assert.Equal(200, (await first.WaitAsync(TimeSpan.FromSeconds(10), Token)).StatusCode);

        // A NAT on the way forgets the flow: the server still hears requests, and nothing reaches the client any more.
        Task<SipResponse> second = client.SendAsync(Options(), Token);
        await ReceiveRequestAsync(stale, staleFramer, Token);
        _time.Advance(options.AttemptTimeout ?? options.Timers.TimerF);
        var timedOut = await Assert.ThrowsAsync<SipFailoverException>(() => second.WaitAsync(TimeSpan.FromSeconds(10), Token));

        Task<SipResponse> third = client.SendAsync(Options(), Token);
        using Socket fresh = await listener.AcceptSocketAsync(Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Token);
        await AnswerAsync(fresh, await ReceiveRequestAsync(fresh, new SipStreamFramer(), Token));

        Assert.Equal(200, (await third.WaitAsync(TimeSpan.FromSeconds(10), Token)).StatusCode);
        Assert.Equal(SipAttemptOutcomeKind.Timeout, Assert.Single(timedOut.Outcomes).Kind); // the region still counts it
        Assert.Equal(RegionHealth.Healthy, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task A_tcp_connection_that_answered_another_request_while_one_timed_out_is_kept()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = new SipFailoverOptions { AttemptTimeout = TimeSpan.FromMilliseconds(500) };
        options.Regions.Add(new Region("primary", new Uri($"sip:127.0.0.1:{port};transport=tcp")));
        SipFailoverClient client = _client = new SipFailoverClient(
            "carrier", options, _time, null, null, ownsTelemetry: false, t => new TcpSipConnection(t, new LogCollector()), new Random(1));

        // The server is slow with one request and answers another: the connection is alive, and stays.
        Task<SipResponse> slow = client.SendAsync(Options(), Token);
        using Socket peer = await listener.AcceptSocketAsync(Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Token);
        var framer = new SipStreamFramer();
        await ReceiveRequestAsync(peer, framer, Token);
        Task<SipResponse> quick = client.SendAsync(Options(), Token);
        await AnswerAsync(peer, await ReceiveRequestAsync(peer, framer, Token));
        Assert.Equal(200, (await quick.WaitAsync(TimeSpan.FromSeconds(10), Token)).StatusCode);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAsync<SipFailoverException>(() => slow.WaitAsync(TimeSpan.FromSeconds(10), Token));

        Task<SipResponse> next = client.SendAsync(Options(), Token);
        await AnswerAsync(peer, await ReceiveRequestAsync(peer, framer, Token));

        Assert.Equal(200, (await next.WaitAsync(TimeSpan.FromSeconds(10), Token)).StatusCode);
    }

    [Fact]
    public async Task Other_final_answers_are_the_answer()
    {
        _a.Responder = r => ResponseTo(r, 404, "Not Found");

        SipResponse response = await Client().SendAsync(Options(), Token);

        Assert.Equal(404, response.StatusCode);
        Assert.Empty(_b.Sent);
    }

    [Fact]
    public async Task When_every_region_fails_the_exception_lists_each_attempt()
    {
        _a.Responder = r => ResponseTo(r, 503, "Service Unavailable");
        _b.Responder = null;
        _b.SendFailure = "10.0.0.2:5060 is unreachable over UDP (ICMP port unreachable: nothing listens there)";

        SipFailoverException error = await Assert.ThrowsAsync<SipFailoverException>(() => Client().SendAsync(Options(), Token));

        Assert.Equal("carrier", error.ClientName);
        Assert.Equal([(_primary, SipAttemptOutcomeKind.ServiceUnavailable), (_secondary, SipAttemptOutcomeKind.TransportError)], error.Outcomes.Select(o => (o.Region, o.Kind)));
        Assert.Equal(503, error.Outcomes[0].Response!.StatusCode);
        Assert.Contains("primary: 503 Service Unavailable", error.Message, StringComparison.Ordinal);
        Assert.Contains("secondary: 10.0.0.2:5060 is unreachable over UDP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_every_region_fails_the_failure_is_logged_as_every_protocol_logs_it()
    {
        _a.Responder = r => ResponseTo(r, 503, "Service Unavailable");
        _b.Responder = r => ResponseTo(r, 503, "Service Unavailable");
        var logs = new LogCollector();
        using var loggerFactory = new LoggerFactory([logs]);

        await Assert.ThrowsAsync<SipFailoverException>(() => Client(loggerFactory: loggerFactory).SendAsync(Options(), Token));

        var failed = Assert.Single(logs.Entries, static e => e.EventId.Name == "AllRegionsFailed");
        Assert.Equal((LogLevel.Error, 1004), (failed.Level, failed.EventId.Id));
        Assert.StartsWith("Client carrier: OPTIONS sip:", failed.Message, StringComparison.Ordinal);
        Assert.Contains("failed in every region: primary: 503 Service Unavailable", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Regions_that_probes_mark_down_are_skipped_up_front()
    {
        SipFailoverClient client = Client();
        client.ReportProbeResult("primary", RegionHealth.Unhealthy, "no answer within 1s");
        client.ReportProbeResult("primary", RegionHealth.Unhealthy, "no answer within 1s");

        await client.SendAsync(Options(), Token);

        Assert.Empty(_a.Sent);
        Assert.Single(_b.Sent);
        Assert.Equal(RegionHealth.Unhealthy, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task Without_probes_a_down_region_gets_a_background_options_after_the_break_and_no_request_waits_on_it()
    {
        _a.OpenFailure = "refused";
        SipFailoverClient client = Client();
        await client.SendAsync(Options(), Token);
        await client.SendAsync(Options(), Token);
        Assert.Equal(RegionHealth.Unhealthy, client.GetStatus()[0].Health);

        _a.OpenFailure = null;
        _a.Responder = r => ResponseTo(r, 200, "OK");
        _time.Advance(TimeSpan.FromSeconds(5));
        var message = new SipRequest("MESSAGE", "sip:bob@carrier.example");
        await client.SendAsync(message, Token);

        Assert.Equal(3, _b.Sent.Count); // the request itself went to the serving region
        Assert.True(SpinWait.SpinUntil(() => _a.Sent.Count == 1, TimeSpan.FromSeconds(10)));
        Assert.Equal("OPTIONS", _a.Sent[0].Method);

        // Recovering: later requests start further trials, one at a time, until SuccessesToMarkUp (2) bring it back.
        for (int i = 0; i < 200 && !client.GetStatus()[0].IsStandby; i++)
        {
            await client.SendAsync(message, Token);
            SpinWait.SpinUntil(() => client.GetStatus()[0].IsStandby, TimeSpan.FromMilliseconds(20));
        }

        Assert.Equal(new RegionStatus(_primary, RegionHealth.Healthy, IsStandby: true), client.GetStatus()[0]);
        Assert.Equal(2, _a.Sent.Count);
        Assert.All(_a.Sent, r => Assert.Equal("OPTIONS", r.Method));
    }

    [Fact]
    public async Task A_down_region_gets_its_background_options_again_once_its_probe_scheduler_stops()
    {
        _a.OpenFailure = "refused";
        SipFailoverClient client = Client();
        await client.SendAsync(Options(), Token);
        await client.SendAsync(Options(), Token);
        var reported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scheduler = new RegionProbeScheduler(
            client, "primary", new DelegateProbe(static _ => ValueTask.FromResult(HealthProbeResult.Unhealthy(TimeSpan.Zero, "no answer"))),
            new ProbeScheduleOptions { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromMilliseconds(400), Jitter = 0 }, _time);
        scheduler.ProbeCompleted += (_, _) => reported.TrySetResult();
        scheduler.Start();
        await reported.Task.WaitAsync(TimeSpan.FromSeconds(10), Token);
        await scheduler.DisposeAsync();

        _a.OpenFailure = null;
        _a.Responder = r => ResponseTo(r, 200, "OK");
        _time.Advance(TimeSpan.FromSeconds(5));
        await client.SendAsync(Options(), Token);

        Assert.True(SpinWait.SpinUntil(() => _a.Sent.Count == 1, TimeSpan.FromSeconds(10)));
        Assert.Equal(RegionHealth.Unhealthy, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task Probes_created_by_the_client_probe_its_regions()
    {
        _a.Responder = r => ResponseTo(r, 200, "OK");
        SipFailoverClient client = Client(o => o.T1 = TimeSpan.FromMilliseconds(200));
        await using SipOptionsProbe probe = client.CreateProbe("primary");

        Assert.Equal(new SipTarget("10.0.0.1"), probe.Target);
        Assert.Equal(ProbeStatus.Healthy, (await probe.ProbeAsync(Token)).Status);
        Assert.Equal("OPTIONS", Assert.Single(_a.Sent).Method);
        Assert.Throws<ArgumentException>("regionName", () => client.CreateProbe("elsewhere"));
    }

    [Fact]
    public async Task Cancelling_stops_at_once()
    {
        using var cancel = new CancellationTokenSource();
        Task<SipResponse> pending = Client().SendAsync(Options(), cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Empty(_b.Sent);
        Assert.Equal(RegionHealth.Healthy, _client!.GetStatus()[0].Health);
    }

    [Fact]
    public async Task Requests_it_cannot_send_are_refused()
    {
        SipFailoverClient client = Client();
        var via = Options();
        via.Headers.Add("Via", "SIP/2.0/UDP 10.9.9.9;branch=z9hG4bKx");
        var wrongCseq = Options();
        wrongCseq.Headers.Add("CSeq", "1 REGISTER");

        await Assert.ThrowsAsync<ArgumentException>("request", () => client.SendAsync(new SipRequest("INVITE", "sip:bob@example.com"), Token));
        await Assert.ThrowsAsync<ArgumentException>("request", () => client.SendAsync(via, Token));
        await Assert.ThrowsAsync<ArgumentException>("request", () => client.SendAsync(wrongCseq, Token));
        await Assert.ThrowsAsync<ArgumentNullException>("request", () => client.SendAsync(null!, Token));
    }

    [Fact]
    public async Task Disposing_closes_every_connection()
    {
        _a.Responder = r => ResponseTo(r, 503, "Service Unavailable");
        SipFailoverClient client = Client();
        await client.SendAsync(Options(), Token);

        await client.DisposeAsync();

        Assert.True(_a.Disposed);
        Assert.True(_b.Disposed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.SendAsync(Options(), Token));
    }

    private static SipRequest Options() => new("OPTIONS", "sip:carrier.example");

    [Fact]
    public async Task A_request_over_1300_bytes_goes_to_a_udp_region_over_tcp_and_a_smaller_one_over_udp()
    {
        var opened = new List<SipTarget>();
        SipFailoverClient client = Carriers(opened, "sip:10.0.0.1:5060");

        // RFC 3261 §18.1.1: over 1300 bytes with its Via, the path MTU unknown, a request goes over TCP.
        await client.SendAsync(Message(1300 - 400), Token);
        await client.SendAsync(Message(1500), Token);
        SipCall call = await client.InviteAsync(Invite(1500), Token);

        Assert.Equal([new SipTarget("10.0.0.1"), new SipTarget("10.0.0.1", 5060, SipTransportProtocol.Tcp)], opened);
        Assert.Equal("carrier-a", call.Trunk.Name);
        Assert.All(client.GetStatus(), static s => Assert.Equal(RegionHealth.Healthy, s.Health));
    }

    [Fact]
    public async Task A_request_over_1300_bytes_passes_over_a_region_configured_with_transport_udp_whose_health_stays()
    {
        var opened = new List<SipTarget>();
        SipFailoverClient client = Carriers(opened, "sip:10.0.0.1:5060;transport=udp", "sip:10.0.0.2:5060");

        for (int i = 0; i < 3; i++)
        {
            await client.SendAsync(Message(1500), Token);
        }

        await client.InviteAsync(Invite(1500), Token);

        Assert.Equal([new SipTarget("10.0.0.2", 5060, SipTransportProtocol.Tcp)], opened);
        Assert.All(client.GetStatus(), static s => Assert.Equal(RegionHealth.Healthy, s.Health));
        Assert.Equal(0L, client.GetTrunkStatus()[0].Attempts);
    }

    [Fact]
    public async Task A_request_over_1300_bytes_is_refused_when_every_region_is_configured_with_transport_udp()
    {
        var opened = new List<SipTarget>();
        SipFailoverClient client = Carriers(opened, "sip:10.0.0.1:5060;transport=udp");

        ArgumentException message = await Assert.ThrowsAsync<ArgumentException>("request", () => client.SendAsync(Message(1500), Token));
        ArgumentException invite = await Assert.ThrowsAsync<ArgumentException>("invite", () => client.InviteAsync(Invite(1500), Token));

        Assert.Contains("RFC 3261 §18.1.1", message.Message, StringComparison.Ordinal);
        Assert.Contains("transport=udp", invite.Message, StringComparison.Ordinal);
        Assert.Empty(opened);
        Assert.Equal(RegionHealth.Healthy, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task One_request_timing_out_on_a_silent_tcp_connection_leaves_it_to_a_later_request_still_within_its_own_time()
    {
        var tcp = new InMemorySipConnection(new SipTarget("10.0.0.1", 5060, SipTransportProtocol.Tcp), reliable: true);
        var options = new SipFailoverOptions { AttemptTimeout = TimeSpan.FromSeconds(1) };
        options.Regions.Add(new Region("primary", new Uri("sip:10.0.0.1:5060;transport=tcp")));
        SipFailoverClient client = _client = new SipFailoverClient("tcp", options, _time, null, null, ownsTelemetry: false, _ => tcp, new Random(1));

        Task<SipResponse> first = client.SendAsync(Options(), Token);
        Assert.True(SpinWait.SpinUntil(() => tcp.Sent.Count == 1, TimeSpan.FromSeconds(10)));
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Task<SipResponse> second = client.SendAsync(Options(), Token);
        Assert.True(SpinWait.SpinUntil(() => tcp.Sent.Count == 2, TimeSpan.FromSeconds(10)));

        // The first request's attempt timeout: the connection stays, as the second still has 500 ms of its own.
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAsync<SipFailoverException>(() => first.WaitAsync(TimeSpan.FromSeconds(10), Token));
        Assert.Equal(0, tcp.SilentCloses);
        Assert.False(second.IsCompleted);

        // The second times out with nothing back either: the last request out closes the silent connection.
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAsync<SipFailoverException>(() => second.WaitAsync(TimeSpan.FromSeconds(10), Token));
        Assert.Equal(1, tcp.SilentCloses);
    }

    [Fact]
    public async Task Requests_in_flight_on_one_connection_that_one_reset_fails_count_once_and_leave_the_region_up()
    {
        SipFailoverClient client = TcpPrimary(out InMemorySipConnection tcp);
        Task<SipResponse>[] requests = [client.SendAsync(Options(), Token), client.SendAsync(Options(), Token), client.SendAsync(Options(), Token)];
        Assert.True(SpinWait.SpinUntil(() => tcp.Sent.Count == 3, TimeSpan.FromSeconds(10)), "the three requests were not all sent");

        // The server closes the connection once: every request waiting on it fails at that instant.
        tcp.BreakTransport("the connection was reset");

        foreach (Task<SipResponse> request in requests)
        {
            Assert.Equal(200, (await request.WaitAsync(TimeSpan.FromSeconds(10), Token)).StatusCode);
        }

        Assert.Equal(3, _b.Sent.Count);
        Assert.Equal(RegionHealth.Degraded, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task Requests_sent_one_after_another_that_each_lose_their_connection_still_mark_the_region_down()
    {
        SipFailoverClient client = TcpPrimary(out InMemorySipConnection tcp);

        for (int i = 1; i <= 3; i++)
        {
            Task<SipResponse> request = client.SendAsync(Options(), Token);
            Assert.True(SpinWait.SpinUntil(() => tcp.Sent.Count == i, TimeSpan.FromSeconds(10)), $"request {i} was not sent");
            tcp.BreakTransport("the connection was reset");
            Assert.Equal(200, (await request.WaitAsync(TimeSpan.FromSeconds(10), Token)).StatusCode);
        }

        Assert.Equal(RegionHealth.Unhealthy, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task Requests_in_flight_together_that_the_region_answers_503_count_once_as_other_failures_do()
    {
        SipFailoverClient client = TcpPrimary(out InMemorySipConnection tcp);
        Task<SipResponse>[] requests = [client.SendAsync(Options(), Token), client.SendAsync(Options(), Token), client.SendAsync(Options(), Token)];
        Assert.True(SpinWait.SpinUntil(() => tcp.Sent.Count == 3, TimeSpan.FromSeconds(10)), "the three requests were not all sent");

        foreach (SipRequest sent in tcp.Sent)
        {
            tcp.Receive(ResponseTo(sent, 503, "Service Unavailable"));
        }

        foreach (Task<SipResponse> request in requests)
        {
            Assert.Equal(200, (await request.WaitAsync(TimeSpan.FromSeconds(10), Token)).StatusCode);
        }

        Assert.Equal(RegionHealth.Degraded, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task Requests_in_flight_together_that_each_time_out_each_count_as_each_waited_out_its_own_timeout()
    {
        SipFailoverClient client = TcpPrimary(out InMemorySipConnection tcp, TimeSpan.FromSeconds(1));
        Task<SipResponse>[] requests = [client.SendAsync(Options(), Token), client.SendAsync(Options(), Token), client.SendAsync(Options(), Token)];
        Assert.True(SpinWait.SpinUntil(() => tcp.Sent.Count == 3, TimeSpan.FromSeconds(10)), "the three requests were not all sent");

        _time.Advance(TimeSpan.FromSeconds(1));

        foreach (Task<SipResponse> request in requests)
        {
            Assert.Equal(200, (await request.WaitAsync(TimeSpan.FromSeconds(10), Token)).StatusCode);
        }

        Assert.Equal(RegionHealth.Unhealthy, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task Requests_waiting_on_one_tcp_connection_opening_that_runs_out_of_time_count_once_and_leave_the_region_up()
    {
        // A firewall drops the SYN: the three requests all wait on the one opening, which gives up at the connect timeout.
        SipFailoverClient client = TcpPrimary(out InMemorySipConnection tcp);
        tcp.Connecting = static ct => Task.Delay(Timeout.InfiniteTimeSpan, ct);
        Task<SipResponse>[] requests = [client.SendAsync(Options(), Token), client.SendAsync(Options(), Token), client.SendAsync(Options(), Token)];

        _time.Advance(SipFailoverOptions.DefaultConnectTimeout);

        foreach (Task<SipResponse> request in requests)
        {
            Assert.Equal(200, (await request.WaitAsync(TimeSpan.FromSeconds(10), Token)).StatusCode);
        }

        Assert.Empty(tcp.Sent);
        Assert.Equal(3, _b.Sent.Count);
        Assert.Equal(RegionHealth.Degraded, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task Requests_waiting_on_one_tcp_connection_opening_that_outlasts_the_attempt_timeout_count_once_and_leave_the_region_up()
    {
        // The attempt timeout, shorter than the connect timeout, bounds the opening: it is still the connection that failed.
        SipFailoverClient client = TcpPrimary(out InMemorySipConnection tcp, TimeSpan.FromSeconds(1));
        tcp.Connecting = static ct => Task.Delay(Timeout.InfiniteTimeSpan, ct);
        Task<SipResponse>[] requests = [client.SendAsync(Options(), Token), client.SendAsync(Options(), Token), client.SendAsync(Options(), Token)];

        _time.Advance(TimeSpan.FromSeconds(1));

        foreach (Task<SipResponse> request in requests)
        {
            Assert.Equal(200, (await request.WaitAsync(TimeSpan.FromSeconds(10), Token)).StatusCode);
        }

        Assert.Empty(tcp.Sent);
        Assert.Equal(RegionHealth.Degraded, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task Requests_sent_one_after_another_whose_tcp_connection_never_opens_still_mark_the_region_down()
    {
        SipFailoverClient client = TcpPrimary(out InMemorySipConnection tcp);
        tcp.Connecting = static ct => Task.Delay(Timeout.InfiniteTimeSpan, ct);

        for (int i = 1; i <= 3; i++)
        {
            Task<SipResponse> request = client.SendAsync(Options(), Token);
            _time.Advance(SipFailoverOptions.DefaultConnectTimeout);
            Assert.Equal(200, (await request.WaitAsync(TimeSpan.FromSeconds(10), Token)).StatusCode);
        }

        Assert.Equal(3, _b.Sent.Count);
        Assert.Equal(RegionHealth.Unhealthy, client.GetStatus()[0].Health);
    }

    /// <summary>A MESSAGE with a body of <paramref name="bodySize"/> bytes.</summary>
    private static SipRequest Message(int bodySize) => new("MESSAGE", "sip:agent@carrier.example") { Body = new byte[bodySize] };

    /// <summary>An INVITE with an offer of <paramref name="bodySize"/> bytes.</summary>
    private static SipRequest Invite(int bodySize) => new("INVITE", "sip:+4930123456@carrier.example") { Body = new byte[bodySize] };

    /// <summary>A client of one region per endpoint, by priority, whose servers answer everything 200; <paramref name="opened"/> gets each connection made.</summary>
    private SipFailoverClient Carriers(List<SipTarget> opened, params string[] endpoints)
    {
        var options = new SipFailoverOptions();
        for (int i = 0; i < endpoints.Length; i++)
        {
            options.Regions.Add(new Region($"carrier-{(char)('a' + i)}", new Uri(endpoints[i])) { Priority = i });
        }

        return _client = new SipFailoverClient("carriers", options, _time, null, null, ownsTelemetry: false, target =>
        {
            lock (opened)
            {
                opened.Add(target);
            }

            return new InMemorySipConnection(target, reliable: target.Transport != SipTransportProtocol.Udp)
            {
                Responder = static r => r.Method == "INVITE" ? ResponseTo(r, 200, "OK", ("Contact", "<sip:callee@10.0.0.60:5060>")) : ResponseTo(r, 200, "OK"),
            };
        }, new Random(1));
    }

    /// <summary>
    /// A client whose primary is one silent TCP connection, <paramref name="tcp"/>, marked down by 3 failures, and whose
    /// secondary answers everything 200.
    /// </summary>
    private SipFailoverClient TcpPrimary(out InMemorySipConnection tcp, TimeSpan? attemptTimeout = null)
    {
        var primary = new InMemorySipConnection(new SipTarget("10.0.0.1", 5060, SipTransportProtocol.Tcp), reliable: true);
        var options = new SipFailoverOptions { FailuresToMarkDown = 3, AttemptTimeout = attemptTimeout };
        options.Regions.Add(new Region("primary", new Uri("sip:10.0.0.1:5060;transport=tcp")));
        options.Regions.Add(_secondary);
        tcp = primary;
        return _client = new SipFailoverClient("carrier", options, _time, null, null, ownsTelemetry: false, t => t.Host == "10.0.0.1" ? primary : _b, new Random(1));
    }

    private static async Task AnswerAsync(Socket peer, SipRequest request) =>
        await peer.SendAsync(ResponseTo(request, 200, "OK").ToBytes(), SocketFlags.None, Token);

    private SipFailoverClient Client(Action<SipFailoverOptions>? configure = null, ILoggerFactory? loggerFactory = null)
    {
        var options = new SipFailoverOptions();
        options.Regions.Add(_primary);
        options.Regions.Add(_secondary);
        configure?.Invoke(options);
        var connections = new Dictionary<SipTarget, InMemorySipConnection> { [_a.Target] = _a, [_b.Target] = _b };
        return _client = new SipFailoverClient("carrier", options, _time, loggerFactory, null, ownsTelemetry: false, target => connections[target], new Random(1));
    }
}
