// FleetBudget: two instances of a checkout service, each counting its requests against the same SLO with an
// ErrorBudgetTracker and exporting SlaKit's metrics for Prometheus on loopback. The budget of the fleet is
// what Prometheus computes from both (the rules generated from slo.yaml, as `slakit rules` writes them). With
// `prometheus` on the PATH this program starts it with those rules and reads the fleet's figures and alerts from it;
// without it (or with --no-prometheus) it scrapes both instances itself and approximates what the rules compute.
//
//   dotnet run --project samples/FleetBudget                 # 40 seconds, then it exits
//   dotnet run --project samples/FleetBudget -- --seconds 600
using System.Diagnostics;
using System.Globalization;
using FleetBudget;
using SlaKit.Budgets;
using SlaKit.Prometheus;

if (args.Length > 0 && args[0] == "instance")
{
    return await CheckoutInstance.RunAsync(args[1..]);
}

int seconds = Option(args, "--seconds", 40);
int[] ports = [Option(args, "--port-a", 9464), Option(args, "--port-b", 9465)];
string[] names = ["checkout-a", "checkout-b"];

// Instance b has an incident from a quarter to half of the run: 5% of its requests fail.
// Instance b's incident: 5% of its requests fail unless --incident-percent says otherwise.
int incidentPercent = Option(args, "--incident-percent", 5);
string incidentRate = (incidentPercent / 100.0).ToString(CultureInfo.InvariantCulture);
int failFrom = seconds / 4;
int failTo = seconds / 2;
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
Slo slo = SloDocument.ReadFile(Path.Combine(AppContext.BaseDirectory, "slo.yaml")).Single().Slo;
string? prometheus = args.Contains("--no-prometheus") ? null : FleetPrometheus.Find();
await using FleetPrometheus? engine = prometheus is null ? null : await FleetPrometheus.StartAsync(prometheus, slo, names, ports, http);

var instances = new List<Process>();
for (int i = 0; i < 2; i++)
{
    string[] instanceArgs = ["instance", "--name", names[i], "--port", ports[i].ToString(CultureInfo.InvariantCulture), "--seconds", seconds.ToString(CultureInfo.InvariantCulture),
        .. i == 1 ? (string[])["--fail-from", failFrom.ToString(CultureInfo.InvariantCulture), "--fail-to", failTo.ToString(CultureInfo.InvariantCulture), "--incident-rate", incidentRate] : []];
    instances.Add(Start(instanceArgs));
}

Console.WriteLine($"Two instances of checkout export SlaKit metrics on http://127.0.0.1:{ports[0]}/metrics and http://127.0.0.1:{ports[1]}/metrics for {seconds}s;");
Console.WriteLine($"checkout-b fails {incidentPercent}% of its requests from {failFrom}s to {failTo}s. The SLO is 99.9%: a burn rate of 1x spends the budget in 30 days.");
Console.WriteLine(engine is null
    ? "prometheus is not on the PATH: this program scrapes both instances itself and computes what the rules would, an approximation of the engine (apt-get install prometheus, then run again)."
    : $"Prometheus at {engine.BaseUri} runs the rules generated from slo.yaml over both instances, scraping and evaluating every second; the table is read from its API.");
Console.WriteLine();
Console.WriteLine(" time  instance      good      bad  burn 5m | fleet      good      bad  burn" + (engine is null ? " (approximation)" : "  alerts (Prometheus)"));

var started = Stopwatch.StartNew();
FleetScrape last = FleetScrape.Empty;
using (var ticks = new PeriodicTimer(TimeSpan.FromSeconds(5)))
{
    while (started.Elapsed < TimeSpan.FromSeconds(seconds - 1) && await ticks.WaitForNextTickAsync())
    {
        if (instances.Any(static process => process.HasExited && process.ExitCode != 0))
        {
            break;
        }

        if (engine is not null)
        {
            Console.WriteLine(await engine.DescribeAsync(http, names, started.Elapsed));
        }
        else
        {
            last = await FleetScrape.ReadAsync(http, names, ports);
            Console.WriteLine(last.Describe(started.Elapsed));
        }
    }
}

foreach (Process instance in instances)
{
    using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(15));
    try
    {
        await instance.WaitForExitAsync(patience.Token);
    }
    catch (OperationCanceledException)
    {
        instance.Kill(entireProcessTree: true);
        await instance.WaitForExitAsync(CancellationToken.None);
    }
}

bool ok = instances.All(static process => process.ExitCode == 0);
Console.WriteLine();
if (!ok)
{
    Console.WriteLine("An instance failed: is another program using port " + string.Join(" or ", ports) + "?");
}
else if (engine is null)
{
    Console.WriteLine($"Fleet: {last.Good} good and {last.Bad} bad events, error ratio {last.ErrorRatioText}: what slakit:slo_errors:ratio_rate5m records over a window holding the whole run.");
    Console.WriteLine("With Prometheus: prometheus --config.file=samples/FleetBudget/prometheus.yml --storage.tsdb.path=/tmp/fleetbudget-tsdb (see the README).");
}
else
{
    Console.WriteLine("Every figure above came from Prometheus: the rules' slakit:slo_errors:ratio_rate5m and SlaKitErrorBudgetBurn alerts over the instances' own counters.");
}
foreach (Process instance in instances)
{
    instance.Dispose();
}

return ok ? 0 : 1;

static Process Start(string[] arguments)
{
    string self = Environment.ProcessPath ?? throw new InvalidOperationException("The program's path is unknown.");
    var start = new ProcessStartInfo(self) { UseShellExecute = false };

    // Run as `dotnet FleetBudget.dll`, the path is dotnet's own: the assembly comes first then.
    if (Path.GetFileNameWithoutExtension(self) == "dotnet")
    {
        start.ArgumentList.Add(typeof(CheckoutInstance).Assembly.Location);
    }

    foreach (string argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    return Process.Start(start) ?? throw new InvalidOperationException("An instance did not start.");
}

static int Option(string[] args, string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
        ? value
        : fallback;
}
