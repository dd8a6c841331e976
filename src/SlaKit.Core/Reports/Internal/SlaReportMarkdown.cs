using System.Globalization;
using System.Text;

namespace SlaKit.Reports;

/// <summary>The report as Markdown: a summary, the months, the charts as inline SVG, and the incidents.</summary>
internal static class SlaReportMarkdown
{
    public static string Render(SlaReport report)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(ReportText.Cell(report.Title)).Append(": ").Append(report.SpanName).Append("\n\n");
        md.Append(Invariant($"SLA {report.Target} per calendar month ({ReportText.Cell(report.TimeZoneName)})"));
        if (report.Credits is { } credits)
        {
            md.Append("; service credits: ").Append(ReportText.Credits(credits));
        }

        md.Append(".\n\n## Summary\n\n| | |\n|---|---:|\n");
        foreach ((string label, string value) in SlaReportHtml.Summary(report))
        {
            md.Append("| ").Append(ReportText.Cell(label)).Append(" | ").Append(ReportText.Cell(value)).Append(" |\n");
        }

        md.Append("\n## Months\n\n");
        if (report.CountsEvents)
        {
            md.Append(Invariant($"| Month | Availability | Good {ReportText.Cell(report.EventName)} | Bad {ReportText.Cell(report.EventName)} | Bad allowed | Budget left | SLA |"));
            md.Append(report.Credits is null ? "\n" : " Credit |\n");
            md.Append("|---|---:|---:|---:|---:|---:|:---:|").Append(report.Credits is null ? "\n" : "---:|\n");
            foreach (SlaReportMonth month in report.Months)
            {
                md.Append(Invariant($"| {month.Month} | {month.Measurement.Availability} | {month.GoodEvents} | {month.BadEvents} | {ReportText.Events(month.AllowedBadEvents!.Value)} | {ReportText.Events(month.AllowedBadEvents.Value - month.BadEvents!.Value)} | {(month.SlaMet ? "met" : "**missed**")} |"));
                md.Append(report.Credits is null ? "\n" : $" {ReportText.Credit(month.CreditPercent)} |\n");
            }

            md.Append(Invariant($"| **{(report.Months.Count == 1 ? "Month" : "Span")}** | **{report.Span.Availability}** | **{report.GoodEvents}** | **{report.BadEvents}** | **{ReportText.Events(report.AllowedBadEvents!.Value)}** | **{ReportText.Events(report.AllowedBadEvents.Value - report.BadEvents!.Value)}** | **{report.MonthsMet} of {report.Months.Count}** |"));
        }
        else
        {
            md.Append("| Month | Availability | Downtime | Allowed | Budget left | Incidents | MTTR | SLA |");
            md.Append(report.Credits is null ? "\n" : " Credit |\n");
            md.Append("|---|---:|---:|---:|---:|---:|---:|:---:|").Append(report.Credits is null ? "\n" : "---:|\n");
            foreach (SlaReportMonth month in report.Months)
            {
                md.Append(Invariant($"| {month.Month} | {month.Measurement.Availability} | {ReportText.Duration(month.Measurement.Downtime)} | {ReportText.Duration(month.AllowedDowntime)} | {ReportText.Duration(month.BudgetRemaining)} | {month.Measurement.IncidentCount} | {ReportText.Duration(month.Measurement.Mttr)} | {(month.SlaMet ? "met" : "**missed**")} |"));
                md.Append(report.Credits is null ? "\n" : $" {ReportText.Credit(month.CreditPercent)} |\n");
            }

            md.Append(Invariant($"| **{(report.Months.Count == 1 ? "Month" : "Span")}** | **{report.Span.Availability}** | **{ReportText.Duration(report.Span.Downtime)}** | **{ReportText.Duration(report.AllowedDowntime)}** | **{ReportText.Duration(report.AllowedDowntime - report.Span.Downtime)}** | **{report.Span.IncidentCount}** | **{ReportText.Duration(report.Span.Mttr)}** | **{report.MonthsMet} of {report.Months.Count}** |"));
        }

        md.Append(report.Credits is null ? "\n" : $" **{ReportText.Percent((decimal)report.CreditPercentOfFees!.Value)}** |\n");
        md.Append("\n## Availability by month\n\n").Append(SlaReportCharts.MonthlyAvailability(report)).Append("\n\n");
        md.Append("Bars show each month's availability (green when it met the SLA, red when it did not); the dashed line is the SLA.\n\n");
        md.Append("## Error budget\n\n").Append(SlaReportCharts.BudgetBurnDown(report)).Append("\n\n");
        md.Append(report.CountsEvents
            ? Invariant($"The budget is the bad events {report.Target} allows over the span, {ReportText.Events(report.AllowedBadEvents!.Value)} (each month's allowance added up); the line shows what is left of it at each month's end, spent evenly within the month, the dashed line an even spend.\n\n")
            : Invariant($"The budget is the downtime {report.Target} allows over the span, {ReportText.Duration(report.AllowedDowntime)} (each month's allowance added up); the line shows what is left of it as outages spend it, the dashed line an even spend.\n\n"));

        md.Append("## Incidents\n\n");
        if (report.CountsEvents)
        {
            md.Append(Invariant($"An SLO of {ReportText.Cell(report.EventName)} has no incidents: its budget is spent by bad {ReportText.Cell(report.EventName)}.\n"));
        }
        else if (report.Span.Outages.Count == 0)
        {
            md.Append("None.\n");
        }
        else
        {
            md.Append("| # | Start (UTC) | End (UTC) | Duration | Downtime counted |\n|---:|---|---|---:|---:|\n");
            int number = 1;
            foreach (Outage outage in report.Span.Outages)
            {
                md.Append(Invariant($"| {number++} | {ReportText.Instant(outage.Start)} | {ReportText.Instant(outage.End)} | {ReportText.Duration(outage.Duration)} | {ReportText.Duration(outage.Downtime)} |\n"));
            }
        }

        return md.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
