using System.Text.RegularExpressions;
using SlaKit.Budgets;
using SlaKit.Prometheus;

namespace SlaKit.Tests.Prometheus;

public sealed partial class PrometheusRulesTests
{
    private static Slo Slo(string name, double percent, TimeSpan window, SloBudgetingMethod? method = null) =>
        new(name, Availability.FromPercent(percent), SloWindow.Rolling(window), method);

    [Fact]
    public void The_workbook_table_for_99_9_over_30_days_becomes_three_alerts_with_exact_thresholds_and_the_events_guard()
    {
        RulesYaml rules = RulesYaml.Parse(PrometheusRules.Generate(Slo("checkout", 99.9, TimeSpan.FromDays(30))));

        string[] alerts = [.. rules.Alerts.Select(static alert => alert.Expr)];
        Assert.Equal(
        [
            """slakit:slo_errors:ratio_rate1h{slo="checkout"} >= 0.0144 and slakit:slo_errors:ratio_rate5m{slo="checkout"} >= 0.0144 and slakit:slo_events:increase1h{slo="checkout"} >= 167""",
            """slakit:slo_errors:ratio_rate6h{slo="checkout"} >= 0.006 and slakit:slo_errors:ratio_rate30m{slo="checkout"} >= 0.006 and slakit:slo_events:increase6h{slo="checkout"} >= 167""",
            """slakit:slo_errors:ratio_rate3d{slo="checkout"} >= 0.001 and slakit:slo_errors:ratio_rate6h{slo="checkout"} >= 0.001 and slakit:slo_events:increase3d{slo="checkout"} >= 167""",
        ], alerts);
        Assert.All(rules.Alerts, static alert => Assert.Equal(PrometheusRules.AlertName, alert.Alert));
        Assert.Equal(["page", "page", "ticket"], rules.Alerts.Select(static alert => alert.Labels["severity"]));
        Assert.Equal(["1h", "6h", "3d"], rules.Alerts.Select(static alert => alert.Labels["long_window"]));
        Assert.Equal(["5m", "30m", "6h"], rules.Alerts.Select(static alert => alert.Labels["short_window"]));
        Assert.Equal("checkout is spending its error budget at 14.4x or faster over 1h and 5m", rules.Alerts.First().Annotations["summary"]);
        Assert.Contains("at this rate the whole budget lasts 2d 2h", rules.Alerts.First().Annotations["description"], StringComparison.Ordinal);
    }

    [Fact]
    public void Records_the_objective_the_budget_the_window_the_remaining_budget_and_the_error_ratio_over_every_window()
    {
        RulesYaml rules = RulesYaml.Parse(PrometheusRules.Generate(Slo("checkout", 99.9, TimeSpan.FromDays(30))));

        Assert.Equal("vector(0.999)", rules.Record("slakit:slo_objective:ratio", "checkout").Expr);
        Assert.Equal("vector(0.001)", rules.Record("slakit:slo_error_budget:ratio", "checkout").Expr);
        Assert.Equal("vector(2592000)", rules.Record("slakit:slo_window:seconds", "checkout").Expr);
        Assert.Equal("""1 - slakit:slo_errors:ratio_rate30d{slo="checkout"} / 0.001""", rules.Record("slakit:slo_error_budget_remaining:ratio", "checkout").Expr);
        Assert.Equal(
            ["slakit:slo_errors:ratio_rate5m", "slakit:slo_errors:ratio_rate30m", "slakit:slo_errors:ratio_rate1h", "slakit:slo_errors:ratio_rate6h", "slakit:slo_errors:ratio_rate3d", "slakit:slo_errors:ratio_rate30d"],
            rules.AllRules.Where(static rule => rule.Record?.StartsWith("slakit:slo_errors:", StringComparison.Ordinal) == true).Select(static rule => rule.Record));
        Assert.Equal(
            """(sum(increase(slakit_slo_events_total{slo="checkout",outcome="bad"}[1h])) or vector(0)) / sum(increase(slakit_slo_events_total{slo="checkout"}[1h]))""",
            rules.Record("slakit:slo_errors:ratio_rate1h", "checkout").Expr);
        Assert.Equal("""sum(increase(slakit_slo_events_total{slo="checkout"}[3d]))""", rules.Record("slakit:slo_events:increase3d", "checkout").Expr);
        Assert.All(rules.AllRules, static rule => Assert.Equal("checkout", rule.Labels["slo"]));
    }

    [Fact]
    public void Other_windows_scale_the_table_and_every_number_prints_as_the_decimal_it_is()
    {
        string text = PrometheusRules.Generate(Slo("odd", 99.95, TimeSpan.FromDays(28)));
        RulesYaml rules = RulesYaml.Parse(text);

        // 0.02 x 28d / 1h = 13.44, 0.05 x 28d / 6h = 5.6; a budget of 0.0005.
        Assert.Contains(">= 0.00672 and", rules.Alerts.ElementAt(0).Expr, StringComparison.Ordinal);
        Assert.Contains(">= 0.0028 and", rules.Alerts.ElementAt(1).Expr, StringComparison.Ordinal);
        Assert.Contains(">= 0.0005 and", rules.Alerts.ElementAt(2).Expr, StringComparison.Ordinal);
        Assert.Contains("at 13.44x or faster", rules.Alerts.ElementAt(0).Annotations["summary"], StringComparison.Ordinal);
        Assert.Equal("vector(2419200)", rules.Record("slakit:slo_window:seconds", "odd").Expr);
        Assert.Equal("vector(0.9995)", rules.Record("slakit:slo_objective:ratio", "odd").Expr);
        Assert.DoesNotMatch(FloatArtifact(), text);
    }

