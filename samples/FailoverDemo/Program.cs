// FailoverDemo: two local regions, steady traffic, the primary black-holed and then revived.
// One line a second shows which region served, the latency, and the failures so far; a summary follows.
using System.Diagnostics;
using System.Globalization;
using FailoverDemo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SlaKit;
using SlaKit.Http;
using SlaKit.Regions;

const int DemoSeconds = 36;
const int BlackHoleAt = 6;
const int ReviveAt = 18;
const int Workers = 2;
var pause = TimeSpan.FromMilliseconds(20);
Availability slo = Availability.FromPercent(99.9);

await using DemoRegion primary = await DemoRegion.StartAsync("eu-west");
await using DemoRegion secondary = await DemoRegion.StartAsync("eu-central");

// A host, as in an application: its start warms the client up (a connection to each region and a first latency
// sample), so the first request pays no connection set-up and the primary is judged by its own latency from the start.
HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
builder.Logging
    .AddSimpleConsole(console => { console.SingleLine = true; console.TimestampFormat = "HH:mm:ss "; })
    .SetMinimumLevel(LogLevel.Warning)
    .AddFilter("SlaKit", LogLevel.Information);
builder.Services.AddHttpClient("accounts", client => client.BaseAddress = new Uri("https://accounts.example/"))
    .AddRegionFailover(options =>
    {
        options.Regions.Add(new Region(primary.Name, primary.BaseUri) { Priority = 0 });
        options.Regions.Add(new Region(secondary.Name, secondary.BaseUri) { Priority = 1 });
        options.AttemptTimeout = TimeSpan.FromSeconds(2);
        options.BreakDuration = TimeSpan.FromSeconds(1);
        options.FailbackDelay = TimeSpan.FromSeconds(5);
    });
using IHost host = builder.Build();
await host.StartAsync();
IServiceProvider provider = host.Services;
HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("accounts");
IRegionHealthMonitor monitor = provider.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor("accounts");

var clock = Stopwatch.StartNew();
int changesBefore = 0;
monitor.HealthChanged += (_, change) =>
{
    if (change.Region.Name == primary.Name && clock.Elapsed < TimeSpan.FromSeconds(BlackHoleAt))
    {
        Interlocked.Increment(ref changesBefore);
    }
};

Console.WriteLine($"Regions: {primary.Name} at {primary.BaseUri} (primary), {secondary.Name} at {secondary.BaseUri} (secondary).");
Console.WriteLine($"Traffic for {DemoSeconds} s; {primary.Name} is black-holed at {BlackHoleAt} s and revived at {ReviveAt} s.");
Console.WriteLine();
Console.WriteLine(" time  served by                          p50 ms   p99 ms  failures  primary");

var samples = new List<Sample>();
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(DemoSeconds));

