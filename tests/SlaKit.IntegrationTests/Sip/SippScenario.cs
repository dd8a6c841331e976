using System.Globalization;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>
/// The SIPp server scenarios the SIP tests run. SIPp's built-in <c>-sn uas</c> expects an INVITE and never answers
/// OPTIONS, so each of these receives an OPTIONS and answers it (or not). Each answer names its server in a
/// <c>Server</c> header, so a test can tell which region answered.
/// </summary>
public sealed record SippScenario(string Name, string Xml)
{
    /// <summary>Answers every OPTIONS with 200 OK and a To tag.</summary>
    public static SippScenario Answer200(string server) => Answer(server, "200 OK", "");

    /// <summary>Answers every OPTIONS with 503 Service Unavailable and <c>Retry-After</c>.</summary>
    public static SippScenario Answer503(string server, int retryAfterSeconds) =>
        Answer(server, "503 Service Unavailable", string.Create(CultureInfo.InvariantCulture, $"Retry-After: {retryAfterSeconds}\n      "));

    /// <summary>Receives every OPTIONS and never answers.</summary>
    public static SippScenario NeverAnswer { get; } = new("never-answer", """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="receive OPTIONS and never answer">
          <recv request="OPTIONS" />
        </scenario>
        """);

    /// <summary>
    /// Answers an INVITE with 180 Ringing and then 486 Busy Here, and expects the ACK (RFC 3261 §17.1.1.3): the call runs
    /// to the end of the scenario only if the ACK comes, with the 486's To tag and the INVITE's CSeq number.
    /// </summary>
    public static SippScenario RingThenBusy { get; } = new("ring-then-busy", """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="answer INVITE with 180 then 486, expect the ACK">
          <recv request="INVITE" />
          <send>
            <![CDATA[

              SIP/2.0 180 Ringing
              [last_Via:]
              [last_From:]
              [last_To:];tag=[pid]x[call_number]
              [last_Call-ID:]
              [last_CSeq:]
              Content-Length: 0

            ]]>
          </send>
          <send>
            <![CDATA[

              SIP/2.0 486 Busy Here
              [last_Via:]
              [last_From:]
              [last_To:];tag=[pid]x[call_number]
              [last_Call-ID:]
              [last_CSeq:]
              Content-Length: 0

            ]]>
          </send>
          <recv request="ACK" />
        </scenario>
        """);

    /// <summary>
    /// Answers an INVITE with 180 and 200 (a Contact and a Record-Route), expects the ACK for the 2xx, then a BYE within the
    /// dialog, and answers it 200: the call runs to the end only if the ACK and the BYE come as RFC 3261 §13.2.2.4 and §15.1 say.
    /// </summary>
    public static SippScenario AnswerThenHangUp { get; } = new("answer-then-hang-up", """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="answer INVITE, expect ACK and BYE">
          <recv request="INVITE" />
          <send>
            <![CDATA[

              SIP/2.0 180 Ringing
              [last_Via:]
              [last_From:]
              [last_To:];tag=[pid]x[call_number]
              [last_Call-ID:]
              [last_CSeq:]
              Content-Length: 0

            ]]>
          </send>
          <send>
            <![CDATA[

              SIP/2.0 200 OK
              [last_Via:]
              [last_From:]
              [last_To:];tag=[pid]x[call_number]
              [last_Call-ID:]
              [last_CSeq:]
              Record-Route: <sip:[local_ip]:[local_port];transport=[transport];lr>
              Contact: <sip:callee@[local_ip]:[local_port];transport=[transport]>
              Content-Length: 0

            ]]>
          </send>
          <recv request="ACK" />
          <recv request="BYE" />
          <send>
            <![CDATA[

              SIP/2.0 200 OK
              [last_Via:]
              [last_From:]
              [last_To:]
              [last_Call-ID:]
              [last_CSeq:]
              Content-Length: 0

            ]]>
          </send>
        </scenario>
        """);

    private static SippScenario Answer(string server, string status, string extraHeaders) => new($"answer-{status[..3]}", $"""
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="answer OPTIONS with {status}">
          <recv request="OPTIONS" />
          <send>
            <![CDATA[

              SIP/2.0 {status}
              [last_Via:]
              [last_From:]
              [last_To:];tag=[pid]x[call_number]
              [last_Call-ID:]
              [last_CSeq:]
              {extraHeaders}Server: {server}
              Content-Length: 0

            ]]>
          </send>
        </scenario>
        """);
}
