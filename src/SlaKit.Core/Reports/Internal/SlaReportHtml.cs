using System.Globalization;
using System.Text;

namespace SlaKit.Reports;

/// <summary>The report as one self-contained HTML page: inline styles and SVG, nothing fetched, a print stylesheet for A4.</summary>
internal static partial class SlaReportHtml
{
    private const string Style = """
        :root { --ink: #1c2733; --muted: #5f6b7a; --rule: #d9dee5; --met: #2e7d32; --missed: #c62828; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #eef1f5; color: var(--ink); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
        main { max-width: 980px; margin: 32px auto; padding: 40px 48px; background: #fff; border-radius: 8px; box-shadow: 0 1px 4px rgba(28, 39, 51, .12); }
        h1 { font-size: 28px; margin: 0 0 4px; }
        h2 { font-size: 18px; margin: 36px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--rule); }
        .subtitle { margin: 0 0 28px; color: var(--muted); }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; }
        .card { padding: 12px 14px; border: 1px solid var(--rule); border-radius: 6px; }
        .card .label { color: var(--muted); font-size: 12px; letter-spacing: .04em; text-transform: uppercase; }
        .card .value { font-size: 21px; font-weight: 600; font-variant-numeric: tabular-nums; }
        .card .value.long { font-size: 15px; line-height: 1.3; padding-top: 4px; }
        .table { overflow-x: auto; }
        .card.missed .value { color: var(--missed); }
        table { width: 100%; border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
        th, td { padding: 7px 8px; border-bottom: 1px solid var(--rule); text-align: right; white-space: nowrap; }
        th { white-space: normal; vertical-align: bottom; }
        th:first-child, td:first-child { text-align: left; }
        thead th { color: var(--muted); font-size: 12px; font-weight: 600; letter-spacing: .04em; text-transform: uppercase; border-bottom: 2px solid var(--ink); }
        tfoot td { font-weight: 600; border-top: 2px solid var(--ink); border-bottom: 0; }
        .met { color: var(--met); font-weight: 600; }
        .missed { color: var(--missed); font-weight: 600; }
        figure { margin: 0; }
        figure svg { display: block; width: 100%; height: auto; }
        figcaption { margin-top: 6px; color: var(--muted); font-size: 13px; }
        footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
        @media print {
          @page { size: A4; margin: 14mm 12mm; }
          body { background: #fff; font-size: 10pt; }
          main { max-width: none; margin: 0; padding: 0; border-radius: 0; box-shadow: none; }
          h1 { font-size: 20pt; }
          h2 { break-after: avoid; }
          figure, .cards, tr { break-inside: avoid; }
          .table { overflow: visible; }
          table { font-size: 8.5pt; }
          th, td { padding: 4px 4px; }
          thead th { font-size: 7.5pt; letter-spacing: 0; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """;

    public static string Render(SlaReport report)
    {
        string heading = $"{report.Title}: {report.SpanName}";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>").Append(ReportText.Html(heading)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n<main>\n");
        html.Append("<h1>").Append(ReportText.Html(report.Title)).Append("</h1>\n");
        html.Append("<p class=\"subtitle\">").Append(ReportText.Html(report.SpanName)).Append(" · SLA ").Append(report.Target).Append(" per calendar month (").Append(ReportText.Html(report.TimeZoneName)).Append(')');
        if (report.Credits is { } credits)
        {
            html.Append(" · service credits: ").Append(ReportText.Html(ReportText.Credits(credits)));
        }

        html.Append("</p>\n<section class=\"cards\">\n");
        foreach ((string label, string value) in Summary(report))
        {
            bool bad = label == "Months meeting the SLA" && report.MonthsMet < report.Months.Count;
            html.Append("<div class=\"card").Append(bad ? " missed" : "").Append("\"><div class=\"label\">").Append(ReportText.Html(label))
                .Append("</div><div class=\"value").Append(value.Length > 14 ? " long" : "").Append("\">").Append(DateHyphen().Replace(ReportText.Html(value), "\u2011")).Append("</div></div>\n");
        }

