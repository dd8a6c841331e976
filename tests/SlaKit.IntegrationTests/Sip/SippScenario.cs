using System.Globalization;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>
/// The SIPp server scenarios the SIP tests run. SIPp's built-in <c>-sn uas</c> expects an INVITE and never answers
/// OPTIONS, so the OPTIONS scenarios receive an OPTIONS and answer it (or not). Each OPTIONS answer names its server in a
/// <c>Server</c> header, so a test can tell which region answered.
/// </summary>
public sealed record SippScenario(string Name, string Xml)
{
    /// <summary>Answers every OPTIONS with 200 OK and a To tag.</summary>
    public static SippScenario Answer200(string server) => Answer(server, "200 OK", []);

    /// <summary>Answers every OPTIONS with 503 Service Unavailable and <c>Retry-After</c>.</summary>
    public static SippScenario Answer503(string server, int retryAfterSeconds) =>
        Answer(server, "503 Service Unavailable", [string.Create(CultureInfo.InvariantCulture, $"Retry-After: {retryAfterSeconds}")]);

    /// <summary>Receives every OPTIONS and never answers.</summary>
    public static SippScenario NeverAnswer { get; } = new("never-answer", Scenario("receive OPTIONS and never answer", """<recv request="OPTIONS" />"""));

    /// <summary>
    /// Answers an INVITE with 180 Ringing and then 486 Busy Here, and expects the ACK (RFC 3261 §17.1.1.3): the call runs
    /// to the end of the scenario only if the ACK comes, with the 486's To tag and the INVITE's CSeq number.
    /// </summary>
    public static SippScenario RingThenBusy { get; } = new("ring-then-busy", Scenario(
        "answer INVITE with 180 then 486, expect the ACK",
        """<recv request="INVITE" />""",
        Reply("180 Ringing"),
        Reply("486 Busy Here"),
        """<recv request="ACK" />"""));

    /// <summary>
    /// Answers an INVITE with 180 and 200 (a Contact and a Record-Route), expects the ACK for the 2xx, then a BYE within the
    /// dialog, and answers it 200: the call runs to the end only if the ACK and the BYE come as RFC 3261 §13.2.2.4 and §15.1 say.
    /// </summary>
    public static SippScenario AnswerThenHangUp { get; } = new("answer-then-hang-up", Scenario(
        "answer INVITE with 100, 180 and 200, expect ACK and BYE",
        [
            """<recv request="INVITE" />""",
            Reply("100 Trying", tagTo: false),
            Reply("180 Ringing"),
            Answer200(withRecordRoute: true),
            .. HungUp,
        ]));

    /// <summary>Answers an INVITE with 503 and <c>Retry-After</c>, and expects the ACK for it.</summary>
    public static SippScenario Busy503(int retryAfterSeconds) => new("invite-503", Scenario(
        "answer INVITE with 503 and Retry-After, expect the ACK",
        """<recv request="INVITE" />""",
        Reply("503 Service Unavailable", [string.Create(CultureInfo.InvariantCulture, $"Retry-After: {retryAfterSeconds}")]),
        """<recv request="ACK" />"""));

    /// <summary>Receives an INVITE and never answers: a trunk that has gone silent.</summary>
    public static SippScenario SilentInvite { get; } = new("invite-silence", Scenario("receive INVITE and never answer", """<recv request="INVITE" />"""));

    /// <summary>
    /// Answers an INVITE with 100 Trying and then nothing, until a CANCEL comes: answers it 200, ends the INVITE with 487
    /// (RFC 3261 §9.2) and expects the ACK for the 487. The call runs to the end only if the CANCEL and the ACK come.
    /// </summary>
    public static SippScenario TryingThenSilence { get; } = new("trying-then-silence", Scenario(
        "answer INVITE with 100, then expect a CANCEL, answer 487, expect the ACK",
        """<recv request="INVITE" />""",
        Reply("100 Trying", tagTo: false),
        """<recv request="CANCEL" />""",
        Reply("200 OK"),
        Reply("487 Request Terminated", cseq: "CSeq: [last_cseq_number] INVITE"),
        """<recv request="ACK" />"""));

    /// <summary>Answers an INVITE with 183 Session Progress, 200 after <paramref name="delayMs"/>, then expects ACK and BYE.</summary>
    public static SippScenario ProgressThenAnswer(int delayMs) => new("progress-then-answer", Scenario(
        "answer INVITE with 183, then 200, expect ACK and BYE",
        [
            """<recv request="INVITE" />""",
            Reply("183 Session Progress"),
            string.Create(CultureInfo.InvariantCulture, $"""<pause milliseconds="{delayMs}" />"""),
            Answer200(withRecordRoute: false),
            .. HungUp,
        ]));

