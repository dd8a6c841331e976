using System.Diagnostics;
using System.Globalization;
using System.Text;
using SlaKit.IntegrationTests.Sip;
using SlaKit.Regions;
using SlaKit.Sip;

namespace SlaKit.Benchmarks.Failover;

/// <summary>
/// SIP calls through two trunks, SIPp processes on 127.0.0.1 over UDP: how long a call takes to ring on the backup trunk
/// when the primary is silent or answers 503 (each call by a fresh client, so each pays the failover), against a call
/// placed on the backup directly; then how many calls a second one client sets up and ends with SIPp answering.
/// </summary>
internal static class SipCallScenario
{
    public const string Usage = "usage: failover sip [--calls N] [--seconds S] [--concurrency N] [--out DIR] [--smoke]";

    /// <summary>One fault's figures: time to ringing on the trunk that answered, and to the answer.</summary>
    internal sealed record Row(string Fault, int Calls, int Answered, double RingP50Ms, double RingMaxMs, double AnswerP50Ms, double AnswerMaxMs, double RoundTrips)
    {
        /// <summary>The outcomes of each call's attempts, as in <c>timeout, answered</c>, and how many calls had them.</summary>
        public string Attempts { get; init; } = "";
    }

    /// <summary>Runs the scenario; returns the process exit code (0 done, 1 SIPp missing, 2 bad arguments).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        int calls = 20;
        int seconds = 10;
        int concurrency = 8;
        bool smoke = false;
        string folder = Path.Combine("BenchmarkDotNet.Artifacts", "failover");
        bool parsed = await ScenarioArguments.TryParseAsync(args, Usage, error, (string name, IReadOnlyList<string> all, ref int i) =>
        {
            switch (name)
            {
                case "--calls":
                    calls = ScenarioArguments.Positive(all, ref i);
                    return true;
                case "--seconds":
                    seconds = ScenarioArguments.Positive(all, ref i);
                    return true;
                case "--concurrency":
                    concurrency = ScenarioArguments.Positive(all, ref i);
                    return true;
                case "--out":
                    folder = ScenarioArguments.Value(all, ref i);
                    return true;
                case "--smoke":
                    (smoke, calls, seconds, concurrency) = (true, 2, 1, 2);
                    return true;
                default:
                    return false;
            }
        });
        if (!parsed)
        {
            return 2;
        }

