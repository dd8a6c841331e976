// SipFailover: two local SIP regions (SIPp), OPTIONS probes every second, steady MESSAGE traffic, and the primary
// going silent and coming back. One line a second shows who served and what the probes saw; a summary follows.
using System.Diagnostics;
using System.Globalization;
using SipFailover;
using SlaKit;
using SlaKit.Probes;
using SlaKit.Regions;
using SlaKit.Sip;

const int DemoSeconds = 20;
const int SilentAt = 5;
const int ReviveAt = 11;
var probeInterval = TimeSpan.FromSeconds(1);
var probeTimeout = TimeSpan.FromMilliseconds(800);

string? sipp = SippRegion.FindSipp();
if (sipp is null)
{
    SippRegion.TellHowToInstall("two local SIP regions");
    return 0;
}

await using SippRegion primary = await SippRegion.StartAsync(sipp, "eu-west", DemoSeconds + 30);
await using SippRegion secondary = await SippRegion.StartAsync(sipp, "eu-central", DemoSeconds + 30);

var options = new SipFailoverOptions
{
    // A request in flight when a region goes silent moves on after 1 s instead of Timer F's 32 s.
    AttemptTimeout = TimeSpan.FromSeconds(1),
    FailbackDelay = TimeSpan.FromSeconds(3),
};
options.Regions.Add(new Region(primary.Name, primary.Target.ToUri()));
options.Regions.Add(new Region(secondary.Name, secondary.Target.ToUri()) { Priority = 1 });
await using var client = new SipFailoverClient("carrier", options);

var clock = Stopwatch.StartNew();
TimeSpan? silencedAt = null;
TimeSpan? removedAfter = null;
client.HealthChanged += (_, e) =>
{
    Console.WriteLine($"{Seconds(clock.Elapsed),5}  {e.Region.Name} is now {e.Current} (was {e.Previous}) because {e.Reason}.");
    if (e.Region.Name == primary.Name && e.Current == RegionHealth.Unhealthy && silencedAt is { } since && removedAfter is null)
    {
        removedAfter = clock.Elapsed - since;
    }
};

Console.WriteLine($"Regions: {primary.Name} at {primary.Target} (primary), {secondary.Name} at {secondary.Target} (secondary).");
Console.WriteLine($"OPTIONS probes every {Seconds(probeInterval)} (timeout {Seconds(probeTimeout)}); a MESSAGE every 100 ms for {DemoSeconds} s.");
Console.WriteLine($"{primary.Name} goes silent (SIGSTOP: its port stays open, nothing answers) at {SilentAt} s and comes back at {ReviveAt} s.");
Console.WriteLine();
Console.WriteLine(" time  served by                      slowest  failures  probes: eu-west | eu-central");

using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(DemoSeconds));
var lastProbe = new Dictionary<string, HealthProbeResult>();
var roundTrips = new List<double>();

// The probe scheduler: each region probed on a PeriodicTimer, its results fed to the client.
async Task ProbeAsync(string region)
{
    await using SipOptionsProbe probe = client.CreateProbe(region, new SipOptionsProbeOptions { Timeout = probeTimeout });
    using var timer = new PeriodicTimer(probeInterval, TimeProvider.System);
    try
    {
        do
        {
            HealthProbeResult result = await probe.ProbeAsync(stop.Token);
            if (stop.IsCancellationRequested)
            {
                break; // cut short by the end of the demo: not a verdict on the region
            }

            client.ReportProbeResult(region, result);
            lock (lastProbe)
            {
                // The first answer of each region includes warming up the code path; the statistics leave it out.
                if (result.Status == ProbeStatus.Healthy && !lastProbe.TryAdd(region, result))
                {
                    roundTrips.Add(result.Latency.TotalMilliseconds);
                }

                lastProbe[region] = result;
            }
        }
        while (await timer.WaitForNextTickAsync(stop.Token));
    }
    catch (OperationCanceledException)
    {
        // The demo is over.
    }
}

