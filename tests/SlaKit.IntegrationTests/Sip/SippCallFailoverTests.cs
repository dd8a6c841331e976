using SlaKit.Regions;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>
/// Calls placed through two SIPp trunks on 127.0.0.1 with <see cref="SipFailoverClient.InviteAsync"/>. Each SIPp runs one
/// call (<c>-m 1</c>) and exits 0 only if that call ran its scenario to the end: the ACKs, CANCELs and BYEs it expects came.
/// </summary>
public sealed class SippCallFailoverTests
{
    private static readonly TimeSpan Finish = TimeSpan.FromSeconds(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(SipTransportProtocol.Udp)]
    [InlineData(SipTransportProtocol.Tcp)]
    public async Task A_call_answered_on_the_first_trunk_carries_the_sdp_answer_and_ends_with_a_bye(SipTransportProtocol transport)
    {
        await using SippServer primary = await SippServer.StartAsync(SippScenario.AnswerThenHangUp, transport, Ct, calls: 1);
        await using SippServer backup = await SippServer.StartAsync(SippScenario.AnswerThenHangUp, transport, Ct, calls: 1);
        await using SipFailoverClient client = Client(primary, backup);

        SipCall call = await client.InviteAsync(Invite(), Ct);
        SipResponse? bye = await call.ByeAsync(Ct);

        Assert.Equal("primary", call.Trunk.Name);
        Assert.Equal("application/sdp", call.ContentType);
        Assert.StartsWith("v=0", System.Text.Encoding.ASCII.GetString(call.SessionDescription.Span), StringComparison.Ordinal);
        Assert.StartsWith("sip:callee@127.0.0.1:", call.RemoteTarget, StringComparison.Ordinal);
        Assert.NotEmpty(call.RemoteTag);
        Assert.Equal(200, bye!.StatusCode);
        Assert.Equal(0, await primary.WaitForExitAsync(Finish, Ct));
    }

    [Theory]
    [InlineData(SipTransportProtocol.Udp)]
    [InlineData(SipTransportProtocol.Tcp)]
    public async Task A_callee_that_hangs_up_gets_a_200_and_the_call_ends(SipTransportProtocol transport)
    {
        await using SippServer primary = await SippServer.StartAsync(SippScenario.AnswerThenCalleeHangsUp, transport, Ct, calls: 1);
        await using SippServer backup = await SippServer.StartAsync(SippScenario.AnswerThenHangUp, transport, Ct, calls: 1);
        await using SipFailoverClient client = Client(primary, backup);

        SipCall call = await client.InviteAsync(Invite(), Ct);
        await call.Ended.WaitAsync(Finish, Ct);

        Assert.True(call.EndedByCallee);
        Assert.Null(await call.ByeAsync(Ct));
        Assert.Equal(0, await primary.WaitForExitAsync(Finish, Ct));
    }

    [Fact]
    public async Task A_callee_behind_a_proxy_that_does_not_record_route_hangs_up_straight_to_our_contact_and_the_call_ends()
    {
        // The trunk is a Kamailio that relays the INVITE and adds no Record-Route: the callee's BYE comes from the
        // callee's own address, not from the trunk's, to the address in our Contact.
        await using SippServer callee = await SippServer.StartAsync(SippScenario.AnswerThenCalleeHangsUpStraightToContact, SipTransportProtocol.Udp, Ct, calls: 1);
        await using KamailioProxy trunk = await KamailioProxy.StartAsync(callee.Target, Ct);
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("primary", trunk.Target.ToUri()));
        await using var client = new SipFailoverClient("call-" + Guid.NewGuid().ToString("N")[..8], options);

        SipCall call = await client.InviteAsync(Invite(), Ct);
        await call.Ended.WaitAsync(Finish, Ct);

