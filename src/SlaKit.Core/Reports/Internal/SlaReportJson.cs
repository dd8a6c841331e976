using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SlaKit.Reports;

/// <summary>The report as one JSON object: figures as numbers (seconds for durations), charts as SVG strings.</summary>
internal static class SlaReportJson
{
    public static string Render(SlaReport report)
    {
        using var buffer = new MemoryStream();
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            json.WriteStartObject();
            json.WriteString("title", report.Title);
            json.WriteString("from", report.FirstMonth.ToString());
            json.WriteString("to", report.LastMonth.ToString());
            json.WriteNumber("slaPercent", report.Target.Percent);
            json.WriteString("sla", report.Target.ToString());
            if (report.Credits is { } credits)
            {
                json.WriteString("tiers", credits.ToString());
            }
            else
            {
                json.WriteNull("tiers");
            }

            json.WriteString("basis", report.CountsEvents ? "events" : "downtime");
            json.WriteString("timeZone", report.TimeZoneName);
            if (report.CountsEvents)
            {
                json.WriteString("eventName", report.EventName);
            }
            json.WriteStartArray("months");
            foreach (SlaReportMonth month in report.Months)
            {
                json.WriteStartObject();
                json.WriteString("month", month.Month.ToString());
                WriteEvents(json, month.GoodEvents, month.BadEvents, month.AllowedBadEvents);
                WriteMeasurement(json, month.Measurement);
                Seconds(json, "allowedDowntimeSeconds", month.AllowedDowntime);
                Seconds(json, "budgetRemainingSeconds", month.BudgetRemaining);
                json.WriteBoolean("slaMet", month.SlaMet);
                Number(json, "creditPercent", month.CreditPercent);
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartObject("totals");
            WriteEvents(json, report.GoodEvents, report.BadEvents, report.AllowedBadEvents);
            WriteMeasurement(json, report.Span);
            Seconds(json, "allowedDowntimeSeconds", report.AllowedDowntime);
            Seconds(json, "budgetRemainingSeconds", report.AllowedDowntime - report.Span.Downtime);
            json.WriteNumber("monthsMet", report.MonthsMet);
            json.WriteNumber("monthsMissed", report.Months.Count - report.MonthsMet);
            Number(json, "creditPercentOfFees", report.CreditPercentOfFees);
            json.WriteEndObject();

            json.WriteStartArray("incidents");
            foreach (Outage outage in report.Span.Outages)
            {
                json.WriteStartObject();
                json.WriteString("start", Instant(outage.Start));
                json.WriteString("end", Instant(outage.End));
                Seconds(json, "durationSeconds", outage.Duration);
                Seconds(json, "downtimeSeconds", outage.Downtime);
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartObject("charts");
            json.WriteString("availabilityByMonth", SlaReportCharts.MonthlyAvailability(report));
            json.WriteString("errorBudget", SlaReportCharts.BudgetBurnDown(report));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>For a report of events: the good, bad and allowed bad events, and the bad events left in the budget.</summary>
    private static void WriteEvents(Utf8JsonWriter json, long? good, long? bad, double? allowed)
    {
        if (good is not { } g || bad is not { } b || allowed is not { } a)
        {
            return;
        }

        json.WriteNumber("goodEvents", g);
        json.WriteNumber("badEvents", b);
        json.WriteNumber("allowedBadEvents", a);
        json.WriteNumber("badEventsRemaining", a - b);
    }

    // ISO 8601 in UTC, with a fraction of a second only when there is one.
    private static string Instant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteMeasurement(Utf8JsonWriter json, MeasuredAvailability measured)
    {
        json.WriteNumber("availabilityPercent", measured.Availability.Percent);
        json.WriteString("availability", measured.Availability.ToString());
        Seconds(json, "downtimeSeconds", measured.Downtime);
        json.WriteString("downtime", DurationText.Format(measured.Downtime));
        json.WriteNumber("incidents", measured.IncidentCount);
        if (measured.Mttr is { } mttr)
        {
            Seconds(json, "mttrSeconds", mttr);
        }
        else
        {
            json.WriteNull("mttrSeconds");
        }
    }

    // Seconds as the exact decimal of the ticks: 262.8, never 262.80000000000001.
    private static void Seconds(Utf8JsonWriter json, string name, TimeSpan duration) =>
        json.WriteNumber(name, Availability.Normalize((decimal)duration.Ticks / TimeSpan.TicksPerSecond));

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, Availability.Normalize((decimal)number));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
