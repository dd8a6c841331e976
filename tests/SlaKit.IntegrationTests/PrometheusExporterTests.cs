using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using SlaKit.Budgets;
using SlaKit.Prometheus;
using SlaKit.Telemetry;

namespace SlaKit.IntegrationTests;

/// <summary>
/// The names the generated Prometheus rules read are the names OpenTelemetry's Prometheus exporter really writes
/// for SlaKit's meter: a tracker is scraped over loopback and every selector of its rules is matched against it.
/// </summary>
public sealed partial class PrometheusExporterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_series_the_generated_rules_read_is_one_the_exporter_serves_with_the_recorded_counts()
    {
        var slo = new Slo("exporter-check", Availability.FromPercent(99.9), SloWindow.Rolling(TimeSpan.FromDays(30)));
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        int port = FreePort();
        using MeterProvider provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(SlaKitInstrumentation.MeterName)
            .AddPrometheusHttpListener(options =>
            {
                options.Host = "127.0.0.1";
                options.Port = port;
            })
            .Build();
        using var tracker = new ErrorBudgetTracker(slo, clock);
        tracker.Record(good: 990, total: 1000);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        string scrape = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/metrics"), Ct);
        List<Series> served = Parse(scrape);

        string rules = PrometheusRules.Generate(slo);
        string[] selectors = [.. EventSelector().Matches(rules).Select(static match => match.Value).Distinct()];
        Assert.Equal(["slakit_slo_events_total{slo=\"exporter-check\",outcome=\"bad\"}", "slakit_slo_events_total{slo=\"exporter-check\"}"], selectors);

        Series[] bad = [.. served.Where(series => Matches(series, selectors[0]))];
        Series[] all = [.. served.Where(series => Matches(series, selectors[1]))];
        Assert.Equal(10, Assert.Single(bad).Value);
        Assert.Equal(1000, all.Sum(static series => series.Value));
        Assert.Equal(["bad", "good"], all.Select(static series => series.Labels["outcome"]).Order());

        // The tracker's own gauges, for dashboards: no unit suffix is added to a unit of "1".
        Assert.Contains(served, series => series.Name == "slakit_error_budget_remaining" && series.Labels["slo"] == slo.Name);
        Assert.Equal(
            ["1h", "30m", "3d", "5m", "6h"],
            served.Where(series => series.Name == "slakit_error_budget_burn_rate" && series.Labels["slo"] == slo.Name)
                .Select(static series => series.Labels["window"]).Order(StringComparer.Ordinal));
    }

    private sealed record Series(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    /// <summary>Whether a series matches a selector of equality matchers, as Prometheus matches them.</summary>
    private static bool Matches(Series series, string selector)
    {
        Match match = SelectorParts().Match(selector);
        if (match.Groups["name"].Value != series.Name)
        {
            return false;
        }

        foreach (Match matcher in LabelPair().Matches(match.Groups["labels"].Value))
        {
            if (!series.Labels.TryGetValue(matcher.Groups[1].Value, out string? value) || value != matcher.Groups[2].Value)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The samples of a Prometheus text exposition (comments and metadata lines skipped).</summary>
    private static List<Series> Parse(string exposition)
    {
        var series = new List<Series>();
        foreach (string line in exposition.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            Match sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"Not a sample line: {line}");
            var labels = LabelPair().Matches(sample.Groups["labels"].Value)
                .ToDictionary(static pair => pair.Groups[1].Value, static pair => pair.Groups[2].Value, StringComparer.Ordinal);
            series.Add(new Series(sample.Groups["name"].Value, labels, double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }

        return series;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("""slakit_slo_events_total\{[^}]*\}""")]
    private static partial Regex EventSelector();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>.*)\}$""")]
    private static partial Regex SelectorParts();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>.*)\})?\s+(?<value>\S+)(?:\s+\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
