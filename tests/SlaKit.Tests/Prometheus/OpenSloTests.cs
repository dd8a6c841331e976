using SlaKit.Budgets;
using SlaKit.Prometheus;

namespace SlaKit.Tests.Prometheus;

public sealed class OpenSloTests
{
    /// <summary>A rolling occurrences SLO with good and total queries: the document other tests change in one place.</summary>
    internal const string Checkout = """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout-availability
          displayName: Checkout availability
        spec:
          description: Checkout requests that succeed.
          service: checkout
          indicator:
            metadata:
              name: checkout-success
            spec:
              ratioMetric:
                counter: true
                good:
                  metricSource:
                    type: Prometheus
                    spec:
                      query: http_requests_total{job="checkout",code!~"5.."}
                total:
                  metricSource:
                    type: Prometheus
                    spec:
                      query: http_requests_total{job="checkout"}
          timeWindow:
            - duration: 28d
              isRolling: true
          budgetingMethod: Occurrences
          objectives:
            - displayName: Good
              target: 0.999
        """;

    private static IReadOnlyList<PrometheusSlo> Read(string text) => SloDocument.Read(new StringReader(text), "openslo.yaml");

    private static SloDocumentException Fails(string text) => Assert.Throws<SloDocumentException>(() => Read(text));

    [Fact]
    public void Reads_a_rolling_occurrences_slo_with_good_and_total_queries()
    {
        PrometheusSlo slo = Assert.Single(Read(Checkout));

        Assert.Equal("checkout-availability", slo.Slo.Name);
        Assert.Equal(Availability.FromPercent(99.9), slo.Slo.Target);
        Assert.Equal(TimeSpan.FromDays(28), slo.Slo.Window.NominalLength);
        Assert.False(slo.Slo.Window.IsCalendarMonth);
        Assert.Same(SloBudgetingMethod.Events, slo.Slo.BudgetingMethod);
        Assert.Equal("""http_requests_total{job="checkout",code!~"5.."}""", slo.Sli.GoodQuery);
        Assert.Equal("""http_requests_total{job="checkout"}""", slo.Sli.TotalQuery);
        Assert.Null(slo.Sli.BadQuery);
        Assert.Null(slo.Sli.SlaKitMetric);
        Assert.Equal(13.44, slo.AlertPolicy.Rules[0].BurnRate);
    }

    [Fact]
    public void Reads_a_calendar_month_of_time_slices_whose_indicator_is_a_separate_sli_document_with_bad_events()
    {
        IReadOnlyList<PrometheusSlo> slos = Read("""
            apiVersion: openslo/v1
            kind: Service
            metadata:
              name: search
            spec:
              description: Product search.
            ---
            apiVersion: openslo/v1
            kind: SLI
            metadata:
              name: search-errors
            spec:
              ratioMetric:
                counter: true
                bad:
                  metricSource:
                    type: prometheus
                    spec:
                      query: sum(rate(search_requests_total{outcome="error"}[{{.window}}]))
                total:
                  metricSource:
                    type: Prometheus
                    spec:
                      query: sum(rate(search_requests_total[{{.window}}]))
            ---
            apiVersion: openslo/v1
            kind: SLO
            metadata:
              name: search
            spec:
              service: search
              indicatorRef: search-errors
              timeWindow:
                - duration: 1M
                  isRolling: false
                  calendar:
                    startTime: 2026-01-01 00:00:00
                    timeZone: America/New_York
              budgetingMethod: Timeslices
              objectives:
                - targetPercent: 99.5
                  timeSliceTarget: 0.95
                  timeSliceWindow: 5m
            """);

        PrometheusSlo slo = Assert.Single(slos);
        Assert.True(slo.Slo.Window.IsCalendarMonth);
        Assert.Equal("America/New_York", slo.Slo.Window.TimeZone!.Id);
        Assert.Equal(Availability.FromPercent(99.5), slo.Slo.Target);
        Assert.Equal(TimeSpan.FromMinutes(5), slo.Slo.BudgetingMethod.SliceLength);
        Assert.Equal(Availability.FromPercent(95), slo.Slo.BudgetingMethod.SliceTarget);
        Assert.Equal("""sum(rate(search_requests_total{outcome="error"}[{{.window}}]))""", slo.Sli.BadQuery);
    }