    /// <summary>
    /// A trunk that wakes up too late: silent for <paramref name="silenceMs"/>, then 180; a CANCEL comes for it, and the
    /// callee answers anyway (the 200 crossing the CANCEL, RFC 3261 §9.1). The call runs to the end only if that 200 is
    /// ACKed and ended with a BYE, so that it does not stay up beside the call that moved on.
    /// </summary>
    public static SippScenario LateAnswerAfterCancel(int silenceMs) => new("late-answer-after-cancel", Scenario(
        "silent, then 180, expect CANCEL, answer 200 anyway, expect ACK and BYE",
        [
            """<recv request="INVITE" />""",
            string.Create(CultureInfo.InvariantCulture, $"""<pause milliseconds="{silenceMs}" />"""),
            Reply("180 Ringing"),
            """<recv request="CANCEL" />""",
            Reply("200 OK"),
            Answer200(withRecordRoute: false, cseq: "CSeq: [last_cseq_number] INVITE"),
            .. HungUp,
        ]));

    private static string[] RecordRoute => ["Record-Route: <sip:[local_ip]:[local_port];transport=[transport];lr>"];

    /// <summary>
    /// Answers an INVITE with 180 and 200, expects the ACK, then hangs up itself: a BYE to the caller's Contact with the
    /// dialog's tags, sent again until a 200 answers it (RFC 3261 §15.1.1). The call runs to the end only if the 200 comes.
    /// </summary>
    public static SippScenario AnswerThenCalleeHangsUp { get; } = CalleeHangsUp("answer-then-callee-hangs-up", straightToContact: false);

    /// <summary>
    /// As <see cref="AnswerThenCalleeHangsUp"/>, behind a proxy that did not Record-Route: the BYE goes from SIPp's own port
    /// straight to the address in the caller's Contact (RFC 3261 §12.2.1.1), not back through the proxy.
    /// </summary>
    public static SippScenario AnswerThenCalleeHangsUpStraightToContact { get; } = CalleeHangsUp("answer-then-callee-hangs-up-direct", straightToContact: true);

    private static SippScenario CalleeHangsUp(string name, bool straightToContact) => new(name, Scenario(
        "answer INVITE, expect the ACK, send a BYE, expect its 200",
        [
            $"""
            <recv request="INVITE">
                <action>
                  <ereg regexp=".*" search_in="hdr" header="From:" assign_to="caller" />
                  <ereg regexp="sip:[^>]*" search_in="hdr" header="Contact:" assign_to="contact" />
                  {(straightToContact ? """<ereg regexp="@([0-9.]+):([0-9]+)" search_in="hdr" header="Contact:" assign_to="contactaddress,contacthost,contactport" />""" : "")}
                </action>
              </recv>
            """,
            Reply("180 Ringing"),
            Answer200(withRecordRoute: false),
            """<recv request="ACK" />""",
            """<pause milliseconds="100" />""",
            .. straightToContact
                ? ["""<nop><action><log message="BYE to [$contactaddress]" /><setdest host="[$contacthost]" port="[$contactport]" protocol="udp" /></action></nop>"""]
                : Array.Empty<string>(),
            """
            <send retrans="500">
                <![CDATA[

                  BYE [$contact] SIP/2.0
                  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                  From: <sip:callee@[local_ip]:[local_port]>;tag=[pid]x[call_number]
                  To:[$caller]
                  Call-ID: [call_id]
                  CSeq: 1 BYE
                  Max-Forwards: 70
                  Content-Length: 0

                ]]>
              </send>
            """,
            """<recv response="200" />""",
        ]));

