using System.Text.Json;
using System.Xml.Linq;
using SlaKit.Reports;

namespace SlaKit.Tests.Reports;

public sealed class SlaReportRenderingTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Json_holds_every_figure_as_an_exact_number_and_the_charts_as_svg()
    {
        string text = ReportData.Quarter(CreditSchedule.Parse("99.95:5,99:25")).Render(SlaReportFormat.Json);
        using JsonDocument document = JsonDocument.Parse(text);
        JsonElement root = document.RootElement;

        Assert.Equal("Payments API", root.GetProperty("title").GetString());
        Assert.Equal("2026-01", root.GetProperty("from").GetString());
        Assert.Equal("2026-03", root.GetProperty("to").GetString());
        Assert.Equal("99.9", root.GetProperty("slaPercent").GetRawText());
        Assert.Equal("99.95:5,99:25", root.GetProperty("tiers").GetString());

        JsonElement february = root.GetProperty("months")[1];
        Assert.Equal("2400", february.GetProperty("downtimeSeconds").GetRawText());
        Assert.Equal("40m", february.GetProperty("downtime").GetString());
        Assert.Equal("2419.2", february.GetProperty("allowedDowntimeSeconds").GetRawText());
        Assert.Equal("19.2", february.GetProperty("budgetRemainingSeconds").GetRawText());
        Assert.Equal("1800", february.GetProperty("mttrSeconds").GetRawText());
        Assert.Equal("2", february.GetProperty("incidents").GetRawText());
        Assert.True(february.GetProperty("slaMet").GetBoolean());
        Assert.Equal("5", february.GetProperty("creditPercent").GetRawText());
        Assert.Equal("99.90079%", february.GetProperty("availability").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("months")[2].GetProperty("mttrSeconds").ValueKind);

        JsonElement totals = root.GetProperty("totals");
        Assert.Equal("4170", totals.GetProperty("downtimeSeconds").GetRawText());
        Assert.Equal("7776", totals.GetProperty("allowedDowntimeSeconds").GetRawText());
        Assert.Equal("3", totals.GetProperty("incidents").GetRawText());
        Assert.Equal("3", totals.GetProperty("monthsMet").GetRawText());
        Assert.Equal("0", totals.GetProperty("monthsMissed").GetRawText());
        Assert.Equal("3.33", totals.GetProperty("creditPercentOfFees").GetRawText());

        JsonElement crossing = root.GetProperty("incidents")[1];
        Assert.Equal("2026-01-31T23:50:00Z", crossing.GetProperty("start").GetString());
        Assert.Equal("1800", crossing.GetProperty("durationSeconds").GetRawText());

        Assert.Equal(Svg + "svg", XDocument.Parse(root.GetProperty("charts").GetProperty("availabilityByMonth").GetString()!).Root!.Name);
        Assert.Equal(Svg + "svg", XDocument.Parse(root.GetProperty("charts").GetProperty("errorBudget").GetString()!).Root!.Name);
    }

    [Fact]
    public void Markdown_has_the_summary_a_row_a_month_a_total_row_the_charts_and_the_incidents()
    {
        string text = ReportData.Quarter(CreditSchedule.Parse("99.95:5,99:25"), sla: 99.95).Render(SlaReportFormat.Markdown);

        Assert.StartsWith("# Payments API: 2026-01 to 2026-03\n", text, StringComparison.Ordinal);
        Assert.Contains("| Months meeting the SLA | 1 of 3 |", text, StringComparison.Ordinal);
        Assert.Contains("| 2026-02 | 99.90079% | 40m | 20m 9.6s | -19m 50.4s | 2 | 30m | **missed** | 5% |", text, StringComparison.Ordinal);
        Assert.Contains("| 2026-03 | 100% | 0s | 22m 19.2s | 22m 19.2s | 0 | – | met | 0% |", text, StringComparison.Ordinal);
        Assert.Contains("| **Span** | **99.94637%** | **1h 9m 30s** | **1h 4m 48s** | **-4m 42s** | **3** | **29m 50s** | **1 of 3** | **3.33%** |", text, StringComparison.Ordinal);
        Assert.Contains("| 2 | 2026-01-31 23:50:00 | 2026-02-01 00:20:00 | 30m | 30m |", text, StringComparison.Ordinal);
        Assert.Equal(2, text.Split("<svg ", StringSplitOptions.None).Length - 1);
    }

    [Fact]
    public void Html_is_one_self_contained_page_with_a_print_stylesheet()
    {
        string html = ReportData.Quarter(CreditSchedule.Parse("99.95:5,99:25")).Render(SlaReportFormat.Html);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
        Assert.Contains("@page { size: A4;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);

        // The only address in the page is the SVG namespace, which is a name, not something fetched.
        string withoutNamespace = html.Replace("xmlns=\"http://www.w3.org/2000/svg\"", "", StringComparison.Ordinal);
        Assert.DoesNotContain("http", withoutNamespace, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<td class=\"met\">met</td>", html, StringComparison.Ordinal);
        Assert.Equal(2, html.Split("<figure>", StringSplitOptions.None).Length - 1);
    }

    [Fact]
    public void Html_escapes_the_title()
    {
        SlaReport report = SlaReport.Create([], Availability.FromPercent(99.9), SlaPeriod.CalendarMonth(2026, 1), SlaPeriod.CalendarMonth(2026, 1),
            new SlaReportOptions { Title = "<b>Payments</b> & co" });

        string html = report.Render(SlaReportFormat.Html);

        Assert.Contains("<h1>&lt;b&gt;Payments&lt;/b&gt; &amp; co</h1>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>Payments", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_escapes_html_in_the_title()
    {
        SlaReport report = SlaReport.Create([], Availability.FromPercent(99.9), SlaPeriod.CalendarMonth(2026, 1), SlaPeriod.CalendarMonth(2026, 1),
            new SlaReportOptions { Title = "<img src=x onerror=alert(1)> & | co" });

        string markdown = report.Render(SlaReportFormat.Markdown);

        Assert.StartsWith("# &lt;img src=x onerror=alert(1)&gt; &amp; \\| co: ", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", markdown, StringComparison.Ordinal);
    }
}
