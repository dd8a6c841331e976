using SlaKit.Budgets;
using SlaKit.Prometheus;

namespace SlaKit.Tests.Prometheus;

/// <summary>
/// The generated rules run in Prometheus' own rule engine (promtool): they load, and their alerts fire, stay
/// silent and clear at the evaluation times the SRE workbook's table implies for a 99.9% SLO over 30 days.
/// </summary>
public sealed class PromtoolRulesTests : IDisposable
{
    private const string Page1h = "page 1h 5m";
    private const string Page6h = "page 6h 30m";
    private const string Ticket = "ticket 3d 6h";

    private readonly string _directory = Directory.CreateTempSubdirectory("slakit-promtool-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Slo Checkout(string name = "checkout") =>
        new(name, Availability.FromPercent(99.9), SloWindow.Rolling(TimeSpan.FromDays(30)));

    [Fact]
    public async Task Generated_rules_pass_promtool_check_for_every_kind_of_slo()
    {
        Promtool.Require();
        string rules = PrometheusRules.Generate(
        [
            new PrometheusSlo(Checkout()),
            new PrometheusSlo(new Slo("search", Availability.FromPercent(99.5), SloWindow.CalendarMonth(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")),
                SloBudgetingMethod.TimeSlices(TimeSpan.FromMinutes(5), Availability.FromPercent(95)))),
            new PrometheusSlo(new Slo("it's \"quoted\"", Availability.FromPercent(99.95), SloWindow.Rolling(TimeSpan.FromDays(28)))),
            new PrometheusSlo(new Slo("short", Availability.FromPercent(99), SloWindow.Rolling(TimeSpan.FromHours(25)))),
            new PrometheusSlo(new Slo("payments", Availability.FromPercent(99.9), SloWindow.Rolling(TimeSpan.FromDays(7))),
                PrometheusSli.FromGoodAndTotal("http_requests_total{job=\"payments\",code!~\"5..\"}", "http_requests_total{job=\"payments\"}")),
            new PrometheusSlo(new Slo("orders", Availability.FromPercent(99.9), SloWindow.Rolling(TimeSpan.FromDays(30))),
                PrometheusSli.FromBadAndTotal("sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}]))", "sum(rate(http_requests_total[{{ .window }}]))")),
        ]);
        string path = Path.Combine(_directory, "rules.yml");
        await File.WriteAllTextAsync(path, rules, TestContext.Current.CancellationToken);

        (int exitCode, string output) = await Promtool.RunAsync(_directory, "check", "rules", path);

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    // The scenarios sample every 5 minutes and evaluate the rules as often (a common evaluation interval, and
    // every alert window is a whole number of samples): 1 interval is 5m, 6 are 30m, 12 are 1h, 72 are 6h and
    // 864 are 3d. Traffic is 10000 events a minute, 50000 an interval; three healthy days come first, so every
    // window holds real history. At 99.9% the budget is 0.001, so burning at b fails 50 x b events an interval.
    [Fact]
    public async Task A_14_4x_burn_pages_after_an_hour_then_pages_slowly_then_tickets_and_each_clears_by_its_short_window()
    {
        var scenario = new BurnScenario
        {
            SloName = "checkout",
            HealthyIntervals = 864,
            BurningIntervals = 60,                        // 5 hours
            BadPerInterval = 720,
            AfterIntervals = 80,
        };
        scenario
            .Expect(11)                                   // 1h: 11 of 12 intervals burning, 13.2x
            .Expect(12, Page1h)                           // 1h and 5m at exactly 14.4x
            .Expect(29, Page1h)                           // 6h: 14.4 x 29/72 = 5.8x
            .Expect(30, Page1h, Page6h)                   // 6h: 14.4 x 30/72 = 6x
            .Expect(59, Page1h, Page6h)                   // 3d: 14.4 x 59/864 < 1x
            .Expect(60, Page1h, Page6h, Ticket)           // 3d: 14.4 x 60/864 = 1x
            .Expect(61, Page6h, Ticket)                   // the burn stopped: 5m at 0x
            .Expect(63, Page6h, Ticket)                   // 30m: 3 of 6 intervals, 7.2x
            .Expect(64, Ticket)                           // 30m: 2 of 6 intervals, 4.8x
            .Expect(127, Ticket)                          // 6h: 5 of 72 intervals, 1x
            .Expect(128)                                  // 6h: 4 of 72 intervals, 0.8x
            .ExpectValue(12, "slakit:slo_errors:ratio_rate1h", "0.0144")
            .ExpectValue(12, "slakit:slo_objective:ratio", "0.999")
            .ExpectValue(12, "slakit:slo_error_budget:ratio", "0.001")
            .ExpectValue(12, "slakit:slo_window:seconds", "2592000")
            .ExpectValue(12, "slakit:slo_events:increase1h", "600000");

        await RunScenario(scenario);
    }

    [Fact]
    public async Task A_6x_burn_pages_slowly_after_six_hours_tickets_after_twelve_and_never_pages_fast()
    {
        var scenario = new BurnScenario
        {
            SloName = "checkout",
            HealthyIntervals = 864,
            BurningIntervals = 144,                       // 12 hours
            BadPerInterval = 300,
            AfterIntervals = 80,
        };
        scenario
            .Expect(1)                                    // 5m at 6x, but the fast page wants 14.4x
            .Expect(12)                                   // 1h at 6x too
            .Expect(71)                                   // 6h: 6 x 71/72
            .Expect(72, Page6h)
            .Expect(143, Page6h)                          // 3d: 6 x 143/864 < 1x
            .Expect(144, Page6h, Ticket)                  // 3d: 6 x 144/864 = 1x
            .Expect(145, Ticket)                          // 30m: 5 of 6 intervals, 5x
            .Expect(204, Ticket)                          // 6h: 12 of 72 intervals, 1x
            .Expect(205)                                  // 6h: 11 of 72 intervals
            .ExpectValue(72, "slakit:slo_errors:ratio_rate6h", "0.006");

        await RunScenario(scenario);
    }

    [Fact]
    public async Task A_1x_burn_tickets_only_when_three_days_are_spent_at_it_and_a_half_x_burn_never_alerts()
    {
        // Six healthy hours suffice here: the 3d ratio reaches 1x only once the whole window is burning.
        var atOne = new BurnScenario
        {
            SloName = "at-one",
            HealthyIntervals = 72,
            BurningIntervals = 864,                       // 3 days
            BadPerInterval = 50,
            AfterIntervals = 20,
        };
        atOne
            .Expect(72)                                   // 6h at 1x, 3d at 0.5x (72 of 144 intervals so far)
            .Expect(863)                                  // 3d: 863 of 864 intervals
            .Expect(864, Ticket)                          // 3d and 6h at exactly 1x
            .Expect(865);                                 // 6h: 71 of 72 intervals

        var atHalf = new BurnScenario
        {
            SloName = "at-half",
            HealthyIntervals = 72,
            BurningIntervals = 864,
            BadPerInterval = 25,
            AfterIntervals = 20,
        };
        atHalf.Expect(12).Expect(72).Expect(864).Expect(865)
            .ExpectValue(864, "slakit:slo_errors:ratio_rate3d", "0.0005");

        await Task.WhenAll(RunScenario(atOne), RunScenario(atHalf));
    }

    [Fact]
    public async Task One_failure_among_few_events_does_not_page_however_high_its_ratio()
    {
        // 2 events a minute and one bad in each of two intervals: 2 of 120 is 16.7x over the hour and 1 of 10 is
        // 100x over 5 minutes, both above 14.4x; but an hour of 120 events is below the minimum of 167.
        var quiet = new BurnScenario
        {
            SloName = "checkout",
            EventsPerInterval = 10,
            HealthyIntervals = 864,
            BurningIntervals = 2,
            BadPerInterval = 1,
            AfterIntervals = 20,
        };
        quiet.Expect(1).Expect(2).Expect(12)
            .ExpectValue(2, "slakit:slo_errors:ratio_rate5m", "0.1")
            .ExpectValue(2, "slakit:slo_errors:ratio_rate1h >= 0.0144", "0.016666666666666666")
            .ExpectValue(2, "slakit:slo_events:increase1h", "120");

        await RunScenario(quiet);
    }

    [Fact]
    public async Task Rules_from_an_openslo_document_with_good_and_total_queries_fire_as_slakits_own_do()
    {
        // The same fleet and the same 14.4x burn, read through OpenSLO queries of good and of all events.
        PrometheusSlo openSlo = SloDocument.Read(new StringReader("""
            apiVersion: openslo/v1
            kind: SLO
            metadata:
              name: checkout
            spec:
              indicator:
                spec:
                  ratioMetric:
                    counter: true
                    good:
                      metricSource:
                        type: Prometheus
                        spec:
                          query: slakit_slo_events_total{slo="checkout",outcome="good"}
                    total:
                      metricSource:
                        type: Prometheus
                        spec:
                          query: slakit_slo_events_total{slo="checkout"}
              timeWindow:
                - duration: 30d
                  isRolling: true
              budgetingMethod: Occurrences
              objectives:
                - target: 0.999
            """)).Single();
        var scenario = new BurnScenario
        {
            SloName = "checkout",
            HealthyIntervals = 864,
            BurningIntervals = 60,
            BadPerInterval = 720,
            AfterIntervals = 10,
        };
        scenario
            .Expect(11)
            .Expect(12, Page1h)
            .Expect(30, Page1h, Page6h)
            .Expect(60, Page1h, Page6h, Ticket)
            .Expect(61, Page6h, Ticket)
            .ExpectValue(12, "slakit:slo_errors:ratio_rate1h", "0.0144");

        await RunScenario(scenario, openSlo);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Templated_queries_page_when_the_good_requests_are_gone_and_read_zero_errors_when_the_failures_never_were(bool badAndTotal)
    {
        // A process served well for an hour, then restarted and answered nothing but 503: its 200 series went stale,
        // so a query of good requests returns nothing at all. Another fleet never failed: a query of its failures
        // returns nothing either. Neither may leave the error ratio absent.
        Promtool.Require();
        PrometheusSli outage = badAndTotal
            ? PrometheusSli.FromBadAndTotal("sum(rate(http_requests_total{job=\"api\",code=~\"5..\"}[{{.window}}]))", "sum(rate(http_requests_total{job=\"api\"}[{{.window}}]))")
            : PrometheusSli.FromGoodAndTotal("sum(rate(http_requests_total{job=\"api\",code!~\"5..\"}[{{.window}}]))", "sum(rate(http_requests_total{job=\"api\"}[{{.window}}]))");
        PrometheusSli healthy = PrometheusSli.FromBadAndTotal(
            "sum(rate(http_requests_total{job=\"web\",code=~\"5..\"}[{{.window}}]))", "sum(rate(http_requests_total{job=\"web\"}[{{.window}}]))");
        string rules = PrometheusRules.Generate(
        [
            new PrometheusSlo(new Slo("api", Availability.FromPercent(99.9), SloWindow.Rolling(TimeSpan.FromDays(30))), outage),
            new PrometheusSlo(new Slo("web", Availability.FromPercent(99.9), SloWindow.Rolling(TimeSpan.FromDays(30))), healthy),
        ]);
        await File.WriteAllTextAsync(Path.Combine(_directory, "rules.yml"), rules, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_directory, "test.yml"), """
            rule_files:
              - rules.yml
            evaluation_interval: 1m
            tests:
              - interval: 1m
                input_series:
                  - series: 'http_requests_total{job="api",code="200"}'
                    values: '0+100x60 stale'
                  - series: 'http_requests_total{job="api",code="503"}'
                    values: '_x61 0+100x120'
                  - series: 'http_requests_total{job="web",code="200"}'
                    values: '0+100x180'
                promql_expr_test:
                  - expr: slakit:slo_errors:ratio_rate5m
                    eval_time: 150m
                    exp_samples:
                      - labels: 'slakit:slo_errors:ratio_rate5m{slo="api"}'
                        value: 1
                      - labels: 'slakit:slo_errors:ratio_rate5m{slo="web"}'
                        value: 0
                  - expr: count by (long_window) (ALERTS{alertname="SlaKitErrorBudgetBurn",alertstate="firing",slo="api",severity="page"})
                    eval_time: 150m
                    exp_samples:
                      - labels: '{long_window="1h"}'
                        value: 1
                      - labels: '{long_window="6h"}'
                        value: 1
                  - expr: count(ALERTS{alertname="SlaKitErrorBudgetBurn",slo="web"}) or vector(0)
                    eval_time: 150m
                    exp_samples:
                      - labels: '{}'
                        value: 0
            """, TestContext.Current.CancellationToken);

        (int exitCode, string output) = await Promtool.RunAsync(_directory, "test", "rules", "test.yml");

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_time_slice_slo_pages_on_bad_slices_and_not_on_a_good_one_however_many_failures_it_held()
    {
        // 99.5% of 5-minute slices, a slice good at 95%: an hour has 12 slices, and one bad slice (8.3%) is above
        // the fast page's 14.4 x 0.5% = 7.2%. The first burning interval fails 10% of its events (a bad slice),
        // the second 10% too, then every interval 4% (good slices, though each fails 2000 events).
        var search = new Slo("search", Availability.FromPercent(99.5), SloWindow.Rolling(TimeSpan.FromDays(30)),
            SloBudgetingMethod.TimeSlices(TimeSpan.FromMinutes(5), Availability.FromPercent(95)));
        var scenario = new BurnScenario
        {
            SloName = "search",
            HealthyIntervals = 864,
            BurningIntervals = 2,
            BadPerInterval = 5000,
            AfterIntervals = 30,
            AfterBadPerInterval = 2000,
        };
        scenario
            .Expect(0)
            .Expect(1, Page1h)
            .Expect(2, Page1h)
            .Expect(4)
            .Expect(14)
            .ExpectValue(0, "slakit:slo_slice_bad:bool", "0")
            .ExpectValue(1, "slakit:slo_slice_bad:bool", "1")
            .ExpectValue(2, "slakit:slo_slice_bad:bool", "1")
            .ExpectValue(3, "slakit:slo_slice_bad:bool", "0")
            .ExpectValue(14, "slakit:slo_slice_bad:bool", "0");

        await RunScenario(scenario, search);
    }

    private Task RunScenario(BurnScenario scenario, Slo? slo = null) =>
        RunScenario(scenario, new PrometheusSlo(slo ?? Checkout(scenario.SloName)));

    private async Task RunScenario(BurnScenario scenario, PrometheusSlo slo)
    {
        Promtool.Require();
        string rules = PrometheusRules.Generate([slo]);
        string rulesPath = Path.Combine(_directory, $"{scenario.SloName}.rules.yml");
        string testPath = Path.Combine(_directory, $"{scenario.SloName}.test.yml");
        await File.WriteAllTextAsync(rulesPath, rules, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(testPath, scenario.TestFile(Path.GetFileName(rulesPath), rules), TestContext.Current.CancellationToken);

        (int exitCode, string output) = await Promtool.RunAsync(_directory, "test", "rules", Path.GetFileName(testPath));

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }
}
