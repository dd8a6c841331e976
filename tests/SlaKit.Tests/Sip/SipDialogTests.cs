using Microsoft.Extensions.Time.Testing;
using SlaKit.Sip;
using static SlaKit.Tests.Sip.SipTestMessages;

namespace SlaKit.Tests.Sip;

/// <summary>The UAC's dialog (RFC 3261 §12.1.2), the ACK for a 2xx (§13.2.2.4) and the BYE (§15.1.1).</summary>
public sealed class SipDialogTests : IAsyncDisposable
{
    private static readonly SipTarget Server = new("10.0.0.9");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemorySipConnection _connection = new(Server);
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
    public void A_2xx_makes_a_dialog_from_its_tag_its_contact_and_its_record_route_reversed()
    {
        SipResponse ok = Ok(Invite(), ("Record-Route", "<sip:p2.example;lr>, <sip:p1.example;lr>"), ("Record-Route", "<sip:p0.example;lr>"));

        SipDialog dialog = SipDialog.FromInvite(Invite(), ok)!;

        Assert.Equal("call-9", dialog.CallId);
        Assert.Equal("abc", dialog.LocalTag);
        Assert.Equal("uas1", dialog.RemoteTag);
        Assert.Equal("sip:callee@10.0.0.10:5062;transport=udp", dialog.RemoteTarget);
        Assert.Equal(["<sip:p0.example;lr>", "<sip:p1.example;lr>", "<sip:p2.example;lr>"], dialog.RouteSet);
    }

    [Theory]
    [InlineData("<callee@10.0.0.60>")]
    [InlineData("<sip:callee @10.0.0.60>")]
    [InlineData("<sip:cállee@10.0.0.60>")]
    public void A_2xx_whose_contact_is_no_request_uri_makes_no_dialog(string contact)
    {
        SipResponse ok = ResponseTo(Invite(), 200, "OK", ("Contact", contact));

        Assert.Null(SipDialog.FromInvite(Invite(), ok));
    }

    [Fact]
    public void A_2xx_without_a_to_tag_or_a_contact_makes_no_dialog()
    {
        SipResponse noContact = ResponseTo(Invite(), 200, "OK");
        var noTag = new SipResponse(200, "OK");
        noTag.Headers.Add("To", "<sip:10.0.0.9:5060>");
        noTag.Headers.Add("Contact", "<sip:callee@10.0.0.10>");

        Assert.Null(SipDialog.FromInvite(Invite(), noContact));
        Assert.Null(SipDialog.FromInvite(Invite(), noTag));
    }

    [Theory]
    [InlineData("<sip:callee@10.0.0.10>", "sip:callee@10.0.0.10")]
    [InlineData("\"Callee\" < sip:callee@10.0.0.10;transport=tcp > ;expires=60", "sip:callee@10.0.0.10;transport=tcp")]
    [InlineData(" sip:callee@10.0.0.10;expires=60", "sip:callee@10.0.0.10")]
    [InlineData("sip:callee@10.0.0.10 ", "sip:callee@10.0.0.10")]
    [InlineData("<sip:callee@10.0.0.10", "<sip:callee@10.0.0.10")]
    [InlineData("sip:callee@10.0.0.10>;a=<b", "sip:callee@10.0.0.10>")]
    [InlineData("<>", "")]
    public void The_uri_of_a_contact_is_inside_its_angle_brackets_or_before_its_parameters(string value, string uri) =>
        Assert.Equal(uri, SipDialog.AddrSpec(value));