        if (SippInstallation.Find() is null)
        {
            await error.WriteLineAsync("failover sip needs SIPp: apt-get install -y sip-tester");
            return 1;
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        CancellationToken token = stop.Token;
        await using SippServer silent = await SippServer.StartAsync(SippScenario.SilentInvite, SipTransportProtocol.Udp, token);
        await using SippServer busy = await SippServer.StartAsync(SippScenario.Busy503(retryAfterSeconds: 0), SipTransportProtocol.Udp, token);
        await using SippServer backup = await SippServer.StartAsync(SippScenario.AnswerThenHangUp, SipTransportProtocol.Udp, token);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"SIPp trunks on 127.0.0.1 (UDP): silent {silent.Target.Port}, 503 {busy.Target.Port}, backup answering {backup.Target.Port}; {calls} calls per fault, each by a fresh client with default options."));

        // Warm-up: the code paths compiled before anything is measured.
        await MeasureAsync("warm-up", null, backup, Math.Min(calls, 5), token);

        Row direct = await MeasureAsync("none (backup directly)", null, backup, calls, token);
        Row quiet = await MeasureAsync("silent", silent, backup, calls, token);
        Row refused = await MeasureAsync("answers 503", busy, backup, calls, token);
        double directRing = direct.RingP50Ms;
        Row[] rows =
        [
            direct with { RoundTrips = 1 },
            quiet with { RoundTrips = quiet.RingP50Ms / directRing },
            refused with { RoundTrips = refused.RingP50Ms / directRing },
        ];
        foreach (Row row in rows)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {row.Fault,-18} {row.Answered,3}/{row.Calls,-3} answered  ringing p50 {Report.Milliseconds(row.RingP50Ms),8} ms  max {Report.Milliseconds(row.RingMaxMs),8} ms  answer p50 {Report.Milliseconds(row.AnswerP50Ms),8} ms"));
        }

        (int completed, double perSecond) = await CallsPerSecondAsync(backup, TimeSpan.FromSeconds(seconds), concurrency, token);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  calls per second: {perSecond:0.#} ({completed} calls set up and ended in {seconds} s, {concurrency} at a time)"));

        await ScenarioArguments.WriteReportAsync(output, folder, "sip.md", Markdown(rows, perSecond, completed, seconds, concurrency, smoke));
        return 0;
    }

    /// <summary>
    /// <paramref name="calls"/> calls, each by a fresh client whose primary trunk is <paramref name="primary"/> (none: the
    /// backup alone). Ringing: from placing the call to the first 180 or 183 on the trunk that answered.
    /// </summary>
    private static async Task<Row> MeasureAsync(string fault, SippServer? primary, SippServer backup, int calls, CancellationToken token)
    {
        var ringing = new List<double>();
        var answered = new List<double>();
        var paths = new Dictionary<string, int>();
        for (int i = 0; i < calls; i++)
        {
            var options = new SipFailoverOptions();
            if (primary is not null)
            {
                options.Regions.Add(new Region("primary", primary.Target.ToUri()));
            }

            options.Regions.Add(new Region("backup", backup.Target.ToUri()) { Priority = 1 });
            await using var client = new SipFailoverClient("bench-sip", options);
            long started = Stopwatch.GetTimestamp();
            SipCall call = await client.InviteAsync(Invite(), token);
            double toAnswer = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            double beforeLast = call.Attempts.Take(call.Attempts.Count - 1).Sum(static a => a.Duration.TotalMilliseconds);
            ringing.Add(beforeLast + (call.PostDialDelay ?? call.Attempts[^1].Duration).TotalMilliseconds);
            answered.Add(toAnswer);
            string path = string.Join(", ", call.Attempts.Select(static a => a.Response?.StatusCode.ToString(CultureInfo.InvariantCulture) ?? a.Kind.ToString().ToLowerInvariant()));
            paths[path] = paths.GetValueOrDefault(path) + 1;
            await call.ByeAsync(token);
        }

        return new Row(fault, calls, answered.Count, Percentiles.NearestRank(ringing, 50), ringing.Max(), Percentiles.NearestRank(answered, 50), answered.Max(), 0)
        {
            Attempts = string.Join("; ", paths.Select(static p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} ×{p.Value}"))),
        };
    }

    /// <summary>Calls set up and ended by one client, <paramref name="concurrency"/> at a time, for <paramref name="duration"/>.</summary>
    private static async Task<(int Completed, double PerSecond)> CallsPerSecondAsync(SippServer backup, TimeSpan duration, int concurrency, CancellationToken token)
    {
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("backup", backup.Target.ToUri()));
        await using var client = new SipFailoverClient("bench-sip-cps", options);
        int completed = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                SipCall call = await client.InviteAsync(Invite(), token);
                await call.ByeAsync(token);
                Interlocked.Increment(ref completed);
            }
        }));
        return (completed, completed / clock.Elapsed.TotalSeconds);
    }

    private static SipRequest Invite()
    {
        var invite = new SipRequest("INVITE", "sip:+4930123456@carrier.example")
        {
            Body = "v=0\r\no=bench 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n"u8.ToArray(),
        };
        invite.Headers.Add("Content-Type", "application/sdp");
        return invite;
    }

    private static string Markdown(Row[] rows, double perSecond, int completed, int seconds, int concurrency, bool smoke)
    {
        var text = new StringBuilder();
        text.AppendLine("# SIP calls: time to ringing on the backup trunk, and calls per second");
        text.AppendLine();
        if (smoke)
        {
            text.AppendLine("Smoke run: too few calls for the figures to mean anything.");
            text.AppendLine();
        }

        text.AppendLine("| primary trunk | calls answered | attempts (final code or outcome) | ringing p50 | ringing max | answer p50 | answer max | ringing ÷ direct |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (Row row in rows)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Fault} | {row.Answered}/{row.Calls} | {row.Attempts} | {Report.Milliseconds(row.RingP50Ms)} ms | {Report.Milliseconds(row.RingMaxMs)} ms | {Report.Milliseconds(row.AnswerP50Ms)} ms | {Report.Milliseconds(row.AnswerMaxMs)} ms | {row.RoundTrips:0.0}× |"));
        }

        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Calls per second through one client, SIPp answering (100, 180, 200, then ACK and BYE): **{perSecond:0.#}** ({completed} calls in {seconds} s, {concurrency} at a time)."));
        text.AppendLine();
        text.AppendLine("Goals: ringing on the backup within 1.2 s of placing the call when the primary is silent (Kamailio's default `fr_timer` waits 30 s), within 2 round trips when it answers 503.");
        return text.ToString();
    }
}
