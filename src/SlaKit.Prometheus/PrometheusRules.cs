using System.Globalization;
using System.Text;
using SlaKit.Budgets;

namespace SlaKit.Prometheus;

/// <summary>
/// Writes Prometheus recording and alerting rules for SLOs, so that a fleet of instances is judged as one
/// service: each SLO's error ratio over every alert window, its objective and budget as series, what is left
/// of its budget, and the multi-window, multi-burn-rate alerts of its <see cref="BurnRateAlertPolicy"/>.
/// </summary>
/// <remarks>
/// <para>
/// Every series is labelled <c>slo</c> with the SLO's name. The recording rules are
/// <c>slakit:slo_objective:ratio</c> (such as 0.999), <c>slakit:slo_error_budget:ratio</c> (0.001),
/// <c>slakit:slo_window:seconds</c>, <c>slakit:slo_errors:ratio_rate&lt;window&gt;</c> for each alert
/// window and the SLO's own window (a calendar month is read as 30 days, as its alerts are scaled),
/// <c>slakit:slo_events:increase&lt;window&gt;</c> for the long windows of a minimum-events guard, and
/// <c>slakit:slo_error_budget_remaining:ratio</c>. A time-slice SLO also records
/// <c>slakit:slo_slice_bad:bool</c> (1 for a bad slice) in a group evaluated once a slice. A slice is judged from
/// its counters' increase over the slice, which Prometheus computes only from two samples or more inside it: scrape
/// at least twice a slice (a 1-minute slice needs a scrape interval of 30 s or less; at Prometheus's default of one
/// minute, slices of two minutes or more), or most slices go unjudged.
/// </para>
/// <para>
/// Each rule of the policy becomes one alert <c>SlaKitErrorBudgetBurn</c> labelled <c>severity</c>
/// (<c>page</c> or <c>ticket</c>), <c>long_window</c> and <c>short_window</c>. It fires while the error ratio
/// over both windows is at least the burn rate times the budget (14.4 × 0.001 = <c>0.0144</c>), and, for an
/// event-based SLO, the long window holds the policy's minimum of events. Numbers are written exactly as
/// decimals. Thresholds are compared with <c>&gt;=</c>, as <see cref="BurnRateAlertPolicy.Evaluate"/> does.
/// </para>
/// </remarks>
public static class PrometheusRules
{
    /// <summary>The name of every generated alert: <c>SlaKitErrorBudgetBurn</c>.</summary>
    public const string AlertName = "SlaKitErrorBudgetBurn";

    internal const string ObjectiveRecord = "slakit:slo_objective:ratio";
    internal const string BudgetRecord = "slakit:slo_error_budget:ratio";
    internal const string WindowRecord = "slakit:slo_window:seconds";
    internal const string ErrorRatioRecordPrefix = "slakit:slo_errors:ratio_rate";
    internal const string EventsRecordPrefix = "slakit:slo_events:increase";
    internal const string RemainingRecord = "slakit:slo_error_budget_remaining:ratio";
    internal const string SliceRecord = "slakit:slo_slice_bad:bool";

    /// <summary>The rules for one SLO whose events SlaKit's own metric counts, alerted with the SRE workbook's table.</summary>
    /// <param name="slo">The SLO.</param>
    /// <returns>A Prometheus rules file, in YAML.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="slo"/> is <see langword="null"/>.</exception>
    public static string Generate(Slo slo)
    {
        ArgumentNullException.ThrowIfNull(slo);
        return Generate([new PrometheusSlo(slo)]);
    }

