using System.Text.RegularExpressions;
using SlaKit.Reports;

namespace SlaKit.Tests.Reports;

public sealed partial class SlaReportTests
{
    [Fact]
    public void Each_month_has_its_availability_downtime_budget_incidents_mttr_sla_and_credit()
    {
        SlaReport report = ReportData.Quarter(CreditSchedule.Parse("99.95:5,99:25"));

        Assert.Equal(["2026-01", "2026-02", "2026-03"], report.Months.Select(static month => month.Month.ToString()));

        SlaReportMonth january = report.Months[0];
        Assert.Equal(TimeSpan.FromSeconds(1170 + 600), january.Measurement.Downtime);
        Assert.Equal(2, january.Measurement.IncidentCount);
        Assert.Equal(TimeSpan.FromSeconds(885), january.Measurement.Mttr);
        Assert.Equal(TimeSpan.FromSeconds(2678.4), january.AllowedDowntime);
        Assert.Equal(TimeSpan.FromSeconds(908.4), january.BudgetRemaining);
        Assert.True(january.SlaMet);
        Assert.Equal(5, january.CreditPercent);

        // February: 20 minutes of the crossing incident, and 40 minutes at half weight; 28 days allow 40m 19.2s.
        SlaReportMonth february = report.Months[1];
        Assert.Equal(TimeSpan.FromSeconds(2400), february.Measurement.Downtime);
        Assert.Equal(TimeSpan.FromSeconds(1800), february.Measurement.Mttr);
        Assert.Equal(TimeSpan.FromSeconds(2419.2), february.AllowedDowntime);
        Assert.Equal(TimeSpan.FromSeconds(19.2), february.BudgetRemaining);
        Assert.True(february.SlaMet);
        Assert.Equal(5, february.CreditPercent);

        SlaReportMonth march = report.Months[2];
        Assert.Equal(Availability.Perfect, march.Measurement.Availability);
        Assert.Null(march.Measurement.Mttr);
        Assert.Equal(0, march.CreditPercent);
    }

    [Fact]
    public void The_totals_count_an_outage_across_a_month_boundary_once()
    {
        SlaReport report = ReportData.Quarter(CreditSchedule.Parse("99.95:5,99:25"));

        Assert.Equal(3, report.Span.IncidentCount);
        Assert.Equal(TimeSpan.FromSeconds(1170 + 1800 + 1200), report.Span.Downtime);
        Assert.Equal(TimeSpan.FromSeconds(7776), report.AllowedDowntime);
        Assert.Equal(3, report.MonthsMet);
        Assert.Equal(3.33, report.CreditPercentOfFees);
        Assert.Equal("Payments API, 2026-01 to 2026-03: 99.94637% against 99.9%, met 3 of 3 months", report.ToString());
    }

    [Fact]
    public void A_month_below_the_sla_is_missed_and_without_a_schedule_no_credit_is_shown()
    {
        SlaReport report = ReportData.Quarter(sla: 99.95);

        Assert.Equal([false, false, true], report.Months.Select(static month => month.SlaMet));
        Assert.All(report.Months, static month => Assert.Null(month.CreditPercent));
        Assert.Null(report.CreditPercentOfFees);
        Assert.True(report.Months[1].BudgetRemaining < TimeSpan.Zero);
        Assert.Equal(SlaReport.DefaultTitle, SlaReport.Create([], Availability.FromPercent(99.9), SlaPeriod.CalendarMonth(2026, 1), SlaPeriod.CalendarMonth(2026, 1)).Title);
    }

    [Fact]
    public void Bad_arguments_are_refused_naming_the_parameter()
    {
        SlaPeriod january = SlaPeriod.CalendarMonth(2026, 1);
        Availability sla = Availability.FromPercent(99.9);

        Assert.Equal("incidents", Assert.Throws<ArgumentNullException>(() => SlaReport.Create(null!, sla, january, january)).ParamName);
        Assert.Equal("lastMonth", Assert.Throws<ArgumentOutOfRangeException>(() => SlaReport.Create([], sla, january, SlaPeriod.CalendarMonth(2025, 12))).ParamName);
        Assert.Equal("lastMonth", Assert.Throws<ArgumentOutOfRangeException>(() => SlaReport.Create([], sla, january, SlaPeriod.CalendarMonth(2036, 1))).ParamName);
        Assert.Equal("firstMonth", Assert.Throws<ArgumentException>(() => SlaReport.Create([], sla, SlaPeriod.CalendarQuarter(2026, 1), january)).ParamName);
        Assert.Equal("format", Assert.Throws<ArgumentOutOfRangeException>(() => ReportData.Quarter().Render((SlaReportFormat)7)).ParamName);
        Assert.Equal("writer", Assert.Throws<ArgumentNullException>(() => ReportData.Quarter().Write(null!, SlaReportFormat.Json)).ParamName);
        Assert.Equal(120, SlaReport.Create([], sla, january, SlaPeriod.CalendarMonth(2035, 12)).Months.Count);
    }

    [Theory]
    [InlineData(SlaReportFormat.Markdown)]
    [InlineData(SlaReportFormat.Html)]
    [InlineData(SlaReportFormat.Json)]
    public void No_format_prints_a_float_artifact(SlaReportFormat format)
    {
        // 99.9% of a 31-day month is 44m 38.4s; of the quarter 2h 9m 36s; thresholds and credits are exact decimals.
        string text = ReportData.Quarter(CreditSchedule.Parse("99.95:5,99.9:10.5,99:25")).Render(format);

        Assert.DoesNotMatch(FloatArtifact(), Regex.Replace(text, "<svg.*?</svg>", "", RegexOptions.Singleline));
        Assert.Contains("99.9%", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Writes_the_same_text_it_renders()
    {
        SlaReport report = ReportData.Quarter();
        using var writer = new StringWriter();

        report.Write(writer, SlaReportFormat.Markdown);

        Assert.Equal(report.Render(SlaReportFormat.Markdown), writer.ToString());
    }

    // Digits that run on after a decimal point (0.30000000000000004) or an exponent (1E-05).
    [GeneratedRegex(@"\d\.\d*(?:0{6,}|9{6,})\d|\d[eE][-+]\d")]
    private static partial Regex FloatArtifact();
}
