using System.Globalization;
using System.Text;
using System.Text.Json;
using SlaKit.Budgets;
using SlaKit.Cli;
using SlaKit.Prometheus.Server;
using SlaKit.Reports;

namespace SlaKit.IntegrationTests.Prometheus;

/// <summary>
/// A time-slice SLO's report from its slices as a real Prometheus server's rules judged them
/// (<c>slakit:slo_slice_bad:bool</c>, one sample a slice), against known slices backfilled by promtool.
/// </summary>
public sealed class SloSliceReportTests : IAsyncLifetime
{
    private static readonly SlaPeriod September = SlaPeriod.CalendarMonth(2026, 9);
    private static readonly SlaPeriod October = SlaPeriod.CalendarMonth(2026, 10);

    private PrometheusServer? _server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Five-minute slices: September 10, 24 slices of which 2 bad; October 1 from 00:00, 12 slices of which 6 bad; and
    /// one bad slice judged at the very first instant of October, which belongs to September.
    /// </summary>
    internal static string KnownSlices()
    {
        var text = new StringBuilder("# TYPE slakit:slo_slice_bad:bool gauge\n");
        void Slice(DateTimeOffset at, int bad) =>
            text.Append(CultureInfo.InvariantCulture, $"slakit:slo_slice_bad:bool{{slo=\"checkout\"}} {bad} {at.ToUnixTimeSeconds()}\n");

        var september = new DateTimeOffset(2026, 9, 10, 0, 5, 0, TimeSpan.Zero);
        for (int i = 0; i < 24; i++)
        {
            Slice(september.AddMinutes(5 * i), i is 3 or 17 ? 1 : 0);
        }

        var october = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        Slice(october, 1);
        for (int i = 1; i <= 12; i++)
        {
            Slice(october.AddMinutes(5 * i), i <= 6 ? 1 : 0);
        }

        return text.Append("# EOF\n").ToString();
    }

    public async ValueTask InitializeAsync()
    {
        PrometheusServer.RequirePath();
        _server = await PrometheusServer.StartBackfilledAsync(KnownSlices(), Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Each_month_counts_its_own_slices_and_the_report_calls_them_slices()
    {
        using var http = new HttpClient();
        var reader = new PrometheusSlaReader(http, new PrometheusServerOptions { Server = _server!.BaseUri });

        IReadOnlyList<SloEventMonth> months = await reader.ReadSloSlicesAsync("checkout", September, October, cancellationToken: Ct);
        Assert.Equal([new SloEventCounts(22, 3), new SloEventCounts(6, 6)], months.Select(m => m.Events));

        SlaReport report = await reader.CreateSliceReportAsync("checkout", Availability.FromPercent(99), September, October, cancellationToken: Ct);
        Assert.Equal("slices", report.EventName);
        Assert.Equal(22.0 / 25, report.Months[0].Measurement.Availability.Ratio, 12);
        Assert.Contains("| Month | Availability | Good slices | Bad slices |", report.Render(SlaReportFormat.Markdown), StringComparison.Ordinal);

        PrometheusQueryException none = await Assert.ThrowsAsync<PrometheusQueryException>(
            () => reader.ReadSloSlicesAsync("payments", September, October, cancellationToken: Ct));
        Assert.Contains("no slice in 2026-09", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Slakit_report_with_slices_reads_the_slices()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = SlaKitCli.Run(
            ["report", "--prometheus", _server!.BaseUri.ToString(), "--slo", "checkout", "--slices", "--sla", "99", "--from", "2026-09", "--to", "2026-10", "--format", "json"],
            output, error);

        Assert.True(exitCode == 0, error.ToString());
        using JsonDocument report = JsonDocument.Parse(output.ToString());
        Assert.Equal("slices", report.RootElement.GetProperty("eventName").GetString());
        Assert.Equal([3L, 6L], report.RootElement.GetProperty("months").EnumerateArray().Select(m => m.GetProperty("badEvents").GetInt64()));
    }

    [Fact]
    public void Slakit_report_reads_the_slices_of_an_slo_whose_file_says_it_counts_time_slices()
    {
        string file = Path.Combine(Path.GetTempPath(), $"slakit-slices-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, "version: 1\nslos:\n  - name: checkout\n    target: 99\n    window: 30d\n    budgeting: time-slices\n    sliceLength: 5m\n    sliceTarget: 95\n");
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            int exitCode = SlaKitCli.Run(
                ["report", "--prometheus", _server!.BaseUri.ToString(), "--slo", "checkout", "--slo-file", file, "--sla", "99", "--from", "2026-09", "--to", "2026-10", "--format", "json"],
                output, error);

            Assert.True(exitCode == 0, error.ToString());
            using JsonDocument report = JsonDocument.Parse(output.ToString());
            Assert.Equal("slices", report.RootElement.GetProperty("eventName").GetString());
            Assert.Equal([3L, 6L], report.RootElement.GetProperty("months").EnumerateArray().Select(m => m.GetProperty("badEvents").GetInt64()));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
