using SlaKit.Prometheus;

namespace SlaKit.Tests.Prometheus;

/// <summary>
/// An OpenSLO document changed in one place from one SlaKit reads: every field it does not read, at every level, and
/// every value it cannot use is refused by name; values at their bounds are read.
/// </summary>
public sealed class OpenSloRefusalTests
{
    private const string Checkout = OpenSloTests.Checkout;

    private const string TotalSource = """
                  metricSource:
                    type: Prometheus
                    spec:
                      query: http_requests_total{job="checkout"}

        """;

    private const string GoodSource = """
                  metricSource:
                    type: Prometheus
                    spec:
                      query: http_requests_total{job="checkout",code!~"5.."}

        """;

    private const string Window = """
          timeWindow:
            - duration: 28d
              isRolling: true

        """;

    [Theory]
    [InlineData("  displayName: Checkout availability\n", "  displayName: Checkout availability\n  owner: payments\n", "metadata.owner: is not supported")]
    [InlineData("kind: SLO\n", "kind: SLO\nstatus: draft\n", "status: is not supported")]
    [InlineData("      name: checkout-success\n", "      name: checkout-success\n      owner: payments\n", "owner: is not supported")]
    [InlineData("  indicator:\n", "  indicator:\n    version: 2\n", "version: is not supported")]
    [InlineData("      ratioMetric:\n", "      description: x\n      unit: ms\n      ratioMetric:\n", "unit: is not supported (SlaKit reads ratioMetric indicators only)")]
    [InlineData("        counter: true\n", "        counter: true\n        rawType: success\n", "rawType: is not supported (a ratioMetric here has counter, good or bad, and total)")]
    [InlineData("        good:\n", "        good:\n          weight: 2\n", "good.weight: is not supported")]
    [InlineData("            type: Prometheus\n            spec:\n              query: http_requests_total{job=\"checkout\",code", "            type: Prometheus\n            region: eu\n            spec:\n              query: http_requests_total{job=\"checkout\",code", "region: is not supported")]
    [InlineData("              query: http_requests_total{job=\"checkout\"}\n", "              query: http_requests_total{job=\"checkout\"}\n              step: 1m\n", "step: is not supported (a Prometheus metric source has query)")]
    [InlineData("      isRolling: true\n", "      isRolling: true\n      alignment: week\n", "alignment: is not supported (a timeWindow has duration, isRolling and calendar)")]
    [InlineData("      isRolling: true\n", "      isRolling: true\n      calendar:\n        startTime: 2026-01-01 00:00:00\n", "calendar: applies only to a calendar window (isRolling: false)")]
    [InlineData("      target: 0.999\n", "      target: 0.999\n      weight: 1\n", "weight: is not supported (an objective here has target or targetPercent")]
    [InlineData("      target: 0.999\n", "      displayName2: x\n", "is required (or targetPercent)")]
    [InlineData("  timeWindow:\n    - duration: 28d\n      isRolling: true\n", "  timeWindow: []\n", "timeWindow: is required: one window")]
    [InlineData("  objectives:\n    - displayName: Good\n      target: 0.999\n", "  objectives: []\n", "objectives: is required: one objective")]
    [InlineData("  objectives:\n    - displayName: Good\n      target: 0.999\n", "  objectives:\n    - target: 0.999\n    - target: 0.99\n", "objectives: must hold exactly one")]
    [InlineData("      ratioMetric:\n", "      thresholdMetric:\n        metricSource: {}\n      ratioMetric2:\n", "thresholdMetric")]
    [InlineData("              query: http_requests_total{job=\"checkout\"}\n", "              query: sum(rate(http_requests_total{job=\"checkout\"}[{{.window}}]))\n", "total: the queries must be of one form: 'http_requests_total{job=\"checkout\",code!~\"5..\"}' is a counter selector")]
    [InlineData("              query: http_requests_total{job=\"checkout\",code!~\"5..\"}\n", "              query: sum(rate(http_requests_total{job=\"checkout\",code!~\"5..\"}[{{.window}}]))\n", "total: the queries must be of one form: 'http_requests_total{job=\"checkout\"}' is a counter selector")]
    [InlineData("              query: http_requests_total{job=\"checkout\"}\n", "              query: http_requests_total{job=\"checkout\" code=\"200\"}\n", "is neither a counter selector")]
    public void One_change_slakit_cannot_read_is_refused_by_name(string from, string to, string expected)
    {
        SloDocumentException error = Fails(Edit(Checkout, from, to));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Total_good_and_bad_queries_are_checked()
    {
        string noTotal = Edit(Checkout, "        total:\n" + TotalSource, "");
        string both = Edit(Checkout, "        total:\n", "        bad:\n" + GoodSource + "        total:\n");
        string neither = Edit(Checkout, "        good:\n" + GoodSource, "");
        string reference = Edit(Checkout, GoodSource, GoodSource.Replace("type: Prometheus\n", "type: Prometheus\n            metricSourceRef: prometheus\n", StringComparison.Ordinal));

        Assert.Contains("total: is required", Fails(noTotal).Message, StringComparison.Ordinal);
        Assert.Contains("bad: give good or bad, not both", Fails(both).Message, StringComparison.Ordinal);
        Assert.Contains("good: give good or bad: the query of good or of bad events", Fails(neither).Message, StringComparison.Ordinal);
        Assert.Contains("metricSourceRef: is not supported: give the query inline", Fails(reference).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("720h", 30)]
    [InlineData("4w", 28)]
    [InlineData("1h", 1.0 / 24)]
    [InlineData("366d", 366)]
    public void Rolling_windows_are_read_in_hours_days_or_weeks_up_to_their_bounds(string duration, double days)
    {
        PrometheusSlo slo = Assert.Single(Read(Edit(Checkout, "28d", duration)));

        Assert.Equal(TimeSpan.FromDays(days), slo.Slo.Window.NominalLength);
    }

    [Theory]
    [InlineData("59m")]
    [InlineData("367d")]
    public void A_rolling_window_beyond_its_bounds_is_refused(string duration)
    {
        Assert.Contains("timeWindow", Fails(Edit(Checkout, "28d", duration)).Field, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("startTime: 2026-01-01 00:00:00", null)]
    [InlineData("startTime: soon", "'soon' is not a time such as 2026-01-01 00:00:00")]
    [InlineData("startTime: 2026-01-01 06:00:00", "is not supported: a calendar month starts at midnight")]
    [InlineData("startTime: 2026-01-01 00:00:00\n        resolution: day", "resolution: is not supported (a calendar has startTime and timeZone)")]
    public void A_calendar_month_starts_at_midnight_in_utc_unless_a_time_zone_is_given(string calendar, string? expected)
    {
        string text = Edit(Checkout, Window, $"  timeWindow:\n    - duration: 1M\n      isRolling: false\n      calendar:\n        {calendar}\n");

        if (expected is null)
        {
            PrometheusSlo slo = Assert.Single(Read(text));
            Assert.True(slo.Slo.Window.IsCalendarMonth);
            Assert.Equal(TimeZoneInfo.Utc, slo.Slo.Window.TimeZone ?? TimeZoneInfo.Utc);
        }
        else
        {
            Assert.Contains(expected, Fails(text).Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("target: 0.999999", null)]
    [InlineData("target: 1", "target")]
    [InlineData("target: 0", "target")]
    [InlineData("targetPercent: 99.5", null)]
    [InlineData("targetPercent: 100", "targetPercent")]
    [InlineData("targetPercent: 0", "targetPercent")]
    public void A_target_is_a_ratio_or_a_percentage_strictly_between_none_and_all(string target, string? refusedField)
    {
        string text = Edit(Checkout, "target: 0.999", target);

        if (refusedField is null)
        {
            Assert.Single(Read(text));
        }
        else
        {
            Assert.EndsWith(refusedField, Fails(text).Field, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("1", "5m", null)]
    [InlineData("0.95", "1h", null)]
    [InlineData("0", "5m", "timeSliceTarget")]
    [InlineData("1.5", "5m", "timeSliceTarget")]
    [InlineData("0.95", "7s", "timeSliceWindow")]
    public void Time_slices_have_a_ratio_target_and_a_whole_minute_window(string sliceTarget, string sliceWindow, string? refusedField)
    {
        string text = Edit(
            Edit(Checkout, "budgetingMethod: Occurrences", "budgetingMethod: Timeslices"),
            "      target: 0.999\n",
            $"      target: 0.999\n      timeSliceTarget: {sliceTarget}\n      timeSliceWindow: {sliceWindow}\n");

        if (refusedField is null)
        {
            Assert.Single(Read(text));
        }
        else
        {
            Assert.EndsWith(refusedField, Fails(text).Field, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_stream_without_an_slo_or_with_two_slis_of_one_name_is_refused()
    {
        const string Service = "apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: checkout\nspec:\n  description: x\n";
        const string Sli = "apiVersion: openslo/v1\nkind: SLI\nmetadata:\n  name: errors\nspec:\n  ratioMetric:\n    counter: true\n    bad:\n      metricSource:\n        type: Prometheus\n        spec:\n          query: a\n    total:\n      metricSource:\n        type: Prometheus\n        spec:\n          query: b\n";

        Assert.Contains("holds no OpenSLO document of kind SLO", Fails(Service).Message, StringComparison.Ordinal);
        Assert.Contains("a second SLI is named 'errors'", Fails(Sli + "---\n" + Sli + "---\n" + Checkout).Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<PrometheusSlo> Read(string text) => SloDocument.Read(new StringReader(text), "openslo.yaml");

    private static SloDocumentException Fails(string text) => Assert.Throws<SloDocumentException>(() => Read(text));

    private static string Edit(string text, string from, string to)
    {
        // The document ends its last line, as a file does.
        text = text.EndsWith('\n') ? text : text + "\n";
        Assert.Contains(from, text, StringComparison.Ordinal);
        return text.Replace(from, to, StringComparison.Ordinal);
    }
}
