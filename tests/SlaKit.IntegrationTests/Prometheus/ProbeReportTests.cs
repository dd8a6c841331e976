using System.Globalization;
using System.Text;
using System.Text.Json;
using SlaKit.Cli;
using SlaKit.Prometheus.Server;
using SlaKit.Reports;

namespace SlaKit.IntegrationTests.Prometheus;

/// <summary>
/// SLA reports measured by a real Prometheus server from a probe series, against a TSDB filled by
/// <c>promtool tsdb create-blocks-from openmetrics</c> with known samples over three past months: the report shows
/// exactly the availabilities and credits the arithmetic gives, and says so when it cannot.
/// </summary>
public sealed class ProbeReportTests : IAsyncLifetime
{
    private const string Probe = "probe_success{job=\"checkout\"}";
    private const string SearchProbe = "probe_success{job=\"search\"}";
    private static readonly SlaPeriod September = SlaPeriod.CalendarMonth(2026, 9);
    private static readonly SlaPeriod November = SlaPeriod.CalendarMonth(2026, 11);

    private PrometheusServer? _server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PrometheusServer Server => _server!;

    /// <summary>
    /// Known samples, a minute apart at each minute's 30th second, in a two-hour stretch of each month:
    /// September all up; October 14 down from 03:00 to 03:45 (45 minutes); November 20 up but for one failure at
    /// 10:00:45 among successes, which makes the minute 10:00 down. And <c>probe_success{job="search"}</c>, scraped
    /// every 2 minutes on September 10 from 00:00 to 04:00: down from 01:00 to 02:00, and down at 03:00:30 just before a
    /// gap with no sample until 03:40:30.
    /// </summary>
    internal static string KnownSamples()
    {
        var text = new StringBuilder("# TYPE probe_success gauge\n");
        void Minutes(DateTimeOffset from, int count, Func<DateTimeOffset, int> value)
        {
            for (int i = 0; i < count; i++)
            {
                DateTimeOffset at = from.AddMinutes(i).AddSeconds(30);
                text.Append(CultureInfo.InvariantCulture, $"{Probe} {value(at)} {at.ToUnixTimeSeconds()}\n");
                if (at == new DateTimeOffset(2026, 11, 20, 10, 0, 30, TimeSpan.Zero))
                {
                    text.Append(CultureInfo.InvariantCulture, $"{Probe} 0 {at.AddSeconds(15).ToUnixTimeSeconds()}\n");
                }
            }
        }

        Minutes(new DateTimeOffset(2026, 9, 10, 0, 0, 0, TimeSpan.Zero), 120, _ => 1);
        var outageStart = new DateTimeOffset(2026, 10, 14, 3, 0, 0, TimeSpan.Zero);
        Minutes(new DateTimeOffset(2026, 10, 14, 2, 0, 0, TimeSpan.Zero), 120, at => at >= outageStart && at < outageStart.AddMinutes(45) ? 0 : 1);
        Minutes(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero), 60, _ => 1);
        var search = new DateTimeOffset(2026, 9, 10, 0, 0, 0, TimeSpan.Zero);
        for (DateTimeOffset at = search.AddSeconds(30); at < search.AddHours(4); at = at.AddMinutes(2))
        {
            if (at < search.AddHours(3).AddMinutes(2) || at > search.AddHours(3).AddMinutes(39))
            {
                int value = (at >= search.AddHours(1) && at < search.AddHours(2)) || at == search.AddHours(3).AddSeconds(30) ? 0 : 1;
                text.Append(CultureInfo.InvariantCulture, $"{SearchProbe} {value} {at.ToUnixTimeSeconds()}\n");
            }
        }

