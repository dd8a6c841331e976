using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Polly;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.Benchmarks.Failover;

/// <summary>
/// <c>AddRegionFailover</c> beside .NET's resilience handlers, in each order a team writes: for each composition and
/// fault, a fresh client sends a few healthy requests, then the fault starts, and the report counts what each region
/// received (at the region's side of the network), what the caller saw, and how long the first success took.
/// </summary>
internal static class CompositionScenario
{
    public const string Usage =
        "usage: failover compose [--requests N] [--healthy N] [--budget S] [--methods GET,POST] [--faults 503,refused,black-hole,slow,all-503] [--smoke] [--out DIR]";

    /// <summary>The faults of this scenario: the harness's, and both regions answering 503 at once.</summary>
    internal enum CompositionFault
    {
        Status503,
        Refused,
        BlackHole,
        Slow,
        All503,
    }

    /// <summary>One composition through one fault.</summary>
    internal sealed record Row(
        string Composition, string Method, string Fault, int Requests, int Succeeded, int PrimaryReceived, int SecondaryReceived,
        int Attempts, double P50Ms, double FirstSuccessMs, string Failures);

    private static readonly Func<int, TimeSpan> SlowPrimary = static n => TimeSpan.FromMilliseconds((n + 1) % 25 == 0 ? 500 : 20);

    /// <summary>Runs the scenario; returns the process exit code (0 done, 2 bad arguments).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        int requests = 20;
        int healthy = 5;
        TimeSpan budget = TimeSpan.FromSeconds(20);
        HttpMethod[] methods = [HttpMethod.Get, HttpMethod.Post];
        CompositionFault[] faults = Enum.GetValues<CompositionFault>();
        string folder = Path.Combine("BenchmarkDotNet.Artifacts", "failover");
        bool smoke = false;
        bool parsed = await ScenarioArguments.TryParseAsync(args, Usage, error, (string name, IReadOnlyList<string> all, ref int i) =>
        {
            switch (name)
            {
                case "--requests":
                    requests = ScenarioArguments.Positive(all, ref i);
                    return true;
                case "--healthy":
                    healthy = ScenarioArguments.NonNegative(all, ref i);
                    return true;
                case "--budget":
                    budget = TimeSpan.FromSeconds(ScenarioArguments.Positive(all, ref i));
                    return true;
                case "--methods":
                    methods = [.. ScenarioArguments.Value(all, ref i).Split(',').Select(ParseMethod)];
                    return true;
                case "--faults":
                    faults = [.. ScenarioArguments.Value(all, ref i).Split(',').Select(ParseFault)];
                    return true;
                case "--smoke":
                    smoke = true;
                    return true;
                case "--out":
                    folder = ScenarioArguments.Value(all, ref i);
                    return true;
                default:
                    return false;
            }
        });
        if (!parsed)
        {
            return 2;
        }

        if (smoke)
        {
            (requests, healthy, budget) = (3, 1, TimeSpan.FromSeconds(2));
        }

        await using LoopbackRegion primary = await LoopbackRegion.StartAsync("primary");
        await using LoopbackRegion secondary = await LoopbackRegion.StartAsync("secondary");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Compositions: primary {primary.BaseUri}, secondary {secondary.BaseUri}, each behind its own fault proxy; {requests} requests per run ({healthy} before the fault), budget {budget.TotalSeconds:F0} s."));

        var rows = new List<Row>();
        foreach (HttpMethod method in methods)
        {
            foreach (CompositionFault fault in faults)
            {
                foreach (ResilienceComposition composition in ResilienceCompositions.All)
                {
                    Row row = await RunAsync(composition, method, fault, primary, secondary, requests, healthy, budget);
                    rows.Add(row);
                    await output.WriteLineAsync(Line(row));
                }
            }
        }