async Task WorkerAsync(int worker)
{
    int n = 0;
    while (!stop.IsCancellationRequested)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/balance/{worker}-{n++}");
        long started = Stopwatch.GetTimestamp();
        string? served = null;
        bool ok;
        try
        {
            using HttpResponseMessage response = await http.SendAsync(request, CancellationToken.None);
            ok = response.IsSuccessStatusCode;
            served = request.GetServedRegion();
        }
        catch (HttpRequestException)
        {
            ok = false;
        }

        var sample = new Sample(clock.Elapsed, Stopwatch.GetElapsedTime(started), served, ok);
        lock (samples)
        {
            samples.Add(sample);
        }

        try
        {
            await Task.Delay(pause, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

async Task ScriptAsync()
{
    for (int second = 1; second <= DemoSeconds; second++)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(second) - clock.Elapsed, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        if (second == BlackHoleAt)
        {
            primary.BlackHoled = true;
            Console.WriteLine($"  ---  {primary.Name} black-holed: it accepts requests and never answers");
        }
        else if (second == ReviveAt)
        {
            primary.BlackHoled = false;
            Console.WriteLine($"  ---  {primary.Name} revived");
        }

        PrintSecond(second);
    }
}

void PrintSecond(int second)
{
    List<Sample> window;
    int failures;
    lock (samples)
    {
        window = samples.Where(s => s.At >= TimeSpan.FromSeconds(second - 1) && s.At < TimeSpan.FromSeconds(second)).ToList();
        failures = samples.Count(static s => !s.Ok);
    }

    string servedBy = string.Join(", ", window.GroupBy(static s => s.Region ?? "failed").OrderBy(static g => g.Key, StringComparer.Ordinal).Select(static g => $"{g.Key} {g.Count()}"));
    RegionStatus status = monitor.GetStatus().Single(s => s.Region.Name == primary.Name);
    string primaryState = status.IsStandby ? "Healthy (standby)" : status.Health.ToString();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{second,4}s  {servedBy,-32} {Percentile(window, 0.50),7:F1}  {Percentile(window, 0.99),7:F1}  {failures,8}  {primaryState}"));
}

static double Percentile(List<Sample> window, double p)
{
    if (window.Count == 0)
    {
        return double.NaN;
    }

    double[] sorted = window.Select(static s => s.Latency.TotalMilliseconds).Order().ToArray();
    return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

await Task.WhenAll(Enumerable.Range(0, Workers).Select(WorkerAsync).Append(ScriptAsync()));

// The summary.
int total = samples.Count;
int failed = samples.Count(static s => !s.Ok);
List<Sample> outage = samples.Where(static s => s.At >= TimeSpan.FromSeconds(BlackHoleAt - 1)).ToList();
Sample? firstAfterCut = outage.FirstOrDefault();
double allowedFailures = (double)total * slo.Unavailability;
double budgetSpent = allowedFailures == 0 ? 0 : failed / allowedFailures;
Availability achieved = Availability.FromRatio(total == 0 ? 1 : (total - failed) / (double)total);
TimeSpan slowest = samples.Max(static s => s.Latency);
int waitedOnDeadRegion = samples.Count(static s => s.Latency > TimeSpan.FromMilliseconds(50));
List<Sample> beforeOutage = samples.Where(static s => s.At < TimeSpan.FromSeconds(BlackHoleAt - 1)).ToList();
int primaryBefore = beforeOutage.Count(s => s.Region == primary.Name);

// The last 5 seconds, well after the revival and the failback delay: the primary should have its traffic back.
List<Sample> lastSeconds = samples.Where(static s => s.At >= TimeSpan.FromSeconds(DemoSeconds - 5)).ToList();
int primaryLast = lastSeconds.Count(s => s.Region == primary.Name);

Console.WriteLine();
Console.WriteLine("Summary");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  requests            {total}, failed {failed}: {achieved} available against an SLO of {slo}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  error budget spent  {failed} of {allowedFailures:F1} failed requests allowed ({budgetSpent:P0})"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  served              {string.Join(", ", samples.GroupBy(static s => s.Region ?? "failed").OrderBy(static g => g.Key, StringComparer.Ordinal).Select(static g => $"{g.Key} {g.Count()}"))}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  before the outage   {primary.Name} served {primaryBefore} of {beforeOutage.Count} requests; its health changed {changesBefore} time(s)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  after the revival   {primary.Name} served {primaryLast} of the last {lastSeconds.Count} requests"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  slowest request     {slowest.TotalMilliseconds:F1} ms; {waitedOnDeadRegion} request(s) took over 50 ms (each waited one hedging delay on the dead region)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  overall p50 / p99   {Percentile(samples, 0.50):F2} ms / {Percentile(samples, 0.99):F2} ms"));
Console.WriteLine(failed == 0 ? "No request failed: the outage cost latency, not availability." : "Some requests failed.");
bool primaryHeld = primaryBefore == beforeOutage.Count && changesBefore == 0;
if (!primaryHeld)
{
    Console.WriteLine("The primary did not serve alone before the outage, though nothing was wrong with it.");
}

bool failedBack = primaryLast * 2 > lastSeconds.Count;
if (!failedBack)
{
    Console.WriteLine("The primary did not get its traffic back after it was revived.");
}

await host.StopAsync();
return failed == 0 && primaryHeld && failedBack ? 0 : 1;

internal sealed record Sample(TimeSpan At, TimeSpan Latency, string? Region, bool Ok);
