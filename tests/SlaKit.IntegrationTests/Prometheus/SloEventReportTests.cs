using System.Globalization;
using System.Text;
using System.Text.Json;
using SlaKit.Budgets;
using SlaKit.Cli;
using SlaKit.Prometheus.Server;
using SlaKit.Reports;

namespace SlaKit.IntegrationTests.Prometheus;

/// <summary>
/// An SLO's events per calendar month as a real Prometheus server counted them, against a TSDB backfilled by promtool
/// with known counter samples over three past months: exact counts across month boundaries, a 45-minute stretch
/// without a success, a restarted process, and errors for what is missing.
/// </summary>
public sealed class SloEventReportTests : IAsyncLifetime
{
    private static readonly SlaPeriod September = SlaPeriod.CalendarMonth(2026, 9);
    private static readonly SlaPeriod November = SlaPeriod.CalendarMonth(2026, 11);

    private PrometheusServer? _server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// One instance's cumulative counters, a sample a minute in a stretch of each month. August 31 at 10:00 UTC: both at
    /// 0; from 20:00 UTC: 20 failures, which are September's in Tokyo (UTC+9). September: 1,999 good and 1 bad. October 14: 1,000 good in the
    /// first hour, then from 03:00 no success for 45 minutes while 450 requests fail. November 20: 500 good, then the
    /// process restarts and counts from zero: 300 good and 1 bad more. And the SLO <c>legacy</c>, whose process ran long
    /// before it was scraped: first on July 20 (the server holds nothing earlier), then again from September 20 with
    /// its counters at 5,000,000 good and 1,000 bad, 100 good more in the hour after.
    /// </summary>
    internal static string KnownCounters()
    {
        var good = new List<(DateTimeOffset, long)>();
        var bad = new List<(DateTimeOffset, long)>();
        good.Add((new DateTimeOffset(2026, 8, 31, 10, 0, 0, TimeSpan.Zero), 0));
        bad.Add((new DateTimeOffset(2026, 8, 31, 10, 0, 0, TimeSpan.Zero), 0));
        var august = new DateTimeOffset(2026, 8, 31, 20, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < 20; i++)
        {
            bad.Add((august.AddMinutes(i), i + 1));
        }

        var september = new DateTimeOffset(2026, 9, 10, 0, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < 120; i++)
        {
            good.Add((september.AddMinutes(i), (long)Math.Round(1999.0 * i / 119)));
            bad.Add((september.AddMinutes(i), 20 + (i < 60 ? 0 : 1)));
        }

        var october = new DateTimeOffset(2026, 10, 14, 2, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < 120; i++)
        {
            good.Add((october.AddMinutes(i), 1999 + (i < 60 ? (long)Math.Round(1000.0 * (i + 1) / 60) : 1000)));
            bad.Add((october.AddMinutes(i), 21 + (i < 60 ? 0 : Math.Min(450, 10 * (i - 59)))));
        }

        var november = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < 60; i++)
        {
            good.Add((november.AddMinutes(i), i < 30 ? 2999 + (long)Math.Round(500.0 * (i + 1) / 30) : (long)Math.Round(300.0 * (i - 29) / 30)));
            bad.Add((november.AddMinutes(i), i < 30 ? 471 : i < 45 ? 0 : 1));
        }

        var legacyGood = new List<(DateTimeOffset, long)>();
        var legacyBad = new List<(DateTimeOffset, long)>();
        foreach ((DateTimeOffset from, long count) in new[] { (new DateTimeOffset(2026, 7, 20, 0, 0, 0, TimeSpan.Zero), 4_000_000L), (new DateTimeOffset(2026, 9, 20, 0, 0, 0, TimeSpan.Zero), 5_000_000L) })
        {
            for (int i = 0; i <= 60; i++)
            {
                legacyGood.Add((from.AddMinutes(i), count + (long)Math.Round(100.0 * i / 60)));
                legacyBad.Add((from.AddMinutes(i), count / 5_000));
            }
        }

        var text = new StringBuilder("# TYPE slakit_slo_events counter\n");
        foreach ((string slo, string outcome, List<(DateTimeOffset, long)> samples) in new[] { ("checkout", "good", good), ("checkout", "bad", bad), ("legacy", "good", legacyGood), ("legacy", "bad", legacyBad) })
        {
            foreach ((DateTimeOffset at, long value) in samples)
            {
                text.Append(CultureInfo.InvariantCulture, $"slakit_slo_events_total{{slo=\"{slo}\",outcome=\"{outcome}\",instance=\"{slo}-a\"}} {value} {at.ToUnixTimeSeconds()}\n");
            }
        }

