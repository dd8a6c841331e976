using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Budgets;
using SlaKit.Regions;
using SlaKit.Sip;
using static SlaKit.Tests.Sip.SipTestMessages;

namespace SlaKit.Tests.Sip;

/// <summary><see cref="SipFailoverClient.InviteAsync"/> on a fake clock: which answers move a call on, and which end it.</summary>
public sealed class SipCallFailoverTests : IAsyncDisposable
{
    private static readonly byte[] Offer = "v=0\r\no=agent 1 1 IN IP4 10.0.0.50\r\ns=-\r\nc=IN IP4 10.0.0.50\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"u8.ToArray();
    private static readonly byte[] Answer = "v=0\r\no=callee 2 2 IN IP4 10.0.0.60\r\ns=-\r\nc=IN IP4 10.0.0.60\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"u8.ToArray();
    private readonly string _name = $"calls-{Guid.NewGuid():N}";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly Region _primary = new("carrier-a", new Uri("sip:10.0.0.1:5060"));
    private readonly Region _secondary = new("carrier-b", new Uri("sip:10.0.0.2:5060")) { Priority = 1 };
    private readonly InMemorySipConnection _a = new(new SipTarget("10.0.0.1"));
    private readonly InMemorySipConnection _b = new(new SipTarget("10.0.0.2"));
    private SipFailoverClient? _client;

    public SipCallFailoverTests()
    {
        _b.Responder = Callee(_b, r => Ok(r));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_answered_call_carries_its_dialog_trunk_and_sdp_answer_and_ends_with_a_bye_on_its_trunk()
    {
        _a.Responder = Callee(_a, r => Ok(r), ringFirst: true);

        SipCall call = await Client().InviteAsync(Invite(), Ct);

        SipRequest invite = Assert.Single(_a.Sent, static r => r.Method == "INVITE");
        Assert.Equal(Offer, invite.Body.ToArray());
        Assert.Equal("application/sdp", invite.Headers["Content-Type"]);
        Assert.StartsWith("<sip:slakit@127.0.0.1:5099;transport=udp>", invite.Headers["Contact"], StringComparison.Ordinal);
        Assert.Equal("INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE", invite.Headers["Allow"]);
        Assert.Equal(_primary, call.Trunk);
        Assert.Equal(invite.Headers["Call-ID"], call.CallId);
        Assert.Equal("agent1", call.LocalTag);
        Assert.Equal("uas1", call.RemoteTag);
        Assert.Equal("sip:callee@10.0.0.60:5060", call.RemoteTarget);
        Assert.Equal(Answer, call.SessionDescription.ToArray());
        Assert.Equal("application/sdp", call.ContentType);
        Assert.Equal(TimeSpan.Zero, call.PostDialDelay);
        Assert.Equal([SipAttemptOutcomeKind.Answered], call.Attempts.Select(static a => a.Kind));
        Assert.Single(_a.Sent, static r => r.Method == "ACK");
        Assert.Empty(_b.Sent);

        SipResponse? bye = await call.ByeAsync(Ct);

        Assert.Equal(200, bye!.StatusCode);
        SipRequest sentBye = Assert.Single(_a.Sent, static r => r.Method == "BYE");
        Assert.Equal("sip:callee@10.0.0.60:5060", sentBye.RequestUri);
        Assert.True(call.IsEnded);
        Assert.True(call.Ended.IsCompletedSuccessfully);
        Assert.False(call.EndedByCallee);
        Assert.Null(await call.ByeAsync(Ct));
        Assert.Single(_a.Sent, static r => r.Method == "BYE");
    }

    [Fact]
    public async Task The_callees_bye_is_answered_200_and_ends_the_call_and_its_channel()
    {
        _a.Responder = Callee(_a, r => Ok(r));
        SipFailoverClient client = Client(o => o.MaxConcurrentCalls["carrier-a"] = 1);
        SipCall call = await client.InviteAsync(Invite(), Ct);
        SipRequest invite = Assert.Single(_a.Sent, static r => r.Method == "INVITE");

        _a.Receive(FromCallee("OPTIONS", invite, call));
        _a.Receive(FromCallee("REFER", invite, call));
        _a.Receive(FromCallee("BYE", invite, call));
        await call.Ended.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        _a.Receive(FromCallee("BYE", invite, call, toTag: "other"));

        Assert.True(SpinWait.SpinUntil(() => _a.Answers.Count == 4, TimeSpan.FromSeconds(10)));
        Assert.Equal([200, 501, 200, 481], _a.Answers.Select(static r => r.StatusCode));
        Assert.Equal(("2 BYE", "z9hG4bKbye"), (_a.Answers[2].Headers["CSeq"], Branch(_a.Answers[2])));
        Assert.True(call.IsEnded);
        Assert.True(call.EndedByCallee);
        Assert.Null(await call.ByeAsync(Ct));
        Assert.DoesNotContain(_a.Sent, static r => r.Method == "BYE");
        Assert.Equal(0, client.GetTrunkStatus()[0].ActiveCalls);
    }

    [Fact]
    public async Task The_callees_bye_sent_straight_to_our_contact_ends_the_call_and_its_200_goes_back_to_the_callee()
    {
        // The trunk did not Record-Route: the callee sends its BYE to our Contact itself (RFC 3261 §12.2.1.1), from its
        // own address, and its Via names the port it listens on (§18.2.2).
        _a.Responder = Callee(_a, r => Ok(r));
        SipFailoverClient client = Client(o => o.MaxConcurrentCalls["carrier-a"] = 1);
        SipCall call = await client.InviteAsync(Invite(), Ct);
        SipRequest invite = Assert.Single(_a.Sent, static r => r.Method == "INVITE");
        SipRequest bye = FromCallee("BYE", invite, call);
        bye.Headers.Set("Via", "SIP/2.0/UDP 10.0.0.60:5062;branch=z9hG4bKdirect");

        _a.Receive(bye, IPEndPoint.Parse("10.0.0.60:41000"));
        await call.Ended.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(SpinWait.SpinUntil(() => _a.AnswersSentTo.Count == 1, TimeSpan.FromSeconds(10)));
        (SipResponse answer, IPEndPoint to) = _a.AnswersSentTo[0];
        Assert.Equal((200, "z9hG4bKdirect"), (answer.StatusCode, Branch(answer)));
        Assert.Equal(IPEndPoint.Parse("10.0.0.60:5062"), to);
        Assert.Empty(_a.Answers);
        Assert.True(call.EndedByCallee);
        Assert.Equal(0, client.GetTrunkStatus()[0].ActiveCalls);
    }

    [Fact]
    public async Task A_bye_the_callee_sends_again_over_udp_gets_the_same_200_until_timer_j_and_is_a_new_request_after()
    {
        _a.Responder = Callee(_a, r => Ok(r));
        SipFailoverClient client = Client(o => o.T1 = TimeSpan.FromMilliseconds(200));
        SipCall call = await client.InviteAsync(Invite(), Ct);
        SipRequest invite = Assert.Single(_a.Sent, static r => r.Method == "INVITE");

        _a.Receive(FromCallee("BYE", invite, call));
        await call.Ended.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        // Our 200 was lost: the callee sends the same BYE (same branch) again, within Timer J = 64·T1 = 12.8 s.
        _time.Advance(TimeSpan.FromSeconds(12));
        _a.Receive(FromCallee("BYE", invite, call));
        Assert.True(SpinWait.SpinUntil(() => _a.Answers.Count == 2, TimeSpan.FromSeconds(10)));
        Assert.Equal([200, 200], _a.Answers.Select(static r => r.StatusCode));
        Assert.Equal(_a.Answers[0].ToBytes(), _a.Answers[1].ToBytes());

        _time.Advance(TimeSpan.FromSeconds(1));
        _a.Receive(FromCallee("BYE", invite, call));

        Assert.True(SpinWait.SpinUntil(() => _a.Answers.Count == 3, TimeSpan.FromSeconds(10)));
        Assert.Equal([200, 200, 481], _a.Answers.Select(static r => r.StatusCode));
        Assert.True(call.EndedByCallee);
    }

    [Fact]
    public async Task A_bye_the_callee_sends_again_over_tcp_is_a_new_request_at_once()
    {
        var tcp = new InMemorySipConnection(new SipTarget("10.0.0.1", 5060, SipTransportProtocol.Tcp), reliable: true);
        tcp.Responder = Callee(tcp, r => Ok(r));
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("carrier-a", new Uri("sip:10.0.0.1:5060;transport=tcp")));
        SipFailoverClient client = _client = new SipFailoverClient(_name, options, _time, null, null, ownsTelemetry: false, _ => tcp, new Random(1));
        SipCall call = await client.InviteAsync(Invite(), Ct);
        SipRequest invite = Assert.Single(tcp.Sent, static r => r.Method == "INVITE");

        // RFC 3261 §17.2.2: Timer J is zero over a reliable transport, so the same BYE again finds no dialog.
        tcp.Receive(FromCallee("BYE", invite, call));
        await call.Ended.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        tcp.Receive(FromCallee("BYE", invite, call));

        Assert.True(SpinWait.SpinUntil(() => tcp.Answers.Count == 2, TimeSpan.FromSeconds(10)));
        Assert.Equal([200, 481], tcp.Answers.Select(static r => r.StatusCode));
    }

