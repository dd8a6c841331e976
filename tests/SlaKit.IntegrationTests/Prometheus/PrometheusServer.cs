using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace SlaKit.IntegrationTests.Prometheus;

/// <summary>
/// A real Prometheus server (Debian package <c>prometheus</c>) on 127.0.0.1 and a free port, with its configuration
/// and storage in a temporary folder that goes when it is disposed. This part depends on no test framework, so that the
/// benchmarks start the server the same way; what goes wrong throws <see cref="InvalidOperationException"/> with the
/// server's log.
/// </summary>
public sealed partial class PrometheusServer : IAsyncDisposable
{
    private const string Install = "prometheus is not installed: apt-get install -y prometheus";
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(30);

    /// <summary>How long promtool may take to write a backfill; dense series over months take minutes.</summary>
    public static TimeSpan BackfillWithin { get; set; } = TimeSpan.FromMinutes(2);

    private static readonly Lazy<string?> Found = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "prometheus"))
            .FirstOrDefault(File.Exists));

    private readonly Process _process;
    private readonly StringBuilder _log;
    private readonly string _folder;
    private string? _backfill;

    private PrometheusServer(Process process, StringBuilder log, string folder, Uri baseUri)
    {
        _process = process;
        _log = log;
        _folder = folder;
        BaseUri = baseUri;
        Http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The server's address, such as <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>A client for the server's HTTP API.</summary>
    public HttpClient Http { get; }

    /// <summary>What the server has logged so far, for a failing test's message.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The path of <c>prometheus</c> on the PATH, or <see langword="null"/>.</summary>
    public static string? Find() => Found.Value;

    /// <summary>
    /// A TSDB folder holding <paramref name="openMetrics"/> (an OpenMetrics text ending in <c># EOF</c>), made by
    /// <c>promtool tsdb create-blocks-from openmetrics</c>; the caller deletes it. promtool writes a block per two
    /// hours that hold samples, so sparse series over months make few blocks.
    /// </summary>
    public static async Task<string> BackfillAsync(string openMetrics, CancellationToken cancellationToken)
    {
        string promtool = Path.Combine(Path.GetDirectoryName(Program())!, "promtool");
        Check(File.Exists(promtool), $"promtool is not beside prometheus in {Path.GetDirectoryName(promtool)}.");
        string folder = Directory.CreateTempSubdirectory("slakit-backfill-").FullName;
        string input = Path.Combine(folder, "samples.om");
        await File.WriteAllTextAsync(input, openMetrics, cancellationToken);
        var start = new ProcessStartInfo(promtool) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "tsdb", "create-blocks-from", "openmetrics", "-q", input, Path.Combine(folder, "data") })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(BackfillWithin);
        await process.WaitForExitAsync(limit.Token);
        Check(process.ExitCode == 0, $"promtool failed: {await output}{await error}");
        return Path.Combine(folder, "data");
    }

    /// <summary>Starts a server on a TSDB backfilled with <paramref name="openMetrics"/>; disposing the server deletes it.</summary>
    public static async Task<PrometheusServer> StartBackfilledAsync(string openMetrics, CancellationToken cancellationToken)
    {
        string storage = await BackfillAsync(openMetrics, cancellationToken);
        try
        {
            PrometheusServer server = await StartAsync("global:\n  scrape_interval: 1m\n", storage: storage, cancellationToken: cancellationToken);
            server._backfill = Path.GetDirectoryName(storage);
            return server;
        }
        catch
        {
            Directory.Delete(Path.GetDirectoryName(storage)!, recursive: true);
            throw;
        }
    }

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts the server with <paramref name="configuration"/> as its <c>prometheus.yml</c> and <paramref name="files"/>
    /// (such as the rules file it names) beside it, and waits until it is ready. Storage is a new folder, or
    /// <paramref name="storage"/> (a TSDB filled beforehand, kept for ten years so that no block is dropped as too old).
    /// </summary>
    public static async Task<PrometheusServer> StartAsync(
        string configuration, IReadOnlyDictionary<string, string>? files = null, string? storage = null, CancellationToken cancellationToken = default)
    {
        string program = Program();
        string folder = Directory.CreateTempSubdirectory("slakit-prometheus-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "prometheus.yml"), configuration, cancellationToken);
        foreach ((string name, string text) in files ?? new Dictionary<string, string>())
        {
            await File.WriteAllTextAsync(Path.Combine(folder, name), text, cancellationToken);
        }

        int port = FreePort();
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        foreach (string argument in new[]
        {
            "--config.file=" + Path.Combine(folder, "prometheus.yml"),
            "--storage.tsdb.path=" + (storage ?? Path.Combine(folder, "data")),
            "--storage.tsdb.retention.time=10y",
            "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            "--log.level=warn",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var log = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, log, folder, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await server.WaitReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>An instant query's result (<c>/api/v1/query</c>): each series' labels and value.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string query, CancellationToken cancellationToken)
    {
        using JsonDocument answer = await GetJsonAsync("api/v1/query?query=" + Uri.EscapeDataString(query), cancellationToken);
        var results = new List<(IReadOnlyDictionary<string, string>, double)>();
        foreach (JsonElement series in answer.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
            string value = series.GetProperty("value")[1].GetString()!;
            results.Add((labels, double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }

        return results;
    }

    /// <summary>The alerts the server holds now (<c>/api/v1/alerts</c>): each one's labels and state.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, string State)>> AlertsAsync(CancellationToken cancellationToken)
    {
        using JsonDocument answer = await GetJsonAsync("api/v1/alerts", cancellationToken);
        var alerts = new List<(IReadOnlyDictionary<string, string>, string)>();
        foreach (JsonElement alert in answer.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray())
        {
            var labels = alert.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
            alerts.Add((labels, alert.GetProperty("state").GetString() ?? ""));
        }

        return alerts;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(patience.Token);
        }

        _process.Dispose();
        foreach (string? folder in new[] { _folder, _backfill })
        {
            try
            {
                if (folder is not null)
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
            catch (IOException)
            {
                // A file still held open by the dying server: the folder is temporary and the system cleans it.
            }
        }
    }

    private async Task<JsonDocument> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await Http.GetAsync(path, cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        Check(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < ReadyWithin)
        {
            Check(!_process.HasExited, $"prometheus exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Log}");
            try
            {
                using HttpResponseMessage ready = await Http.GetAsync("-/ready", cancellationToken);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new InvalidOperationException($"prometheus was not ready within {ReadyWithin.TotalSeconds:F0} s:\n{Log}");
    }

    private static string Program() => Found.Value ?? throw new InvalidOperationException(Install);

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }
}
