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
        "answer INVITE, expect ACK and BYE",
        """<recv request="INVITE" />""",
        Reply("180 Ringing"),
        Reply("200 OK", headers:
        [
            "Record-Route: <sip:[local_ip]:[local_port];transport=[transport];lr>",
            "Contact: <sip:callee@[local_ip]:[local_port];transport=[transport]>",
        ]),
        """<recv request="ACK" />""",
        """<recv request="BYE" />""",
        Reply("200 OK", tagTo: false)));

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
    /// A <c>send</c> of a response to the last request received, its Via, From, Call-ID and CSeq copied and its To tagged
    /// (unless <paramref name="tagTo"/> is false: a request within a dialog carries the tag already), then <paramref name="headers"/>.
    /// </summary>
    private static string Reply(string status, string[]? headers = null, bool tagTo = true) => $"""
        <send>
            <![CDATA[

              SIP/2.0 {status}
              [last_Via:]
              [last_From:]
              [last_To:]{(tagTo ? ";tag=[pid]x[call_number]" : "")}
              [last_Call-ID:]
              [last_CSeq:]
              {string.Concat((headers ?? []).Select(static h => h + "\n"))}Content-Length: 0

            ]]>
          </send>
        """;
}