    [Fact]
    public void A_window_shorter_than_three_days_cuts_the_ticket_to_the_window_with_a_twelfth_as_its_short_window()
    {
        RulesYaml rules = RulesYaml.Parse(PrometheusRules.Generate(Slo("short", 99, TimeSpan.FromHours(25))));

        BurnRateAlertPolicy policy = BurnRateAlertPolicy.ForSlo(Slo("short", 99, TimeSpan.FromHours(25)));
        Assert.Equal(TimeSpan.FromHours(25), policy.Rules[2].LongWindow);
        RulesYaml.Rule ticket = rules.Alerts.Single(static alert => alert.Labels["severity"] == "ticket");
        Assert.Equal("1d1h", ticket.Labels["long_window"]);
        Assert.Equal("2h5m", ticket.Labels["short_window"]);
        Assert.StartsWith("""slakit:slo_errors:ratio_rate1d1h{slo="short"} >= 0.01 and slakit:slo_errors:ratio_rate2h5m{slo="short"} >= 0.01""", ticket.Expr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_time_slice_slo_judges_each_slice_first_in_one_group_evaluated_once_a_slice_and_burns_in_slices()
    {
        Slo slo = Slo("search", 99.5, TimeSpan.FromDays(30), SloBudgetingMethod.TimeSlices(TimeSpan.FromMinutes(5), Availability.FromPercent(95)));
        RulesYaml rules = RulesYaml.Parse(PrometheusRules.Generate(slo));

        // One group: its rules run in order, so every rule reading the slices sees the one just judged.
        RulesYaml.Group slices = Assert.Single(rules.Groups);
        Assert.Equal("slakit-slo-search", slices.Name);
        Assert.Equal("5m", slices.Interval);
        Assert.Equal("slakit:slo_slice_bad:bool", slices.Rules[0].Record);
        Assert.Equal(
            """((sum(increase(slakit_slo_events_total{slo="search",outcome="bad"}[5m])) or vector(0)) / sum(increase(slakit_slo_events_total{slo="search"}[5m]))) > bool 0.05""",
            slices.Rules[0].Expr);
        Assert.Contains(slices.Rules, static rule => rule.Alert is not null);
        Assert.Equal("""avg_over_time(slakit:slo_slice_bad:bool{slo="search"}[1h])""", rules.Record("slakit:slo_errors:ratio_rate1h", "search").Expr);

        // No minimum-events guard: a slice already needs many bad events to go bad.
        Assert.Equal("""slakit:slo_errors:ratio_rate1h{slo="search"} >= 0.072 and slakit:slo_errors:ratio_rate5m{slo="search"} >= 0.072""", rules.Alerts.First().Expr);
        Assert.DoesNotContain(rules.AllRules, static rule => rule.Record?.StartsWith("slakit:slo_events:", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void A_calendar_month_is_read_as_30_days_as_its_alerts_are_scaled()
    {
        var slo = new Slo("monthly", Availability.FromPercent(99.9), SloWindow.CalendarMonth());
        RulesYaml rules = RulesYaml.Parse(PrometheusRules.Generate(slo));

        Assert.Equal("vector(2592000)", rules.Record("slakit:slo_window:seconds", "monthly").Expr);
        Assert.Contains(">= 0.0144", rules.Alerts.First().Expr, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_with_quotes_are_escaped_in_promql_and_yaml_and_read_back_unchanged()
    {
        const string name = "it's \"quoted\" \\ here";
        RulesYaml rules = RulesYaml.Parse(PrometheusRules.Generate(Slo(name, 99.9, TimeSpan.FromDays(30))));

        Assert.All(rules.AllRules, static rule => Assert.Equal(name, rule.Labels["slo"]));
        Assert.Contains("""{slo="it's \"quoted\" \\ here"}""", rules.Record("slakit:slo_error_budget_remaining:ratio", name).Expr, StringComparison.Ordinal);
        Assert.Equal($"slakit-slo-{name}", rules.Groups.Single().Name);
    }

    [Fact]
    public void Queries_of_good_and_total_count_bad_events_as_their_difference_and_templates_take_each_window()
    {
        var payments = new PrometheusSlo(Slo("payments", 99.9, TimeSpan.FromDays(30)),
            PrometheusSli.FromGoodAndTotal("""http_requests_total{job="payments",code!~"5.."}""", """http_requests_total{job="payments"}"""));
        var orders = new PrometheusSlo(Slo("orders", 99.9, TimeSpan.FromDays(30)),
            PrometheusSli.FromBadAndTotal("""sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))""", "sum(rate(http_requests_total[{{ .window }}]))"));
        RulesYaml rules = RulesYaml.Parse(PrometheusRules.Generate([payments, orders]));

        Assert.Equal(
            """(sum(increase(http_requests_total{job="payments"}[5m])) - (sum(increase(http_requests_total{job="payments",code!~"5.."}[5m])) or vector(0))) / sum(increase(http_requests_total{job="payments"}[5m]))""",
            rules.Record("slakit:slo_errors:ratio_rate5m", "payments").Expr);
        Assert.Equal(
            """((sum(rate(http_requests_total{code=~"5.."}[6h]))) or vector(0)) / (sum(rate(http_requests_total[6h])))""",
            rules.Record("slakit:slo_errors:ratio_rate6h", "orders").Expr);

        // A templated query is a per-second rate: the events of an hour are it times 3600.
        Assert.Equal("(sum(rate(http_requests_total[1h]))) * 3600", rules.Record("slakit:slo_events:increase1h", "orders").Expr);
    }

    [Fact]
    public void The_counter_name_can_be_the_one_an_exporter_without_the_total_suffix_writes()
    {
        var slo = new PrometheusSlo(Slo("checkout", 99.9, TimeSpan.FromDays(30)), PrometheusSli.SlaKitEvents("slakit_slo_events"));

        string text = PrometheusRules.Generate([slo]);

        Assert.Contains("""increase(slakit_slo_events{slo="checkout",outcome="bad"}[5m])""", text, StringComparison.Ordinal);
        Assert.DoesNotContain("slakit_slo_events_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_arguments_are_refused_naming_the_parameter()
    {
        Slo checkout = Slo("checkout", 99.9, TimeSpan.FromDays(30));

        Assert.Equal("slos", Assert.Throws<ArgumentException>(() => PrometheusRules.Generate(Array.Empty<PrometheusSlo>())).ParamName);
        Assert.Equal("slos", Assert.Throws<ArgumentException>(() => PrometheusRules.Generate([new PrometheusSlo(checkout), new PrometheusSlo(checkout)])).ParamName);
        Assert.Equal("slo", Assert.Throws<ArgumentNullException>(() => PrometheusRules.Generate((Slo)null!)).ParamName);
        Assert.Equal("writer", Assert.Throws<ArgumentNullException>(() => PrometheusRules.Write(null!, [new PrometheusSlo(checkout)])).ParamName);
        Assert.Equal("metricName", Assert.Throws<ArgumentException>(() => PrometheusSli.SlaKitEvents("slakit.slo.events")).ParamName);
        Assert.Equal("goodQuery", Assert.Throws<ArgumentException>(() => PrometheusSli.FromGoodAndTotal("sum(x)", "y")).ParamName);
        Assert.Equal("totalQuery", Assert.Throws<ArgumentException>(() => PrometheusSli.FromBadAndTotal("x", " ")).ParamName);
        Assert.Equal("totalQuery", Assert.Throws<ArgumentException>(() => PrometheusSli.FromBadAndTotal("x", "{}")).ParamName);
        Assert.Equal("totalQuery", Assert.Throws<ArgumentException>(() => PrometheusSli.FromBadAndTotal("x{code=\"500\"}", "sum(rate(x[{{.window}}]))")).ParamName);
        Assert.Equal("totalQuery", Assert.Throws<ArgumentException>(() => PrometheusSli.FromGoodAndTotal("sum(rate(x{code=\"200\"}[{{.window}}]))", "x")).ParamName);
        Assert.Equal("badQuery", Assert.Throws<ArgumentException>(() => PrometheusSli.FromBadAndTotal("x{code=\"500\" job=\"a\"}", "x")).ParamName);
        Assert.Equal("x{code=\"500\",job=\"a\",}", PrometheusSli.FromBadAndTotal("x{code=\"500\",job=\"a\",}", "x{ }").BadQuery);
    }

    [Fact]
    public void A_custom_policy_is_written_as_given()
    {
        Slo checkout = Slo("checkout", 99.9, TimeSpan.FromDays(30));
        var policy = new BurnRateAlertPolicy([new BurnRateAlertRule(AlertSeverity.Page, 2.5, TimeSpan.FromMinutes(90), TimeSpan.FromSeconds(450))], minimumEvents: 0);

        RulesYaml rules = RulesYaml.Parse(PrometheusRules.Generate([new PrometheusSlo(checkout, alertPolicy: policy)]));

        Assert.Equal("""slakit:slo_errors:ratio_rate1h30m{slo="checkout"} >= 0.0025 and slakit:slo_errors:ratio_rate7m30s{slo="checkout"} >= 0.0025""", rules.Alerts.Single().Expr);
    }

    // Twelve or more digits in a row after a point, or an exponent: what a double printed carelessly looks like.
    [GeneratedRegex(@"\.\d{12,}|\d[eE][-+]?\d")]
    private static partial Regex FloatArtifact();
}