        html.Append("</section>\n<h2>Months</h2>\n<div class=\"table\"><table>\n");
        if (report.CountsEvents)
        {
            html.Append("<thead><tr><th>Month</th><th>Availability</th><th>Good ").Append(ReportText.Html(report.EventName)).Append("</th><th>Bad ").Append(ReportText.Html(report.EventName)).Append("</th><th>Bad allowed</th><th>Budget left</th><th>SLA</th>");
            html.Append(report.Credits is null ? "" : "<th>Credit</th>").Append("</tr></thead>\n<tbody>\n");
            foreach (SlaReportMonth month in report.Months)
            {
                double left = month.AllowedBadEvents!.Value - month.BadEvents!.Value;
                html.Append(Invariant($"<tr><td>{month.Month}</td><td>{month.Measurement.Availability}</td><td>{month.GoodEvents}</td><td>{month.BadEvents}</td><td>{ReportText.Events(month.AllowedBadEvents.Value)}</td><td{(left < 0 ? " class=\"missed\"" : "")}>{ReportText.Events(left)}</td>"));
                html.Append(month.SlaMet ? "<td class=\"met\">met</td>" : "<td class=\"missed\">missed</td>");
                html.Append(report.Credits is null ? "" : $"<td>{ReportText.Credit(month.CreditPercent)}</td>").Append("</tr>\n");
            }

            html.Append("</tbody>\n<tfoot>");
            html.Append(Invariant($"<tr><td>{(report.Months.Count == 1 ? "Month" : "Span")}</td><td>{report.Span.Availability}</td><td>{report.GoodEvents}</td><td>{report.BadEvents}</td><td>{ReportText.Events(report.AllowedBadEvents!.Value)}</td><td>{ReportText.Events(report.AllowedBadEvents.Value - report.BadEvents!.Value)}</td><td>{report.MonthsMet} of {report.Months.Count}</td>"));
        }
        else
        {
            html.Append("<thead><tr><th>Month</th><th>Availability</th><th>Downtime</th><th>Allowed</th><th>Budget left</th><th>Incidents</th><th>MTTR</th><th>SLA</th>");
            html.Append(report.Credits is null ? "" : "<th>Credit</th>").Append("</tr></thead>\n<tbody>\n");
            foreach (SlaReportMonth month in report.Months)
            {
                html.Append(Invariant($"<tr><td>{month.Month}</td><td>{month.Measurement.Availability}</td><td>{ReportText.Duration(month.Measurement.Downtime)}</td><td>{ReportText.Duration(month.AllowedDowntime)}</td><td{(month.BudgetRemaining < TimeSpan.Zero ? " class=\"missed\"" : "")}>{ReportText.Duration(month.BudgetRemaining)}</td><td>{month.Measurement.IncidentCount}</td><td>{ReportText.Duration(month.Measurement.Mttr)}</td>"));
                html.Append(month.SlaMet ? "<td class=\"met\">met</td>" : "<td class=\"missed\">missed</td>");
                html.Append(report.Credits is null ? "" : $"<td>{ReportText.Credit(month.CreditPercent)}</td>").Append("</tr>\n");
            }

            html.Append("</tbody>\n<tfoot>");
            html.Append(Invariant($"<tr><td>{(report.Months.Count == 1 ? "Month" : "Span")}</td><td>{report.Span.Availability}</td><td>{ReportText.Duration(report.Span.Downtime)}</td><td>{ReportText.Duration(report.AllowedDowntime)}</td><td>{ReportText.Duration(report.AllowedDowntime - report.Span.Downtime)}</td><td>{report.Span.IncidentCount}</td><td>{ReportText.Duration(report.Span.Mttr)}</td><td>{report.MonthsMet} of {report.Months.Count}</td>"));
        }

        html.Append(report.Credits is null ? "" : $"<td>{ReportText.Percent((decimal)report.CreditPercentOfFees!.Value)}</td>").Append("</tr></tfoot>\n</table></div>\n");

