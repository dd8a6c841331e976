using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.Grpc;
using SlaKit.Regions;

namespace SlaKit.Benchmarks.Failover;

/// <summary>
/// gRPC regions (HTTP/2 without TLS) and unary calls made by a client from <c>AddGrpcClient</c>: healthy at first, then with
/// the primary black-holed (by the <see cref="FaultProxy"/> its connections pass) or answering UNAVAILABLE. SlaKit takes
/// turns, call by call, with the same client calling the secondary directly; .NET's standard hedging handler runs after.
/// </summary>
internal static class GrpcScenario
{
    public const string Usage = "usage: failover grpc [--calls N] [--healthy N] [--pause MS] [--budget S] [--out DIR] [--smoke]";

    private const int DeadlineSeconds = 5;

    private static readonly HarnessClient[][] Groups = [[HarnessClient.SecondaryDirect, HarnessClient.SlaKit], [HarnessClient.StandardHedging]];

    /// <summary>The two faults, by name.</summary>
    private static readonly string[] Faults = ["black-hole", "unavailable"];

    /// <summary>One client's run through one fault.</summary>
    internal sealed record Row(string Fault, string Client, int Calls, int Succeeded, double FirstMs, double P50Ms, double P99Ms, double MaxMs, int AttemptsToPrimary, string Failures);

    /// <summary>Runs the scenario; returns the process exit code (0 done, 2 bad arguments).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        int calls = 400;
        int healthy = 20;
        int warmUp = 100;
        int pauseMs = 20;
        int budgetSeconds = 40;
        bool smoke = false;
        string folder = Path.Combine("BenchmarkDotNet.Artifacts", "failover");
        bool parsed = await ScenarioArguments.TryParseAsync(args, Usage, error, (string name, IReadOnlyList<string> all, ref int i) =>
        {
            switch (name)
            {
                case "--calls":
                    calls = ScenarioArguments.Positive(all, ref i);
                    return true;
                case "--healthy":
                    healthy = ScenarioArguments.NonNegative(all, ref i);
                    return true;
                case "--pause":
                    pauseMs = ScenarioArguments.NonNegative(all, ref i);
                    return true;
                case "--budget":
                    budgetSeconds = ScenarioArguments.Positive(all, ref i);
                    return true;
                case "--out":
                    folder = ScenarioArguments.Value(all, ref i);
                    return true;
                case "--smoke":
                    (smoke, calls, healthy, warmUp, budgetSeconds) = (true, 6, 2, 0, 10);
                    return true;
                default:
                    return false;
            }
        });
        if (!parsed)
        {
            return 2;
        }