    [Fact]
    public void Generated_rules_read_the_documents_own_queries()
    {
        string rules = PrometheusRules.Generate(Read(Checkout));

        Assert.Contains("""sum(increase(http_requests_total{job="checkout",code!~"5.."}[1h]))""", rules, StringComparison.Ordinal);
        Assert.DoesNotContain("slakit_slo_events_total", rules, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  alertPolicies:\n    - fast-burn\n", "spec.alertPolicies", "is not supported")]
    [InlineData("  indicatorRef: other\n", "spec.indicatorRef", "give either indicator or indicatorRef, not both")]
    public void A_field_slakit_does_not_support_is_named(string added, string field, string problem)
    {
        SloDocumentException error = Fails(Checkout + "\n" + added);

        Assert.Equal(field, error.Field);
        Assert.Contains($"{field}: {problem}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("budgetingMethod: Occurrences", "budgetingMethod: RatioTimeslices", "spec.budgetingMethod", "'RatioTimeslices' is not supported")]
    [InlineData("counter: true", "counter: false", "spec.indicator.spec.ratioMetric.counter", "must be true")]
    [InlineData("type: Prometheus", "type: Datadog", "spec.indicator.spec.ratioMetric.good.metricSource.type", "'Datadog' is not supported")]
    [InlineData("query: http_requests_total{job=\"checkout\"}", "query: sum(http_requests_total)", "spec.indicator.spec.ratioMetric.total.metricSource.spec.query", "'sum(http_requests_total)' is neither a counter selector")]
    [InlineData("- duration: 28d\n      isRolling: true", "- duration: 1M\n      isRolling: true", "spec.timeWindow[0].duration", "'1M' is not supported for a rolling window")]
    [InlineData("- duration: 28d\n      isRolling: true", "- duration: 1w\n      isRolling: false", "spec.timeWindow[0].duration", "'1w' is not supported for a calendar window")]
    [InlineData("- duration: 28d\n      isRolling: true", "- duration: 28 days\n      isRolling: true", "spec.timeWindow[0].duration", "'28 days' is not an OpenSLO duration")]
    [InlineData("- duration: 28d\n      isRolling: true", "- duration: 30m\n      isRolling: true", "spec.timeWindow[0].duration", "'30m' is not from 1h to 366d")]
    [InlineData("target: 0.999", "target: 99.9", "spec.objectives[0].target", "'99.9' is not a ratio above 0 and below 1")]
    [InlineData("target: 0.999", "targetPercent: 100", "spec.objectives[0].targetPercent", "'100' is not a percentage above 0 and below 100")]
    [InlineData("target: 0.999", "target: 0.999\n      targetPercent: 99.9", "spec.objectives[0].targetPercent", "give target or targetPercent, not both")]
    [InlineData("target: 0.999", "target: 0.999\n      op: lt\n      value: 300", "spec.objectives[0].op", "is not supported")]
    [InlineData("target: 0.999", "target: 0.999\n    - target: 0.99", "spec.objectives", "must hold exactly one objective")]
    [InlineData("target: 0.999", "target: 0.999\n      timeSliceWindow: 1m", "spec.objectives[0].timeSliceWindow", "applies only to budgetingMethod: Timeslices")]
    [InlineData("ratioMetric:", "thresholdMetric:", "spec.indicator.spec.thresholdMetric", "SlaKit reads ratioMetric indicators only")]
    [InlineData("kind: SLO", "kind: AlertPolicy", "kind", "'AlertPolicy' is not supported")]
    [InlineData("apiVersion: openslo/v1", "apiVersion: openslo/v2alpha", "apiVersion", "'openslo/v2alpha' is not supported")]
    [InlineData("  name: checkout-availability\n", "  nme: checkout-availability\n", "metadata.name", "is required")]
    public void A_bad_document_names_the_field_at_fault(string replaced, string replacement, string field, string problem)
    {
        string text = Checkout.Replace(replaced, replacement, StringComparison.Ordinal);
        Assert.NotEqual(Checkout, text);

        SloDocumentException error = Fails(text);

        Assert.Equal(field, error.Field);
        Assert.Contains($"{field}: {problem}", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("openslo.yaml:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_timeslices_slo_needs_its_slice_target_and_window()
    {
        string text = Checkout.Replace("budgetingMethod: Occurrences", "budgetingMethod: Timeslices", StringComparison.Ordinal);

        Assert.Equal("spec.objectives[0].timeSliceTarget", Fails(text).Field);
        Assert.Equal("spec.objectives[0].timeSliceWindow",
            Fails(text.Replace("target: 0.999", "target: 0.999\n      timeSliceTarget: 0.95", StringComparison.Ordinal)).Field);
        Assert.Equal("spec.objectives[0].timeSliceWindow",
            Fails(text.Replace("target: 0.999", "target: 0.999\n      timeSliceTarget: 0.95\n      timeSliceWindow: 2h", StringComparison.Ordinal)).Field);
    }

    [Fact]
    public void A_reference_to_a_missing_sli_is_named()
    {
        string text = Checkout[..Checkout.IndexOf("  indicator:", StringComparison.Ordinal)] + "  indicatorRef: nowhere\n" +
            Checkout[Checkout.IndexOf("  timeWindow:", StringComparison.Ordinal)..];

        SloDocumentException error = Fails(text);

        Assert.Equal("spec.indicatorRef", error.Field);
        Assert.Contains("no SLI document named 'nowhere'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_calendar_month_must_start_at_midnight_on_the_first()
    {
        string text = Checkout.Replace("- duration: 28d\n      isRolling: true",
            "- duration: 1M\n      isRolling: false\n      calendar:\n        startTime: 2026-01-15 00:00:00\n        timeZone: UTC", StringComparison.Ordinal);

        SloDocumentException error = Fails(text);

        Assert.Equal("spec.timeWindow[0].calendar.startTime", error.Field);
    }

    [Fact]
    public void Documents_in_one_file_are_named_by_their_position()
    {
        string text = Checkout + "\n---\n" + Checkout.Replace("counter: true", "counter: maybe", StringComparison.Ordinal);

        SloDocumentException error = Fails(text);

        Assert.Equal("[document 2].spec.indicator.spec.ratioMetric.counter", error.Field);
        Assert.Contains("'maybe' is not true or false", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_slo_documents_with_one_name_are_refused_at_the_second()
    {
        SloDocumentException error = Fails(Checkout + "\n---\n" + Checkout);

        Assert.Contains("metadata.name: 'checkout-availability' is also the name of SLO document 1", error.Message, StringComparison.Ordinal);
    }
}
