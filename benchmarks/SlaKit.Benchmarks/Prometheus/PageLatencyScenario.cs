using System.Diagnostics;
using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using SlaKit.Benchmarks.Failover;
using SlaKit.Budgets;
using SlaKit.IntegrationTests.Prometheus;
using SlaKit.Prometheus;
using SlaKit.Telemetry;

namespace SlaKit.Benchmarks.Prometheus;

/// <summary>
/// How long after a burn starts the page alert of the rules <c>slakit rules</c> generates fires in a real Prometheus
/// server, against what the rules promise. The server holds hours of healthy history (backfilled with promtool), so the
/// long window starts full of good events, as it does in production; a process counts with one
/// <see cref="ErrorBudgetTracker"/> per burn rate (each its own SLO, 99.9% over 30 days) and exports through
/// OpenTelemetry's Prometheus exporter, scraped and evaluated every second. Failures are spread exactly: every second
/// each SLO records <see cref="EventsPerSecond"/> events, of which the same number fail, so a window's error ratio is
/// the burn's exactly and the measured time is the rules', not noise's.
/// </summary>
/// <remarks>
/// The promise: with history burning at <c>h</c> and a burn of <c>b</c> from time zero, the 1 h window's burn rate at
/// <c>t</c> is <c>(b·t + h·(1 h − t)) / 1 h</c>, which reaches the page's 14.4 at <c>t = (14.4 − h) / (b − h)</c> hours;
/// the 5 m window reaches it twelve times sooner. A burn of exactly 14.4 pages when the hour holds nothing else: after
/// 60 minutes, when 2% of the 30-day budget is spent, which is what the SRE workbook's table promises.
/// </remarks>
internal static class PageLatencyScenario
{
    /// <summary>Events each SLO records a second: 0.1% of 1,250 is 1.25, so every burn the scenario takes is a whole number of failures.</summary>
    public const int EventsPerSecond = 1250;

    public const string Usage = "usage: prometheus page [--burns 14.4,28.8,144,1000] [--history-hours 7] [--lead S] [--smoke] [--out DIR]";

    private const double Budget = 0.001;
    private const double PageBurn = 14.4;

    /// <summary>The healthy burn of the history and of the lead: one failure in 5,000 events.</summary>
    private const double HealthyBurn = 0.2;

    /// <summary>One burn's outcome.</summary>
    internal sealed record Row(double Burn, TimeSpan Promise, TimeSpan? Paged, string Windows);