    /// <summary>The rules for <paramref name="slos"/>, one rule group each.</summary>
    /// <param name="slos">At least one SLO; names unique.</param>
    /// <returns>A Prometheus rules file, in YAML.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="slos"/> or one of them is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="slos"/> is empty or two SLOs share a name.</exception>
    public static string Generate(IEnumerable<PrometheusSlo> slos)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(writer, slos);
        return writer.ToString();
    }

    /// <summary>Writes the rules for <paramref name="slos"/> to <paramref name="writer"/>, one rule group each.</summary>
    /// <param name="writer">Where the YAML goes.</param>
    /// <param name="slos">At least one SLO; names unique.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/>, <paramref name="slos"/> or one of them is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="slos"/> is empty or two SLOs share a name.</exception>
    public static void Write(TextWriter writer, IEnumerable<PrometheusSlo> slos)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(slos);
        PrometheusSlo[] all = [.. slos];
        if (all.Length == 0)
        {
            throw new ArgumentException("At least one SLO is needed.", nameof(slos));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (PrometheusSlo slo in all)
        {
            ArgumentNullException.ThrowIfNull(slo, nameof(slos));
            if (!names.Add(slo.Slo.Name))
            {
                throw new ArgumentException($"Two SLOs are named '{slo.Slo.Name}'; each needs its own name, which labels its series.", nameof(slos));
            }
        }

        var yaml = new StringBuilder();
        yaml.Append("# Prometheus recording and alerting rules generated by SlaKit; check with `promtool check rules`.\n");
        foreach (PrometheusSlo slo in all)
        {
            yaml.Append("# ").Append(OneLine(slo.Slo.ToString())).Append(", ").Append(slo.Slo.BudgetingMethod).Append(", alerts: ")
                .Append(string.Join("; ", slo.AlertPolicy.Rules.Select(static rule => rule.ToString()))).Append('\n');
        }

        yaml.Append("groups:\n");
        foreach (PrometheusSlo slo in all)
        {
            AppendGroups(yaml, slo);
        }

        writer.Write(yaml.ToString());
    }

    private static void AppendGroups(StringBuilder yaml, PrometheusSlo definition)
    {
        Slo slo = definition.Slo;
        string name = slo.Name;
        string selector = "{slo=" + PromText.StringLiteral(name) + "}";
        decimal budget = slo.Target.UnavailabilityExact;
        TimeSpan sloWindow = slo.Window.NominalLength;
        SloBudgetingMethod method = slo.BudgetingMethod;

        IReadOnlyList<TimeSpan> windows = [.. definition.AlertPolicy.Rules
            .SelectMany(static rule => new[] { rule.ShortWindow, rule.LongWindow })
            .Append(sloWindow)
            .Select(Rounded)
            .Distinct()
            .Order()];

        yaml.Append("  - name: ").Append(PromText.YamlString($"slakit-slo-{name}")).Append('\n');
        if (method.IsTimeSlices)
        {
            // Evaluated once a slice, each evaluation judges the slice that just ended. Everything that reads the
            // slices stays in this one group: rules in a group run in order, while groups run in no set order, so a
            // rule in another group could read the slice before or after it is judged.
            yaml.Append("    interval: ").Append(PromText.Duration(method.SliceLength)).Append('\n');
        }

        yaml.Append("    rules:\n");
        if (method.IsTimeSlices)
        {
            string slice = PromText.Duration(method.SliceLength);
            AppendRecord(yaml, SliceRecord,
                $"({definition.Sli.ErrorRatio(name, slice)}) > bool {PromText.Number(method.SliceTarget.UnavailabilityExact)}", name);
        }

        AppendRecord(yaml, ObjectiveRecord, $"vector({PromText.Number(1m - budget)})", name);
        AppendRecord(yaml, BudgetRecord, $"vector({PromText.Number(budget)})", name);
        AppendRecord(yaml, WindowRecord, $"vector({PromText.Number((decimal)sloWindow.Ticks / TimeSpan.TicksPerSecond)})", name);

        foreach (TimeSpan window in windows)
        {
            string range = PromText.Duration(window);
            string expression = method.IsTimeSlices
                ? $"avg_over_time({SliceRecord}{selector}[{range}])"
                : definition.Sli.ErrorRatio(name, range);
            AppendRecord(yaml, ErrorRatioRecordPrefix + range, expression, name);
        }

        long minimumEvents = definition.AlertPolicy.MinimumEvents;
        if (minimumEvents > 0 && !method.IsTimeSlices)
        {
            foreach (TimeSpan window in definition.AlertPolicy.Rules.Select(static rule => Rounded(rule.LongWindow)).Distinct().Order())
            {
                string range = PromText.Duration(window);
                AppendRecord(yaml, EventsRecordPrefix + range, definition.Sli.EventCount(name, range, window), name);
            }
        }

        AppendRecord(yaml, RemainingRecord,
            $"1 - {ErrorRatioRecordPrefix}{PromText.Duration(Rounded(sloWindow))}{selector} / {PromText.Number(budget)}", name);

        foreach (BurnRateAlertRule rule in definition.AlertPolicy.Rules)
        {
            AppendAlert(yaml, definition, rule, selector, budget);
        }
    }

    private static void AppendAlert(StringBuilder yaml, PrometheusSlo definition, BurnRateAlertRule rule, string selector, decimal budget)
    {
        Slo slo = definition.Slo;
        decimal burnRate = PromText.Exact(rule.BurnRate);
        string threshold = PromText.Number(burnRate * budget);
        string longRange = PromText.Duration(Rounded(rule.LongWindow));
        string shortRange = PromText.Duration(Rounded(rule.ShortWindow));
        var expression = new StringBuilder()
            .Append(ErrorRatioRecordPrefix).Append(longRange).Append(selector).Append(" >= ").Append(threshold)
            .Append(" and ").Append(ErrorRatioRecordPrefix).Append(shortRange).Append(selector).Append(" >= ").Append(threshold);
        long minimumEvents = definition.AlertPolicy.MinimumEvents;
        bool guarded = minimumEvents > 0 && !slo.BudgetingMethod.IsTimeSlices;
        if (guarded)
        {
            expression.Append(" and ").Append(EventsRecordPrefix).Append(longRange).Append(selector).Append(" >= ")
                .Append(minimumEvents.ToString(CultureInfo.InvariantCulture));
        }

        string severity = rule.Severity.ToString().ToLowerInvariant();
        string unit = slo.BudgetingMethod.IsTimeSlices ? "slices" : "events";

        // At burn rate b a whole budget lasts the window divided by b (the SRE workbook's reading of a burn rate).
        TimeSpan lasts = TimeSpan.FromSeconds(Math.Round((double)((decimal)slo.Window.NominalLength.TotalSeconds / burnRate)));
        string summary = $"{slo.Name} is spending its error budget at {PromText.Number(burnRate)}x or faster over {longRange} and {shortRange}";
        string description =
            $"At least {PromText.Number(burnRate * budget * 100m)}% of {unit} failed over the last {longRange} and the last {shortRange}, " +
            $"against an objective of {slo.Target} over {slo.Window}: at this rate the whole budget lasts {DurationText.Format(lasts)}." +
            (guarded ? $" Fires only when the last {longRange} held at least {minimumEvents.ToString(CultureInfo.InvariantCulture)} events." : "");

        yaml.Append("      - alert: ").Append(AlertName).Append('\n');
        yaml.Append("        expr: ").Append(PromText.YamlString(expression.ToString())).Append('\n');
        yaml.Append("        labels:\n");
        yaml.Append("          slo: ").Append(PromText.YamlString(slo.Name)).Append('\n');
        yaml.Append("          severity: ").Append(severity).Append('\n');
        yaml.Append("          long_window: ").Append(PromText.YamlString(longRange)).Append('\n');
        yaml.Append("          short_window: ").Append(PromText.YamlString(shortRange)).Append('\n');
        yaml.Append("        annotations:\n");
        yaml.Append("          summary: ").Append(PromText.YamlString(OneLine(summary))).Append('\n');
        yaml.Append("          description: ").Append(PromText.YamlString(OneLine(description))).Append('\n');
    }

    private static void AppendRecord(StringBuilder yaml, string record, string expression, string sloName)
    {
        yaml.Append("      - record: ").Append(record).Append('\n');
        yaml.Append("        expr: ").Append(PromText.YamlString(expression)).Append('\n');
        yaml.Append("        labels:\n");
        yaml.Append("          slo: ").Append(PromText.YamlString(sloName)).Append('\n');
    }

    /// <summary>A window to the millisecond, PromQL's finest unit, so two windows that print alike are one.</summary>
    private static TimeSpan Rounded(TimeSpan window) =>
        TimeSpan.FromMilliseconds(Math.Round(window.TotalMilliseconds, MidpointRounding.AwayFromZero));

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