        html.Append("<h2>Availability by month</h2>\n<figure>\n").Append(SlaReportCharts.MonthlyAvailability(report));
        html.Append("\n<figcaption>Each month's availability: green when it met the SLA, red when it did not. The dashed line is the SLA.</figcaption>\n</figure>\n");
        html.Append("<h2>Error budget</h2>\n<figure>\n").Append(SlaReportCharts.BudgetBurnDown(report));
        html.Append("\n<figcaption>").Append(ReportText.Html(report.CountsEvents
            ? Invariant($"The budget is the bad events {report.Target} allows over the span, {ReportText.Events(report.AllowedBadEvents!.Value)} (each month's allowance added up). The line shows what is left of it at each month's end, spent evenly within the month; the dashed line is an even spend.")
            : Invariant($"The budget is the downtime {report.Target} allows over the span, {ReportText.Duration(report.AllowedDowntime)} (each month's allowance added up). The line shows what is left of it as outages spend it; the dashed line is an even spend."))).Append("</figcaption>\n</figure>\n");

        html.Append("<h2>Incidents</h2>\n");
        if (report.CountsEvents)
        {
            html.Append("<p>").Append(ReportText.Html($"An SLO of {report.EventName} has no incidents: its budget is spent by bad {report.EventName}.")).Append("</p>\n");
        }
        else if (report.Span.Outages.Count == 0)
        {
            html.Append("<p>None.</p>\n");
        }
        else
        {
            html.Append("<table>\n<thead><tr><th>#</th><th>Start (UTC)</th><th>End (UTC)</th><th>Duration</th><th>Downtime counted</th></tr></thead>\n<tbody>\n");
            int number = 1;
            foreach (Outage outage in report.Span.Outages)
            {
                html.Append(Invariant($"<tr><td>{number++}</td><td>{ReportText.Instant(outage.Start)}</td><td>{ReportText.Instant(outage.End)}</td><td>{ReportText.Duration(outage.Duration)}</td><td>{ReportText.Duration(outage.Downtime)}</td></tr>\n"));
            }

            html.Append("</tbody>\n</table>\n");
        }

        html.Append(report.CountsEvents
            ? "<footer>" + ReportText.Html($"Availability is good {report.EventName} ÷ all {report.EventName}, in each month and over the span.") + "</footer>\n"
            : "<footer>Availability is 1 − downtime ÷ the month's length; overlapping incidents count once, partial ones by their weight. MTTR is the mean duration of the outages.</footer>\n");
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The headline figures, as label and value.</summary>
    internal static IEnumerable<(string Label, string Value)> Summary(SlaReport report)
    {
        yield return ("Availability", report.Span.Availability.ToString());
        if (report.CountsEvents)
        {
            yield return (ReportText.Capitalised(report.EventName), ReportText.Number((decimal)(report.GoodEvents!.Value + report.BadEvents!.Value)));
            yield return ("Bad " + report.EventName, ReportText.Number((decimal)report.BadEvents.Value));
            yield return ("Months meeting the SLA", $"{report.MonthsMet} of {report.Months.Count}");
            yield return ("Budget left", ReportText.Percent(ReportText.EventBudgetLeft(report.AllowedBadEvents!.Value, report.BadEvents.Value)));
            if (report.Credits is not null)
            {
                yield return ("Credits owed", ReportText.CreditSummary(report));
            }

            yield break;
        }

        yield return ("Downtime", ReportText.Duration(report.Span.Downtime));
        yield return ("Incidents", report.Span.IncidentCount.ToString(CultureInfo.InvariantCulture));
        yield return ("MTTR", ReportText.Duration(report.Span.Mttr));
        yield return ("Months meeting the SLA", $"{report.MonthsMet} of {report.Months.Count}");
        yield return ("Budget left", ReportText.Percent(ReportText.ShareOf(report.AllowedDowntime - report.Span.Downtime, report.AllowedDowntime)));
        if (report.Credits is not null)
        {
            yield return ("Credits owed", ReportText.CreditSummary(report));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // A hyphen inside a date such as 2026-02: a non-breaking one keeps the month on one line in a narrow card.
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=\d)-(?=\d)")]
    private static partial System.Text.RegularExpressions.Regex DateHyphen();
}
