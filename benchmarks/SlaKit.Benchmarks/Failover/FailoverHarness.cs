using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using SlaKit.Http;

namespace SlaKit.Benchmarks.Failover;

/// <summary>
/// The failover latency harness: for each fault, the same bounded sequence of GETs through each client — healthy at
/// first, then with the primary failing — and one table of what the callers saw, with CSV and SVG beside it.
/// </summary>
/// <remarks>
/// Locally the regions are Kestrel servers on 127.0.0.1; with <c>--primary</c> and <c>--secondary</c> they are a team's
/// own endpoints. Either way the fault is made on this side of the network by a <see cref="FaultProxy"/> on loopback,
/// through which every client's connections to the primary pass: the primary itself is never touched.
/// </remarks>
internal static class FailoverHarness
{
    // The slow primary: 20 ms late, and one request in 25 by 500 ms, so its p99 is 500 ms.
    // After the warm-up, time for the runtime's background compiler to install the optimised code.
    private static readonly TimeSpan WarmUpSettle = TimeSpan.FromSeconds(1);

    private static readonly Func<int, TimeSpan> SlowPrimary = static n =>
        TimeSpan.FromMilliseconds((n + 1) % 25 == 0 ? 500 : 20);

    /// <summary>
    /// The clients run together, request by request. The secondary-direct baseline alternates with SlaKit, one request
    /// each, so that both are measured in the same state of a shared 2-core machine: sub-millisecond loopback latencies
    /// drift by more than the 20% being judged between runs made a minute apart. The clients that wait out long timeouts run last.
    /// </summary>
    private static readonly HarnessClient[][] RunGroups =
    [
        [HarnessClient.SlaKit, HarnessClient.SecondaryDirect],
        [HarnessClient.StandardHedging],
        [HarnessClient.StandardResilience],
        [HarnessClient.Plain],
    ];

    /// <summary>Runs the harness; returns the process exit code (0 done, 2 bad arguments).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        HarnessOptions options;
        try
        {
            options = HarnessOptions.Parse(args);
        }
        catch (ArgumentException exception)
        {
            await error.WriteLineAsync(exception.Message);
            return 2;
        }