    [Theory]
    [InlineData("<sip:a@x>, <sip:b@y>", new[] { "<sip:a@x>", "<sip:b@y>" })]
    [InlineData("\"Doe, John\" <sip:a@x>,<sip:b@y;lr>", new[] { "\"Doe, John\" <sip:a@x>", "<sip:b@y;lr>" })]
    [InlineData("<sip:a@x;p=\"1,2\">, sip:b@y", new[] { "<sip:a@x;p=\"1,2\">", "sip:b@y" })]
    [InlineData("<sip:a@x;q=<1,2>>, sip:b@y", new[] { "<sip:a@x;q=<1,2>>", "sip:b@y" })]
    [InlineData("\"<\", <sip:a@x>", new[] { "\"<\"", "<sip:a@x>" })]
    [InlineData("sip:a@x>, sip:b@y", new[] { "sip:a@x>", "sip:b@y" })]
    [InlineData("sip:a@x, ", new[] { "sip:a@x" })]
    [InlineData(" ", new string[0])]
    public void A_header_line_splits_at_commas_outside_angle_brackets_and_quotes(string line, string[] elements) =>
        Assert.Equal(elements, SipDialog.Elements(line));

    [Fact]
    public void The_ack_keeps_the_invites_cseq_number_and_each_bye_takes_the_next()
    {
        SipDialog dialog = SipDialog.FromInvite(Invite(), Ok(Invite(), ("Record-Route", "<sip:p1.example;lr>")))!;

        SipRequest ack = dialog.Ack();
        SipRequest bye = dialog.Bye();
        SipRequest second = dialog.Bye();

        Assert.Equal(("ACK", "sip:callee@10.0.0.10:5062;transport=udp", "9 ACK"), (ack.Method, ack.RequestUri, ack.Headers["CSeq"]));
        Assert.Equal(("BYE", "10 BYE", "11 BYE"), (bye.Method, bye.Headers["CSeq"], second.Headers["CSeq"]));
        Assert.Equal("<sip:10.0.0.9:5060>;tag=uas1", bye.Headers["To"]);
        Assert.Equal("<sip:agent@slakit.invalid>;tag=abc", bye.Headers["From"]);
        Assert.Equal("<sip:p1.example;lr>", bye.Headers["Route"]);
        Assert.False(ack.Headers.Contains("Via"));
    }

    [Fact]
    public async Task A_2xx_is_acked_outside_the_transaction_and_each_retransmission_of_it_gets_the_same_ack()
    {
        var attempt = new SipCallAttempt(Layer, Invite(), Timers, _time, static _ => { });
        Task<SipCallAttemptResult> calling = attempt.RunAsync(null, Ct, Ct);
        SipRequest invite = _connection.Sent[0];
        SipResponse ok = Ok(invite);
        _connection.Receive(ok);

        SipCallAttemptResult result = await calling;
        SipDialog? dialog = result.Dialog;
        _connection.Receive(ok);

        SipRequest[] acks = [.. _connection.Sent.Where(static r => r.Method == "ACK")];
        Assert.Equal(200, result.Response!.StatusCode);
        Assert.NotNull(dialog);
        Assert.Equal(2, acks.Length);
        Assert.Equal(acks[0].ToString(), acks[1].ToString());
        Assert.Equal("sip:callee@10.0.0.10:5062;transport=udp", acks[0].RequestUri);

        // The ACK for a 2xx is a transaction of its own (§17.1.1.3): a new branch, not the INVITE's.
        Assert.NotEqual(Branch(invite), Branch(acks[0]));
        Assert.Equal("9 ACK", acks[0].Headers["CSeq"]);
    }

    private static readonly SipCallTimers Timers = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(32), new HashSet<int>());

    private static SipResponse Ok(SipRequest invite, params (string Name, string Value)[] extra) =>
        ResponseTo(invite, 200, "OK", [("Contact", "\"Callee\" <sip:callee@10.0.0.10:5062;transport=udp>;expires=60"), .. extra]);

    private static SipRequest Invite()
    {
        var request = new SipRequest("INVITE", "sip:+4930123456@10.0.0.9:5060");
        request.Headers.Add("Max-Forwards", "70");
        request.Headers.Add("From", "<sip:agent@slakit.invalid>;tag=abc");
        request.Headers.Add("To", "<sip:10.0.0.9:5060>");
        request.Headers.Add("Call-ID", "call-9");
        request.Headers.Add("CSeq", "9 INVITE");
        return request;
    }
}