        await ScenarioArguments.WriteReportAsync(output, folder, "compositions.md", Markdown(rows, requests, healthy, budget, smoke));
        return 0;
    }

    private static async Task<Row> RunAsync(
        ResilienceComposition composition, HttpMethod method, CompositionFault fault, LoopbackRegion primary, LoopbackRegion secondary,
        int requests, int healthy, TimeSpan budget)
    {
        await using var primaryProxy = new FaultProxy(new IPEndPoint(IPAddress.Loopback, primary.BaseUri.Port)) { SlowDelay = SlowPrimary };
        await using var secondaryProxy = new FaultProxy(new IPEndPoint(IPAddress.Loopback, secondary.BaseUri.Port));
        var primaryUri = new Uri($"http://127.0.0.1:{primaryProxy.EndPoint.Port}/");
        var secondaryUri = new Uri($"http://127.0.0.1:{secondaryProxy.EndPoint.Port}/");
        var attempts = new AttemptCounter(primaryUri);
        var secondaryAttempts = new AttemptCounter(secondaryUri);

        var services = new ServiceCollection();
        IHttpClientBuilder builder = services.AddHttpClient(HarnessClients.ClientName, static client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => attempts.Over(secondaryAttempts.Over(new SocketsHttpHandler { AllowAutoRedirect = false })))
            .RemoveAllLoggers();
        ResilienceCompositions.Add(builder, composition, options =>
        {
            options.Regions.Add(new Region("primary", primaryUri));
            options.Regions.Add(new Region("secondary", secondaryUri) { Priority = 1 });
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient client = HarnessClients.Client(provider);

        var samples = new List<RequestSample>(requests);
        var failures = new SortedDictionary<string, int>(StringComparer.Ordinal);
        long runStart = Stopwatch.GetTimestamp();
        long faultStart = runStart;
        int primaryAtFault = 0;
        int secondaryAtFault = 0;
        int attemptsAtFault = 0;
        for (int i = 0; i < requests; i++)
        {
            if (i == healthy)
            {
                (primaryAtFault, secondaryAtFault) = (primaryProxy.Requests, secondaryProxy.Requests);
                attemptsAtFault = attempts.Count + secondaryAttempts.Count;
                primaryProxy.Mode = fault switch
                {
                    CompositionFault.Status503 or CompositionFault.All503 => ProxyMode.Status503,
                    CompositionFault.Refused => ProxyMode.Refuse,
                    CompositionFault.BlackHole => ProxyMode.BlackHole,
                    _ => ProxyMode.Slow,
                };
                if (fault == CompositionFault.All503)
                {
                    secondaryProxy.Mode = ProxyMode.Status503;
                }

                faultStart = Stopwatch.GetTimestamp();
            }
            else if (i > healthy && Stopwatch.GetElapsedTime(runStart) > budget)
            {
                break;
            }

            await Task.Delay(20);
            long start = Stopwatch.GetTimestamp();
            (bool succeeded, string outcome) = await SendAsync(client, method);
            TimeSpan sinceFault = i < healthy ? TimeSpan.MinValue : Stopwatch.GetElapsedTime(faultStart, start);
            samples.Add(new RequestSample(i, sinceFault, Stopwatch.GetElapsedTime(start), succeeded, outcome));
            if (!succeeded && i >= healthy)
            {
                failures[outcome] = failures.GetValueOrDefault(outcome) + 1;
            }
        }

        // Attempts still running (a hedge's loser, a retry's back-off) reach a region a moment later.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        RequestSample[] during = [.. samples.Where(static s => s.DuringFault)];
        double[] latencies = [.. during.Select(static s => s.Latency.TotalMilliseconds)];
        RequestSample? firstSuccess = during.Cast<RequestSample?>().FirstOrDefault(static s => s!.Value.Succeeded);
        return new Row(
            ResilienceCompositions.Describe(composition),
            method.Method,
            Name(fault),
            during.Length,
            during.Count(static s => s.Succeeded),
            primaryProxy.Requests - primaryAtFault,
            secondaryProxy.Requests - secondaryAtFault,
            attempts.Count + secondaryAttempts.Count - attemptsAtFault,
            Percentiles.NearestRank(latencies, 50),
            firstSuccess is { } success ? (success.SinceFault + success.Latency).TotalMilliseconds : double.NaN,
            string.Join(", ", failures.Select(static f => string.Create(CultureInfo.InvariantCulture, $"{f.Value} {f.Key}"))));
    }

    /// <summary>One request with a small body for a POST; what the caller got, in a word.</summary>
    private static async Task<(bool Succeeded, string Outcome)> SendAsync(HttpClient client, HttpMethod method)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(method, "api/payments");
        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("{\"amount\":42}", Encoding.UTF8, "application/json");
        }

        try
        {
            using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
            return (response.IsSuccessStatusCode, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
        }
        catch (Http.RegionFailoverException)
        {
            return (false, "failover exhausted");
        }
        catch (HttpRequestException exception)
        {
            return (false, exception.HttpRequestError == HttpRequestError.Unknown ? "transport error" : exception.HttpRequestError.ToString());
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return (false, "caller gave up");
        }
        catch (ExecutionRejectedException exception)
        {
            return (false, exception.GetType().Name);
        }
    }

    private static HttpMethod ParseMethod(string text) =>
        text.Trim().ToUpperInvariant() switch
        {
            "GET" => HttpMethod.Get,
            "POST" => HttpMethod.Post,
            _ => throw new ArgumentException($"--methods takes GET and POST, not '{text}'.", nameof(text)),
        };

    private static CompositionFault ParseFault(string text)
    {
        foreach (CompositionFault fault in Enum.GetValues<CompositionFault>())
        {
            if (string.Equals(Name(fault), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return fault;
            }
        }

        throw new ArgumentException($"--faults takes 503, refused, black-hole, slow and all-503, not '{text}'.", nameof(text));
    }

    internal static string Name(CompositionFault fault) => fault switch
    {
        CompositionFault.Status503 => "503",
        CompositionFault.Refused => "refused",
        CompositionFault.BlackHole => "black-hole",
        CompositionFault.Slow => "slow",
        CompositionFault.All503 => "all-503",
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "Unknown fault."),
    };

    private static string Line(Row row) => string.Create(CultureInfo.InvariantCulture,
        $"  {row.Method,-4} {row.Fault,-10} {row.Composition,-44} {row.Succeeded,3}/{row.Requests,-3} ok  primary {row.PrimaryReceived,3}  secondary {row.SecondaryReceived,3}  attempts {row.Attempts,3}  p50 {Report.Milliseconds(row.P50Ms),7} ms  first success {Report.Milliseconds(row.FirstSuccessMs),7} ms  {row.Failures}");

    /// <summary>Requests the regions received for each request the caller made: 1 when nothing was repeated.</summary>
    internal static string PerRequest(Row row) =>
        row.Requests == 0 ? "–" : ((double)(row.PrimaryReceived + row.SecondaryReceived) / row.Requests).ToString("F2", CultureInfo.InvariantCulture);

    internal static string Markdown(IReadOnlyList<Row> rows, int requests, int healthy, TimeSpan budget, bool smoke)
    {
        var text = new StringBuilder();
        text.AppendLine("# AddRegionFailover with .NET's resilience handlers").AppendLine();
        text.Append(CultureInfo.InvariantCulture,
            $"Two Kestrel regions on loopback (primary priority 0, secondary priority 1), each behind a fault proxy; every option at its default. Each run is a fresh client: {healthy} healthy requests, then the fault, then requests one after another (20 ms apart) up to {requests} in all or until {budget.TotalSeconds:F0} s have passed. ");
        text.Append("`primary`/`secondary` count the requests each region's side of the network received during the fault; `received per request` is the two together over the caller's requests (1.00 when nothing was sent twice); `attempts` counts what the client sent (connections refused included); `first success` is from the fault's onset to the end of the first successful request. ");
        text.Append(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} logical cores, .NET {Environment.Version}.");
        text.AppendLine().AppendLine();
        if (smoke)
        {
            text.AppendLine("**Smoke run: too few requests for the figures to mean anything.**").AppendLine();
        }

        text.AppendLine("| method | fault | composition | success | primary | secondary | received per request | attempts | p50 (ms) | first success (ms) | failures |");
        text.AppendLine("|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|");
        foreach (Row row in rows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {row.Method} | {row.Fault} | {row.Composition} | {row.Succeeded}/{row.Requests} | {row.PrimaryReceived} | {row.SecondaryReceived} | {PerRequest(row)} | {row.Attempts} | {Report.Milliseconds(row.P50Ms)} | {Report.Milliseconds(row.FirstSuccessMs)} | {row.Failures} |");
            text.AppendLine();
        }

        return text.ToString();
    }
}
