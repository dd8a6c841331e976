using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using SlaKit.Budgets;
using SlaKit.Prometheus;

namespace FleetBudget;

/// <summary>
/// A real Prometheus server the sample starts when <c>prometheus</c> is on the PATH: the rules generated from
/// <c>slo.yaml</c>, both instances scraped and the rules evaluated every second, storage in a temporary folder. The
/// sample's table is then read from the server's HTTP API: what the engine computes, not an imitation of it.
/// </summary>
internal sealed class FleetPrometheus : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly StringBuilder _log = new();
    private readonly string _slo;
    private readonly decimal _budget;

    private FleetPrometheus(Process process, string folder, Uri baseUri, Slo slo)
    {
        _process = process;
        _folder = folder;
        BaseUri = baseUri;
        _slo = slo.Name;
        _budget = 1m - (decimal)slo.Target.Ratio;
    }

    /// <summary>Where the server answers, such as <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The path of <c>prometheus</c> on the PATH, or <see langword="null"/>.</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(static directory => Path.Combine(directory, "prometheus"))
            .FirstOrDefault(File.Exists);

    /// <summary>Starts the server for the instances <paramref name="names"/> on <paramref name="ports"/> and waits until it is ready.</summary>
    public static async Task<FleetPrometheus> StartAsync(string program, Slo slo, IReadOnlyList<string> names, IReadOnlyList<int> ports, HttpClient http)
    {
        string folder = Directory.CreateTempSubdirectory("fleetbudget-prometheus-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "rules.yml"), PrometheusRules.Generate(slo));
        var targets = new StringBuilder();
        for (int i = 0; i < names.Count; i++)
        {
            targets.Append(CultureInfo.InvariantCulture, $"      - targets: ['127.0.0.1:{ports[i]}']\n        labels:\n          instance: {names[i]}\n");
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "prometheus.yml"),
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - rules.yml\nscrape_configs:\n  - job_name: checkout\n    static_configs:\n" + targets);

        int port = FreePort();
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[]
        {
            "--config.file=" + Path.Combine(folder, "prometheus.yml"),
            "--storage.tsdb.path=" + Path.Combine(folder, "data"),
            "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            "--log.level=warn",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start.");
        var server = new FleetPrometheus(process, folder, new Uri($"http://127.0.0.1:{port}/"), slo);
        process.OutputDataReceived += (_, e) => server.Log(e.Data);
        process.ErrorDataReceived += (_, e) => server.Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using HttpResponseMessage ready = await http.GetAsync(new Uri(server.BaseUri, "-/ready"));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException) when (!process.HasExited && waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                // Not listening yet.
            }

            if (process.HasExited || waited.Elapsed >= TimeSpan.FromSeconds(30))
            {
                string log = server.LogText();
                await server.DisposeAsync();
                throw new InvalidOperationException($"prometheus did not become ready:\n{log}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>
    /// One line per instance, read from the server: its events so far and its 5-minute burn rate, and the fleet's from
    /// the recording rule <c>slakit:slo_errors:ratio_rate5m</c>; then the burn alerts firing.
    /// </summary>
    public async Task<string> DescribeAsync(HttpClient http, IReadOnlyList<string> names, TimeSpan elapsed)
    {
        string slo = $"slo=\"{_slo}\"";
        var counts = await QueryAsync(http, $"sum by (instance, outcome) (slakit_slo_events_total{{{slo}}})");
        var burns = await QueryAsync(http,
            $"sum by (instance) (increase(slakit_slo_events_total{{{slo},outcome=\"bad\"}}[5m])) / sum by (instance) (increase(slakit_slo_events_total{{{slo}}}[5m]))");
        var fleet = await QueryAsync(http, $"slakit:slo_errors:ratio_rate5m{{{slo}}}");
        var line = new StringBuilder();
        for (int i = 0; i < names.Count; i++)
        {
            string time = i == 0 ? $"{(int)elapsed.TotalSeconds,4}s" : "     ";
            long good = (long)counts.Where(c => c.Labels.GetValueOrDefault("instance") == names[i] && c.Labels.GetValueOrDefault("outcome") == "good").Sum(static c => c.Value);
            long bad = (long)counts.Where(c => c.Labels.GetValueOrDefault("instance") == names[i] && c.Labels.GetValueOrDefault("outcome") == "bad").Sum(static c => c.Value);
            double? ratio = burns.Where(b => b.Labels.GetValueOrDefault("instance") == names[i]).Select(static b => (double?)b.Value).FirstOrDefault();
            line.Append(CultureInfo.InvariantCulture, $"{time}  {names[i],-10} {good,8} {bad,8} {Burn(ratio),8} |");
            if (i == 0)
            {
                long fleetGood = (long)counts.Where(static c => c.Labels.GetValueOrDefault("outcome") == "good").Sum(static c => c.Value);
                long fleetBad = (long)counts.Where(static c => c.Labels.GetValueOrDefault("outcome") == "bad").Sum(static c => c.Value);
                line.Append(CultureInfo.InvariantCulture, $" fleet {fleetGood,9} {fleetBad,8} {Burn(fleet.Count == 1 ? fleet[0].Value : null),5}");
                string alerts = await FiringAsync(http);
                line.Append(alerts.Length == 0 ? "" : "  " + alerts);
            }

            if (i < names.Count - 1)
            {
                line.Append('\n');
            }
        }

        return line.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temporary-file cleaning.
        }
    }

    /// <summary>The burn alerts firing now, as <c>page 1h/5m</c>, from the server's <c>/api/v1/alerts</c>.</summary>
    private async Task<string> FiringAsync(HttpClient http)
    {
        using JsonDocument answer = JsonDocument.Parse(await http.GetStringAsync(new Uri(BaseUri, "api/v1/alerts")));
        var firing = new List<string>();
        foreach (JsonElement alert in answer.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray())
        {
            JsonElement labels = alert.GetProperty("labels");
            if (alert.GetProperty("state").GetString() == "firing" && labels.GetProperty("alertname").GetString() == PrometheusRules.AlertName)
            {
                firing.Add($"{labels.GetProperty("severity").GetString()} {labels.GetProperty("long_window").GetString()}/{labels.GetProperty("short_window").GetString()}");
            }
        }

        return firing.Count == 0 ? "" : "firing: " + string.Join(", ", firing.Order(StringComparer.Ordinal));
    }

    private async Task<List<(Dictionary<string, string> Labels, double Value)>> QueryAsync(HttpClient http, string query)
    {
        using JsonDocument answer = JsonDocument.Parse(await http.GetStringAsync(new Uri(BaseUri, "api/v1/query?query=" + Uri.EscapeDataString(query))));
        var results = new List<(Dictionary<string, string>, double)>();
        foreach (JsonElement series in answer.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().ToDictionary(static p => p.Name, static p => p.Value.GetString() ?? "", StringComparer.Ordinal);
            double value = double.Parse(series.GetProperty("value")[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (!double.IsNaN(value))
            {
                results.Add((labels, value));
            }
        }

        return results;
    }

    private string Burn(double? errorRatio) =>
        errorRatio is { } ratio ? Math.Round((decimal)ratio / _budget, 1).ToString("0.0", CultureInfo.InvariantCulture) + "x" : "-";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Log(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private string LogText()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }
}
