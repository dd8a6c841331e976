using System.Globalization;
using System.Text;
using SlaKit.Prometheus;
using YamlDotNet.RepresentationModel;

namespace SlaKit.Tests.Prometheus;

/// <summary>
/// A promtool unit test of generated rules: a fleet of two instances exporting <c>slakit_slo_events_total</c>,
/// healthy, then burning the budget for a while, then healthy again; the alerts expected at chosen times.
/// </summary>
/// <remarks>
/// Instance <c>a</c> takes half the traffic and every failure, instance <c>b</c> the other half without failures,
/// so only the fleet-wide sum shows the burn rate the scenario names.
/// </remarks>
internal sealed class BurnScenario
{
    private readonly List<(int Interval, string[] Alerts)> _checks = [];
    private readonly List<(int Interval, string Expression, string Value)> _values = [];

    public required string SloName { get; init; }

    /// <summary>Minutes between samples and between rule evaluations.</summary>
    public int IntervalMinutes { get; init; } = 5;

    /// <summary>All events per interval, fleet-wide; each instance serves half.</summary>
    public long EventsPerInterval { get; init; } = 50_000;

    public required int HealthyIntervals { get; init; }

    public required int BurningIntervals { get; init; }

    public required long BadPerInterval { get; init; }

    public required int AfterIntervals { get; init; }

    /// <summary>Bad events per interval once the burn is over; none unless given.</summary>
    public long AfterBadPerInterval { get; init; }

    /// <summary>The interval the burn starts after: its first bad events are counted at the sample after this one.</summary>
    public int BurnStart => HealthyIntervals;

    /// <summary>Expects exactly <paramref name="alerts"/> (each "severity long short", such as "page 1h 5m") firing <paramref name="intervalsAfterBurnStart"/> intervals after the burn started.</summary>
    public BurnScenario Expect(int intervalsAfterBurnStart, params string[] alerts)
    {
        _checks.Add((BurnStart + intervalsAfterBurnStart, alerts));
        return this;
    }

    /// <summary>Expects <paramref name="expression"/> to evaluate to <paramref name="value"/> (labelled with the SLO only).</summary>
    public BurnScenario ExpectValue(int intervalsAfterBurnStart, string expression, string value)
    {
        _values.Add((BurnStart + intervalsAfterBurnStart, expression, value));
        return this;
    }

    /// <summary>The promtool test file for <paramref name="rulesFile"/>, whose alerts' annotations are copied from <paramref name="rules"/>.</summary>
    public string TestFile(string rulesFile, string rules)
    {
        Dictionary<string, (string Summary, string Description)> annotations = Annotations(rules);
        long half = EventsPerInterval / 2;
        var yaml = new StringBuilder();
        yaml.Append("rule_files:\n  - ").Append(rulesFile).Append('\n');
        yaml.Append("evaluation_interval: ").Append(IntervalMinutes).Append("m\n");
        yaml.Append("tests:\n");
        yaml.Append("  - interval: ").Append(IntervalMinutes).Append("m\n");
        yaml.Append("    input_series:\n");
        AppendSeries(yaml, "a", "good", (HealthyIntervals, half), (BurningIntervals, half - BadPerInterval), (AfterIntervals, half - AfterBadPerInterval));
        AppendSeries(yaml, "a", "bad", (HealthyIntervals, 0), (BurningIntervals, BadPerInterval), (AfterIntervals, AfterBadPerInterval));
        AppendSeries(yaml, "b", "good", (HealthyIntervals, half), (BurningIntervals, half), (AfterIntervals, half));
        AppendSeries(yaml, "b", "bad", (HealthyIntervals, 0), (BurningIntervals, 0), (AfterIntervals, 0));

        yaml.Append("    alert_rule_test:\n");
        foreach ((int interval, string[] alerts) in _checks)
        {
            yaml.Append("      - eval_time: ").Append(interval * IntervalMinutes).Append("m\n");
            yaml.Append("        alertname: ").Append(PrometheusRules.AlertName).Append('\n');
            yaml.Append("        exp_alerts:").Append(alerts.Length == 0 ? " []\n" : "\n");
            foreach (string alert in alerts)
            {
                string[] parts = alert.Split(' ');
                (string summary, string description) = annotations[alert];
                yaml.Append("          - exp_labels:\n");
                yaml.Append("              slo: ").Append(Quote(SloName)).Append('\n');
                yaml.Append("              severity: ").Append(parts[0]).Append('\n');
                yaml.Append("              long_window: ").Append(Quote(parts[1])).Append('\n');
                yaml.Append("              short_window: ").Append(Quote(parts[2])).Append('\n');
                yaml.Append("            exp_annotations:\n");
                yaml.Append("              summary: ").Append(Quote(summary)).Append('\n');
                yaml.Append("              description: ").Append(Quote(description)).Append('\n');
            }
        }

        if (_values.Count > 0)
        {
            yaml.Append("    promql_expr_test:\n");
            foreach ((int interval, string expression, string value) in _values)
            {
                yaml.Append("      - expr: ").Append(Quote(expression)).Append('\n');
                yaml.Append("        eval_time: ").Append(interval * IntervalMinutes).Append("m\n");
                yaml.Append("        exp_samples:\n");
                yaml.Append("          - labels: ").Append(Quote(LabelsOf(expression))).Append('\n');
                yaml.Append("            value: ").Append(value).Append('\n');
            }
        }

        return yaml.ToString();
    }

    private string LabelsOf(string expression)
    {
        // A comparison without bool keeps the left side's name.
        int end = expression.IndexOfAny(['{', ' ']);
        string name = end < 0 ? expression : expression[..end];
        return $"{name}{{slo=\"{SloName}\"}}";
    }

    private void AppendSeries(StringBuilder yaml, string instance, string outcome, params (int Intervals, long PerInterval)[] segments)
    {
        yaml.Append("      - series: ")
            .Append(Quote($"slakit_slo_events_total{{instance=\"{instance}\",otel_scope_name=\"SlaKit\",outcome=\"{outcome}\",slo=\"{SloName}\"}}")).Append('\n');
        yaml.Append("        values: ").Append(Quote(Cumulative(segments))).Append('\n');
    }

    /// <summary>
    /// A counter in promtool's expanding notation: 0 at the start, then each segment adds its increment once an
    /// interval (<c>a+bxn</c> is the n + 1 values a, a + b, ..., a + nb).
    /// </summary>
    internal static string Cumulative(params (int Intervals, long PerInterval)[] segments)
    {
        var parts = new List<string>();
        long value = 0;
        bool first = true;
        foreach ((int intervals, long step) in segments)
        {
            if (intervals == 0)
            {
                continue;
            }

            if (first)
            {
                parts.Add(Invariant($"0+{step}x{intervals}"));
                first = false;
            }
            else
            {
                parts.Add(Invariant($"{value + step}+{step}x{intervals - 1}"));
            }

            value += step * intervals;
        }

        return string.Join(' ', parts);
    }

    private static Dictionary<string, (string, string)> Annotations(string rules)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(rules));
        var found = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (YamlNode group in (YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["groups"])
        {
            foreach (YamlNode node in (YamlSequenceNode)((YamlMappingNode)group)["rules"])
            {
                var rule = (YamlMappingNode)node;
                if (!rule.Children.ContainsKey("alert"))
                {
                    continue;
                }

                var labels = (YamlMappingNode)rule["labels"];
                var annotations = (YamlMappingNode)rule["annotations"];
                string key = $"{labels["severity"]} {labels["long_window"]} {labels["short_window"]}";
                found[key] = (annotations["summary"].ToString(), annotations["description"].ToString());
            }
        }

        return found;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