    /// <summary>
    /// Answers an INVITE with a 200 that puts the call under a session timer it refreshes itself (RFC 4028,
    /// <c>refresher=uas</c>), then refreshes it as an SBC does: a re-INVITE with its SDP unchanged, whose 200 must carry the
    /// caller's SDP (<c>o=agent</c>), ACKed; then an UPDATE without SDP; then it hangs up. Each request is sent again until
    /// its 200 comes, and the call runs to the end only if every 200 came.
    /// </summary>
    public static SippScenario AnswerRefreshThenCalleeHangsUp { get; } = new("answer-refresh-then-callee-hangs-up", Scenario(
        "answer INVITE under a session timer, refresh with re-INVITE and UPDATE, then send a BYE",
        [
            """
            <recv request="INVITE">
                <action>
                  <ereg regexp=".*" search_in="hdr" header="From:" assign_to="caller" />
                  <ereg regexp="sip:[^>]*" search_in="hdr" header="Contact:" assign_to="contact" />
                </action>
              </recv>
            """,
            Reply(
                "200 OK",
                ["Contact: <sip:callee@[local_ip]:[local_port];transport=[transport]>", "Session-Expires: 90;refresher=uas", "Content-Type: application/sdp"],
                body: CalleeSdp),
            """<recv request="ACK" />""",
            """<pause milliseconds="100" />""",
            InDialog("INVITE", 1, ["Contact: <sip:callee@[local_ip]:[local_port];transport=[transport]>", "Session-Expires: 90;refresher=uas", "Content-Type: application/sdp"], CalleeSdp),
            """
            <recv response="200">
                <action>
                  <ereg regexp="o=agent[^\r\n]*" search_in="body" check_it="true" assign_to="offer" />
                  <log message="re-INVITE answered with [$offer]" />
                </action>
              </recv>
            """,
            InDialog("ACK", 1, [], "", retransmitted: false),
            InDialog("UPDATE", 2, ["Contact: <sip:callee@[local_ip]:[local_port];transport=[transport]>", "Session-Expires: 90;refresher=uas"], ""),
            """<recv response="200" />""",
            """<pause milliseconds="100" />""",
            InDialog("BYE", 3, [], ""),
            """<recv response="200" />""",
        ]));

    /// <summary>The callee's SDP, the same in the 200 and in the re-INVITE that refreshes the session.</summary>
    private const string CalleeSdp = "v=0\no=callee 1 1 IN IP4 [local_ip]\ns=-\nc=IN IP4 [local_ip]\nt=0 0\nm=audio 6000 RTP/AVP 0\n";

    /// <summary>A request from the callee within the dialog, to the caller's Contact, sent again every 500 ms until answered unless <paramref name="retransmitted"/> is false.</summary>
    private static string InDialog(string method, int cseq, string[] headers, string body, bool retransmitted = true) => $"""
        <send{(retransmitted ? " retrans=\"500\"" : "")}>
            <![CDATA[

              {method} [$contact] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
              From: <sip:callee@[local_ip]:[local_port]>;tag=[pid]x[call_number]
              To:[$caller]
              Call-ID: [call_id]
              CSeq: {cseq} {method}
              Max-Forwards: 70
              {string.Concat(headers.Select(static h => h + "\n"))}Content-Length: [len]

            {body}]]>
          </send>
        """;

    /// <summary>The end of an answered call: the ACK for the 2xx, then a BYE within the dialog, answered 200.</summary>
    private static string[] HungUp =>
    [
        """<recv request="ACK" />""",
        """<recv request="BYE" />""",
        Reply("200 OK", tagTo: false),
    ];

    /// <summary>A 200 for the INVITE with the Contact a dialog needs, a Record-Route when asked, and an SDP answer.</summary>
    private static string Answer200(bool withRecordRoute, string cseq = "[last_CSeq:]") => Reply(
        "200 OK",
        [
            .. withRecordRoute ? RecordRoute : [],
            "Contact: <sip:callee@[local_ip]:[local_port];transport=[transport]>",
            "Content-Type: application/sdp",
        ],
        cseq: cseq,
        body: "v=0\no=callee 1 1 IN IP4 [local_ip]\ns=-\nc=IN IP4 [local_ip]\nt=0 0\nm=audio [auto_media_port] RTP/AVP 0\n");

    private static SippScenario Answer(string server, string status, string[] headers) => new(
        $"answer-{status[..3]}",
        Scenario($"answer OPTIONS with {status}", """<recv request="OPTIONS" />""", Reply(status, [.. headers, $"Server: {server}"])));

    /// <summary>A scenario file: its steps (SIPp's XML elements) one after another.</summary>
    private static string Scenario(string description, params string[] steps) => $"""
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="{description}">
          {string.Join("\n  ", steps)}
        </scenario>
        """;

    /// <summary>
    /// A <c>send</c> of a response to the last request received, its Via, From, Call-ID and CSeq copied (or
    /// <paramref name="cseq"/>) and its To tagged (unless <paramref name="tagTo"/> is false: a request within a dialog
    /// carries the tag already, and a 100 carries none), then <paramref name="headers"/> and <paramref name="body"/>.
    /// </summary>
    private static string Reply(string status, string[]? headers = null, bool tagTo = true, string cseq = "[last_CSeq:]", string body = "") => $"""
        <send>
            <![CDATA[

              SIP/2.0 {status}
              [last_Via:]
              [last_From:]
              [last_To:]{(tagTo ? ";tag=[pid]x[call_number]" : "")}
              [last_Call-ID:]
              {cseq}
              {string.Concat((headers ?? []).Select(static h => h + "\n"))}Content-Length: [len]

            {body}]]>
          </send>
        """;
}
