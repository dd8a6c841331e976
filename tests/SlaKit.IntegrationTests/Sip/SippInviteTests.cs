using Microsoft.Extensions.Logging.Abstractions;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>The INVITE client transaction against SIPp on 127.0.0.1: the provisional goes up, the non-2xx final is ACKed.</summary>
public sealed class SippInviteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(SipTransportProtocol.Udp)]
    [InlineData(SipTransportProtocol.Tcp)]
    public async Task A_busy_callee_is_acked_and_sipp_sees_its_call_through(SipTransportProtocol transport)
    {
        await using SippServer sipp = await SippServer.StartAsync(SippScenario.RingThenBusy, transport, Ct, calls: 1);
        SipConnection connection = SipConnectionFactory.Create(NullLogger.Instance)(sipp.Target);
        await using var layer = new SipTransactionLayer(connection, SipTimerSettings.Default, TimeProvider.System);
        var passedUp = new List<int>();

        SipTransactionResult result = await layer.InviteAsync(Invite(sipp.Target), r => passedUp.Add(r.StatusCode), Ct);

        Assert.Equal(SipTransactionOutcome.Response, result.Outcome);
        Assert.Equal(486, result.Response!.StatusCode);
        Assert.Equal([180], passedUp);

        // SIPp ends its one call, with success, only once the ACK it expects has come.
        Assert.Equal(0, await sipp.WaitForExitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    [Theory]
    [InlineData(SipTransportProtocol.Udp)]
    [InlineData(SipTransportProtocol.Tcp)]
    public async Task An_answered_call_is_acked_end_to_end_and_ended_with_a_bye_within_its_dialog(SipTransportProtocol transport)
    {
        await using SippServer sipp = await SippServer.StartAsync(SippScenario.AnswerThenHangUp, transport, Ct, calls: 1);
        SipConnection connection = SipConnectionFactory.Create(NullLogger.Instance)(sipp.Target);
        await using var layer = new SipTransactionLayer(connection, SipTimerSettings.Default, TimeProvider.System);
        var provisional = new List<int>();

        var timers = new SipCallTimers(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(32), new HashSet<int>());
        var attempt = new SipCallAttempt(layer, Invite(sipp.Target), timers, TimeProvider.System, static _ => { });
        SipCallAttemptResult answer = await attempt.RunAsync(r => provisional.Add(r.StatusCode), Ct, Ct);
        SipDialog? dialog = answer.Dialog;
        SipTransactionResult bye = await layer.SendAsync(dialog!.Bye(), Ct);

        Assert.Equal(SipAttemptOutcomeKind.Answered, answer.Kind);
        Assert.Equal(200, answer.Response!.StatusCode);
        Assert.Equal([100, 180], provisional);
        Assert.StartsWith("sip:callee@127.0.0.1:", dialog!.RemoteTarget, StringComparison.Ordinal);
        Assert.Single(dialog.RouteSet);
        Assert.Equal(200, bye.Response!.StatusCode);
        Assert.Equal(0, await sipp.WaitForExitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    private static SipRequest Invite(SipTarget target)
    {
        var request = new SipRequest("INVITE", target.RequestUri);
        request.Headers.Add("Max-Forwards", "70");
        request.Headers.Add("From", "<sip:agent@slakit.invalid>;tag=a1");
        request.Headers.Add("To", $"<{target.RequestUri}>");
        request.Headers.Add("Call-ID", $"invite-{Guid.NewGuid():N}");
        request.Headers.Add("CSeq", "1 INVITE");
        request.Headers.Add("Contact", "<sip:agent@127.0.0.1>");
        return request;
    }
}