        LoopbackRegion? localPrimary = null;
        LoopbackRegion? localSecondary = null;
        try
        {
            Uri primary;
            Uri secondary;
            if (options.Primary is { } teamPrimary && options.Secondary is { } teamSecondary)
            {
                (primary, secondary) = (teamPrimary, teamSecondary);
            }
            else
            {
                localPrimary = await LoopbackRegion.StartAsync("primary");
                localSecondary = await LoopbackRegion.StartAsync("secondary");
                (primary, secondary) = (localPrimary.BaseUri, localSecondary.BaseUri);
            }

            string loadBefore = LoadAverage();
            await output.WriteLineAsync($"Failover harness: primary {primary}, secondary {secondary}, GET {options.Path}; " +
                $"{options.Requests} requests per client ({options.Healthy} before the fault), pause {options.Pause.TotalMilliseconds:F0} ms, " +
                $"caller timeout {options.Timeout.TotalSeconds:F0} s, budget {options.Budget.TotalSeconds:F0} s; load average {loadBefore}.");

            if (options.WarmUp > 0)
            {
                // Every client's code compiled and tiered up before anything is measured, as BenchmarkDotNet's warm-up
                // does: otherwise whichever fault runs first pays for the just-in-time compiler, the larger client most.
                await RunGroupAsync(options with { Requests = options.WarmUp, Pause = TimeSpan.FromMilliseconds(1) }, [.. HarnessClientNames.All], fault: null, primary, secondary);
                await Task.Delay(WarmUpSettle);
            }

            var runs = new List<ClientRun>();
            var skipped = new List<string>();
            foreach (Fault fault in options.Faults)
            {
                if (fault == Fault.Status503 && primary.Scheme == Uri.UriSchemeHttps)
                {
                    // The proxy would have to write HTTP inside the primary's TLS session.
                    skipped.Add($"{FaultNames.Name(fault)}: not injectable in front of an https primary");
                    continue;
                }

                foreach (HarnessClient[] group in RunGroups)
                {
                    foreach (ClientRun run in await RunGroupAsync(options, group, fault, primary, secondary))
                    {
                        runs.Add(run);
                        RunSummary row = run.Summarise();
                        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"  {row.Fault,-10} {row.Client,-20} {row.Succeeded,4}/{row.Requests,-4} ok  p50 {Report.Milliseconds(row.P50Ms),8} ms  max {Report.Milliseconds(row.MaxMs),8} ms"));
                    }
                }
            }

            List<Fault> faultOrder = [.. options.Faults];
            List<HarnessClient> clientOrder = [.. HarnessClientNames.All];
            runs = [.. runs.OrderBy(r => faultOrder.IndexOf(r.Fault)).ThenBy(r => clientOrder.IndexOf(r.Client))];

            RunSummary[] rows = [.. runs.Select(static r => r.Summarise())];
            IReadOnlyList<(bool Met, string Text)> verdicts = options.Primary is null ? TargetVerdicts.Evaluate(rows) : [];
            string markdown = Markdown(options, primary, secondary, rows, verdicts, skipped, loadBefore, LoadAverage());
            await WriteFilesAsync(options.Output, runs, rows, markdown);
            await output.WriteLineAsync();
            await output.WriteLineAsync(markdown);
            await output.WriteLineAsync($"Written to {Path.GetFullPath(options.Output)}");
            return 0;
        }
        finally
        {
            if (localPrimary is not null)
            {
                await localPrimary.DisposeAsync();
            }

            if (localSecondary is not null)
            {
                await localSecondary.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// One group of clients through one fault, taking turns request by request: a fresh proxy and fresh clients, so no
    /// connection or health state carries over from another run. Without a fault (the warm-up) nothing is reported.
    /// </summary>
    private static async Task<ClientRun[]> RunGroupAsync(HarnessOptions options, HarnessClient[] kinds, Fault? fault, Uri primary, Uri secondary)
    {
        EndPoint upstream = IPAddress.TryParse(primary.IdnHost.Trim('[', ']'), out IPAddress? address)
            ? new IPEndPoint(address, primary.Port)
            : new DnsEndPoint(primary.IdnHost, primary.Port);
        await using var proxy = new FaultProxy(upstream) { SlowDelay = SlowPrimary, FlapPeriod = TimeSpan.FromSeconds(1) };
        var lanes = new Lane[kinds.Length];
        try
        {
            for (int c = 0; c < kinds.Length; c++)
            {
                var counter = new AttemptCounter(primary);
                Microsoft.Extensions.DependencyInjection.ServiceProvider services = HarnessClients.Build(kinds[c], primary, secondary, proxy.EndPoint, counter);
                lanes[c] = new Lane(kinds[c], services, HarnessClients.Client(services), counter, options.Requests);
            }

            long runStart = Stopwatch.GetTimestamp();
            long faultStart = 0;
            for (int i = 0; i < options.Requests; i++)
            {
                if (i == options.Healthy && fault is { } injected)
                {
                    proxy.Mode = ModeFor(injected);
                    faultStart = Stopwatch.GetTimestamp();
                    foreach (Lane lane in lanes)
                    {
                        lane.AttemptsAtFault = lane.Counter.Count;
                    }
                }
                else if (i > options.Healthy && Stopwatch.GetElapsedTime(runStart) > options.Budget)
                {
                    break;
                }

                foreach (Lane lane in lanes)
                {
                    // Every request follows the same pause, whichever lane it is in: a request sent straight after
                    // another one finds threads and caches warm and would look faster than one sent after an idle gap.
                    await Task.Delay(options.Pause);
                    long start = Stopwatch.GetTimestamp();
                    (bool succeeded, string outcome) = await SendAsync(lane.Client, options.Path, options.Timeout);
                    TimeSpan latency = Stopwatch.GetElapsedTime(start);
                    lane.Started.Add(start);
                    lane.Results.Add((latency, succeeded, outcome, lane.Counter.TakeTimeBelow()));
                }
            }

            if (fault is not { } measured)
            {
                return [];
            }

            var runs = new ClientRun[lanes.Length];
            for (int c = 0; c < lanes.Length; c++)
            {
                Lane lane = lanes[c];
                var samples = new RequestSample[lane.Results.Count];
                for (int i = 0; i < samples.Length; i++)
                {
                    TimeSpan sinceFault = Stopwatch.GetElapsedTime(faultStart, lane.Started[i]);
                    samples[i] = new RequestSample(i, sinceFault, lane.Results[i].Latency, lane.Results[i].Succeeded, lane.Results[i].Outcome, lane.Results[i].Below);
                }

                runs[c] = new ClientRun(lane.Kind, measured, samples, lane.Counter.Count - lane.AttemptsAtFault, options.Requests);
            }

            return runs;
        }
        finally
        {
            foreach (Lane? lane in lanes)
            {
                if (lane is not null)
                {
                    await lane.Services.DisposeAsync();
                }
            }
        }
    }

    private static ProxyMode ModeFor(Fault fault) => fault switch
    {
        Fault.Status503 => ProxyMode.Status503,
        Fault.Refused => ProxyMode.Refuse,
        Fault.BlackHole => ProxyMode.BlackHole,
        Fault.Slow => ProxyMode.Slow,
        Fault.Flapping => ProxyMode.Flapping,
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "Unknown fault."),
    };

    /// <summary>One GET; what the caller got, in a word. Every failure a client can report is caught and recorded.</summary>
    private static async Task<(bool Succeeded, string Outcome)> SendAsync(HttpClient client, string path, TimeSpan timeout)
    {
        // The caller's own deadline, the same for every client: the resilience handlers switch HttpClient.Timeout off
        // in favour of their own total timeout, but they all honour the caller's token.
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            using HttpResponseMessage response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead, deadline.Token);
            return (response.IsSuccessStatusCode, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
        }
        catch (RegionFailoverException)
        {
            return (false, "every region failed");
        }
        catch (HttpRequestException exception)
        {
            return (false, exception.HttpRequestError == HttpRequestError.Unknown ? "transport error" : exception.HttpRequestError.ToString());
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return (false, "caller gave up");
        }
        catch (TimeoutRejectedException)
        {
            return (false, "resilience timeout");
        }
        catch (BrokenCircuitException)
        {
            return (false, "circuit open");
        }
        catch (ExecutionRejectedException exception)
        {
            return (false, exception.GetType().Name);
        }
    }

    private static string Markdown(
        HarnessOptions options, Uri primary, Uri secondary, IReadOnlyList<RunSummary> rows,
        IReadOnlyList<(bool Met, string Text)> verdicts, IReadOnlyList<string> skipped, string loadBefore, string loadAfter)
    {
        var text = new StringBuilder();
        text.AppendLine("# Failover latency").AppendLine();
        text.Append(CultureInfo.InvariantCulture,
            $"Primary {primary}, secondary {secondary}, GET `{options.Path}`; {options.Requests} requests per client, the first {options.Healthy} before the fault; ");
        text.Append(CultureInfo.InvariantCulture,
            $"{options.Pause.TotalMilliseconds:F0} ms between requests; the caller gives up after {options.Timeout.TotalSeconds:F0} s; no new request after {options.Budget.TotalSeconds:F0} s. ");
        text.Append(CultureInfo.InvariantCulture,
            $"{RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores, .NET {Environment.Version}; load average {loadBefore} before, {loadAfter} after.");
        text.AppendLine().AppendLine();
        if (options.Smoke)
        {
            text.AppendLine("**Smoke run: too few requests and too short a timeout for the figures to mean anything.**").AppendLine();
        }

        text.AppendLine("Figures are over the requests made once the fault was on; `first` is the first of those. " +
            "`attempts to primary` counts every attempt (retries and hedges included) sent towards the primary during the fault. " +
            "`secondary direct` takes turns with SlaKit, request by request, so the two are measured under the same conditions.").AppendLine();
        text.Append(Report.MarkdownTable(rows));
        string split = Report.MarkdownSplit(rows);
        if (split.Length > 0)
        {
            text.AppendLine().AppendLine("Where the time of a request answered by the secondary goes, p50 of each part: the client's own handlers " +
                "(above the socket handler, with any attempts elsewhere) and the socket handler with the wire (below it). " +
                "A fixed cost above weighs more in the ratio when the loopback round trip below is short.").AppendLine();
            text.Append(split);
        }

        foreach (string line in skipped)
        {
            text.AppendLine().Append("Skipped: ").AppendLine(line);
        }

        if (verdicts.Count > 0)
        {
            text.AppendLine().AppendLine("Targets:").AppendLine();
            text.Append(Report.MarkdownVerdicts(verdicts));
        }

        return text.ToString();
    }

    private static async Task WriteFilesAsync(string folder, IReadOnlyList<ClientRun> runs, IReadOnlyList<RunSummary> rows, string markdown)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "results.md"), markdown);
        await using (StreamWriter summary = File.CreateText(Path.Combine(folder, "summary.csv")))
        {
            Report.WriteSummaryCsv(summary, rows);
        }

        await using (StreamWriter samples = File.CreateText(Path.Combine(folder, "samples.csv")))
        {
            Report.WriteSamplesCsv(samples, runs);
        }

        foreach (IGrouping<Fault, ClientRun> fault in runs.GroupBy(static r => r.Fault))
        {
            string name = FaultNames.Name(fault.Key);
            await using StreamWriter chart = File.CreateText(Path.Combine(folder, $"latency-{name}.svg"));
            LatencyChart.Write(chart, $"Primary fault: {name} — every request's wait through the outage", [.. fault]);
        }
    }

    /// <summary>The 1-, 5- and 15-minute load averages, read from /proc/loadavg where there is one.</summary>
    private static string LoadAverage()
    {
        const string LoadFile = "/proc/loadavg";
        if (!File.Exists(LoadFile))
        {
            return "unknown";
        }

        string[] fields = File.ReadAllText(LoadFile).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 3 ? $"{fields[0]} {fields[1]} {fields[2]}" : "unknown";
    }

    /// <summary>One client of a group and what it has measured so far.</summary>
    private sealed class Lane(HarnessClient kind, Microsoft.Extensions.DependencyInjection.ServiceProvider services, HttpClient client, AttemptCounter counter, int capacity)
    {
        public HarnessClient Kind { get; } = kind;

        public Microsoft.Extensions.DependencyInjection.ServiceProvider Services { get; } = services;

        public HttpClient Client { get; } = client;

        public AttemptCounter Counter { get; } = counter;

        public int AttemptsAtFault { get; set; }

        public List<long> Started { get; } = new(capacity);

        public List<(TimeSpan Latency, bool Succeeded, string Outcome, TimeSpan? Below)> Results { get; } = new(capacity);
    }
}
