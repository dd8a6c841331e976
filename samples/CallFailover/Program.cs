// CallFailover: calls placed through two local SIP trunks (SIPp), the primary carrier's trunk going silent and coming
// back. One line a second shows which trunk carried the calls and how long they took to ring; each trunk's ASR, NER and
// post-dial delay follow.
using System.Diagnostics;
using System.Globalization;
using SipFailover;
using SlaKit.Regions;
using SlaKit.Sip;

const int DemoSeconds = 16;
const int SilentAt = 4;
const int ReviveAt = 9;
var callEvery = TimeSpan.FromMilliseconds(200);

string? sipp = SippRegion.FindSipp();
if (sipp is null)
{
    SippRegion.TellHowToInstall("two local SIP trunks");
    return 0;
}

await using SippRegion primary = await SippRegion.StartAsync(sipp, "carrier-a", DemoSeconds + 30, Trunk.Scenario("carrier-a"));
await using SippRegion backup = await SippRegion.StartAsync(sipp, "carrier-b", DemoSeconds + 30, Trunk.Scenario("carrier-b"));

var options = new SipFailoverOptions
{
    // The defaults but one: the primary is taken back 3 s after it answers again, not 30 s, to fit the demo.
    FailbackDelay = TimeSpan.FromSeconds(3),
};
options.Regions.Add(new Region(primary.Name, primary.Target.ToUri()));
options.Regions.Add(new Region(backup.Name, backup.Target.ToUri()) { Priority = 1 });
await using var client = new SipFailoverClient("trunks", options);

var clock = Stopwatch.StartNew();
client.HealthChanged += (_, e) =>
    Console.WriteLine($"{Trunk.Seconds(clock.Elapsed),6}  {e.Region.Name} is now {e.Current} (was {e.Previous}) because {e.Reason}.");

Console.WriteLine($"Trunks: {primary.Name} at {primary.Target} (primary), {backup.Name} at {backup.Target} (backup); default ProvisionalTimeout {Trunk.Seconds(options.ProvisionalTimeout)}.");
Console.WriteLine($"A call every {callEvery.TotalMilliseconds:0} ms for {DemoSeconds} s, each answered (100, 180, 200), then ended with a BYE.");
Console.WriteLine($"{primary.Name} goes silent (SIGSTOP: its port stays open, nothing answers) at {SilentAt} s and comes back at {ReviveAt} s.");
Console.WriteLine();
Console.WriteLine("  time  calls carried by                 not carried  slowest to ring");

var calls = new List<(TimeSpan At, string? Trunk, double RingMs)>();
bool silenced = false, revived = false;
int second = 0;
var perSecond = new List<(string? Trunk, double RingMs)>();
TimeSpan? takeover = null;
while (clock.Elapsed < TimeSpan.FromSeconds(DemoSeconds))
{
    if (!silenced && clock.Elapsed >= TimeSpan.FromSeconds(SilentAt))
    {
        primary.GoSilent();
        silenced = true;
        Console.WriteLine($"{Trunk.Seconds(clock.Elapsed),6}  {primary.Name} goes silent.");
    }

    if (!revived && clock.Elapsed >= TimeSpan.FromSeconds(ReviveAt))
    {
        primary.Revive();
        revived = true;
        Console.WriteLine($"{Trunk.Seconds(clock.Elapsed),6}  {primary.Name} answers again.");
    }

    TimeSpan placedAt = clock.Elapsed;
    (string? carrier, double ringMs) = await Trunk.CallAsync(client);
    calls.Add((placedAt, carrier, ringMs));
    perSecond.Add((carrier, ringMs));
    if (silenced && !revived && takeover is null && carrier == backup.Name)
    {
        takeover = TimeSpan.FromMilliseconds(ringMs);
    }

    if ((int)clock.Elapsed.TotalSeconds > second)
    {
        Console.WriteLine(Trunk.Line(second + 1, perSecond));
        perSecond.Clear();
        second = (int)clock.Elapsed.TotalSeconds;
    }

    TimeSpan wait = callEvery - (clock.Elapsed - placedAt);
    if (wait > TimeSpan.Zero)
    {
        await Task.Delay(wait);
    }
}