        await using GrpcRegion primary = await GrpcRegion.StartAsync("primary");
        await using GrpcRegion secondary = await GrpcRegion.StartAsync("secondary");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"gRPC regions: primary {primary.BaseUri}, secondary {secondary.BaseUri} (h2c); {healthy} healthy calls, then {calls} with the fault, {pauseMs} ms apart, per client."));

        var pause = TimeSpan.FromMilliseconds(pauseMs);
        var budget = TimeSpan.FromSeconds(budgetSeconds);
        if (warmUp > 0)
        {
            // Every client's code compiled before anything is measured.
            await RunGroupAsync([HarnessClient.SlaKit, HarnessClient.SecondaryDirect, HarnessClient.StandardHedging], null, primary, secondary, warmUp, 0, TimeSpan.FromMilliseconds(1), budget);
        }

        var rows = new List<Row>();
        foreach (string fault in Faults)
        {
            foreach (HarnessClient[] group in Groups)
            {
                foreach (Row row in await RunGroupAsync(group, fault, primary, secondary, healthy, calls, pause, budget))
                {
                    rows.Add(row);
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"  {row.Fault,-12} {row.Client,-20} {row.Succeeded,4}/{row.Calls,-4} ok  first {Report.Milliseconds(row.FirstMs),8} ms  p50 {Report.Milliseconds(row.P50Ms),8} ms  max {Report.Milliseconds(row.MaxMs),8} ms"));
                }
            }
        }

        await ScenarioArguments.WriteReportAsync(output, folder, "grpc.md", Markdown(rows, healthy, calls, pauseMs, smoke));
        return 0;
    }

    /// <summary>
    /// One group of fresh clients, taking turns call by call: <paramref name="healthy"/> calls, then the fault and
    /// <paramref name="calls"/> more (no new call after <paramref name="budget"/>). Without a fault nothing is reported.
    /// </summary>
    private static async Task<Row[]> RunGroupAsync(
        HarnessClient[] kinds, string? fault, GrpcRegion primary, GrpcRegion secondary, int healthy, int calls, TimeSpan pause, TimeSpan budget)
    {
        await using var proxy = new FaultProxy(new IPEndPoint(IPAddress.Loopback, primary.BaseUri.Port));
        var lanes = new List<(HarnessClient Kind, ServiceProvider Services, Balances.BalancesClient Client, AttemptCounter Counter, List<(double Ms, string? Failure)> Results)>();
        try
        {
            foreach (HarnessClient kind in kinds)
            {
                var counter = new AttemptCounter(primary.BaseUri);
                ServiceProvider services = Build(kind, primary.BaseUri, secondary.BaseUri, proxy.EndPoint, counter);
                lanes.Add((kind, services, services.GetRequiredService<Balances.BalancesClient>(), counter, []));
            }

            var attemptsAtFault = new int[lanes.Count];
            long faultStart = 0;
            for (int i = 0; i < healthy + calls; i++)
            {
                if (i == healthy && fault is not null)
                {
                    if (fault == "black-hole")
                    {
                        proxy.Mode = ProxyMode.BlackHole;
                    }
                    else
                    {
                        primary.Unavailable = true;
                    }

                    faultStart = Stopwatch.GetTimestamp();
                    for (int c = 0; c < lanes.Count; c++)
                    {
                        attemptsAtFault[c] = lanes[c].Counter.Count;
                    }
                }
                else if (i > healthy && Stopwatch.GetElapsedTime(faultStart) > budget)
                {
                    break;
                }

                foreach (var lane in lanes)
                {
                    await Task.Delay(pause);
                    long started = Stopwatch.GetTimestamp();
                    string? failure = await CallAsync(lane.Client, i);
                    if (i >= healthy)
                    {
                        lane.Results.Add((Stopwatch.GetElapsedTime(started).TotalMilliseconds, failure));
                    }
                }
            }

            primary.Unavailable = false;
            if (fault is null)
            {
                return [];
            }

            return [.. lanes.Select((lane, c) =>
            {
                double[] latencies = [.. lane.Results.Select(static r => r.Ms)];
                string failures = string.Join(", ", lane.Results.Where(static r => r.Failure is not null).GroupBy(static r => r.Failure).Select(static g => $"{g.Count()} {g.Key}"));
                return new Row(fault, HarnessClientNames.Name(lane.Kind), latencies.Length, lane.Results.Count(static r => r.Failure is null),
                    latencies.Length > 0 ? latencies[0] : double.NaN, Percentiles.NearestRank(latencies, 50), Percentiles.NearestRank(latencies, 99),
                    latencies.Length > 0 ? latencies.Max() : double.NaN, lane.Counter.Count - attemptsAtFault[c], failures);
            })];
        }
        finally
        {
            foreach (var lane in lanes)
            {
                await lane.Services.DisposeAsync();
            }
        }
    }

    /// <summary>One unary call with the caller's deadline; <see langword="null"/> when it succeeded, else the status it ended with.</summary>
    private static async Task<string?> CallAsync(Balances.BalancesClient client, int n)
    {
        try
        {
            await client.GetAsync(new BalanceQuery { Account = n.ToString(CultureInfo.InvariantCulture) }, deadline: DateTime.UtcNow.AddSeconds(DeadlineSeconds));
            return null;
        }
        catch (RpcException exception)
        {
            return exception.StatusCode.ToString();
        }
    }

    /// <summary>
    /// A gRPC client as an application makes one, over the harness's socket handler (its connections to the primary pass
    /// the proxy; with a connect callback gRPC's own balancer stays out, for every client alike).
    /// </summary>
    private static ServiceProvider Build(HarnessClient kind, Uri primary, Uri secondary, IPEndPoint proxy, AttemptCounter counter)
    {
        var services = new ServiceCollection();
        IHttpClientBuilder builder = services.AddGrpcClient<Balances.BalancesClient>(o => o.Address = kind == HarnessClient.SecondaryDirect ? secondary : primary)
            .ConfigurePrimaryHttpMessageHandler(() => counter.Over(HarnessClients.SocketHandler(primary, proxy, trustedThumbprint: null)))
            .RemoveAllLoggers();
        switch (kind)
        {
            case HarnessClient.StandardHedging:
                HarnessClients.AddStandardHedging(builder, primary, secondary);
                break;
            case HarnessClient.SlaKit:
                builder.AddRegionFailover(options =>
                {
                    options.Regions.Add(new Region("primary", primary) { Priority = 0 });
                    options.Regions.Add(new Region("secondary", secondary) { Priority = 1 });
                    options.AddGrpcService(Balances.Descriptor);
                });
                break;
        }

        return services.BuildServiceProvider();
    }

    /// <summary>The report: the table and SlaKit's targets (first call after a black hole ≤ 250 ms, p50 ≤ 1.2× direct, no failed call).</summary>
    internal static string Markdown(IReadOnlyList<Row> rows, int healthy, int calls, int pauseMs, bool smoke)
    {
        var text = new StringBuilder();
        text.AppendLine("# gRPC failover").AppendLine();
        text.Append(CultureInfo.InvariantCulture,
            $"Two Kestrel gRPC regions on loopback (HTTP/2 without TLS), unary calls of a method declared `NO_SIDE_EFFECTS`, made by `AddGrpcClient` clients with a {DeadlineSeconds} s deadline; ");
        text.Append(CultureInfo.InvariantCulture,
            $"{healthy} healthy calls, then {calls} with the fault, {pauseMs} ms apart. `black-hole`: the primary's connections stop carrying bytes; `unavailable`: the primary answers every call UNAVAILABLE at once. ");
        text.Append(CultureInfo.InvariantCulture, $"Figures are over the calls made with the fault on. {Environment.ProcessorCount} logical cores, .NET {Environment.Version}.");
        text.AppendLine().AppendLine();
        if (smoke)
        {
            text.AppendLine("**Smoke run: too few calls for the figures to mean anything.**").AppendLine();
        }

        text.AppendLine("| fault | client | ok | first (ms) | p50 (ms) | p99 (ms) | max (ms) | attempts to primary | failures |");
        text.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|---|");
        foreach (Row row in rows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {row.Fault} | {row.Client} | {row.Succeeded}/{row.Calls} | {Report.Milliseconds(row.FirstMs)} | {Report.Milliseconds(row.P50Ms)} | {Report.Milliseconds(row.P99Ms)} | {Report.Milliseconds(row.MaxMs)} | {row.AttemptsToPrimary} | {(row.Failures.Length == 0 ? "–" : row.Failures)} |");
            text.AppendLine();
        }

        var verdicts = new List<(bool Met, string Text)>();
        foreach (string fault in Faults)
        {
            Row? slaKit = rows.FirstOrDefault(r => r.Fault == fault && r.Client == HarnessClientNames.Name(HarnessClient.SlaKit));
            Row? direct = rows.FirstOrDefault(r => r.Fault == fault && r.Client == HarnessClientNames.Name(HarnessClient.SecondaryDirect));
            if (slaKit is null || direct is null)
            {
                continue;
            }

            if (fault == "black-hole")
            {
                verdicts.Add((slaKit.FirstMs <= 250, string.Create(CultureInfo.InvariantCulture, $"{fault}: SlaKit's first call took {Report.Milliseconds(slaKit.FirstMs)} ms (target ≤ 250 ms)")));
            }

            double ratio = slaKit.P50Ms / direct.P50Ms;
            verdicts.Add((ratio <= 1.2, string.Create(CultureInfo.InvariantCulture, $"{fault}: SlaKit's p50 is {ratio:F2}× the secondary's called directly (target ≤ 1.2×)")));
            verdicts.Add((slaKit.Succeeded == slaKit.Calls, string.Create(CultureInfo.InvariantCulture, $"{fault}: {slaKit.Calls - slaKit.Succeeded} SlaKit calls failed (target 0)")));
        }

        if (verdicts.Count > 0)
        {
            text.AppendLine().AppendLine("Targets:").AppendLine();
            text.Append(Report.MarkdownVerdicts(verdicts));
        }

        return text.ToString();
    }
}
