using Microsoft.Extensions.Time.Testing;
using SlaKit.Sip;
using static SlaKit.Tests.Sip.SipTestMessages;

namespace SlaKit.Tests.Sip;

/// <summary>RFC 3261 §17.1.2 on a fake clock, through the transaction layer that owns the transactions.</summary>
public sealed class NonInviteClientTransactionTests : IAsyncDisposable
{
    private static readonly SipTarget Server = new("10.0.0.9");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private InMemorySipConnection _connection = new(Server);
    private SipTransactionLayer? _layer;

    private SipTransactionLayer Layer => _layer ??= new SipTransactionLayer(_connection, SipTimerSettings.Default, _time);

    public async ValueTask DisposeAsync()
    {
        if (_layer is not null)
        {
            await _layer.DisposeAsync();
        }
    }

    [Fact]
    public async Task Over_udp_timer_e_doubles_from_t1_to_t2_and_timer_f_ends_it_after_64_t1()
    {
        Task<SipTransactionResult> pending = Layer.SendAsync(Request(), TestContext.Current.CancellationToken);
        var sentAt = new List<double>();
        int seen = 0;
        for (int step = 0; step <= 330; step++)
        {
            if (_connection.Sent.Count > seen)
            {
                seen = _connection.Sent.Count;
                sentAt.Add(step / 10.0);
            }

            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        // RFC 3261 §17.1.2.2: T1, 2·T1, 4·T1, then T2 (4 s) until Timer F at 64·T1 = 32 s.
        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5], sentAt);
        SipTransactionResult result = await pending;
        Assert.Equal(SipTransactionOutcome.Timeout, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(32), result.Elapsed);
        Assert.Equal(10, result.Retransmissions);
        Assert.Equal(0, Layer.ActiveTransactions);
    }

    [Fact]
    public async Task T1_is_configurable_and_timer_f_follows_it()
    {
        _layer = new SipTransactionLayer(_connection, new SipTimerSettings(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5)), _time);
        Task<SipTransactionResult> pending = Layer.SendAsync(Request(), TestContext.Current.CancellationToken);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, _connection.Sent.Count);
        _time.Advance(TimeSpan.FromMilliseconds(6299));
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(TimeSpan.FromMilliseconds(6400), (await pending).Elapsed);
    }

    [Fact]
    public async Task Over_tcp_nothing_is_retransmitted_but_timer_f_still_applies()
    {
        _connection = new InMemorySipConnection(Server, reliable: true);
        Task<SipTransactionResult> pending = Layer.SendAsync(Request(), TestContext.Current.CancellationToken);

        _time.Advance(TimeSpan.FromSeconds(31.9));
        Assert.Single(_connection.Sent);
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.1));

        SipTransactionResult result = await pending;
        Assert.Equal(SipTransactionOutcome.Timeout, result.Outcome);
        Assert.Equal(0, result.Retransmissions);
    }

    [Fact]
    public async Task Timer_f_runs_from_the_start_so_a_slow_tcp_opening_is_deducted_from_the_wait_for_the_answer()
    {
        // RFC 3261 §17.1.2.2: Timer F is set as the transaction enters Trying, before the transport opens its connection.
        // A connection that takes 4 s to open leaves 28 s for the answer: 32 s in all, not 4 s + 32 s.
        _connection = new InMemorySipConnection(new SipTarget("10.0.0.9", 5060, SipTransportProtocol.Tcp), reliable: true)
        {
            Connecting = ct => Task.Delay(TimeSpan.FromSeconds(4), _time, ct),
        };
        _layer = new SipTransactionLayer(_connection, SipTimerSettings.Default, _time, SipFailoverOptions.DefaultConnectTimeout);
        Task<SipTransactionResult> pending = Layer.SendAsync(Request(), TestContext.Current.CancellationToken);

        _time.Advance(TimeSpan.FromSeconds(4));
        _connection.WaitForSent("OPTIONS");
        _time.Advance(TimeSpan.FromSeconds(27.9));
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.True(SpinWait.SpinUntil(() => pending.IsCompleted, TimeSpan.FromSeconds(10)), "Timer F had not ended the transaction 32 s after it started");
        SipTransactionResult result = await pending;
        Assert.Equal(SipTransactionOutcome.Timeout, result.Outcome);
        Assert.Null(result.Error);
        Assert.Equal(TimeSpan.FromSeconds(32), result.Elapsed);
        Assert.Single(_connection.Sent);
    }

    [Fact]
    public async Task A_provisional_response_moves_to_proceeding_where_timer_e_fires_every_t2()
    {
        Task<SipTransactionResult> pending = Layer.SendAsync(Request(), TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        _connection.Receive(ResponseTo(_connection.Sent[0], 100, "Trying"));

        _time.Advance(TimeSpan.FromMilliseconds(400)); // 0.5 s: E fires in Proceeding and is reset to T2
        Assert.Equal(2, _connection.Sent.Count);
        _time.Advance(TimeSpan.FromSeconds(3.9));
        Assert.Equal(2, _connection.Sent.Count);
        _time.Advance(TimeSpan.FromSeconds(0.1)); // 4.5 s
        Assert.Equal(3, _connection.Sent.Count);
        Assert.False(pending.IsCompleted);

        _connection.Receive(ResponseTo(_connection.Sent[0], 200, "OK"));
        SipTransactionResult result = await pending;
        Assert.Equal(200, result.Response!.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(4.5), result.Elapsed);
    }

    [Fact]
    public async Task A_final_response_completes_it_and_over_udp_timer_k_absorbs_retransmissions_for_t4()
    {
        Task<SipTransactionResult> pending = Layer.SendAsync(Request(), TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromMilliseconds(30));
        SipResponse ok = ResponseTo(_connection.Sent[0], 200, "OK");
        _connection.Receive(ok);

        SipTransactionResult result = await pending;
        Assert.Equal(SipTransactionOutcome.Response, result.Outcome);
        Assert.Same(ok, result.Response);
        Assert.Equal(TimeSpan.FromMilliseconds(30), result.Elapsed);

        // Completed: no more retransmissions, and a retransmitted 200 is absorbed.
        _connection.Receive(ResponseTo(_connection.Sent[0], 200, "OK"));
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Single(_connection.Sent);
        Assert.Equal(1, Layer.ActiveTransactions);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(0, Layer.ActiveTransactions);
    }

    [Fact]
    public async Task Over_tcp_a_final_response_terminates_it_at_once()
    {
        _connection = new InMemorySipConnection(Server, reliable: true) { Responder = r => ResponseTo(r, 404, "Not Found") };

        SipTransactionResult result = await Layer.SendAsync(Request(), TestContext.Current.CancellationToken);

        Assert.Equal(404, result.Response!.StatusCode);
        Assert.Equal(0, Layer.ActiveTransactions);
    }

    [Fact]
    public async Task Responses_match_by_top_via_branch_and_cseq_method_only()
    {
        Task<SipTransactionResult> pending = Layer.SendAsync(Request(), TestContext.Current.CancellationToken);
        SipRequest sent = _connection.Sent[0];

        SipResponse otherBranch = ResponseTo(sent, 200, "OK");
        otherBranch.Headers.Set("Via", "SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bKsomeoneelse");
        _connection.Receive(otherBranch);

        SipResponse otherMethod = ResponseTo(sent, 200, "OK");
        otherMethod.Headers.Set("CSeq", "1 REGISTER");
        _connection.Receive(otherMethod);

        SipResponse noBranch = ResponseTo(sent, 200, "OK");
        noBranch.Headers.Set("Via", "SIP/2.0/UDP 127.0.0.1:5099");
        _connection.Receive(noBranch);
        Assert.False(pending.IsCompleted);

        SipResponse match = ResponseTo(sent, 202, "Accepted");
        _connection.Receive(match);
        Assert.Same(match, (await pending).Response);
    }

    [Fact]
    public async Task A_transport_error_ends_it_at_once()
    {
        Task<SipTransactionResult> pending = Layer.SendAsync(Request(), TestContext.Current.CancellationToken);
        _connection.BreakTransport("port unreachable");

        SipTransactionResult result = await pending;
        Assert.Equal(SipTransactionOutcome.TransportError, result.Outcome);
        Assert.Equal("port unreachable", result.Error!.Message);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(_connection.Sent);
    }

    [Fact]
    public async Task Failing_to_open_or_to_send_is_a_transport_error()
    {
        _connection.OpenFailure = "refused";
        Assert.Equal(SipTransactionOutcome.TransportError, (await Layer.SendAsync(Request(), TestContext.Current.CancellationToken)).Outcome);

        _connection.OpenFailure = null;
        _connection.SendFailure = "reset";
        SipTransactionResult result = await Layer.SendAsync(Request(), TestContext.Current.CancellationToken);
        Assert.Equal(SipTransactionOutcome.TransportError, result.Outcome);
        Assert.Equal("reset", result.Error!.Message);
    }

    [Fact]
    public async Task A_tcp_connection_that_does_not_open_within_the_connect_timeout_is_a_transport_error_naming_that_bound()
    {
        // RFC 3261 §18.4: a connection failure on a reliable transport is reported as a failure in sending.
        _connection = new InMemorySipConnection(new SipTarget("10.0.0.9", 5060, SipTransportProtocol.Tcp), reliable: true)
        {
            Connecting = static ct => Task.Delay(Timeout.InfiniteTimeSpan, ct),
        };
        _layer = new SipTransactionLayer(_connection, SipTimerSettings.Default, _time, SipFailoverOptions.DefaultConnectTimeout);
        Task<SipTransactionResult> pending = Layer.SendAsync(Request(), TestContext.Current.CancellationToken);

        _time.Advance(SipFailoverOptions.DefaultConnectTimeout);

        SipTransactionResult result = await pending.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(SipTransactionOutcome.TransportError, result.Outcome);
        Assert.Equal("the TCP connection to 10.0.0.9:5060 did not open within ConnectTimeout (5s)", result.Error!.Message);
        Assert.Equal(SipFailoverOptions.DefaultConnectTimeout, result.Elapsed);
        Assert.Empty(_connection.Sent);
    }

    [Fact]
    public async Task An_attempt_timeout_ends_an_opening_as_a_transport_error_and_a_wait_for_the_answer_as_an_abandoned_transaction()
    {
        _connection = new InMemorySipConnection(new SipTarget("10.0.0.9", 5060, SipTransportProtocol.Tcp), reliable: true)
        {
            Connecting = static ct => Task.Delay(Timeout.InfiniteTimeSpan, ct),
        };
        _layer = new SipTransactionLayer(_connection, SipTimerSettings.Default, _time, SipFailoverOptions.DefaultConnectTimeout);
        Task<SipTransactionResult> opening = Layer.SendAsync(Request(), TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

        _time.Advance(TimeSpan.FromSeconds(2));

        SipTransactionResult unopened = await opening.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(SipTransactionOutcome.TransportError, unopened.Outcome);
        Assert.Equal("the TCP connection to 10.0.0.9:5060 did not open within the attempt timeout (2s)", unopened.Error!.Message);

        // Once the connection is open, the same bound abandons a request the server does not answer.
        _connection.Connecting = null;
        Task<SipTransactionResult> waiting = Layer.SendAsync(Request(), TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        _connection.WaitForSent("OPTIONS");
        _time.Advance(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal(0, Layer.ActiveTransactions);
    }

    [Fact]
    public async Task Cancelling_abandons_it_and_stops_retransmissions()
    {
        using var cancel = new CancellationTokenSource();
        Task<SipTransactionResult> pending = Layer.SendAsync(Request(), cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Single(_connection.Sent);
        Assert.Equal(0, Layer.ActiveTransactions);
    }

    [Fact]
    public async Task Each_transaction_gets_its_own_via_on_top_and_the_callers_request_is_unchanged()
    {
        _connection.Responder = r => ResponseTo(r, 200, "OK");
        SipRequest request = Request();

        await Layer.SendAsync(request, TestContext.Current.CancellationToken);
        await Layer.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.False(request.Headers.Contains("Via"));
        string first = _connection.Sent[0].Headers["Via"]!;
        Assert.StartsWith("SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK", first, StringComparison.Ordinal);
        Assert.EndsWith(";rport", first, StringComparison.Ordinal);
        Assert.NotEqual(Branch(_connection.Sent[0]), Branch(_connection.Sent[1]));
    }

    [Fact]
    public async Task Invite_and_ack_are_refused()
    {
        var invite = new SipRequest("INVITE", "sip:bob@example.com");

        await Assert.ThrowsAsync<ArgumentException>("request", () => Layer.SendAsync(invite, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_request_of_the_largest_size_is_sent_and_one_byte_more_is_refused_before_anything_goes_out()
    {
        _connection.Responder = r => ResponseTo(r, 200, "OK");
        CancellationToken ct = TestContext.Current.CancellationToken;
        SipRequest probe = Request();
        probe.Body = new byte[10_000];
        await Layer.SendAsync(probe, ct);
        int stamped = _connection.Sent[0].ToBytes().Length;

        // Same digits in Content-Length, same Via length: the size moves with the body alone.
        SipRequest largest = Request();
        largest.Body = new byte[10_000 + SipMessage.MaxMessageSize - stamped];
        await Layer.SendAsync(largest, ct);
        SipRequest over = Request();
        over.Body = new byte[largest.Body.Length + 1];
        ArgumentException refused = await Assert.ThrowsAsync<ArgumentException>("request", () => Layer.SendAsync(over, ct));

        Assert.Equal(SipMessage.MaxMessageSize, _connection.Sent[1].ToBytes().Length);
        Assert.StartsWith($"The request is {SipMessage.MaxMessageSize + 1} bytes; at most {SipMessage.MaxMessageSize} can be sent.", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, _connection.Sent.Count);
        Assert.All(_connection.Sent, static r => Assert.False(r.Headers.Contains("Contact")));
    }

    private static SipRequest Request()
    {
        var request = new SipRequest("OPTIONS", "sip:10.0.0.9:5060");
        request.Headers.Add("Max-Forwards", "70");
        request.Headers.Add("From", "<sip:slakit@slakit.invalid>;tag=abc");
        request.Headers.Add("To", "<sip:10.0.0.9:5060>");
        request.Headers.Add("Call-ID", "call-1");
        request.Headers.Add("CSeq", "1 OPTIONS");
        return request;
    }
}
