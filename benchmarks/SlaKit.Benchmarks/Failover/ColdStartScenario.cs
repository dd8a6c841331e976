using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.Benchmarks.Failover;

/// <summary>
/// Cold starts over HTTPS: each run is a fresh process that builds one client, sends its first requests to two healthy
/// HTTPS regions on loopback and reports what happened: the first request's latency (TLS, connection set-up and JIT
/// included), which region served it, and whether any healthy region was marked Degraded or Unhealthy.
/// </summary>
internal static class ColdStartScenario
{
    /// <summary>The hidden command a run's child process is started with.</summary>
    public const string ChildCommand = "cold-start-child";

    public const string Usage = "usage: failover cold-start [--runs N] [--out DIR]";

    private const int RequestsPerRun = 5;

    /// <summary>The clients compared, by their command-line name, in the report's order.</summary>
    private static readonly (string Name, string Title)[] Kinds =
    [
        ("primary-direct", "plain HttpClient, primary"),
        ("slakit", "SlaKit"),
        ("slakit-host", "SlaKit in a host (warm-up)"),
        ("hedging", "standard hedging"),
    ];

    /// <summary>What one child process reports.</summary>
    internal sealed record RunResult(string Client, double FirstMs, string FirstServedBy, int ServedByPrimary, int Succeeded, double WarmUpMs, string[] MarkedDown);

    /// <summary>Runs the scenario; returns the process exit code (0 done, 1 a child failed, 2 bad arguments).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        int runs = 10;
        string folder = Path.Combine("BenchmarkDotNet.Artifacts", "failover");
        bool parsed = await ScenarioArguments.TryParseAsync(args, Usage, error, (string name, IReadOnlyList<string> all, ref int i) =>
        {
            switch (name)
            {
                case "--runs":
                    runs = ScenarioArguments.Positive(all, ref i);
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

        using X509Certificate2 certificate = TestCertificate.Create();
        await using LoopbackRegion primary = await LoopbackRegion.StartAsync("primary", certificate);
        await using LoopbackRegion secondary = await LoopbackRegion.StartAsync("secondary", certificate);
        await output.WriteLineAsync($"Cold starts over HTTPS: primary {primary.BaseUri}, secondary {secondary.BaseUri}; {runs} fresh processes per client, {RequestsPerRun} GETs each.");

        var results = new List<RunResult>();
        for (int run = 0; run < runs; run++)
        {
            foreach ((string name, _) in Kinds)
            {
                RunResult? result = await RunChildProcessAsync(name, primary.BaseUri, secondary.BaseUri, certificate.Thumbprint, error);
                if (result is null)
                {
                    return 1;
                }

                results.Add(result);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  run {run + 1,2} {name,-15} first {Report.Milliseconds(result.FirstMs),7} ms by {result.FirstServedBy,-9} primary served {result.ServedByPrimary}/{RequestsPerRun}{(result.MarkedDown.Length > 0 ? "  MARKED DOWN: " + string.Join("; ", result.MarkedDown) : "")}"));
            }
        }

        await ScenarioArguments.WriteReportAsync(output, folder, "cold-start.md", Markdown(results, runs));
        return 0;
    }

    /// <summary>The report: one row per client over all its runs, and the targets.</summary>
    internal static string Markdown(IReadOnlyList<RunResult> results, int runs)
    {
        var text = new StringBuilder();
        text.AppendLine("# Cold start over HTTPS").AppendLine();
        text.Append(CultureInfo.InvariantCulture,
            $"Two healthy HTTPS regions on loopback (primary priority 0, secondary priority 1); {runs} fresh processes per client, each sending {RequestsPerRun} GETs 20 ms apart. ");
        text.Append(CultureInfo.InvariantCulture,
            $"`first` is the first request's latency: TCP, TLS and JIT included, except that a host's warm-up pays for them before it. {Environment.ProcessorCount} logical cores, .NET {Environment.Version}.");
        text.AppendLine().AppendLine();
        text.AppendLine("| client | runs | runs with a healthy region marked down | first p50 (ms) | first max (ms) | first served by the primary | served by the primary | warm-up p50 (ms) |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|");
        var firstP50 = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach ((string name, string title) in Kinds)
        {
            RunResult[] mine = [.. results.Where(r => r.Client == name)];
            if (mine.Length == 0)
            {
                continue;
            }

            double[] first = [.. mine.Select(static r => r.FirstMs)];
            firstP50[name] = Percentiles.NearestRank(first, 50);
            string warmUp = name == "slakit-host" ? Report.Milliseconds(Percentiles.NearestRank([.. mine.Select(static r => r.WarmUpMs)], 50)) : "–";
            text.Append(CultureInfo.InvariantCulture,
                $"| {title} | {mine.Length} | {mine.Count(static r => r.MarkedDown.Length > 0)} | {Report.Milliseconds(firstP50[name])} | {Report.Milliseconds(first.Max())} | {mine.Count(static r => r.FirstServedBy == "primary")} of {mine.Length} | {mine.Sum(static r => r.ServedByPrimary)} of {mine.Length * RequestsPerRun} | {warmUp} |");
            text.AppendLine();
        }

        var verdicts = new List<(bool, string)>();
        foreach (string name in (string[])["slakit", "slakit-host"])
        {
            RunResult[] mine = [.. results.Where(r => r.Client == name)];
            if (mine.Length > 0)
            {
                int down = mine.Count(static r => r.MarkedDown.Length > 0);
                verdicts.Add((down == 0, string.Create(CultureInfo.InvariantCulture, $"{name}: a healthy region was marked down in {down} of {mine.Length} runs (target 0)")));
            }
        }

        if (verdicts.Count > 0)
        {
            text.AppendLine().AppendLine("Targets:").AppendLine();
            text.Append(Report.MarkdownVerdicts(verdicts));
        }

        if (firstP50.TryGetValue("primary-direct", out double direct))
        {
            text.AppendLine().AppendLine("First request against the primary called directly (p50):").AppendLine();
            foreach (string name in (string[])["slakit", "slakit-host", "hedging"])
            {
                if (firstP50.TryGetValue(name, out double mine))
                {
                    text.Append(CultureInfo.InvariantCulture, $"- {name}: {Report.Milliseconds(mine)} ms = {mine / direct:F2}× ({Report.Milliseconds(direct)} ms)").AppendLine();
                }
            }
        }

        return text.ToString();
    }

    private static async Task<RunResult?> RunChildProcessAsync(string kind, Uri primary, Uri secondary, string thumbprint, TextWriter error)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(ColdStartScenario).Assembly.Location);
        }