    [Fact]
    public async Task Requests_within_the_dialog_are_answered_as_rfc_3261_12_2_2_says_until_the_call_ends()
    {
        _a.Responder = Callee(_a, r => Ok(r));
        SipFailoverClient client = Client();
        SipCall call = await client.InviteAsync(Invite(), Ct);
        SipRequest invite = Assert.Single(_a.Sent, static r => r.Method == "INVITE");
        SipRequest stranger = FromCallee("OPTIONS", invite, call);
        stranger.Headers.Remove("From");
        stranger.Headers.Add("From", "<sip:callee@10.0.0.60:5060>;tag=stranger");

        _a.Receive(FromCallee("INFO", invite, call));
        _a.Receive(FromCallee("OPTIONS", invite, call));
        _a.Receive(FromCallee("REFER", invite, call));
        _a.Receive(stranger);
        await call.ByeAsync(Ct);
        _a.Receive(FromCallee("INFO", invite, call, cseq: 3));

        Assert.True(SpinWait.SpinUntil(() => _a.Answers.Count == 5, TimeSpan.FromSeconds(10)));
        Assert.Equal(
            ["200 OK", "200 OK", "501 Not Implemented", "481 Call/Transaction Does Not Exist", "481 Call/Transaction Does Not Exist"],
            _a.Answers.Select(static r => r.StatusText));
    }