        return text.Append("# EOF\n").ToString();
    }

    public async ValueTask InitializeAsync()
    {
        PrometheusServer.RequirePath();
        _server = await PrometheusServer.StartBackfilledAsync(KnownSamples(), Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private PrometheusSlaReader Reader(HttpClient http) => new(http, new PrometheusServerOptions { Server = Server.BaseUri });

    [Fact]
    public async Task The_report_counts_each_minute_with_a_failure_as_down_and_owes_the_credit_the_arithmetic_gives()
    {
        using var http = new HttpClient();
        var options = new SlaReportOptions { Credits = CreditSchedule.Parse("99.9:10,99:25") };

        SlaReport report = await Reader(http).CreateProbeReportAsync(Probe, Availability.FromPercent(99.9), September, November, options, Ct);

        Assert.Equal(3, report.Months.Count);
        Assert.Equal(1m, (decimal)report.Months[0].Measurement.Availability.Ratio);
        Assert.Equal(TimeSpan.FromMinutes(45), report.Months[1].Measurement.Downtime);
        Assert.Equal(1 - (45.0 / (31 * 24 * 60)), report.Months[1].Measurement.Availability.Ratio, 12);
        Assert.Equal(1 - (1.0 / (30 * 24 * 60)), report.Months[2].Measurement.Availability.Ratio, 12);
        Assert.Equal([true, false, true], report.Months.Select(m => m.SlaMet));
        Assert.Equal([0, 10, 0], report.Months.Select(m => m.CreditPercent));
    }

    [Fact]
    public async Task The_downtime_is_whole_minutes_in_stretches_and_minutes_without_samples_are_counted_apart()
    {
        using var http = new HttpClient();

        ProbeDowntime downtime = await Reader(http).ReadProbeDowntimeAsync(Probe, September, November, Ct);

        Assert.Equal(
            [
                new Incident(new DateTimeOffset(2026, 10, 14, 3, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 14, 3, 45, 0, TimeSpan.Zero)),
                new Incident(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 20, 10, 1, 0, TimeSpan.Zero)),
            ],
            downtime.Outages);
        Assert.Equal([0, 45, 1], downtime.Months.Select(m => m.MinutesDown));

        // Each stretch's last sample, at a minute's 30th second, holds its value for the 4 minutes that end within the
        // server's 5-minute lookback after it.
        Assert.Equal([(30 * 24 * 60) - 124, (31 * 24 * 60) - 124, (30 * 24 * 60) - 64], downtime.Months.Select(m => m.MinutesWithoutData));
    }

    [Fact]
    public async Task A_probe_scraped_every_two_minutes_is_down_for_the_whole_hour_it_failed_and_a_gap_is_held_only_within_the_lookback()
    {
        using var http = new HttpClient();
        var search = new DateTimeOffset(2026, 9, 10, 0, 0, 0, TimeSpan.Zero);

        ProbeDowntime downtime = await Reader(http).ReadProbeDowntimeAsync(SearchProbe, September, September, Ct);

        // The hour down is one outage of 60 minutes, not 30 one-minute outages between minutes without a sample. The
        // failure at 03:00:30 holds for the minutes that end within 5 minutes of it; the rest of the gap, 03:05 to
        // 03:40, has no value and is not down.
        Assert.Equal(
            [
                new Incident(search.AddHours(1), search.AddHours(2)),
                new Incident(search.AddHours(3), search.AddHours(3).AddMinutes(5)),
            ],
            downtime.Outages);
        ProbeDowntimeMonth month = Assert.Single(downtime.Months);
        Assert.Equal(65, month.MinutesDown);

        // Values from 00:00 to 04:03 (the last sample, 03:58:30, held 4 minutes), but for the 35 minutes of the gap.
        Assert.Equal((30 * 24 * 60) - (243 - 35), month.MinutesWithoutData);
    }

    [Fact]
    public async Task A_month_without_a_sample_is_an_error_not_a_month_of_100_percent()
    {
        using var http = new HttpClient();

        PrometheusQueryException empty = await Assert.ThrowsAsync<PrometheusQueryException>(
            () => Reader(http).ReadProbeDowntimeAsync(Probe, SlaPeriod.CalendarMonth(2026, 8), November, Ct));
        Assert.Contains("2026-08", empty.Message, StringComparison.Ordinal);

        PrometheusQueryException misspelt = await Assert.ThrowsAsync<PrometheusQueryException>(
            () => Reader(http).ReadProbeDowntimeAsync("probe_succes{job=\"checkout\"}", September, November, Ct));
        Assert.Contains("probe_succes", misspelt.Message, StringComparison.Ordinal);
        Assert.Contains("2026-09", misspelt.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_the_server_refuses_and_a_server_that_does_not_answer_are_errors_that_say_so()
    {
        using var http = new HttpClient();

        PrometheusQueryException refused = await Assert.ThrowsAsync<PrometheusQueryException>(
            () => Reader(http).ReadProbeDowntimeAsync("sum(probe_success)", September, November, Ct));
        Assert.Contains("refused the query", refused.Message, StringComparison.Ordinal);

        var down = new PrometheusSlaReader(http, new PrometheusServerOptions { Server = new Uri($"http://127.0.0.1:{PrometheusServer.FreePort()}/") });
        PrometheusQueryException unreachable = await Assert.ThrowsAsync<PrometheusQueryException>(() => down.ReadProbeDowntimeAsync(Probe, September, November, Ct));
        Assert.Contains("did not answer", unreachable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_options_and_arguments_are_refused_with_the_name_of_what_is_wrong()
    {
        using var http = new HttpClient();
        Assert.Equal("Server", Assert.Throws<ArgumentException>(() => new PrometheusSlaReader(http, new PrometheusServerOptions())).ParamName);
        Assert.Equal("Server", Assert.Throws<ArgumentException>(() => new PrometheusSlaReader(http, new PrometheusServerOptions { Server = new Uri("ftp://x/") })).ParamName);
        Assert.Equal("Timeout", Assert.Throws<ArgumentOutOfRangeException>(
            () => new PrometheusSlaReader(http, new PrometheusServerOptions { Server = new Uri("http://x/"), Timeout = TimeSpan.Zero })).ParamName);
        Assert.Equal("UserName", Assert.Throws<ArgumentException>(
            () => new PrometheusSlaReader(http, new PrometheusServerOptions { Server = new Uri("http://x/"), UserName = "a" })).ParamName);

        var reader = new PrometheusSlaReader(http, new PrometheusServerOptions { Server = new Uri("http://x/") });
        Assert.Equal("probe", Assert.Throws<ArgumentException>(() => reader.ReadProbeDowntimeAsync(" ", September, November, Ct).GetAwaiter().GetResult()).ParamName);
        Assert.Equal("lastMonth", Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadProbeDowntimeAsync(Probe, November, September, Ct).GetAwaiter().GetResult()).ParamName);
        Assert.Equal("firstMonth", Assert.Throws<ArgumentException>(() => reader.ReadProbeDowntimeAsync(Probe, SlaPeriod.Month(), November, Ct).GetAwaiter().GetResult()).ParamName);
    }

    private static (int ExitCode, string Output, string Error) Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = SlaKitCli.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void Slakit_report_reads_the_probe_from_the_server_and_renders_the_same_report()
    {
        (int exitCode, string output, string error) = Cli(
            "report", "--prometheus", Server.BaseUri.ToString(), "--probe", Probe, "--sla", "99.9", "--from", "2026-09", "--to", "2026-11",
            "--tiers", "99.9:10,99:25", "--format", "json");

        Assert.True(exitCode == 0, error);
        using JsonDocument report = JsonDocument.Parse(output);
        JsonElement[] months = [.. report.RootElement.GetProperty("months").EnumerateArray()];
        Assert.Equal([0, 2700, 60], months.Select(m => m.GetProperty("downtimeSeconds").GetDouble()));
        Assert.Equal([true, false, true], months.Select(m => m.GetProperty("slaMet").GetBoolean()));
        Assert.Equal([0, 10, 0], months.Select(m => m.GetProperty("creditPercent").GetDouble()));

        // The minutes the probe has no sample for are counted as up, and said so.
        Assert.Equal(
            [
                "slakit: 2026-09: 43076 minute(s) without a sample of the probe (not scraped within the server's lookback, or still to come) are counted as up.",
                "slakit: 2026-10: 44516 minute(s) without a sample of the probe (not scraped within the server's lookback, or still to come) are counted as up.",
                "slakit: 2026-11: 43136 minute(s) without a sample of the probe (not scraped within the server's lookback, or still to come) are counted as up.",
            ],
            error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("--probe")]
    [InlineData("--incidents")]
    [InlineData("--prometheus")]
    [InlineData("--slo")]
    [InlineData("--slo-file")]
    [InlineData("--slo-file without --prometheus")]
    public void Slakit_report_refuses_a_half_or_double_source_as_bad_input(string named)
    {
        string[] source = named switch
        {
            "--probe" => ["--prometheus", "http://127.0.0.1:9/"],
            "--incidents" => ["--prometheus", "http://127.0.0.1:9/", "--probe", Probe, "--incidents", "x.csv"],
            "--slo" => ["--incidents", "x.csv", "--slo", "checkout", "--time-zone", "Europe/Berlin"],
            "--slo-file" => ["--prometheus", "http://127.0.0.1:9/", "--probe", Probe, "--slo-file", "slo.yaml"],
            "--slo-file without --prometheus" => ["--incidents", "x.csv", "--slo-file", "slo.yaml"],
            _ => ["--prometheus", "ftp://x/", "--probe", Probe],
        };

        (int exitCode, string output, string error) = Cli(["report", .. source, "--sla", "99.9", "--from", "2026-09"]);

        Assert.Equal(SlaKitCli.BadInput, exitCode);
        Assert.Equal("", output);
        Assert.Contains(named.Split(' ')[0], error, StringComparison.Ordinal);
    }

    [Fact]
    public void Slakit_report_fails_with_one_line_when_the_server_does_not_answer_or_a_month_has_no_data()
    {
        (int down, _, string downError) = Cli("report", "--prometheus", $"http://127.0.0.1:{PrometheusServer.FreePort()}/", "--probe", Probe, "--sla", "99.9", "--from", "2026-09");
        Assert.Equal(SlaKitCli.Failure, down);
        Assert.Contains("did not answer", downError, StringComparison.Ordinal);

        (int empty, string output, string emptyError) = Cli("report", "--prometheus", Server.BaseUri.ToString(), "--probe", Probe, "--sla", "99.9", "--from", "2026-08");
        Assert.Equal(SlaKitCli.Failure, empty);
        Assert.Equal("", output);
        Assert.Single(emptyError.TrimEnd().Split('\n'));
        Assert.Contains("2026-08", emptyError, StringComparison.Ordinal);
    }
}