var served = new List<(TimeSpan At, string? Region, TimeSpan Took)>();
async Task TrafficAsync()
{
    int n = 0;
    while (!stop.IsCancellationRequested)
    {
        var message = new SipRequest("MESSAGE", "sip:agent-42@carrier.example") { Body = System.Text.Encoding.UTF8.GetBytes($"ticket {n++}") };
        message.Headers.Add("Content-Type", "text/plain");
        long started = Stopwatch.GetTimestamp();
        string? region;
        try
        {
            region = (await client.SendAsync(message, CancellationToken.None)).Headers["Server"];
        }
        catch (SipFailoverException)
        {
            region = null;
        }

        lock (served)
        {
            served.Add((clock.Elapsed, region, Stopwatch.GetElapsedTime(started)));
        }

        try
        {
            await Task.Delay(100, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // The demo is over.
        }
    }
}

async Task ScriptAsync()
{
    int reported = 0;
    for (int second = 1; second <= DemoSeconds; second++)
    {
        TimeSpan due = TimeSpan.FromSeconds(second) - clock.Elapsed;
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due);
        }

        Report(second, ref reported);
        if (second == SilentAt)
        {
            primary.GoSilent();
            silencedAt = clock.Elapsed;
            Console.WriteLine($"{Seconds(clock.Elapsed),5}  {primary.Name} goes silent.");
        }
        else if (second == ReviveAt)
        {
            primary.Revive();
            Console.WriteLine($"{Seconds(clock.Elapsed),5}  {primary.Name} answers again.");
        }
    }
}

void Report(int second, ref int reported)
{
    (TimeSpan At, string? Region, TimeSpan Took)[] window;
    int failures;
    lock (served)
    {
        window = [.. served.Skip(reported)];
        reported = served.Count;
        failures = served.Count(s => s.Region is null);
    }

    string who = window.Length == 0
        ? "(a request is waiting)"
        : string.Join(", ", window.GroupBy(s => s.Region ?? "failed").Select(g => $"{g.Key} {g.Count()}"));
    string slowest = window.Length == 0 ? "" : $"{window.Max(s => s.Took).TotalMilliseconds:0.0} ms";
    string probes;
    lock (lastProbe)
    {
        probes = string.Join(" | ", new[] { primary.Name, secondary.Name }.Select(r => lastProbe.TryGetValue(r, out HealthProbeResult p) ? p.Status == ProbeStatus.Healthy ? $"{p.Detail} in {p.Latency.TotalMilliseconds:0.00} ms" : p.Detail : "-"));
    }

    Console.WriteLine($"{second,4}s  {who,-30} {slowest,8}  {failures,8}  {probes}");
}

await Task.WhenAll(ProbeAsync(primary.Name), ProbeAsync(secondary.Name), TrafficAsync(), ScriptAsync());

int total;
int failed;
TimeSpan slowestRequest;
lock (served)
{
    total = served.Count;
    failed = served.Count(s => s.Region is null);
    slowestRequest = served.Max(s => s.Took);
}

double[] sorted;
lock (lastProbe)
{
    sorted = [.. roundTrips.Order()];
}

Console.WriteLine();
Console.WriteLine($"OPTIONS round trip to the local SIPp regions: p50 {Percentile(sorted, 0.50):0.000} ms, p99 {Percentile(sorted, 0.99):0.000} ms over {sorted.Length} answered probes.");
Console.WriteLine(removedAfter is { } removal
    ? $"{primary.Name} went silent at {SilentAt} s and left the rotation {removal.TotalSeconds:0.00} s later (2 failures mark a region down; probes and requests both count); a bare transaction would have waited Timer F, 32 s."
    : $"{primary.Name} was not taken out of the rotation.");
Console.WriteLine($"{total} MESSAGE requests, {failed} failed; the slowest took {slowestRequest.TotalMilliseconds:0} ms (one in flight when the region went silent waits the 1 s attempt timeout).");
Console.WriteLine($"Availability of the requests: {Availability.FromRatio((total - failed) / (double)Math.Max(1, total))}.");
return failed == 0 && removedAfter is not null ? 0 : 1;

static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.0}s");

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
