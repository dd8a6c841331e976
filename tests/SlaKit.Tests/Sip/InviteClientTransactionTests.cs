using Microsoft.Extensions.Time.Testing;
using SlaKit.Sip;
using static SlaKit.Tests.Sip.SipTestMessages;

namespace SlaKit.Tests.Sip;

/// <summary>RFC 3261 §17.1.1, with RFC 6026's Accepted state, on a fake clock, through the transaction layer.</summary>
public sealed class InviteClientTransactionTests : IAsyncDisposable
{
    private static readonly SipTarget Server = new("10.0.0.9");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly List<SipResponse> _passedUp = [];
    private InMemorySipConnection _connection = new(Server);
    private SipTransactionLayer? _layer;

    private SipTransactionLayer Layer => _layer ??= new SipTransactionLayer(_connection, SipTimerSettings.Default, _time);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_layer is not null)
        {
            await _layer.DisposeAsync();
        }
    }

    [Fact]
    public async Task Over_udp_timer_a_doubles_from_t1_without_a_cap_and_timer_b_ends_it_after_64_t1()
    {
        Task<SipTransactionResult> pending = Invite();
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

        // T1, 2·T1, 4·T1, ... (16 s and no T2 cap, unlike Timer E) until Timer B at 64·T1 = 32 s.
        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5], sentAt);
        SipTransactionResult result = await pending;
        Assert.Equal(SipTransactionOutcome.Timeout, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(32), result.Elapsed);
        Assert.Equal(6, result.Retransmissions);
        Assert.All(_connection.Sent, r => Assert.Equal("INVITE", r.Method));
        Assert.Equal(0, Layer.ActiveTransactions);
    }

    [Fact]
    public async Task Timer_b_runs_from_the_start_so_a_slow_tcp_opening_is_deducted_from_the_wait_for_a_response()
    {
        // RFC 3261 §17.1.1.2: Timer B starts as the transaction enters Calling, and the transport's connection set-up is
        // within it. A connection that takes 4 s to open leaves 28 s for a response: 32 s in all, not 4 s + 32 s.
        _connection = new InMemorySipConnection(new SipTarget("10.0.0.9", 5060, SipTransportProtocol.Tcp), reliable: true)
        {
            Connecting = ct => Task.Delay(TimeSpan.FromSeconds(4), _time, ct),
        };
        _layer = new SipTransactionLayer(_connection, SipTimerSettings.Default, _time, SipFailoverOptions.DefaultConnectTimeout);
        Task<SipTransactionResult> pending = Invite();

        _time.Advance(TimeSpan.FromSeconds(4));
        _connection.WaitForSent("INVITE");
        _time.Advance(TimeSpan.FromSeconds(27.9));
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.True(SpinWait.SpinUntil(() => pending.IsCompleted, TimeSpan.FromSeconds(10)), "Timer B had not ended the transaction 32 s after it started");
        SipTransactionResult result = await pending;
        Assert.Equal(SipTransactionOutcome.Timeout, result.Outcome);
        Assert.Null(result.Error);
        Assert.Equal(TimeSpan.FromSeconds(32), result.Elapsed);
        Assert.Single(_connection.Sent);
    }

    [Fact]
    public async Task A_provisional_stops_the_retransmissions_and_timer_b_and_goes_up_so_a_callee_may_ring_past_64_t1()
    {
        Task<SipTransactionResult> pending = Invite();
        _connection.Receive(ResponseTo(_connection.Sent[0], 180, "Ringing"));

        // RFC 3261 Figure 5: Timer B fires in Calling only; in Proceeding the final response, or the user's CANCEL, ends it.
        _time.Advance(TimeSpan.FromSeconds(120));
        Assert.Single(_connection.Sent);
        Assert.Equal([180], _passedUp.Select(static r => r.StatusCode));
        Assert.False(pending.IsCompleted);

        _connection.Receive(ResponseTo(_connection.Sent[0], 486, "Busy Here"));
        Assert.Equal(486, (await pending).Response!.StatusCode);
    }

    [Fact]
    public async Task Stopping_the_retransmissions_keeps_taking_responses_and_timer_b_still_ends_a_silent_transaction()
    {
        InviteClientTransaction? transaction = null;
        Task<SipTransactionResult> pending = Layer.InviteAsync(InviteRequest(), _passedUp.Add, Ct, started: t => transaction = t);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, _connection.Sent.Count);

        transaction!.StopRetransmissions();
        _time.Advance(TimeSpan.FromSeconds(30.9));
        Assert.Equal(2, _connection.Sent.Count);
        Assert.False(pending.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(SipTransactionOutcome.Timeout, (await pending).Outcome);
    }

    [Fact]
    public async Task A_late_provisional_after_the_retransmissions_stopped_still_goes_up()
    {
        InviteClientTransaction? transaction = null;
        Task<SipTransactionResult> pending = Layer.InviteAsync(InviteRequest(), _passedUp.Add, Ct, started: t => transaction = t);
        transaction!.StopRetransmissions();
        _time.Advance(TimeSpan.FromSeconds(5));

        _connection.Receive(ResponseTo(_connection.Sent[0], 180, "Ringing"));

        Assert.True(transaction.IsProceeding);
        Assert.Equal([180], _passedUp.Select(static r => r.StatusCode));
        Assert.False(pending.IsCompleted);
        Assert.Single(_connection.Sent);
    }

    [Fact]
    public async Task A_non_2xx_final_is_acked_by_the_transaction_with_the_same_branch_and_the_tagged_to()
    {
        Task<SipTransactionResult> pending = Invite(route: "<sip:edge.carrier.example;lr>");
        SipRequest invite = _connection.Sent[0];
        SipResponse busy = ResponseTo(invite, 486, "Busy Here");
        _connection.Receive(busy);

        SipTransactionResult result = await pending;
        Assert.Equal(486, result.Response!.StatusCode);
        SipRequest ack = Assert.Single(_connection.Sent, static r => r.Method == "ACK");
        Assert.Equal(invite.RequestUri, ack.RequestUri);
        Assert.Equal(Branch(invite), Branch(ack));
        Assert.Equal(invite.Headers["Via"], ack.Headers["Via"]);
        Assert.Single(ack.Headers.GetValues("Via"));
        Assert.Equal("<sip:10.0.0.9:5060>;tag=uas1", ack.Headers["To"]);
        Assert.Equal(invite.Headers["From"], ack.Headers["From"]);
        Assert.Equal(invite.Headers["Call-ID"], ack.Headers["Call-ID"]);
        Assert.Equal("7 ACK", ack.Headers["CSeq"]);
        Assert.Equal("<sip:edge.carrier.example;lr>", ack.Headers["Route"]);
        Assert.Empty(_passedUp);
    }

    [Fact]
    public async Task Over_udp_a_retransmitted_non_2xx_is_acked_again_and_absorbed_until_timer_d()
    {
        Task<SipTransactionResult> pending = Invite();
        SipResponse busy = ResponseTo(_connection.Sent[0], 486, "Busy Here");
        _connection.Receive(busy);
        await pending;

        _connection.Receive(busy);
        _time.Advance(TimeSpan.FromSeconds(31.9));

        Assert.Equal(2, _connection.Sent.Count(static r => r.Method == "ACK"));
        Assert.Empty(_passedUp);
        Assert.Equal(1, Layer.ActiveTransactions);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(0, Layer.ActiveTransactions);

        // Terminated: a late retransmission finds no transaction, and nothing is sent.
        _connection.Receive(busy);
        Assert.Equal(2, _connection.Sent.Count(static r => r.Method == "ACK"));
    }

    [Fact]
    public async Task Over_tcp_nothing_is_retransmitted_and_a_non_2xx_ends_the_transaction_once_acked()
    {
        _connection = new InMemorySipConnection(Server, reliable: true);
        Task<SipTransactionResult> pending = Invite();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(_connection.Sent);

        _connection.Receive(ResponseTo(_connection.Sent[0], 503, "Service Unavailable"));

        Assert.Equal(503, (await pending).Response!.StatusCode);
        Assert.Single(_connection.Sent, static r => r.Method == "ACK");
        Assert.Equal(0, Layer.ActiveTransactions);
    }

    [Fact]
    public async Task A_2xx_goes_up_unacked_and_its_retransmissions_go_up_too_until_timer_m()
    {
        Task<SipTransactionResult> pending = Invite();
        SipResponse ok = ResponseTo(_connection.Sent[0], 200, "OK");
        _connection.Receive(ResponseTo(_connection.Sent[0], 100, "Trying"));
        _connection.Receive(ok);

        SipTransactionResult result = await pending;
        _connection.Receive(ok);
        _connection.Receive(ResponseTo(_connection.Sent[0], 486, "Busy Here"));

        // The ACK for a 2xx is the user's, end to end (RFC 3261 §13.2.2.4): the transaction sends none, and passes every
        // retransmitted 2xx up for the user to ACK again; anything else in Accepted is dropped.
        Assert.Equal(200, result.Response!.StatusCode);
        Assert.DoesNotContain(_connection.Sent, static r => r.Method == "ACK");
        Assert.Equal([100, 200], _passedUp.Select(static r => r.StatusCode));
        _time.Advance(TimeSpan.FromSeconds(31.9));
        Assert.Equal(1, Layer.ActiveTransactions);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(0, Layer.ActiveTransactions);
    }

    [Theory]
    [InlineData(299, 0)]
    [InlineData(300, 1)]
    public async Task The_transaction_acks_finals_from_300_up_and_leaves_a_2xx_to_its_user(int status, int acks)
    {
        Task<SipTransactionResult> pending = Invite();

        _connection.Receive(ResponseTo(_connection.Sent[0], status, "Final"));

        Assert.Equal(status, (await pending).Response!.StatusCode);
        Assert.Equal(acks, _connection.Sent.Count(static r => r.Method == "ACK"));
    }

    [Fact]
    public async Task After_a_300_only_its_retransmission_is_acked_again_and_after_a_2xx_a_300_is_dropped()
    {
        Task<SipTransactionResult> moved = Invite();
        SipRequest first = _connection.Sent[0];
        SipResponse redirect = ResponseTo(first, 300, "Multiple Choices");
        _connection.Receive(redirect);
        await moved;
        _connection.Receive(ResponseTo(first, 299, "Late"));
        _connection.Receive(redirect);

        Assert.Equal(2, _connection.Sent.Count(static r => r.Method == "ACK"));

        Task<SipTransactionResult> answered = Invite();
        SipRequest second = _connection.Sent[^1];
        _connection.Receive(ResponseTo(second, 299, "OK"));
        await answered;
        _connection.Receive(ResponseTo(second, 300, "Multiple Choices"));
        _connection.Receive(ResponseTo(second, 200, "OK"));

        Assert.Equal([200], _passedUp.Select(static r => r.StatusCode));
    }

    [Fact]
    public async Task A_transport_error_before_a_final_ends_it_with_the_error()
    {
        Task<SipTransactionResult> pending = Invite();
        _connection.BreakTransport("connection reset");

        SipTransactionResult result = await pending;
        Assert.Equal(SipTransactionOutcome.TransportError, result.Outcome);
        Assert.Equal("connection reset", result.Error!.Message);
        Assert.Equal(0, Layer.ActiveTransactions);
    }

    [Fact]
    public async Task A_caller_who_stops_waiting_abandons_it_and_nothing_more_is_sent()
    {
        using var stop = new CancellationTokenSource();
        Task<SipTransactionResult> pending = Layer.InviteAsync(InviteRequest(), _passedUp.Add, stop.Token);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Single(_connection.Sent);
        Assert.Equal(0, Layer.ActiveTransactions);
    }

    [Theory]
    [InlineData("sips:+4930123456@carrier.example", null, "<sips:slakit@")]
    [InlineData("sip:+4930123456@carrier.example", "<sips:edge.carrier.example;lr>", "<sips:slakit@")]
    [InlineData("sip:+4930123456@carrier.example", "<sip:edge.carrier.example;lr>", "<sip:slakit@")]
    [InlineData("sip:+4930123456@carrier.example", null, "<sip:slakit@")]
    public async Task The_contact_added_to_an_invite_is_a_sips_uri_when_its_request_uri_or_top_route_is_one(string requestUri, string? route, string contact)
    {
        var request = new SipRequest("INVITE", requestUri);
        if (route is not null)
        {
            request.Headers.Add("Route", route);
        }

        request.Headers.Add("Max-Forwards", "70");
        request.Headers.Add("From", "<sip:agent@slakit.invalid>;tag=abc");
        request.Headers.Add("To", $"<{requestUri}>");
        request.Headers.Add("Call-ID", "call-8");
        request.Headers.Add("CSeq", "1 INVITE");

        Task<SipTransactionResult> pending = Layer.InviteAsync(request, _passedUp.Add, Ct);
        string sent = _connection.Sent[0].Headers["Contact"]!;
        _connection.Receive(ResponseTo(_connection.Sent[0], 486, "Busy Here"));

        // RFC 3261 §8.1.1.8; with sips, TLS is implied and no transport parameter is added (RFC 5630 §3.1.3).
        Assert.StartsWith(contact, sent, StringComparison.Ordinal);
        Assert.Equal(contact == "<sips:slakit@", !sent.Contains(";transport=", StringComparison.Ordinal));
        Assert.Equal(486, (await pending).Response!.StatusCode);
    }

    [Fact]
    public async Task Only_an_invite_takes_the_invite_transaction_and_only_other_requests_the_other()
    {
        var options = new SipRequest("OPTIONS", "sip:10.0.0.9:5060");
        SipRequest noCSeq = InviteRequest();
        noCSeq.Headers.Remove("CSeq");

        var invite = await Assert.ThrowsAsync<ArgumentException>(() => Layer.InviteAsync(options, _passedUp.Add, Ct));
        var incomplete = await Assert.ThrowsAsync<ArgumentException>(() => Layer.InviteAsync(noCSeq, _passedUp.Add, Ct));
        var send = await Assert.ThrowsAsync<ArgumentException>(() => Layer.SendAsync(InviteRequest(), Ct));

        Assert.Equal("invite", invite.ParamName);
        Assert.Equal("invite", incomplete.ParamName);
        Assert.Equal("request", send.ParamName);
        Assert.StartsWith("OPTIONS is not an INVITE; send it with SendAsync.", invite.Message, StringComparison.Ordinal);
        Assert.StartsWith("An INVITE needs From, To, Call-ID and a CSeq naming INVITE.", incomplete.Message, StringComparison.Ordinal);
        Assert.StartsWith("INVITE needs an INVITE transaction; only non-INVITE requests are supported.", send.Message, StringComparison.Ordinal);
        foreach (string header in new[] { "From", "To", "Call-ID" })
        {
            SipRequest lacking = InviteRequest();
            lacking.Headers.Remove(header);
            Assert.Equal("invite", (await Assert.ThrowsAsync<ArgumentException>(() => Layer.InviteAsync(lacking, _passedUp.Add, Ct))).ParamName);
        }

        var ack = new SipRequest("ACK", "sip:10.0.0.9:5060");
        Assert.Equal("request", (await Assert.ThrowsAsync<ArgumentException>(() => Layer.SendAsync(ack, Ct))).ParamName);
        Assert.Empty(_connection.Sent);
    }

    [Fact]
    public async Task A_cancel_waits_for_a_provisional_then_goes_with_the_invites_branch_and_the_invite_ends_with_487()
    {
        InviteClientTransaction? transaction = null;
        Task<SipTransactionResult> pending = Layer.InviteAsync(InviteRequest("<sip:edge.carrier.example;lr>"), _passedUp.Add, Ct, t => transaction = t);
        SipRequest invite = _connection.Sent[0];
        Task<SipTransactionResult?> cancelling = Layer.CancelAsync(transaction!, Ct);

        // §9.1: nothing is sent before the provisional. The server answers the CANCEL itself, once it comes.
        Assert.Single(_connection.Sent);
        _connection.Responder = static r => r.Method == "CANCEL" ? ResponseTo(r, 200, "OK") : null;
        _connection.Receive(ResponseTo(invite, 180, "Ringing"));

        // The CANCEL is a transaction of its own, matched by the same branch and its own method.
        Assert.Equal(200, (await cancelling)!.Value.Response!.StatusCode);
        SipRequest cancel = Assert.Single(_connection.Sent, static r => r.Method == "CANCEL");
        Assert.Equal(invite.RequestUri, cancel.RequestUri);
        Assert.Equal(invite.Headers["Via"], cancel.Headers["Via"]);
        Assert.Single(cancel.Headers.GetValues("Via"));
        Assert.Equal("7 CANCEL", cancel.Headers["CSeq"]);
        Assert.Equal(invite.Headers["To"], cancel.Headers["To"]);
        Assert.Equal(invite.Headers["From"], cancel.Headers["From"]);
        Assert.Equal(invite.Headers["Call-ID"], cancel.Headers["Call-ID"]);
        Assert.Equal("<sip:edge.carrier.example;lr>", cancel.Headers["Route"]);

        _connection.Receive(ResponseTo(invite, 487, "Request Terminated"));
        Assert.Equal(487, (await pending).Response!.StatusCode);
        Assert.Single(_connection.Sent, static r => r.Method == "ACK");
    }

    [Fact]
    public async Task No_cancel_is_sent_for_an_invite_that_has_a_final_response()
    {
        InviteClientTransaction? transaction = null;
        Task<SipTransactionResult> pending = Layer.InviteAsync(InviteRequest(), _passedUp.Add, Ct, t => transaction = t);
        _connection.Receive(ResponseTo(_connection.Sent[0], 486, "Busy Here"));
        await pending;

        Assert.Null(await Layer.CancelAsync(transaction!, Ct));
        Assert.DoesNotContain(_connection.Sent, static r => r.Method == "CANCEL");
    }

    [Fact]
    public async Task A_connection_is_not_closed_as_silent_while_a_call_rings_on_it_or_its_dialog_lives()
    {
        // A request on this connection timed out with nothing back; a ringing call on it would fail with a transport
        // error and no CANCEL, and could then ring the callee again elsewhere.
        _connection = new InMemorySipConnection(new SipTarget("10.0.0.9", 5060, SipTransportProtocol.Tcp), reliable: true)
        {
            Responder = static r => r.Method == "INVITE" ? ResponseTo(r, 180, "Ringing") : null,
        };
        Task<SipTransactionResult> ringing = Invite();
        Assert.True(SpinWait.SpinUntil(() => _passedUp.Count == 1, TimeSpan.FromSeconds(10)), "the 180 never came up");

        Layer.CloseIfSilentSince(_connection.Received, TimeSpan.FromSeconds(2));
        Assert.Equal(0, _connection.SilentCloses);

        // The call is declined: no INVITE runs any more, but its dialog (here, one that went on) still takes requests.
        _connection.Receive(ResponseTo(_connection.WaitForSent("INVITE"), 486, "Busy Here"));
        Assert.Equal(486, (await ringing).Response!.StatusCode);
        _time.Advance(TimeSpan.FromSeconds(33));
        Assert.True(SpinWait.SpinUntil(() => Layer.ActiveTransactions == 0, TimeSpan.FromSeconds(10)), "the INVITE transaction never ended");
        Layer.Listen("a-call", static request => SipResponses.To(request, 200, "OK"));
        Layer.CloseIfSilentSince(_connection.Received, TimeSpan.FromSeconds(2));
        Assert.Equal(0, _connection.SilentCloses);

        Layer.Forget("a-call");
        Layer.CloseIfSilentSince(_connection.Received, TimeSpan.FromSeconds(2));
        Assert.Equal(1, _connection.SilentCloses);
    }

    [Fact]
    public async Task An_invite_already_answered_does_not_keep_its_connection_from_being_closed_as_silent()
    {
        _connection = new InMemorySipConnection(new SipTarget("10.0.0.9", 5060, SipTransportProtocol.Tcp), reliable: true)
        {
            Responder = static r => r.Method == "INVITE" ? ResponseTo(r, 200, "OK") : null,
        };

        Assert.Equal(200, (await Invite()).Response!.StatusCode);

        // Accepted (RFC 6026): it only absorbs retransmitted 2xx for Timer M; no call waits on it.
        Assert.Equal(1, Layer.ActiveTransactions);
        Layer.CloseIfSilentSince(_connection.Received, TimeSpan.FromSeconds(2));
        Assert.Equal(1, _connection.SilentCloses);
    }

    private Task<SipTransactionResult> Invite(string? route = null) => Layer.InviteAsync(InviteRequest(route), _passedUp.Add, Ct);

    private static SipRequest InviteRequest(string? route = null)
    {
        var request = new SipRequest("INVITE", "sip:+4930123456@10.0.0.9:5060");
        if (route is not null)
        {
            request.Headers.Add("Route", route);
        }

        request.Headers.Add("Max-Forwards", "70");
        request.Headers.Add("From", "<sip:agent@slakit.invalid>;tag=abc");
        request.Headers.Add("To", "<sip:10.0.0.9:5060>");
        request.Headers.Add("Call-ID", "call-7");
        request.Headers.Add("CSeq", "7 INVITE");
        request.Headers.Add("Contact", "<sip:agent@127.0.0.1:5070>");
        return request;
    }
}