    [Fact]
    public async Task A_session_refresh_re_invite_gets_200_with_our_contact_and_offer_sent_again_until_its_ack_and_takes_its_new_target()
    {
        // An SBC's session timer (RFC 4028) refreshes the call with a re-INVITE carrying its SDP unchanged.
        _a.Responder = Callee(_a, r => Ok(r));
        SipFailoverClient client = Client(o => o.T1 = TimeSpan.FromMilliseconds(500));
        SipCall call = await client.InviteAsync(Invite(), Ct);
        SipRequest invite = Assert.Single(_a.Sent, static r => r.Method == "INVITE");
        SipRequest refresh = Refresh("INVITE", invite, call, Answer);
        refresh.Headers.Add("Contact", "<sip:callee@10.0.0.61:5060>");

        _a.Receive(refresh);
        Assert.True(SpinWait.SpinUntil(() => _a.Answers.Count == 1, TimeSpan.FromSeconds(10)));
        SipResponse ok = _a.Answers[0];
        _time.Advance(TimeSpan.FromMilliseconds(500));
        _time.Advance(TimeSpan.FromMilliseconds(1000));
        int beforeAck = _a.Answers.Count;
        _a.Receive(FromCallee("ACK", invite, call));
        for (int i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(("200 OK", "2 INVITE"), (ok.StatusText, ok.Headers["CSeq"]));
        Assert.Equal(invite.Headers["Contact"], ok.Headers["Contact"]);
        Assert.Equal("application/sdp", ok.Headers["Content-Type"]);
        Assert.Equal(Offer, ok.Body.ToArray());
        Assert.Contains("UPDATE", ok.Headers["Allow"], StringComparison.Ordinal);
        Assert.Equal(3, beforeAck);
        Assert.Equal(3, _a.Answers.Count);
        Assert.All(_a.Answers, a => Assert.Equal(ok.ToBytes(), a.ToBytes()));
        Assert.False(call.IsEnded);
        Assert.Equal("sip:callee@10.0.0.61:5060", call.RemoteTarget);
        await call.ByeAsync(Ct);
        Assert.Equal("sip:callee@10.0.0.61:5060", Assert.Single(_a.Sent, static r => r.Method == "BYE").RequestUri);
    }

    [Fact]
    public async Task A_re_invites_2xx_that_no_ack_answers_is_sent_again_for_64_t1_and_no_longer()
    {
        _a.Responder = Callee(_a, r => Ok(r));
        SipFailoverClient client = Client(o => o.T1 = TimeSpan.FromMilliseconds(500));
        SipCall call = await client.InviteAsync(Invite(), Ct);

        _a.Receive(Refresh("INVITE", Assert.Single(_a.Sent, static r => r.Method == "INVITE"), call, Answer));
        Assert.True(SpinWait.SpinUntil(() => _a.Answers.Count == 1, TimeSpan.FromSeconds(10)));
        for (int i = 0; i < 100; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
        }

        // At 0.5, 1.5, 3.5 and 7.5 s, then every T2 (4 s) up to 31.5 s: ten times, and none once 64·T1 (32 s) has passed.
        Assert.Equal(11, _a.Answers.Count);
        Assert.False(call.IsEnded);
    }

    [Fact]
    public async Task An_update_that_refreshes_the_session_gets_200_with_our_contact_and_our_sdp_only_when_it_carried_one()
    {
        _a.Responder = Callee(_a, r => Ok(r));
        SipFailoverClient client = Client();
        SipCall call = await client.InviteAsync(Invite(), Ct);
        SipRequest invite = Assert.Single(_a.Sent, static r => r.Method == "INVITE");

        _a.Receive(Refresh("UPDATE", invite, call, body: null));
        _a.Receive(Refresh("UPDATE", invite, call, Answer, cseq: 3));
        _a.Receive(Refresh("INVITE", invite, call, body: null, cseq: 4));

        Assert.True(SpinWait.SpinUntil(() => _a.Answers.Count == 3, TimeSpan.FromSeconds(10)));
        Assert.Equal(["200 OK", "200 OK", "200 OK"], _a.Answers.Select(static a => a.StatusText));
        Assert.All(_a.Answers, a => Assert.Equal(invite.Headers["Contact"], a.Headers["Contact"]));
        Assert.Equal((null, 0), (_a.Answers[0].Headers["Content-Type"], _a.Answers[0].Body.Length));
        Assert.Equal(Offer, _a.Answers[1].Body.ToArray());

        // An INVITE without an offer gets ours as the offer (RFC 3261 §13.3.1.4); its ACK brings the answer.
        Assert.Equal(Offer, _a.Answers[2].Body.ToArray());
        Assert.False(call.IsEnded);
    }

    [Fact]
    public async Task A_re_invite_that_changes_the_session_gets_488_and_the_call_goes_on_as_it_was()
    {
        // A hold or a new media address: a new version in the o= line (RFC 3264 §8), which is the application's to negotiate.
        _a.Responder = Callee(_a, r => Ok(r));
        SipFailoverClient client = Client();
        SipCall call = await client.InviteAsync(Invite(), Ct);
        SipRequest invite = Assert.Single(_a.Sent, static r => r.Method == "INVITE");
        byte[] held = "v=0\r\no=callee 2 3 IN IP4 10.0.0.60\r\ns=-\r\nc=IN IP4 10.0.0.60\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\na=sendonly\r\n"u8.ToArray();
        SipRequest hold = Refresh("INVITE", invite, call, held);
        hold.Headers.Add("Contact", "<sip:callee@10.0.0.61:5060>");

        _a.Receive(hold);
        Assert.True(SpinWait.SpinUntil(() => _a.Answers.Count == 1, TimeSpan.FromSeconds(10)));
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal("488 Not Acceptable Here", Assert.Single(_a.Answers).StatusText);
        Assert.False(call.IsEnded);
        Assert.Equal("sip:callee@10.0.0.60:5060", call.RemoteTarget);
    }

    /// <summary>A re-INVITE or UPDATE from the callee within the call's dialog, with <paramref name="body"/> as its SDP.</summary>
    private static SipRequest Refresh(string method, SipRequest invite, SipCall call, byte[]? body, int cseq = 2)
    {
        SipRequest request = FromCallee(method, invite, call, cseq: cseq);
        if (body is not null)
        {
            request.Headers.Add("Content-Type", "application/sdp");
            request.Body = body;
        }

        return request;
    }

    [Fact]
    public async Task An_options_from_the_trunk_outside_any_dialog_is_answered_200_with_what_the_client_allows()
    {
        // A server's keep-alive over the connection the client opened: no dialog, no To tag, a Call-ID of its own.
        _a.Responder = Callee(_a, r => Ok(r));
        SipFailoverClient client = Client();
        await using SipCall call = await client.InviteAsync(Invite(), Ct);
        var ping = new SipRequest("OPTIONS", "sip:slakit@127.0.0.1:5099");
        ping.Headers.Add("Via", "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKping");
        ping.Headers.Add("From", "<sip:sbc@10.0.0.1>;tag=sbc");
        ping.Headers.Add("To", "<sip:slakit@127.0.0.1:5099>");
        ping.Headers.Add("Call-ID", "keep-alive-1");
        ping.Headers.Add("CSeq", "1 OPTIONS");
        SipRequest stray = FromCallee("INFO", Assert.Single(_a.Sent, static r => r.Method == "INVITE"), call, toTag: "unknown");

        _a.Receive(ping);
        _a.Receive(stray);

        Assert.True(SpinWait.SpinUntil(() => _a.Answers.Count == 2, TimeSpan.FromSeconds(10)));
        SipResponse pong = _a.Answers[0];
        Assert.Equal(("200 OK", "1 OPTIONS", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE"), (pong.StatusText, pong.Headers["CSeq"], pong.Headers["Allow"]));
        Assert.True(SipHeaderValues.HasTag(pong.Headers["To"]!));

        // Within a dialog it does not know, a request still gets 481 (RFC 3261 §12.2.2).
        Assert.Equal("481 Call/Transaction Does Not Exist", _a.Answers[1].StatusText);
    }

    /// <summary>A request the callee sends within the call's dialog: its From is the 2xx's To, its To the INVITE's From.</summary>
    /// <summary>A request from the callee within the call's dialog; another <paramref name="cseq"/> makes it a new request, with a branch of its own.</summary>
    private static SipRequest FromCallee(string method, SipRequest invite, SipCall call, string? toTag = null, int cseq = 2)
    {
        var request = new SipRequest(method, "sip:slakit@127.0.0.1:5099");
        request.Headers.Add("Via", $"SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK{method.ToLowerInvariant()}{(cseq == 2 ? "" : cseq)}");
        request.Headers.Add("From", $"<sip:callee@10.0.0.60:5060>;tag={call.RemoteTag}");
        request.Headers.Add("To", toTag is null ? invite.Headers["From"]! : $"<sip:agent@callcentre.example>;tag={toTag}");
        request.Headers.Add("Call-ID", call.CallId);
        request.Headers.Add("CSeq", $"{cseq} {method}");
        return request;
    }

    [Theory]
    [InlineData(401, "Unauthorized")]
    [InlineData(407, "Proxy Authentication Required")]
    public async Task A_challenge_for_credentials_moves_the_call_to_the_next_trunk_as_the_trunks_failure(int statusCode, string reason)
    {
        _a.Responder = Callee(_a, r => ResponseTo(r, statusCode, reason));
        SipFailoverClient client = Client();

        SipCall call = await client.InviteAsync(Invite(), Ct);

        Assert.Equal(_secondary, call.Trunk);
        Assert.Equal([SipAttemptOutcomeKind.FailureStatus, SipAttemptOutcomeKind.Answered], call.Attempts.Select(static a => a.Kind));
        Assert.Equal(1, client.GetTrunkStatus()[0].NetworkFailures);
    }

    [Fact]
    public async Task A_503_with_retry_after_moves_the_call_to_the_next_trunk_with_the_next_cseq_and_keeps_the_trunk_out()
    {
        _a.Responder = Callee(_a, r => ResponseTo(r, 503, "Service Unavailable", ("Retry-After", "30")));
        SipFailoverClient client = Client();

        SipCall call = await client.InviteAsync(Invite(), Ct);

        SipRequest first = Assert.Single(_a.Sent, static r => r.Method == "INVITE");
        SipRequest second = Assert.Single(_b.Sent, static r => r.Method == "INVITE");
        Assert.Equal(_secondary, call.Trunk);
        Assert.Equal(
            [SipAttemptOutcomeKind.ServiceUnavailable, SipAttemptOutcomeKind.Answered],
            call.Attempts.Select(static a => a.Kind));

        // RFC 3261 §8.1.3.5: the retried request keeps Call-ID, From and To, with the CSeq one higher, in a new transaction.
        Assert.Equal((first.Headers["Call-ID"], first.Headers["From"], first.Headers["To"]), (second.Headers["Call-ID"], second.Headers["From"], second.Headers["To"]));
        Assert.Equal(("1 INVITE", "2 INVITE"), (first.Headers["CSeq"], second.Headers["CSeq"]));
        Assert.NotEqual(Branch(first), Branch(second));
        Assert.Single(_a.Sent, static r => r.Method == "ACK");

        await client.InviteAsync(Invite(), Ct);
        Assert.Single(_a.Sent, static r => r.Method == "INVITE");
        _time.Advance(TimeSpan.FromSeconds(30));
        _a.Responder = Callee(_a, r => Ok(r));
        Assert.Equal(_primary, (await client.InviteAsync(Invite(), Ct)).Trunk);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    [InlineData(580)]
    public async Task A_408_or_a_5xx_fails_the_trunk_and_moves_the_call_on(int status)
    {
        _a.Responder = Callee(_a, r => ResponseTo(r, status, "Failure"), ringFirst: true);

        SipCall call = await Client().InviteAsync(Invite(), Ct);

        Assert.Equal(_secondary, call.Trunk);
        Assert.Equal(SipAttemptOutcomeKind.FailureStatus, call.Attempts[0].Kind);
        Assert.Equal(status, call.Attempts[0].Response!.StatusCode);
    }

    [Fact]
    public async Task A_2xx_whose_contact_is_no_request_uri_ends_the_call_on_its_trunk_and_no_other_trunk_rings()
    {
        _a.Responder = Callee(_a, static r =>
        {
            SipResponse ok = ResponseTo(r, 200, "OK", ("Contact", "<callee@10.0.0.60>"));
            ok.Body = Answer;
            return ok;
        });

        SipCallDeclinedException declined = await Assert.ThrowsAsync<SipCallDeclinedException>(() => Client().InviteAsync(Invite(), Ct));

        Assert.Equal(200, declined.Response!.StatusCode);
        Assert.Equal("a 2xx without a To tag or a usable Contact (RFC 3261 §13.3.1.4)", Assert.Single(declined.Outcomes).Error);
        Assert.Empty(_b.Sent);
    }

    [Theory]
    [InlineData(486, "Busy Here")]
    [InlineData(600, "Busy Everywhere")]
    [InlineData(603, "Decline")]
    [InlineData(404, "Not Found")]
    [InlineData(480, "Temporarily Unavailable")]
    [InlineData(403, "Forbidden")]
    public async Task The_callees_own_answer_ends_the_call_and_no_other_trunk_rings_the_same_person(int status, string reason)
    {
        _a.Responder = Callee(_a, r => ResponseTo(r, status, reason), ringFirst: true);

        SipCallDeclinedException declined = await Assert.ThrowsAsync<SipCallDeclinedException>(() => Client(o => o.CallFailoverStatusCodes.Add(488)).InviteAsync(Invite(), Ct));

        Assert.Equal(status, declined.Response!.StatusCode);
        Assert.Equal(_primary, declined.Trunk);
        Assert.Equal(SipAttemptOutcomeKind.Declined, Assert.Single(declined.Outcomes).Kind);
        Assert.Contains(reason, declined.Message, StringComparison.Ordinal);
        Assert.Empty(_b.Sent);
        Assert.Single(_a.Sent, static r => r.Method == "ACK");
        Assert.Equal(RegionHealth.Healthy, Client().GetStatus()[0].Health);
    }

    [Fact]
    public async Task A_configured_code_moves_the_call_on()
    {
        _a.Responder = Callee(_a, r => ResponseTo(r, 403, "Forbidden"));

        SipCall call = await Client(o => o.CallFailoverStatusCodes.Add(403)).InviteAsync(Invite(), Ct);

        Assert.Equal(_secondary, call.Trunk);
        Assert.Equal(SipAttemptOutcomeKind.FailureStatus, call.Attempts[0].Kind);
    }

    [Fact]
    public async Task A_transport_error_moves_the_call_on_at_once()
    {
        _a.OpenFailure = "10.0.0.1:5060 refused the connection";

        SipCall call = await Client().InviteAsync(Invite(), Ct);

        Assert.Equal(_secondary, call.Trunk);
        Assert.Equal(SipAttemptOutcomeKind.TransportError, call.Attempts[0].Kind);
    }

    [Fact]
    public async Task Calls_ringing_together_on_one_trunk_connection_that_the_sbc_closes_once_count_once_and_leave_the_trunk_up()
    {
        SipFailoverClient client = TcpTrunk(out InMemorySipConnection trunk);
        Task<SipCall>[] placing = [client.InviteAsync(Invite(), Ct), client.InviteAsync(Invite(), Ct), client.InviteAsync(Invite(), Ct)];
        Assert.True(SpinWait.SpinUntil(() => trunk.Sent.Count(static r => r.Method == "INVITE") == 3, TimeSpan.FromSeconds(10)), "the three INVITEs were not all sent");

        // The SBC closes its one connection (a rotation, a restart): every call ringing on it fails at that instant.
        trunk.BreakTransport("the SBC closed the connection");

        foreach (Task<SipCall> call in placing)
        {
            SipCall moved = await call.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            Assert.Equal(_secondary, moved.Trunk);
            Assert.Equal(SipAttemptOutcomeKind.TransportError, moved.Attempts[0].Kind);
        }

        Assert.Equal(RegionHealth.Degraded, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task Calls_placed_one_after_another_that_each_lose_the_trunk_connection_still_mark_the_trunk_down()
    {
        SipFailoverClient client = TcpTrunk(out InMemorySipConnection trunk);

        for (int i = 1; i <= 3; i++)
        {
            Task<SipCall> placing = client.InviteAsync(Invite(), Ct);
            Assert.True(SpinWait.SpinUntil(() => trunk.Sent.Count(static r => r.Method == "INVITE") == i, TimeSpan.FromSeconds(10)), $"INVITE {i} was not sent");
            trunk.BreakTransport("the SBC closed the connection");
            Assert.Equal(_secondary, (await placing.WaitAsync(TimeSpan.FromSeconds(10), Ct)).Trunk);
        }

        Assert.Equal(RegionHealth.Unhealthy, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task Calls_in_flight_together_on_a_silent_trunk_each_count_as_each_waited_out_its_own_provisional_timeout()
    {
        SipFailoverClient client = TcpTrunk(out InMemorySipConnection trunk);
        trunk.Responder = null;
        Task<SipCall>[] placing = [client.InviteAsync(Invite(), Ct), client.InviteAsync(Invite(), Ct), client.InviteAsync(Invite(), Ct)];
        Assert.True(SpinWait.SpinUntil(() => trunk.Sent.Count(static r => r.Method == "INVITE") == 3, TimeSpan.FromSeconds(10)), "the three INVITEs were not all sent");

        _time.Advance(TimeSpan.FromSeconds(1));

        foreach (Task<SipCall> call in placing)
        {
            SipCall moved = await call.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            Assert.Equal(SipAttemptOutcomeKind.Timeout, moved.Attempts[0].Kind);
        }

        Assert.Equal(RegionHealth.Unhealthy, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task Calls_placed_together_that_wait_on_one_trunk_connection_opening_that_runs_out_of_time_count_once_and_leave_the_trunk_up()
    {
        // The morning shift dials at once while the SBC's port is unreachable: one opening, one failure of the trunk.
        SipFailoverClient client = TcpTrunk(out InMemorySipConnection trunk);
        trunk.Connecting = static ct => Task.Delay(Timeout.InfiniteTimeSpan, ct);
        Task<SipCall>[] placing = [client.InviteAsync(Invite(), Ct), client.InviteAsync(Invite(), Ct), client.InviteAsync(Invite(), Ct)];

        _time.Advance(SipFailoverOptions.DefaultConnectTimeout);

        foreach (Task<SipCall> call in placing)
        {
            SipCall moved = await call.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            Assert.Equal(_secondary, moved.Trunk);
            Assert.Equal(SipAttemptOutcomeKind.TransportError, moved.Attempts[0].Kind);
            Assert.Equal("the TCP connection to 10.0.0.1:5060 did not open within ConnectTimeout (5s)", moved.Attempts[0].Error);
        }

        Assert.Empty(trunk.Sent);
        Assert.Equal(RegionHealth.Degraded, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task Calls_placed_one_after_another_whose_trunk_connection_never_opens_still_mark_the_trunk_down()
    {
        SipFailoverClient client = TcpTrunk(out InMemorySipConnection trunk);
        trunk.Connecting = static ct => Task.Delay(Timeout.InfiniteTimeSpan, ct);

        for (int i = 1; i <= 3; i++)
        {
            Task<SipCall> placing = client.InviteAsync(Invite(), Ct);
            _time.Advance(SipFailoverOptions.DefaultConnectTimeout);
            Assert.Equal(_secondary, (await placing.WaitAsync(TimeSpan.FromSeconds(10), Ct)).Trunk);
        }

        Assert.Equal(RegionHealth.Unhealthy, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task A_silent_trunk_is_left_after_the_provisional_timeout_and_its_invite_is_not_sent_again()
    {
        Task<SipCall> placing = Client().InviteAsync(Invite(), Ct);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(placing.IsCompleted);
        Assert.Empty(_b.Sent);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        SipCall call = await placing;

        Assert.Equal(_secondary, call.Trunk);
        SipAttemptOutcome silent = call.Attempts[0];
        Assert.Equal(SipAttemptOutcomeKind.Timeout, silent.Kind);
        Assert.Contains("provisional timeout", silent.Error, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(1), silent.Duration);

        // Timer A sent it again at 500 ms; once abandoned, never again.
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, _a.Sent.Count(static r => r.Method == "INVITE"));
    }

    [Fact]
    public async Task A_trunk_that_takes_longer_than_the_provisional_timeout_to_connect_still_gets_its_calls()
    {
        // TCP and a TLS handshake over a 300 ms path: four round trips, 1.2 s, before the INVITE can go. The trunk then
        // rings at once, so the provisional timeout (1 s, from the INVITE) is met.
        var far = new InMemorySipConnection(new SipTarget("10.0.0.1", 5061, SipTransportProtocol.Tls), reliable: true)
        {
            Connecting = ct => Task.Delay(TimeSpan.FromMilliseconds(1200), _time, ct),
        };
        far.Responder = Callee(far, Ok, ringFirst: true);
        var options = new SipFailoverOptions { FailuresToMarkDown = 100 };
        options.Regions.Add(new Region("far", new Uri("sips:10.0.0.1:5061")));
        options.Regions.Add(_secondary);
        SipFailoverClient client = _client = new SipFailoverClient(
            _name, options, _time, null, null, ownsTelemetry: false, t => t.Transport == SipTransportProtocol.Tls ? far : _b, new Random(1));

        var calls = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            Task<SipCall> placing = client.InviteAsync(Invite(), Ct);
            for (int step = 0; step < 30 && !placing.IsCompleted; step++)
            {
                _time.Advance(TimeSpan.FromMilliseconds(100));
                await Task.Delay(5, Ct);
            }

            await using SipCall call = await placing.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            calls.Add($"{string.Join(",", call.Attempts.Select(static a => $"{a.Region.Name}:{a.Kind}"))} pdd {call.PostDialDelay?.TotalMilliseconds}");
        }

        // The post-dial delay runs from the INVITE too: the connection's set-up is not the callee's network's delay.
        Assert.Equal(["far:Answered pdd 0", "far:Answered pdd 0", "far:Answered pdd 0"], calls);
        Assert.Empty(_b.Sent);
    }

    [Fact]
    public async Task A_trunk_whose_connection_never_opens_is_left_after_the_attempt_timeout()
    {
        _a.Connecting = ct => Task.Delay(Timeout.InfiniteTimeSpan, ct);
        Task<SipCall> placing = Client(o => o.AttemptTimeout = TimeSpan.FromSeconds(3)).InviteAsync(Invite(), Ct);

        _time.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.False(placing.IsCompleted);
        Assert.Empty(_b.Sent);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        SipCall call = await placing.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(_secondary, call.Trunk);
        SipAttemptOutcome unopened = call.Attempts[0];
        Assert.Equal(SipAttemptOutcomeKind.TransportError, unopened.Kind);
        Assert.Equal("the UDP connection to 10.0.0.1:5060 did not open within the attempt timeout (3s)", unopened.Error);
        Assert.Empty(_a.Sent);
    }

    [Fact]
    public async Task By_default_a_trunk_whose_connection_never_opens_is_left_after_the_connect_timeout_not_timer_b()
    {
        // A firewall dropping the trunk's SYNs: five seconds, not Timer B's thirty-two, before the call moves on.
        _a.Connecting = ct => Task.Delay(Timeout.InfiniteTimeSpan, ct);
        Task<SipCall> placing = Client().InviteAsync(Invite(), Ct);

        _time.Advance(SipFailoverOptions.DefaultConnectTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(placing.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        SipCall call = await placing.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(_secondary, call.Trunk);
        Assert.Equal("the UDP connection to 10.0.0.1:5060 did not open within ConnectTimeout (5s)", call.Attempts[0].Error);
        Assert.Empty(_a.Sent);
    }

    [Fact]
    public async Task An_invite_that_goes_out_as_the_caller_cancels_is_still_cancelled_and_its_late_answer_ended()
    {
        // InviteAsync promises that a provisional the trunk sends gets a CANCEL, and a 2xx an ACK and a BYE, also when the
        // caller cancels at the very moment the INVITE goes out (here, just as the connection has opened).
        var opened = new TaskCompletionSource();
        _a.Connecting = ct => opened.Task.WaitAsync(ct);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        SipFailoverClient client = Client();
        _a.Responder = request =>
        {
            if (request.Method == "INVITE")
            {
                cancel.Cancel();
                Assert.True(SpinWait.SpinUntil(() => client.GetTrunkStatus()[0].ActiveCalls == 0, TimeSpan.FromSeconds(5)), "the call was not abandoned");
            }

            return request.Method is "CANCEL" or "BYE" ? ResponseTo(request, 200, "OK") : null;
        };

        Task<SipCall> placing = client.InviteAsync(Invite(), cancel.Token);
        Assert.False(placing.IsCompleted);
        opened.SetResult();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => placing.WaitAsync(TimeSpan.FromSeconds(10), Ct));

        // The trunk rings, then the callee picks up.
        SipRequest invite = _a.WaitForSent("INVITE");
        _a.Receive(ResponseTo(invite, 180, "Ringing"));
        SipRequest cancelled = await SentAsync(_a, "CANCEL");
        _a.Receive(Ok(invite));

        Assert.Equal(Branch(invite), Branch(cancelled));
        await SentAsync(_a, "ACK");
        await SentAsync(_a, "BYE");
        Assert.Empty(_b.Sent);
    }

    [Fact]
    public async Task A_late_provisional_from_an_abandoned_trunk_gets_a_cancel()
    {
        _a.Responder = r => r.Method == "CANCEL" ? ResponseTo(r, 200, "OK") : null;
        SipCall call = await Leave(Client());
        SipRequest invite = _a.Sent[0];

        _a.Receive(ResponseTo(invite, 180, "Ringing"));

        SipRequest cancel = await SentAsync(_a, "CANCEL");
        Assert.Equal(Branch(invite), Branch(cancel));
        Assert.Equal(invite.Headers["CSeq"]!.Replace("INVITE", "CANCEL", StringComparison.Ordinal), cancel.Headers["CSeq"]);
        _a.Receive(ResponseTo(invite, 487, "Request Terminated"));
        await SentAsync(_a, "ACK");
        Assert.Equal(_secondary, call.Trunk);
    }

    [Fact]
    public async Task A_trunk_left_for_silence_that_answers_late_was_slow_not_dead_and_is_not_marked_down()
    {
        _a.Responder = r => r.Method == "CANCEL" ? ResponseTo(r, 200, "OK") : null;
        SipFailoverClient client = Client();

        for (int call = 0; call < 2; call++)
        {
            SipCall answered = await Leave(client);
            Assert.Equal(_secondary, answered.Trunk);

            // Its 100 Trying comes after the call has left it: the INVITE's first copies were lost, or its route is long.
            SipRequest invite = _a.Sent.Last(static r => r.Method == "INVITE");
            _a.Receive(ResponseTo(invite, 100, "Trying"));
            int cancels = call + 1;
            Assert.True(SpinWait.SpinUntil(() => _a.Sent.Count(static r => r.Method == "CANCEL") == cancels, TimeSpan.FromSeconds(10)), "the late INVITE was not cancelled");
            Assert.True(SpinWait.SpinUntil(() => client.GetStatus()[0].Health == RegionHealth.Healthy, TimeSpan.FromSeconds(10)), $"after call {call + 1}: {client.GetStatus()[0].Health}");
        }
    }

    [Fact]
    public async Task A_trunk_left_for_silence_that_never_answers_is_marked_down_after_two_calls()
    {
        SipFailoverClient client = Client();

        await Leave(client);
        await Leave(client);

        Assert.Equal(RegionHealth.Unhealthy, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task A_late_2xx_from_an_abandoned_trunk_is_acked_and_ended_with_a_bye_so_the_call_is_not_established_twice()
    {
        _a.Responder = r => r.Method == "BYE" ? ResponseTo(r, 200, "OK") : null;
        int late = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument is { Meter.Name: "SlaKit", Name: "slakit.sip.late_answers" })
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag is { Key: "client", Value: string name } && name == _name)
                {
                    Interlocked.Add(ref late, (int)value);
                }
            }
        });
        listener.Start();
        SipCall call = await Leave(Client());

        _a.Receive(Ok(_a.Sent[0]));

        SipRequest ack = await SentAsync(_a, "ACK");
        SipRequest bye = await SentAsync(_a, "BYE");
        Assert.Equal(("sip:callee@10.0.0.60:5060", "sip:callee@10.0.0.60:5060"), (ack.RequestUri, bye.RequestUri));
        Assert.Equal(_secondary, call.Trunk);
        Assert.False(call.IsEnded);
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref late) == 1, TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData(180)]
    [InlineData(183)]
    public async Task A_trunk_that_shows_the_callee_is_kept_until_the_ring_timeout_which_cancels_the_call(int progress)
    {
        _a.Responder = TryingOnly;
        Task<SipCall> placing = Client(o => o.RingTimeout = TimeSpan.FromSeconds(40)).InviteAsync(Invite(), Ct);
        _time.Advance(TimeSpan.FromSeconds(15));
        _a.Receive(ResponseTo(_a.Sent[0], progress, "Progress"));
        StepClock(TimeSpan.FromSeconds(24.9));

        Assert.False(placing.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(100));

        SipCallDeclinedException unanswered = await Assert.ThrowsAsync<SipCallDeclinedException>(() => placing);
        Assert.Equal(SipAttemptOutcomeKind.NoAnswer, Assert.Single(unanswered.Outcomes).Kind);
        Assert.Null(unanswered.Response);
        await SentAsync(_a, "CANCEL");
        Assert.Empty(_b.Sent);
        Assert.Single(_a.Sent, static r => r.Method == "INVITE");
    }

    [Fact]
    public async Task A_trunk_that_sends_only_100_trying_is_cancelled_at_the_progress_timeout_and_the_call_goes_to_the_next()
    {
        _a.Responder = TryingOnly;
        SipFailoverClient client = Client();
        Task<SipCall> placing = client.InviteAsync(Invite(), Ct);
        StepClock(TimeSpan.FromSeconds(19.9));

        Assert.False(placing.IsCompleted);
        Assert.Empty(_b.Sent);
        _time.Advance(TimeSpan.FromMilliseconds(100));

        SipCall call = await placing;
        Assert.Equal(_secondary, call.Trunk);
        SipAttemptOutcome first = call.Attempts[0];
        Assert.Equal((_primary, SipAttemptOutcomeKind.Timeout), (first.Region, first.Kind));
        Assert.Contains("progress timeout (20s)", first.Error, StringComparison.Ordinal);
        await SentAsync(_a, "CANCEL");
        Assert.Equal(1, client.GetTrunkStatus()[0].NetworkFailures);
    }

    [Fact]
    public async Task Without_a_progress_timeout_a_trunk_that_sent_100_trying_is_kept_until_the_ring_timeout_as_not_answered()
    {
        _a.Responder = TryingOnly;
        Task<SipCall> placing = Client(o => (o.RingTimeout, o.ProgressTimeout) = (TimeSpan.FromSeconds(30), null)).InviteAsync(Invite(), Ct);
        StepClock(TimeSpan.FromSeconds(29.9));

        Assert.False(placing.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(100));

        SipCallDeclinedException unanswered = await Assert.ThrowsAsync<SipCallDeclinedException>(() => placing);
        Assert.Equal(SipAttemptOutcomeKind.NoAnswer, Assert.Single(unanswered.Outcomes).Kind);
        Assert.Empty(_b.Sent);
    }

    [Fact]
    public async Task The_post_dial_delay_runs_from_the_invite_to_the_first_183()
    {
        _a.Responder = r => r.Method == "INVITE" ? ResponseTo(r, 100, "Trying") : null;
        Task<SipCall> placing = Client().InviteAsync(Invite(), Ct);
        SipRequest invite = _a.Sent[0];
        _time.Advance(TimeSpan.FromMilliseconds(2500));
        _a.Receive(ResponseTo(invite, 183, "Session Progress"));
        _time.Advance(TimeSpan.FromMilliseconds(500));
        _a.Receive(ResponseTo(invite, 180, "Ringing"));
        _a.Receive(Ok(invite));

        SipCall call = await placing;

        Assert.Equal(TimeSpan.FromMilliseconds(2500), call.PostDialDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), call.Attempts[0].PostDialDelay);
    }

    [Fact]
    public async Task A_second_dialog_forked_from_the_invite_is_acked_and_ended_and_the_first_stays_up()
    {
        _a.Responder = r => r.Method == "BYE" ? ResponseTo(r, 200, "OK") : null;
        Task<SipCall> placing = Client().InviteAsync(Invite(), Ct);
        SipRequest invite = _a.Sent[0];
        _a.Receive(Ok(invite));
        SipCall call = await placing;

        SipResponse forked = Ok(invite);
        forked.Headers.Set("To", invite.Headers["To"] + ";tag=uas2");
        _a.Receive(forked);
        _a.Receive(Ok(invite));

        SipRequest bye = await SentAsync(_a, "BYE");
        Assert.EndsWith(";tag=uas2", bye.Headers["To"], StringComparison.Ordinal);
        Assert.True(SpinWait.SpinUntil(() => _a.Sent.Count(static r => r.Method == "ACK") == 3, TimeSpan.FromSeconds(10)));
        Assert.False(call.IsEnded);
        Assert.Equal("uas1", call.RemoteTag);
    }

    [Fact]
    public async Task A_full_trunk_is_skipped_not_failed_and_its_channel_comes_back_when_the_call_ends()
    {
        _a.Responder = Callee(_a, r => Ok(r));
        SipFailoverClient client = Client(o => o.MaxConcurrentCalls["CARRIER-A"] = 1);

        SipCall first = await client.InviteAsync(Invite(), Ct);
        SipCall second = await client.InviteAsync(Invite(), Ct);

        Assert.Equal((_primary, _secondary), (first.Trunk, second.Trunk));
        Assert.Equal([SipAttemptOutcomeKind.AtCapacity, SipAttemptOutcomeKind.Answered], second.Attempts.Select(static a => a.Kind));
        Assert.Contains("1 channels", second.Attempts[0].Error, StringComparison.Ordinal);
        Assert.Equal(RegionHealth.Healthy, client.GetStatus()[0].Health);

        await first.DisposeAsync();
        Assert.Equal(_primary, (await client.InviteAsync(Invite(), Ct)).Trunk);
    }

    [Fact]
    public async Task When_no_trunk_can_carry_the_call_the_exception_lists_each_outcome()
    {
        _a.Responder = Callee(_a, r => ResponseTo(r, 503, "Service Unavailable"));
        _b.OpenFailure = "refused";

        SipFailoverException failed = await Assert.ThrowsAsync<SipFailoverException>(() => Client().InviteAsync(Invite(), Ct));

        Assert.Equal([SipAttemptOutcomeKind.ServiceUnavailable, SipAttemptOutcomeKind.TransportError], failed.Outcomes.Select(static o => o.Kind));
        Assert.Contains("carrier-a: 503 Service Unavailable", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_a_ringing_call_sends_a_cancel_and_throws()
    {
        _a.Responder = r => r.Method switch
        {
            "INVITE" => ResponseTo(r, 180, "Ringing"),
            "CANCEL" => ResponseTo(r, 200, "OK"),
            _ => null,
        };
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task<SipCall> placing = Client().InviteAsync(Invite(), cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => placing);
        await SentAsync(_a, "CANCEL");
        Assert.Empty(_b.Sent);
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_the_parameter_named()
    {
        SipFailoverClient client = Client();
        var options = new SipRequest("OPTIONS", "sip:carrier.example");
        var withVia = Invite();
        withVia.Headers.Add("Via", "SIP/2.0/UDP 10.0.0.50;branch=z9hG4bKx");

        Assert.Equal("invite", (await Assert.ThrowsAsync<ArgumentException>(() => client.InviteAsync(options, Ct))).ParamName);
        Assert.Equal("invite", (await Assert.ThrowsAsync<ArgumentException>(() => client.InviteAsync(withVia, Ct))).ParamName);
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.InviteAsync(null!, Ct));
        Assert.Empty(_a.Sent);
    }

    [Fact]
    public async Task Each_trunk_counts_its_attempts_by_class_for_asr_and_ner_and_its_calls_in_progress()
    {
        int invites = 0;
        _a.Responder = Callee(_a, r => Interlocked.Increment(ref invites) switch
        {
            1 => Ok(r),
            2 => ResponseTo(r, 486, "Busy Here"),
            _ => ResponseTo(r, 500, "Server Internal Error"),
        });
        SipFailoverClient client = Client();

        SipCall answered = await client.InviteAsync(Invite(), Ct);
        await Assert.ThrowsAsync<SipCallDeclinedException>(() => client.InviteAsync(Invite(), Ct));
        SipCall movedOn = await client.InviteAsync(Invite(), Ct);
        await answered.ByeAsync(Ct);

        SipTrunkStatus a = client.GetTrunkStatus()[0];
        SipTrunkStatus b = client.GetTrunkStatus()[1];
        Assert.Equal((3L, 1L, 1L, 1L), (a.Attempts, a.Answered, a.UserCaused, a.NetworkFailures));
        Assert.Equal(1.0 / 3, a.AnswerSeizureRatio!.Value, 9);
        Assert.Equal(2.0 / 3, a.NetworkEffectivenessRatio!.Value, 9);
        Assert.Equal((0, 1, 1.0, 1.0), (a.ActiveCalls, b.ActiveCalls, b.AnswerSeizureRatio, b.NetworkEffectivenessRatio));
        Assert.Equal(_secondary, movedOn.Trunk);
        Assert.Null(b.MaxConcurrentCalls);
    }

    [Fact]
    public async Task A_trunk_whose_recent_ner_falls_below_the_minimum_is_degraded_until_its_old_calls_age_out()
    {
        _a.Responder = FirstCallFailsThenAnswered(_a);
        SipFailoverClient client = Client(o =>
        {
            o.NerWindow = 2;
            o.MinimumNer = 0.9;
            o.NerMaxAge = TimeSpan.FromMinutes(5);
        });

        await client.InviteAsync(Invite(), Ct);
        SipCall second = await client.InviteAsync(Invite(), Ct);

        // The 502 and then a 2xx: no failure in a row is left, but one call in two failed on the network.
        Assert.Equal(_primary, second.Trunk);
        SipTrunkStatus a = client.GetTrunkStatus()[0];
        Assert.Equal((0.5, 2), (a.RecentNetworkEffectiveness, a.RecentCalls));
        Assert.Equal(RegionHealth.Degraded, client.GetStatus()[0].Health);

        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Equal(RegionHealth.Healthy, client.GetTrunkStatus()[0].Health);
        Assert.Equal(0, client.GetTrunkStatus()[0].RecentCalls);
    }

    [Fact]
    public async Task Recent_ner_is_judged_only_over_a_full_window_and_a_trunk_exactly_at_the_minimum_is_not_degraded()
    {
        _a.Responder = FirstCallFailsThenAnswered(_a);
        SipFailoverClient client = Client(o => (o.NerWindow, o.MinimumNer) = (2, 0.5));
        var reasons = new List<string>();
        client.HealthChanged += (_, e) => reasons.Add(e.Reason);

        // A 502 alone (below the minimum, but one call of a window of two), then 1 of 2 (at the minimum), then 2 of 2.
        await client.InviteAsync(Invite(), Ct);
        SipCall second = await client.InviteAsync(Invite(), Ct);
        SipCall third = await client.InviteAsync(Invite(), Ct);

        Assert.Equal((_primary, _primary), (second.Trunk, third.Trunk));
        Assert.DoesNotContain(reasons, static r => r.Contains("network effectiveness", StringComparison.Ordinal));
        SipTrunkStatus a = client.GetTrunkStatus()[0];
        Assert.Equal((2, 1.0, RegionHealth.Healthy), (a.RecentCalls, a.RecentNetworkEffectiveness, a.Health));
    }

    [Fact]
    public async Task A_trunk_is_judged_as_each_call_ends_and_its_calls_count_for_exactly_the_max_age()
    {
        _a.Responder = FirstCallFailsThenAnswered(_a);
        SipFailoverClient client = Client(o =>
        {
            o.NerWindow = 3;
            o.MinimumNer = 0.7;
            o.NerMaxAge = TimeSpan.FromMinutes(5);
        });
        var reasons = new List<string>();
        client.HealthChanged += (_, e) => reasons.Add(e.Reason);

        for (int i = 0; i < 3; i++)
        {
            await client.InviteAsync(Invite(), Ct);
        }

        Assert.Equal("its network effectiveness over its last 3 calls fell to 67 %, below 70 %", reasons[^1]);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal((3, RegionHealth.Degraded), (client.GetTrunkStatus()[0].RecentCalls, client.GetTrunkStatus()[0].Health));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal((0, RegionHealth.Healthy), (client.GetTrunkStatus()[0].RecentCalls, client.GetTrunkStatus()[0].Health));
        Assert.Equal("its recent network effectiveness is no longer below the threshold", reasons[^1]);
    }

    [Fact]
    public async Task Call_figures_go_to_the_slakit_meter()
    {
        var measured = new List<(string Instrument, double Value, string? Region, string? Class)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "SlaKit" && instrument.Name.StartsWith("slakit.sip.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Capture(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? client = null, region = null, outcomeClass = null;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                switch (tag.Key)
                {
                    case "client": client = tag.Value as string; break;
                    case "region": region = tag.Value as string; break;
                    case "class": outcomeClass = tag.Value as string; break;
                }
            }

            if (client == _name)
            {
                lock (measured)
                {
                    measured.Add((instrument.Name, value, region, outcomeClass));
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Capture(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Capture(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Capture(i, v, t));
        listener.Start();
        _a.Responder = r => r.Method == "INVITE" ? ResponseTo(r, 503, "Service Unavailable") : null;
        _b.Responder = r => r.Method == "INVITE" ? ResponseTo(r, 183, "Session Progress") : null;
        Task<SipCall> placing = Client().InviteAsync(Invite(), Ct);
        _time.Advance(TimeSpan.FromMilliseconds(700));
        _b.Receive(Ok(_b.Sent[0]));
        SipCall call = await placing;
        listener.RecordObservableInstruments();

        lock (measured)
        {
            Assert.Contains(("slakit.sip.call_attempts", 1.0, "carrier-a", "network_failure"), measured);
            Assert.Contains(("slakit.sip.call_attempts", 1.0, "carrier-b", "answered"), measured);
            Assert.Contains(("slakit.sip.post_dial_delay", 0.0, "carrier-b", null), measured);
            Assert.Contains(("slakit.sip.active_calls", 1.0, "carrier-b", null), measured);
            Assert.Contains(("slakit.sip.active_calls", 0.0, "carrier-a", null), measured);
        }

        Assert.Equal(TimeSpan.Zero, call.PostDialDelay);
    }

    [Fact]
    public async Task A_call_completed_handler_that_throws_does_not_orphan_the_call()
    {
        _a.Responder = Callee(_a, r => Ok(r));
        SipFailoverClient client = Client();
        int told = 0;
        client.CallCompleted += (_, _) => throw new InvalidOperationException("a subscriber's bug");
        client.CallCompleted += (_, _) => told++;

        SipCall call = await client.InviteAsync(Invite(), Ct);

        Assert.Equal(_primary, call.Trunk);
        Assert.Equal(1, told);
        Assert.Equal(200, (await call.ByeAsync(Ct))!.StatusCode);
    }

    [Fact]
    public async Task Network_effectiveness_feeds_an_error_budget_as_the_sli_of_a_calling_slo()
    {
        using var tracker = new ErrorBudgetTracker(new Slo("calls", Availability.FromPercent(99), SloWindow.Rolling(TimeSpan.FromDays(30))), _time);
        SipFailoverClient client = Client();
        var completed = new List<SipCallCompletedEventArgs>();
        client.CallCompleted += (_, e) => completed.Add(e);
        IDisposable feeding = client.TrackNetworkEffectiveness(tracker);

        _a.Responder = Callee(_a, r => ResponseTo(r, 486, "Busy Here"));
        await Assert.ThrowsAsync<SipCallDeclinedException>(() => client.InviteAsync(Invite(), Ct));
        await Assert.ThrowsAsync<SipCallDeclinedException>(() => client.InviteAsync(Invite(), Ct));
        _a.Responder = Callee(_a, r => ResponseTo(r, 503, "Service Unavailable"));
        _b.OpenFailure = "refused";
        await Assert.ThrowsAsync<SipFailoverException>(() => client.InviteAsync(Invite(), Ct));
        feeding.Dispose();
        feeding.Dispose();
        await Assert.ThrowsAsync<SipFailoverException>(() => client.InviteAsync(Invite(), Ct));

        ErrorBudget budget = tracker.GetSnapshot().Budget;
        Assert.Equal((3L, 1L), (budget.TotalEvents, budget.BadEvents));
        Assert.Equal([(true, false), (true, false), (false, false), (false, false)], completed.Select(static e => (e.IsEffective, e.IsAnswered)));
        Assert.Equal(_primary, completed[0].Trunk);
        Assert.Null(completed[2].Trunk);
        Assert.Throws<ArgumentNullException>(() => client.TrackNetworkEffectiveness(null!));
    }

    /// <summary>Places a call whose primary stays silent, so that it moves on after the provisional timeout.</summary>
    /// <summary>A trunk that answers an INVITE with 100 Trying and nothing more, and a CANCEL with 200.</summary>
    private static SipResponse? TryingOnly(SipRequest request) => request.Method switch
    {
        "INVITE" => ResponseTo(request, 100, "Trying"),
        "CANCEL" => ResponseTo(request, 200, "OK"),
        _ => null,
    };

    /// <summary>Moves the clock on by <paramref name="total"/> in steps of 100 ms, as time passes, so that every timer on the way fires in turn.</summary>
    private void StepClock(TimeSpan total)
    {
        for (TimeSpan passed = TimeSpan.Zero; passed < total; passed += TimeSpan.FromMilliseconds(100))
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }
    }

    private async Task<SipCall> Leave(SipFailoverClient client)
    {
        Task<SipCall> placing = client.InviteAsync(Invite(), Ct);
        _time.Advance(TimeSpan.FromSeconds(1));
        return await placing;
    }

    private static Task<SipRequest> SentAsync(InMemorySipConnection connection, string method) => Task.FromResult(connection.WaitForSent(method));

    /// <summary>A UAS whose first INVITE gets 502 Bad Gateway (a network failure) and every later one a 2xx.</summary>
    private static Func<SipRequest, SipResponse?> FirstCallFailsThenAnswered(InMemorySipConnection connection)
    {
        int invites = 0;
        return Callee(connection, r => Interlocked.Increment(ref invites) == 1 ? ResponseTo(r, 502, "Bad Gateway") : Ok(r));
    }

    /// <summary>A UAS: answers an INVITE as <paramref name="final"/> says (after a 180 when asked), and 200 to BYE and CANCEL.</summary>
    private static Func<SipRequest, SipResponse?> Callee(InMemorySipConnection connection, Func<SipRequest, SipResponse> final, bool ringFirst = false) => request =>
    {
        switch (request.Method)
        {
            case "INVITE":
                if (ringFirst)
                {
                    connection.Receive(ResponseTo(request, 180, "Ringing"));
                }

                return final(request);
            case "BYE" or "CANCEL":
                return ResponseTo(request, 200, "OK");
            default:
                return null;
        }
    };

    private static SipResponse Ok(SipRequest invite)
    {
        SipResponse ok = ResponseTo(invite, 200, "OK", ("Contact", "<sip:callee@10.0.0.60:5060>"), ("Content-Type", "application/sdp"));
        ok.Body = Answer;
        return ok;
    }

    private static SipRequest Invite()
    {
        var request = new SipRequest("INVITE", "sip:+4930123456@carrier.example") { Body = Offer };
        request.Headers.Add("From", "<sip:agent@callcentre.example>;tag=agent1");
        request.Headers.Add("Content-Type", "application/sdp");
        return request;
    }

    /// <summary>
    /// A client whose first trunk is one TCP connection, <paramref name="trunk"/>, that rings every INVITE and is marked
    /// down by 3 failures, and whose second trunk answers.
    /// </summary>
    private SipFailoverClient TcpTrunk(out InMemorySipConnection trunk)
    {
        var sbc = new InMemorySipConnection(new SipTarget("10.0.0.1", 5060, SipTransportProtocol.Tcp), reliable: true)
        {
            Responder = static r => r.Method == "INVITE" ? ResponseTo(r, 180, "Ringing") : null,
        };
        var options = new SipFailoverOptions { FailuresToMarkDown = 3 };
        options.Regions.Add(new Region("carrier-a", new Uri("sip:10.0.0.1:5060;transport=tcp")));
        options.Regions.Add(_secondary);
        trunk = sbc;
        return _client = new SipFailoverClient(_name, options, _time, null, null, ownsTelemetry: false, t => t.Host == "10.0.0.1" ? sbc : _b, new Random(1));
    }

    private SipFailoverClient Client(Action<SipFailoverOptions>? configure = null)
    {
        if (_client is not null)
        {
            return _client;
        }

        var options = new SipFailoverOptions();
        options.Regions.Add(_primary);
        options.Regions.Add(_secondary);
        configure?.Invoke(options);
        var connections = new Dictionary<SipTarget, InMemorySipConnection> { [_a.Target] = _a, [_b.Target] = _b };
        return _client = new SipFailoverClient(_name, options, _time, null, null, ownsTelemetry: false, target => connections[target], new Random(1));
    }
}