        return text.Append("# EOF\n").ToString();
    }

    public async ValueTask InitializeAsync()
    {
        PrometheusServer.RequirePath();
        _server = await PrometheusServer.StartBackfilledAsync(KnownCounters(), Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private PrometheusSlaReader Reader(HttpClient http) => new(http, new PrometheusServerOptions { Server = _server!.BaseUri });

    [Fact]
    public async Task Each_month_counts_exactly_the_events_of_its_own_samples_across_boundaries_and_a_restart()
    {
        using var http = new HttpClient();

        IReadOnlyList<SloEventMonth> months = await Reader(http).ReadSloEventsAsync("checkout", September, November, cancellationToken: Ct);

        Assert.Equal([new SloEventCounts(1999, 1), new SloEventCounts(1000, 450), new SloEventCounts(800, 1)], months.Select(m => m.Events));
        Assert.Equal(1999.0 / 2000, months[0].Availability.Ratio, 12);
        Assert.Equal(1000.0 / 1450, months[1].Availability.Ratio, 12);
        Assert.Equal(800.0 / 801, months[2].Availability.Ratio, 12);
        Assert.Equal([September, SlaPeriod.CalendarMonth(2026, 10), November], months.Select(m => m.Month));
    }

    [Fact]
    public async Task A_wrong_slo_name_an_empty_month_and_a_month_without_events_are_errors_not_100_percent()
    {
        using var http = new HttpClient();

        PrometheusQueryException wrong = await Assert.ThrowsAsync<PrometheusQueryException>(() => Reader(http).ReadSloEventsAsync("checkuot", September, November, cancellationToken: Ct));
        Assert.Contains("checkuot", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("no series", wrong.Message, StringComparison.Ordinal);

        PrometheusQueryException before = await Assert.ThrowsAsync<PrometheusQueryException>(
            () => Reader(http).ReadSloEventsAsync("checkout", SlaPeriod.CalendarMonth(2026, 7), November, cancellationToken: Ct));
        Assert.Contains("2026-07", before.Message, StringComparison.Ordinal);

        // December has the series (its last sample, from November, is the month's start) but no event yet.
        PrometheusQueryException quiet = await Assert.ThrowsAsync<PrometheusQueryException>(
            () => Reader(http).ReadSloEventsAsync("checkout", SlaPeriod.CalendarMonth(2026, 12), SlaPeriod.CalendarMonth(2026, 12), cancellationToken: Ct));
        Assert.Contains("counted no event in 2026-12", quiet.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_process_first_scraped_within_the_month_counts_from_its_first_sample_and_a_month_the_server_no_longer_holds_is_an_error()
    {
        using var http = new HttpClient();

        // September: the server holds August 31 (the checkout SLO's samples), so legacy's counters began to be scraped on
        // the 20th and count from there: 100 good, not 5,000,100.
        SloEventMonth september = Assert.Single(await Reader(http).ReadSloEventsAsync("legacy", September, September, cancellationToken: Ct));
        Assert.Equal(new SloEventCounts(100, 0), september.Events);

        // July: the server holds nothing before July 20, as one whose retention has dropped the month's start.
        PrometheusQueryException july = await Assert.ThrowsAsync<PrometheusQueryException>(
            () => Reader(http).ReadSloEventsAsync("legacy", SlaPeriod.CalendarMonth(2026, 7), SlaPeriod.CalendarMonth(2026, 7), cancellationToken: Ct));
        Assert.Contains("holds no data from the 31 days before 2026-07", july.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_slo_name_that_would_break_the_selector_is_refused()
    {
        using var http = new HttpClient();
        var reader = new PrometheusSlaReader(http, new PrometheusServerOptions { Server = new Uri("http://127.0.0.1:9/") });

        Assert.Equal("slo", Assert.Throws<ArgumentException>(() => reader.ReadSloEventsAsync("a\"} or vector(1) #", September, November, cancellationToken: Ct).GetAwaiter().GetResult()).ParamName);
        Assert.Equal("slo", Assert.Throws<ArgumentException>(() => reader.ReadSloEventsAsync("", September, November, cancellationToken: Ct).GetAwaiter().GetResult()).ParamName);
    }

    [Fact]
    public async Task The_report_of_the_slo_gives_each_month_its_events_its_sla_and_its_credit()
    {
        using var http = new HttpClient();
        var options = new SlaReportOptions { Credits = CreditSchedule.Parse("99.9:10,99:25") };

        SlaReport report = await Reader(http).CreateSloReportAsync("checkout", Availability.FromPercent(99.9), September, November, options, cancellationToken: Ct);

        Assert.True(report.CountsEvents);
        Assert.Equal([1L, 450L, 1L], report.Months.Select(m => m.BadEvents!.Value));
        Assert.Equal([true, false, false], report.Months.Select(m => m.SlaMet));
        Assert.Equal([0, 25, 10], report.Months.Select(m => m.CreditPercent));
    }

    [Fact]
    public void Slakit_report_with_slo_renders_the_events_report_from_the_server()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = SlaKitCli.Run(
            ["report", "--prometheus", _server!.BaseUri.ToString(), "--slo", "checkout", "--sla", "99.9", "--from", "2026-09", "--to", "2026-11", "--tiers", "99.9:10,99:25", "--format", "json"],
            output, error);

        Assert.True(exitCode == 0, error.ToString());
        using JsonDocument report = JsonDocument.Parse(output.ToString());
        Assert.Equal("events", report.RootElement.GetProperty("basis").GetString());
        Assert.Equal([1999L, 1000L, 800L], report.RootElement.GetProperty("months").EnumerateArray().Select(m => m.GetProperty("goodEvents").GetInt64()));
        Assert.Equal([0.0, 25.0, 10.0], report.RootElement.GetProperty("months").EnumerateArray().Select(m => m.GetProperty("creditPercent").GetDouble()));
    }

    [Fact]
    public async Task A_month_cut_by_a_time_zone_holds_the_events_of_its_own_local_days()
    {
        using var http = new HttpClient();
        TimeZoneInfo tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

        IReadOnlyList<SloEventMonth> local = await Reader(http).ReadSloEventsAsync("checkout", September, September, tokyo, cancellationToken: Ct);

        // August 31 from 20:00 UTC is September 1 from 05:00 in Tokyo: its 20 failures are September's there.
        Assert.Equal(new SloEventCounts(1999, 21), Assert.Single(local).Events);

        var options = new SlaReportOptions { TimeZone = tokyo };
        SlaReport report = await Reader(http).CreateSloReportAsync("checkout", Availability.FromPercent(99.9), September, September, options, cancellationToken: Ct);
        Assert.Equal(21, report.BadEvents);
        Assert.Contains("per calendar month (Asia/Tokyo)", report.Render(SlaReportFormat.Markdown), StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2026, 8, 31, 15, 0, 0, TimeSpan.Zero), report.Months[0].Measurement.WindowStart);
    }

    [Fact]
    public void Slakit_report_takes_the_slo_time_zone_and_refuses_an_unknown_one()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = SlaKitCli.Run(
            ["report", "--prometheus", _server!.BaseUri.ToString(), "--slo", "checkout", "--time-zone", "Asia/Tokyo", "--sla", "99.9", "--from", "2026-09", "--format", "json"],
            output, error);
        Assert.True(exitCode == 0, error.ToString());
        using (JsonDocument report = JsonDocument.Parse(output.ToString()))
        {
            Assert.Equal("Asia/Tokyo", report.RootElement.GetProperty("timeZone").GetString());
            Assert.Equal(21, report.RootElement.GetProperty("months")[0].GetProperty("badEvents").GetInt64());
        }

        using var unknownOutput = new StringWriter();
        using var unknownError = new StringWriter();
        int unknown = SlaKitCli.Run(
            ["report", "--prometheus", _server.BaseUri.ToString(), "--slo", "checkout", "--time-zone", "Mars/Olympus", "--sla", "99.9", "--from", "2026-09"],
            unknownOutput, unknownError);
        Assert.Equal(SlaKitCli.BadInput, unknown);
        Assert.Contains("--time-zone 'Mars/Olympus'", unknownError.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Slakit_report_takes_the_time_zone_of_a_calendar_month_slo_from_its_file()
    {
        string file = Path.Combine(Path.GetTempPath(), $"slakit-slo-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, "version: 1\nslos:\n  - name: checkout\n    target: 99.9\n    window: calendar-month\n    timeZone: Asia/Tokyo\n  - name: search\n    target: 99\n    window: 7d\n");
        try
        {
            (int exitCode, string output, string error) = Run("--slo", "checkout", "--slo-file", file, "--format", "json");
            Assert.True(exitCode == 0, error);
            using (JsonDocument report = JsonDocument.Parse(output))
            {
                Assert.Equal("Asia/Tokyo", report.RootElement.GetProperty("timeZone").GetString());
                Assert.Equal(21, report.RootElement.GetProperty("months")[0].GetProperty("badEvents").GetInt64());
            }

            // The same zone given again agrees; another contradicts the file; a name the file lacks, or slices for an
            // events SLO, is refused with the file's own words.
            Assert.Equal(0, Run("--slo", "checkout", "--slo-file", file, "--time-zone", "Asia/Tokyo").ExitCode);
            (int contradicted, _, string contradiction) = Run("--slo", "checkout", "--slo-file", file, "--time-zone", "Europe/Berlin");
            Assert.Equal(SlaKitCli.BadInput, contradicted);
            Assert.Contains("--time-zone 'Europe/Berlin' contradicts", contradiction, StringComparison.Ordinal);
            (int missing, _, string missingError) = Run("--slo", "payments", "--slo-file", file);
            Assert.Equal(SlaKitCli.BadInput, missing);
            Assert.Contains("--slo 'payments' is not in", missingError, StringComparison.Ordinal);
            Assert.Contains("defines checkout, search", missingError, StringComparison.Ordinal);
            (int sliced, _, string slicedError) = Run("--slo", "checkout", "--slo-file", file, "--slices");
            Assert.Equal(SlaKitCli.BadInput, sliced);
            Assert.Contains("checkout counts events, not time slices", slicedError, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Slakit_report_refuses_an_slo_file_it_cannot_read()
    {
        (int exitCode, _, string error) = Run("--slo", "checkout", "--slo-file", Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.yaml"));

        Assert.Equal(SlaKitCli.BadInput, exitCode);
        Assert.StartsWith("slakit: --slo-file '", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    private (int ExitCode, string Output, string Error) Run(params string[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = SlaKitCli.Run(["report", "--prometheus", _server!.BaseUri.ToString(), .. options, "--sla", "99.9", "--from", "2026-09"], output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