        foreach (string argument in (string[])[ChildCommand, kind, primary.ToString(), secondary.ToString(), thumbprint])
        {
            start.ArgumentList.Add(argument);
        }

        using Process child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host}.");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task<string> stdout = child.StandardOutput.ReadToEndAsync(deadline.Token);
        Task<string> stderr = child.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await child.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            await error.WriteLineAsync($"The {kind} run did not end within 60 s.");
            return null;
        }

        string report = (await stdout).Trim();
        if (child.ExitCode != 0 || report.Length == 0)
        {
            await error.WriteLineAsync($"The {kind} run failed (exit {child.ExitCode}): {await stderr}");
            return null;
        }

        return JsonSerializer.Deserialize<RunResult>(report.Split('\n')[^1]);
    }

    /// <summary>One run, in its own process: builds the client, sends the requests, prints one JSON line.</summary>
    public static async Task<int> RunChildAsync(IReadOnlyList<string> args, TextWriter output)
    {
        if (args.Count != 4)
        {
            return 2;
        }

        (string kind, var primary, var secondary, string thumbprint) = (args[0], new Uri(args[1]), new Uri(args[2]), args[3]);
        HarnessClient client = kind switch
        {
            "primary-direct" => HarnessClient.Plain,
            "slakit" or "slakit-host" => HarnessClient.SlaKit,
            "hedging" => HarnessClient.StandardHedging,
            _ => throw new ArgumentException($"Unknown client '{kind}'.", nameof(args)),
        };

        var counter = new AttemptCounter(primary);
        double warmUpMs = 0;
        IServiceProvider services;
        IHost? host = null;
        ServiceProvider? provider = null;
        if (kind == "slakit-host")
        {
            HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            HarnessClients.Add(builder.Services, client, primary, secondary, proxy: null, counter, thumbprint);
            host = builder.Build();
            long warming = Stopwatch.GetTimestamp();
            await host.StartAsync();
            warmUpMs = Stopwatch.GetElapsedTime(warming).TotalMilliseconds;
            services = host.Services;
        }
        else
        {
            provider = HarnessClients.Build(client, primary, secondary, proxy: null, counter, thumbprint);
            services = provider;
        }

        var markedDown = new List<string>();
        if (client == HarnessClient.SlaKit)
        {
            services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor(HarnessClients.ClientName).HealthChanged += (_, change) =>
            {
                if (change.Current != RegionHealth.Healthy)
                {
                    lock (markedDown)
                    {
                        markedDown.Add($"{change.Region.Name} {change.Current}: {change.Reason}");
                    }
                }
            };
        }

        HttpClient http = HarnessClients.Client(services);
        double firstMs = 0;
        string firstServedBy = "none";
        int servedByPrimary = 0;
        int succeeded = 0;
        for (int i = 0; i < RequestsPerRun; i++)
        {
            long started = Stopwatch.GetTimestamp();
            using HttpResponseMessage response = await http.GetAsync("api/balance/42");
            string body = await response.Content.ReadAsStringAsync();
            string servedBy = body.Contains("\"primary\"", StringComparison.Ordinal) ? "primary" : "secondary";
            if (i == 0)
            {
                firstMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                firstServedBy = servedBy;
            }

            succeeded += response.IsSuccessStatusCode ? 1 : 0;
            servedByPrimary += response.IsSuccessStatusCode && servedBy == "primary" ? 1 : 0;
            await Task.Delay(20);
        }

        // A hedge's loser may still be on its way: give it longer than a cold answer takes, and less than the cold-start
        // allowance, so what the report shows is what its own outcome did.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        string[] down;
        lock (markedDown)
        {
            down = [.. markedDown];
        }

        await output.WriteLineAsync(JsonSerializer.Serialize(new RunResult(kind, firstMs, firstServedBy, servedByPrimary, succeeded, warmUpMs, down)));
        if (host is not null)
        {
            await host.StopAsync();
            host.Dispose();
        }

        if (provider is not null)
        {
            await provider.DisposeAsync();
        }

        return 0;
    }
}
