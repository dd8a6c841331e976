using SlaKit.Reports;

namespace SlaKit.Tests.Reports;

/// <summary>A first quarter of 2026 with an incident that crosses the January–February boundary and a partial one.</summary>
internal static class ReportData
{
    public const string Csv = """
        start,end,weight
        2026-01-14T09:12:00Z,2026-01-14T09:31:30Z
        2026-01-31T23:50:00Z,2026-02-01T00:20:00Z
        2026-02-19T13:00:00Z,2026-02-19T13:40:00Z,0.5
        """;

    public static IReadOnlyList<Incident> Incidents => IncidentCsv.Read(new StringReader(Csv));

    public static SlaReport Quarter(CreditSchedule? credits = null, double sla = 99.9) =>
        SlaReport.Create(Incidents, Availability.FromPercent(sla), SlaPeriod.CalendarMonth(2026, 1), SlaPeriod.CalendarMonth(2026, 3),
            new SlaReportOptions { Title = "Payments API", Credits = credits });
}
