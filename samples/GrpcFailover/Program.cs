// GrpcFailover: a gRPC client over two local regions and steady calls; the primary is black-holed and revived, then
// answers UNAVAILABLE and is revived again. One line a second shows which region served, the latency and the failures.
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using GrpcFailover;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SlaKit.Grpc;
using SlaKit.Regions;

const int DemoSeconds = 36;
const int BlackHoleAt = 5;
const int ReviveAt = 10;
const int UnavailableAt = 20;
const int SecondReviveAt = 25;
const int Workers = 2;
var pause = TimeSpan.FromMilliseconds(20);

await using DemoRegion primary = await DemoRegion.StartAsync("eu-west");
await using DemoRegion secondary = await DemoRegion.StartAsync("eu-central");

// A host, as in an application: AddGrpcClient gives an IHttpClientBuilder, and AddRegionFailover sits on it as on any
// HttpClient. AddGrpcService reads the proto: GetBalance has no side effects, so its calls may be hedged.
HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
builder.Logging
    .AddSimpleConsole(console => { console.SingleLine = true; console.TimestampFormat = "HH:mm:ss "; })
    .SetMinimumLevel(LogLevel.Warning)
    .AddFilter("SlaKit", LogLevel.Information);
builder.Services.AddGrpcClient<Accounts.AccountsClient>(o => o.Address = primary.BaseUri)
    .AddRegionFailover(options =>
    {
        options.Regions.Add(new Region(primary.Name, primary.BaseUri) { Priority = 0 });
        options.Regions.Add(new Region(secondary.Name, secondary.BaseUri) { Priority = 1 });
        options.AttemptTimeout = TimeSpan.FromSeconds(2);
        options.BreakDuration = TimeSpan.FromSeconds(1);
        options.FailbackDelay = TimeSpan.FromSeconds(5);
        options.AddGrpcService(Accounts.Descriptor);
    });
using IHost host = builder.Build();
await host.StartAsync();
Accounts.AccountsClient client = host.Services.GetRequiredService<Accounts.AccountsClient>();
IRegionHealthMonitor monitor = host.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor(nameof(Accounts.AccountsClient));

Console.WriteLine($"Regions: {primary.Name} at {primary.BaseUri} (primary), {secondary.Name} at {secondary.BaseUri} (secondary), gRPC over HTTP/2.");
Console.WriteLine($"Calls for {DemoSeconds} s; {primary.Name} is black-holed at {BlackHoleAt} s and revived at {ReviveAt} s,");
Console.WriteLine($"then answers UNAVAILABLE at {UnavailableAt} s and is revived at {SecondReviveAt} s.");
Console.WriteLine();
Console.WriteLine(" time  served by                          p50 ms   p99 ms  failures  primary");

var clock = Stopwatch.StartNew();
var samples = new List<Sample>();
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(DemoSeconds));

async Task WorkerAsync(int worker)
{
    int n = 0;
    while (!stop.IsCancellationRequested)
    {
        long started = Stopwatch.GetTimestamp();
        string? served = null;
        try
        {
            Balance balance = await client.GetBalanceAsync(new BalanceRequest { Account = $"{worker}-{n++}" }, deadline: DateTime.UtcNow.AddSeconds(10));
            served = balance.Region;
        }
        catch (RpcException exception)
        {
            Console.WriteLine($"  call failed: {exception.StatusCode} {exception.Status.Detail}");
        }

        lock (samples)
        {
            samples.Add(new Sample(clock.Elapsed, Stopwatch.GetElapsedTime(started), served));
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

        switch (second)
        {
            case BlackHoleAt:
                primary.Fault = RegionFault.BlackHole;
                Console.WriteLine($"  ---  {primary.Name} black-holed: it takes calls and never answers");
                break;
            case UnavailableAt:
                primary.Fault = RegionFault.Unavailable;
                Console.WriteLine($"  ---  {primary.Name} answers every call with UNAVAILABLE");
                break;
            case ReviveAt or SecondReviveAt:
                primary.Fault = RegionFault.None;
                Console.WriteLine($"  ---  {primary.Name} revived");
                break;
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
        failures = samples.Count(static s => s.Region is null);
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
int failed = samples.Count(static s => s.Region is null);
TimeSpan FirstCallAfter(int second) =>
    samples.Where(s => s.At >= TimeSpan.FromSeconds(second)).Select(static s => s.Latency).DefaultIfEmpty().First();
List<Sample> lastSeconds = samples.Where(static s => s.At >= TimeSpan.FromSeconds(DemoSeconds - 3)).ToList();
List<Sample> beforeSecondFault = samples.Where(static s => s.At >= TimeSpan.FromSeconds(UnavailableAt - 3) && s.At < TimeSpan.FromSeconds(UnavailableAt)).ToList();
int primaryBeforeSecondFault = beforeSecondFault.Count(s => s.Region == primary.Name);
int primaryLast = lastSeconds.Count(s => s.Region == primary.Name);

Console.WriteLine();
Console.WriteLine("Summary");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  calls               {total}, failed {failed}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  served              {string.Join(", ", samples.GroupBy(static s => s.Region ?? "failed").OrderBy(static g => g.Key, StringComparer.Ordinal).Select(static g => $"{g.Key} {g.Count()}"))}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  first call after    the black hole {FirstCallAfter(BlackHoleAt).TotalMilliseconds:F1} ms, UNAVAILABLE {FirstCallAfter(UnavailableAt).TotalMilliseconds:F1} ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  after each revival  {primary.Name} served {primaryBeforeSecondFault} of {beforeSecondFault.Count} calls before the second fault, {primaryLast} of the last {lastSeconds.Count}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  overall p50 / p99   {Percentile(samples, 0.50):F2} ms / {Percentile(samples, 0.99):F2} ms"));
Console.WriteLine(failed == 0 ? "No call failed: both faults cost latency, not availability." : "Some calls failed.");
bool failedBack = primaryLast * 2 > lastSeconds.Count && primaryBeforeSecondFault * 2 > beforeSecondFault.Count;
if (!failedBack)
{
    Console.WriteLine("The primary did not get its traffic back after it was revived.");
}

await host.StopAsync();
return failed == 0 && failedBack ? 0 : 1;

internal sealed record Sample(TimeSpan At, TimeSpan Latency, string? Region);