    /// <summary>Runs the scenario; returns the process exit code (0 done, 1 a burn never paged or one paged before its burn, 2 bad arguments).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        double[] burns = [14.4, 28.8, 144, 1000];
        int historyHours = 7;
        int leadSeconds = 120;
        string folder = Path.Combine("BenchmarkDotNet.Artifacts", "prometheus");
        bool parsed = await ScenarioArguments.TryParseAsync(args, Usage, error, (string name, IReadOnlyList<string> all, ref int i) =>
        {
            switch (name)
            {
                case "--burns":
                    burns = ParseBurns(ScenarioArguments.Value(all, ref i));
                    return true;
                case "--history-hours":
                    historyHours = ScenarioArguments.Positive(all, ref i);
                    return true;
                case "--lead":
                    leadSeconds = ScenarioArguments.NonNegative(all, ref i);
                    return true;
                case "--smoke":
                    burns = [1000];
                    leadSeconds = 5;
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

        if (PrometheusServer.Find() is null)
        {
            await error.WriteLineAsync("prometheus is not on the PATH: apt-get install -y prometheus");
            return 2;
        }

        Slo[] slos = [.. burns.Select(static burn => new Slo(Name(burn), Availability.FromPercent(99.9), SloWindow.Rolling(TimeSpan.FromDays(30))))];
        int exporterPort = PrometheusServer.FreePort();
        string configuration = $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - rules.yml
            scrape_configs:
              - job_name: page-latency
                static_configs:
                  - targets: ['127.0.0.1:{exporterPort}']
                    labels:
                      instance: live
            """;

        DateTimeOffset historyEnd = DateTimeOffset.UtcNow;
        string storage = await PrometheusServer.BackfillAsync(History(slos, historyEnd, TimeSpan.FromHours(historyHours)), CancellationToken.None);
        try
        {
            await using PrometheusServer prometheus = await PrometheusServer.StartAsync(
                configuration, new Dictionary<string, string> { ["rules.yml"] = PrometheusRules.Generate(slos.Select(static s => new PrometheusSlo(s))) }, storage);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Prometheus {prometheus.BaseUri} on {historyHours} h of history at {HealthyBurn}x; {EventsPerSecond} events/s per SLO, scraped and evaluated every 1 s; burns {string.Join(", ", burns.Select(static b => b + "x"))} after a {leadSeconds} s lead."));

            var trackers = slos.Select(static slo => new ErrorBudgetTracker(slo)).ToArray();
            using MeterProvider metrics = Sdk.CreateMeterProviderBuilder()
                .AddMeter(SlaKitInstrumentation.MeterName)
                .AddPrometheusHttpListener(options =>
                {
                    options.Host = "127.0.0.1";
                    options.Port = exporterPort;
                })
                .Build();
            try
            {
                // The trackers export zeros until the server has them, so increase() counts every live event from the first;
                // then one batch holds the events of the gap since the history ended, at the healthy rate.
                await WaitScrapedAsync(prometheus, slos.Length * 2);
                var counters = trackers.Select(static _ => new ExactCounter()).ToArray();
                long gap = (long)((DateTimeOffset.UtcNow - historyEnd).TotalSeconds * EventsPerSecond);
                for (int s = 0; s < trackers.Length; s++)
                {
                    counters[s].Record(trackers[s], gap, HealthyBurn);
                }

                var rows = await BurnAsync(prometheus, trackers, counters, burns, TimeSpan.FromSeconds(leadSeconds), output);
                await ScenarioArguments.WriteReportAsync(output, folder, "page-latency.md", Markdown(rows, historyHours, leadSeconds));
                bool early = rows.Any(static r => r.Paged is { } paged && paged < TimeSpan.Zero);
                return rows.All(static r => r.Paged is not null) && !early ? 0 : 1;
            }
            finally
            {
                foreach (ErrorBudgetTracker tracker in trackers)
                {
                    tracker.Dispose();
                }
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(storage)!, recursive: true);
        }
    }

    /// <summary>The promise: when the 1 h window's burn, healthy history and burn mixed, reaches 14.4.</summary>
    internal static TimeSpan Promise(double burn) =>
        TimeSpan.FromHours(Math.Min(1, (PageBurn - HealthyBurn) / (burn - HealthyBurn)));

    /// <summary>The backfilled history: each SLO's good and bad counters every second over <paramref name="length"/> up to <paramref name="end"/>.</summary>
    internal static string History(IReadOnlyList<Slo> slos, DateTimeOffset end, TimeSpan length)
    {
        var text = new StringBuilder("# TYPE slakit_slo_events counter\n");
        long seconds = (long)length.TotalSeconds;
        long last = end.ToUnixTimeSeconds();
        foreach (Slo slo in slos)
        {
            foreach (string outcome in new[] { "good", "bad" })
            {
                for (long i = 0; i <= seconds; i++)
                {
                    long events = i * EventsPerSecond;
                    long bad = ExactCounter.Failures(events, HealthyBurn);
                    long value = outcome == "bad" ? bad : events - bad;
                    text.Append(CultureInfo.InvariantCulture,
                        $"slakit_slo_events_total{{job=\"page-latency\",instance=\"history\",slo=\"{slo.Name}\",outcome=\"{outcome}\"}} {value} {last - seconds + i}\n");
                }
            }
        }

        return text.Append("# EOF\n").ToString();
    }

    private static async Task<List<Row>> BurnAsync(
        PrometheusServer prometheus, ErrorBudgetTracker[] trackers, ExactCounter[] counters, double[] burns, TimeSpan lead, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan burnFrom = lead;
        var paged = new TimeSpan?[burns.Length];
        var windows = new string[burns.Length];
        TimeSpan limit = lead + burns.Select(Promise).Max() * 1.1 + TimeSpan.FromMinutes(2);
        using var seconds = new PeriodicTimer(TimeSpan.FromSeconds(1));
        TimeSpan lastShown = TimeSpan.Zero;
        while (paged.Any(static p => p is null) && clock.Elapsed < limit && await seconds.WaitForNextTickAsync())
        {
            bool burning = clock.Elapsed >= burnFrom;
            for (int s = 0; s < trackers.Length; s++)
            {
                counters[s].Record(trackers[s], EventsPerSecond, burning ? burns[s] : HealthyBurn);
            }

            TimeSpan now = clock.Elapsed - burnFrom;
            foreach ((IReadOnlyDictionary<string, string> labels, string state) in await prometheus.AlertsAsync(CancellationToken.None))
            {
                int s = Array.FindIndex(burns, b => labels.GetValueOrDefault("slo") == Name(b));
                if (s >= 0 && paged[s] is null && state == "firing" && labels.GetValueOrDefault("severity") == "page")
                {
                    paged[s] = now;
                    windows[s] = labels.GetValueOrDefault("long_window") + "/" + labels.GetValueOrDefault("short_window");
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{Name(burns[s])}: page {windows[s]} firing {Minutes(now)} after the burn began (promise {Minutes(Promise(burns[s]))})"));
                }
            }

            if (clock.Elapsed - lastShown >= TimeSpan.FromMinutes(5))
            {
                lastShown = clock.Elapsed;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{Minutes(now)} since the burn began; {paged.Count(static p => p is not null)} of {burns.Length} paged"));
            }
        }

        return [.. burns.Select((b, s) => new Row(b, Promise(b), paged[s], windows[s] ?? "-"))];
    }

    private static async Task WaitScrapedAsync(PrometheusServer prometheus, int series)
    {
        var waited = Stopwatch.StartNew();
        while ((await prometheus.QueryAsync("slakit_slo_events_total{instance=\"live\"}", CancellationToken.None)).Count < series)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"the server never scraped the trackers:\n{prometheus.Log}");
            }

            await Task.Delay(250);
        }
    }

    private static string Markdown(IReadOnlyList<Row> rows, int historyHours, int leadSeconds)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Page alert latency: {historyHours} h of history at {HealthyBurn}x, a {leadSeconds} s lead, then each burn held; scrape and evaluation every 1 s.");
        text.AppendLine();
        text.AppendLine("| burn | promise (1h window reaches 14.4x) | paged after | windows | difference |");
        text.AppendLine("|---:|---:|---:|:---|---:|");
        foreach (Row row in rows)
        {
            string paged = row.Paged is { } at ? Minutes(at) : "never";
            string difference = row.Paged is { } p ? $"{(p - row.Promise).TotalSeconds:+0;-0;0} s" : "-";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Burn}x | {Minutes(row.Promise)} | {paged} | {row.Windows} | {difference} |");
        }

        return text.ToString();
    }

    private static string Name(double burn) => "burn-" + burn.ToString(CultureInfo.InvariantCulture).Replace('.', '_') + "x";

    private static string Minutes(TimeSpan time) =>
        string.Create(CultureInfo.InvariantCulture, $"{(time < TimeSpan.Zero ? "-" : "")}{(int)Math.Abs(time.TotalMinutes)} min {Math.Abs(time.Seconds):00} s");

    private static double[] ParseBurns(string text)
    {
        var burns = new List<double>();
        foreach (string part in text.Split(','))
        {
            if (!double.TryParse(part, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double burn) || burn < PageBurn || burn > 1 / Budget ||
                Math.Abs(burn * Budget * EventsPerSecond - Math.Round(burn * Budget * EventsPerSecond)) > 1e-9)
            {
                throw new ArgumentException($"--burns: '{part}' is not a burn rate from 14.4 to 1000 that makes a whole number of failures in {EventsPerSecond} events (a multiple of 0.8).", nameof(text));
            }

            burns.Add(burn);
        }

        return [.. burns.Distinct()];
    }

    /// <summary>Failures spread exactly: after n events at burn b, <c>ceil(n · b · 0.001)</c> of them failed.</summary>
    private sealed class ExactCounter
    {
        private long _events;
        private long _bad;

        public static long Failures(long events, double burn) => (long)Math.Ceiling(events * burn * Budget - 1e-9);

        public void Record(ErrorBudgetTracker tracker, long events, double burn)
        {
            long bad = _bad + Failures(events, burn);
            if (burn == HealthyBurn)
            {
                // The healthy rate is not whole per second: keep the share exact over the run instead.
                bad = Failures(_events + events, burn);
            }

            tracker.Record(events - (bad - _bad), events);
            _events += events;
            _bad = bad;
        }
    }
}