        Assert.Equal("primary", call.Trunk.Name);
        Assert.StartsWith($"sip:callee@127.0.0.1:{callee.Target.Port}", call.RemoteTarget, StringComparison.Ordinal);
        Assert.True(call.EndedByCallee);
        Assert.Null(await call.ByeAsync(Ct));
        Assert.Equal(0, await callee.WaitForExitAsync(Finish, Ct));
        Assert.Equal(0, client.GetTrunkStatus()[0].ActiveCalls);
    }

    [Theory]
    [InlineData(SipTransportProtocol.Udp)]
    [InlineData(SipTransportProtocol.Tcp)]
    public async Task A_trunk_that_refreshes_the_session_with_a_re_invite_and_an_update_keeps_the_call_up_until_the_callee_hangs_up(SipTransportProtocol transport)
    {
        await using SippServer primary = await SippServer.StartAsync(SippScenario.AnswerRefreshThenCalleeHangsUp, transport, Ct, calls: 1);
        await using SippServer backup = await SippServer.StartAsync(SippScenario.AnswerThenHangUp, transport, Ct, calls: 1);
        await using SipFailoverClient client = Client(primary, backup);

        SipCall call = await client.InviteAsync(Invite(), Ct);
        await call.Ended.WaitAsync(Finish, Ct);

        Assert.Equal("primary", call.Trunk.Name);
        Assert.True(call.EndedByCallee);
        Assert.Equal(0, await primary.WaitForExitAsync(Finish, Ct));
    }

    [Fact]
    public async Task A_503_with_retry_after_is_acked_and_the_call_goes_out_on_the_backup_trunk()
    {
        await using SippServer primary = await SippServer.StartAsync(SippScenario.Busy503(30), SipTransportProtocol.Udp, Ct, calls: 1);
        await using SippServer backup = await SippServer.StartAsync(SippScenario.AnswerThenHangUp, SipTransportProtocol.Udp, Ct, calls: 1);
        await using SipFailoverClient client = Client(primary, backup);

        await using (SipCall call = await client.InviteAsync(Invite(), Ct))
        {
            Assert.Equal("backup", call.Trunk.Name);
            Assert.Equal([SipAttemptOutcomeKind.ServiceUnavailable, SipAttemptOutcomeKind.Answered], call.Attempts.Select(static a => a.Kind));
        }

        Assert.Equal(0, await primary.WaitForExitAsync(Finish, Ct));
        Assert.Equal(0, await backup.WaitForExitAsync(Finish, Ct));
        Assert.Equal(RegionHealth.Unhealthy, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task A_busy_callee_ends_the_call_without_ringing_it_again_through_the_backup_trunk()
    {
        await using SippServer primary = await SippServer.StartAsync(SippScenario.RingThenBusy, SipTransportProtocol.Udp, Ct, calls: 1);
        await using SippServer backup = await SippServer.StartAsync(SippScenario.AnswerThenHangUp, SipTransportProtocol.Udp, Ct, calls: 1);
        await using SipFailoverClient client = Client(primary, backup);

        SipCallDeclinedException busy = await Assert.ThrowsAsync<SipCallDeclinedException>(() => client.InviteAsync(Invite(), Ct));

        Assert.Equal(486, busy.Response!.StatusCode);
        Assert.Equal("primary", Assert.Single(busy.Outcomes).Region.Name);
        Assert.Equal(0, await primary.WaitForExitAsync(Finish, Ct));
        Assert.Equal(RegionHealth.Healthy, client.GetStatus()[0].Health);
    }

    [Theory]
    [InlineData(SipTransportProtocol.Udp)]
    [InlineData(SipTransportProtocol.Tcp)]
    public async Task A_silent_trunk_is_left_after_the_provisional_timeout_and_its_late_answer_is_cancelled_acked_and_ended(SipTransportProtocol transport)
    {
        await using SippServer primary = await SippServer.StartAsync(SippScenario.LateAnswerAfterCancel(silenceMs: 1500), transport, Ct, calls: 1);
        await using SippServer backup = await SippServer.StartAsync(SippScenario.AnswerThenHangUp, transport, Ct, calls: 1);
        await using SipFailoverClient client = Client(primary, backup);

        SipCall call = await client.InviteAsync(Invite(), Ct);

        Assert.Equal("backup", call.Trunk.Name);
        SipAttemptOutcome silent = call.Attempts[0];
        Assert.Equal(SipAttemptOutcomeKind.Timeout, silent.Kind);
        Assert.InRange(silent.Duration, TimeSpan.FromSeconds(0.95), TimeSpan.FromSeconds(1.5));

        // The primary's late 180 got a CANCEL, and the 200 that crossed it an ACK and a BYE: its call ran to the end.
        Assert.Equal(0, await primary.WaitForExitAsync(Finish, Ct));
        Assert.False(call.IsEnded);
        await call.ByeAsync(Ct);
        Assert.Equal(0, await backup.WaitForExitAsync(Finish, Ct));
    }

    [Fact]
    public async Task A_trunk_that_answers_100_and_then_nothing_is_cancelled_at_the_progress_timeout_and_the_backup_takes_the_call()
    {
        await using SippServer primary = await SippServer.StartAsync(SippScenario.TryingThenSilence, SipTransportProtocol.Udp, Ct, calls: 1);
        await using SippServer backup = await SippServer.StartAsync(SippScenario.AnswerThenHangUp, SipTransportProtocol.Udp, Ct, calls: 1);
        await using SipFailoverClient client = Client(primary, backup, o => o.ProgressTimeout = TimeSpan.FromSeconds(2));

        SipCall call = await client.InviteAsync(Invite(), Ct);

        Assert.Equal("backup", call.Trunk.Name);
        SipAttemptOutcome stuck = call.Attempts[0];
        Assert.Equal(("primary", SipAttemptOutcomeKind.Timeout), (stuck.Region.Name, stuck.Kind));
        Assert.InRange(stuck.Duration, TimeSpan.FromSeconds(1.95), TimeSpan.FromSeconds(3));

        // SIPp ends its call only once the CANCEL came and its 487 was ACKed.
        Assert.Equal(0, await primary.WaitForExitAsync(Finish, Ct));
        await call.ByeAsync(Ct);
        Assert.Equal(0, await backup.WaitForExitAsync(Finish, Ct));
    }

    [Fact]
    public async Task A_183_then_a_200_gives_the_post_dial_delay_at_the_183()
    {
        await using SippServer primary = await SippServer.StartAsync(SippScenario.ProgressThenAnswer(delayMs: 300), SipTransportProtocol.Udp, Ct, calls: 1);
        await using SippServer backup = await SippServer.StartAsync(SippScenario.AnswerThenHangUp, SipTransportProtocol.Udp, Ct, calls: 1);
        await using SipFailoverClient client = Client(primary, backup);

        SipCall call = await client.InviteAsync(Invite(), Ct);
        await call.ByeAsync(Ct);

        Assert.Equal("primary", call.Trunk.Name);
        Assert.NotNull(call.PostDialDelay);
        Assert.True(call.PostDialDelay < call.Attempts[0].Duration - TimeSpan.FromMilliseconds(250), $"PDD {call.PostDialDelay}, call set up in {call.Attempts[0].Duration}");
        Assert.Equal(0, await primary.WaitForExitAsync(Finish, Ct));
    }

    private static SipFailoverClient Client(SippServer primary, SippServer backup, Action<SipFailoverOptions>? configure = null)
    {
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("primary", primary.Target.ToUri()));
        options.Regions.Add(new Region("backup", backup.Target.ToUri()) { Priority = 1 });
        configure?.Invoke(options);
        return new SipFailoverClient("call-" + Guid.NewGuid().ToString("N")[..8], options);
    }

    private static SipRequest Invite()
    {
        var invite = new SipRequest("INVITE", "sip:+4930123456@carrier.example")
        {
            Body = "v=0\r\no=agent 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"u8.ToArray(),
        };
        invite.Headers.Add("From", "<sip:agent@callcentre.example>");
        invite.Headers.Add("Content-Type", "application/sdp");
        return invite;
    }
}