Console.WriteLine();
Console.WriteLine($"{calls.Count} calls, {calls.Count(static c => c.Trunk is null)} not carried.");
if (takeover is { } ringing)
{
    Console.WriteLine($"The first call after {primary.Name} went silent rang on {backup.Name} {ringing.TotalMilliseconds:0} ms after it was placed (Kamailio's default fr_timer would wait 30 s).");
}

string lastTrunk = calls.Where(static c => c.Trunk is not null).Select(static c => c.Trunk!).LastOrDefault() ?? "none";
Console.WriteLine($"The last call went out on {lastTrunk}.");
Console.WriteLine();
Console.WriteLine("trunk       health     attempts  answered  user  network    ASR    NER  calls now");
foreach (SipTrunkStatus trunk in client.GetTrunkStatus())
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{trunk.Trunk.Name,-10}  {trunk.Health,-9}  {trunk.Attempts,8}  {trunk.Answered,8}  {trunk.UserCaused,4}  {trunk.NetworkFailures,7}  {trunk.AnswerSeizureRatio,5:P0}  {trunk.NetworkEffectivenessRatio,5:P0}  {trunk.ActiveCalls,9}"));
}

return 0;

/// <summary>The demo's calls and their trunks' scenario.</summary>
internal static class Trunk
{
    private static readonly byte[] Offer = "v=0\r\no=demo 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n"u8.ToArray();

    /// <summary>Places one call and ends it at once: which trunk carried it (null: none) and how long it took to ring there.</summary>
    public static async Task<(string? Trunk, double RingMs)> CallAsync(SipFailoverClient client)
    {
        var invite = new SipRequest("INVITE", "sip:+4930123456@carrier.example") { Body = Offer };
        invite.Headers.Add("Content-Type", "application/sdp");
        try
        {
            SipCall call = await client.InviteAsync(invite);
            double ring = call.Attempts.Take(call.Attempts.Count - 1).Sum(static a => a.Duration.TotalMilliseconds) +
                (call.PostDialDelay ?? call.Attempts[^1].Duration).TotalMilliseconds;
            await call.ByeAsync();
            return (call.Trunk.Name, ring);
        }
        catch (SipFailoverException)
        {
            return (null, double.NaN);
        }
    }

    public static string Line(int second, List<(string? Trunk, double RingMs)> calls)
    {
        string carried = string.Join(", ", calls.Where(static c => c.Trunk is not null).GroupBy(static c => c.Trunk).Select(static g => $"{g.Key} {g.Count()}"));
        double slowest = calls.Where(static c => c.Trunk is not null).Select(static c => c.RingMs).DefaultIfEmpty(0).Max();
        return string.Create(CultureInfo.InvariantCulture, $"{second,5} s  {carried,-31}  {calls.Count(static c => c.Trunk is null),11}  {slowest,12:0.0} ms");
    }

    public static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0} s");

    /// <summary>
    /// A trunk in SIPp: an INVITE gets 100, 180 and a 200 with a Contact and an SDP answer, then the ACK and the BYE are
    /// expected; an OPTIONS (the client's check of a trunk it took out) gets 200.
    /// </summary>
    public static string Scenario(string name) => $"""
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="{name}: a trunk that answers calls">
          <recv request="OPTIONS" optional="true" next="options" />
          <recv request="INVITE" />
          {Reply("100 Trying", name, tag: false)}
          {Reply("180 Ringing", name)}
          {Reply("200 OK", name, "Contact: <sip:callee@[local_ip]:[local_port]>\nContent-Type: application/sdp\n", "v=0\no=callee 1 1 IN IP4 [local_ip]\ns=-\nc=IN IP4 [local_ip]\nt=0 0\nm=audio [auto_media_port] RTP/AVP 0\n")}
          <recv request="ACK" />
          <recv request="BYE" />
          {Reply("200 OK", name, tag: false, next: "done")}
          <label id="options" />
          {Reply("200 OK", name)}
          <label id="done" />
        </scenario>
        """;

    private static string Reply(string status, string name, string headers = "", string body = "", bool tag = true, string? next = null) => $"""
        <send{(next is null ? "" : $" next=\"{next}\"")}>
            <![CDATA[

              SIP/2.0 {status}
              [last_Via:]
              [last_From:]
              [last_To:]{(tag ? ";tag=[pid]x[call_number]" : "")}
              [last_Call-ID:]
              [last_CSeq:]
              Server: {name}
              {headers}Content-Length: [len]

            {body}]]>
          </send>
        """;
}
