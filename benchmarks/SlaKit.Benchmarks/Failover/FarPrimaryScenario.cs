using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.IntegrationTests.Infrastructure;

namespace SlaKit.Benchmarks.Failover;

/// <summary>
/// A preferred region far away: the primary answers every request (and every TLS handshake message) a fixed delay
/// late, the secondary at once. Each client, fresh, makes the same sequence of GETs; the report says how many the far
/// primary served, how many were also (or only) sent to the secondary, counted by the secondary itself, and the latency.
/// </summary>
internal static class FarPrimaryScenario
{
    private static readonly HarnessClient[] Clients = [HarnessClient.SlaKit, HarnessClient.StandardHedging, HarnessClient.Plain];

    public const string Usage = "usage: failover far-primary [--requests N] [--delay MS] [--pause MS] [--http] [--out DIR]";

    /// <summary>One client's run.</summary>
    internal sealed record Row(string Client, int Requests, int Succeeded, int ServedByPrimary, int SentToSecondary, double FirstMs, double P50Ms, double P99Ms);

    /// <summary>Runs the scenario; returns the process exit code (0 done, 2 bad arguments).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        int requests = 100;
        int delayMs = 150;
        int pauseMs = 20;
        bool https = true;
        string folder = Path.Combine("BenchmarkDotNet.Artifacts", "failover");
        bool parsed = await ScenarioArguments.TryParseAsync(args, Usage, error, (string name, IReadOnlyList<string> all, ref int i) =>
        {
            switch (name)
            {
                case "--http":
                    https = false;
                    return true;
                case "--requests":
                    requests = ScenarioArguments.Positive(all, ref i);
                    return true;
                case "--delay":
                    delayMs = ScenarioArguments.Positive(all, ref i);
                    return true;
                case "--pause":
                    pauseMs = ScenarioArguments.NonNegative(all, ref i);
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

        using X509Certificate2? certificate = https ? TestCertificate.Create() : null;
        await using LoopbackRegion primary = await LoopbackRegion.StartAsync("primary", certificate);
        await using LoopbackRegion secondary = await LoopbackRegion.StartAsync("secondary", certificate);
        TimeSpan delay = TimeSpan.FromMilliseconds(delayMs);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Far primary: {primary.BaseUri} {delayMs} ms away (each request and TLS message from the client delayed), secondary {secondary.BaseUri}; {requests} GETs per fresh client, {pauseMs} ms apart."));

        var rows = new List<Row>();
        foreach (HarnessClient kind in Clients)
        {
            rows.Add(await RunClientAsync(kind, primary, secondary, certificate, delay, requests, TimeSpan.FromMilliseconds(pauseMs)));
            await output.WriteLineAsync(Line(rows[^1]));
        }

        await ScenarioArguments.WriteReportAsync(output, folder, "far-primary.md", Markdown(rows, delayMs, requests, https));
        return 0;
    }

    private static async Task<Row> RunClientAsync(
        HarnessClient kind, LoopbackRegion primary, LoopbackRegion secondary, X509Certificate2? certificate, TimeSpan delay, int requests, TimeSpan pause)
    {
        IPEndPoint upstream = new(IPAddress.Loopback, primary.BaseUri.Port);
        await using var proxy = new FaultProxy(upstream) { SlowDelay = _ => delay, Mode = ProxyMode.Slow };
        var counter = new AttemptCounter(primary.BaseUri);
        await using ServiceProvider services = HarnessClients.Build(kind, primary.BaseUri, secondary.BaseUri, proxy.EndPoint, counter, certificate?.Thumbprint);
        HttpClient client = HarnessClients.Client(services);
        int secondaryBefore = secondary.Requests;
        var latencies = new double[requests];
        int succeeded = 0;
        int servedByPrimary = 0;
        for (int i = 0; i < requests; i++)
        {
            await Task.Delay(pause);
            long started = Stopwatch.GetTimestamp();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                using HttpResponseMessage response = await client.GetAsync("api/balance/42", deadline.Token);
                string body = await response.Content.ReadAsStringAsync(deadline.Token);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.IsSuccessStatusCode)
                {
                    succeeded++;
                    servedByPrimary += body.Contains("\"primary\"", StringComparison.Ordinal) ? 1 : 0;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or Polly.ExecutionRejectedException or Http.RegionFailoverException)
            {
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        // Attempts still running (a hedge's loser) reach the secondary a moment later; give them a bounded moment.
        long settle = Stopwatch.GetTimestamp();
        int sent = secondary.Requests - secondaryBefore;
        while (Stopwatch.GetElapsedTime(settle) < TimeSpan.FromSeconds(1))
        {
            await Task.Delay(100);
            int now = secondary.Requests - secondaryBefore;
            if (now == sent)
            {
                break;
            }

            sent = now;
        }

        return new Row(HarnessClientNames.Name(kind), requests, succeeded, servedByPrimary, sent,
            latencies[0], Percentiles.NearestRank(latencies, 50), Percentiles.NearestRank(latencies, 99));
    }

    private static string Line(Row row) => string.Create(CultureInfo.InvariantCulture,
        $"  {row.Client,-20} primary served {row.ServedByPrimary,3}/{row.Requests}, secondary asked {row.SentToSecondary,3}, first {Report.Milliseconds(row.FirstMs),7} ms, p50 {Report.Milliseconds(row.P50Ms),7} ms, p99 {Report.Milliseconds(row.P99Ms),7} ms");

    /// <summary>The report: the table and, for SlaKit, the targets (at least 95 of the first 100 served by the far primary, at most 5 sent to the secondary).</summary>
    internal static string Markdown(IReadOnlyList<Row> rows, int delayMs, int requests, bool https)
    {
        var text = new StringBuilder();
        text.AppendLine("# Far primary").AppendLine();
        text.Append(CultureInfo.InvariantCulture,
            $"Primary (priority 0) {delayMs} ms away, secondary (priority 1) on loopback, over {(https ? "HTTPS" : "HTTP")}; {requests} GETs one after another from each fresh client, default options. ");
        text.Append(CultureInfo.InvariantCulture,
            $"`secondary asked` is counted by the secondary: hedges and failovers alike. {Environment.ProcessorCount} logical cores, .NET {Environment.Version}.");
        text.AppendLine().AppendLine();
        text.AppendLine("| client | served by the far primary | secondary asked | success | first (ms) | p50 (ms) | p99 (ms) |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|--:|");
        foreach (Row row in rows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {row.Client} | {row.ServedByPrimary} of {row.Requests} | {row.SentToSecondary} | {row.Succeeded}/{row.Requests} | {Report.Milliseconds(row.FirstMs)} | {Report.Milliseconds(row.P50Ms)} | {Report.Milliseconds(row.P99Ms)} |");
            text.AppendLine();
        }

        if (rows.FirstOrDefault(static r => r.Client == "SlaKit") is { } slaKit)
        {
            double scale = slaKit.Requests / 100.0;
            text.AppendLine().AppendLine("Targets:").AppendLine();
            text.Append(Report.MarkdownVerdicts(
            [
                (slaKit.ServedByPrimary >= 95 * scale, string.Create(CultureInfo.InvariantCulture, $"SlaKit: the far primary served {slaKit.ServedByPrimary} of {slaKit.Requests} (target ≥ 95 of 100)")),
                (slaKit.SentToSecondary <= 5 * scale, string.Create(CultureInfo.InvariantCulture, $"SlaKit: {slaKit.SentToSecondary} requests sent to the secondary (target ≤ 5 of 100)")),
                (slaKit.Succeeded == slaKit.Requests, string.Create(CultureInfo.InvariantCulture, $"SlaKit: {slaKit.Requests - slaKit.Succeeded} failed (target 0)")),
            ]));
        }

        return text.ToString();
    }
}
