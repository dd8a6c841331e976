using System.Globalization;
using System.Xml.Linq;
using SlaKit.Reports;

namespace SlaKit.Tests.Reports;

public sealed class SlaReportChartsTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void The_availability_chart_has_a_bar_a_month_coloured_by_the_sla_and_a_dashed_target_line()
    {
        SlaReport report = ReportData.Quarter(sla: 99.95);
        XElement chart = XElement.Parse(SlaReportCharts.MonthlyAvailability(report));

        XElement[] bars = [.. chart.Elements(Svg + "rect").Where(static rect => rect.Element(Svg + "title") is not null)];
        Assert.Equal(3, bars.Length);
        Assert.Equal(["#c62828", "#c62828", "#2e7d32"], bars.Select(static bar => (string)bar.Attribute("fill")!));
        Assert.Equal("2026-02: 99.90079%, below the SLA", (string)bars[1].Element(Svg + "title")!);

        // The worst month is 0.0992% short: the axis runs from a round 0.2% below 100%, in steps of 0.04%.
        Assert.Equal(["99.8%", "99.84%", "99.88%", "99.92%", "99.96%", "100%"],
            chart.Elements(Svg + "text").Where(static text => (string?)text.Attribute("text-anchor") == "end").Select(static text => text.Value));
        Assert.Contains(chart.Elements(Svg + "text"), static text => text.Value == "100%");
        double top = double.Parse((string)bars[2].Attribute("y")!, CultureInfo.InvariantCulture);
        double height = double.Parse((string)bars[2].Attribute("height")!, CultureInfo.InvariantCulture);
        Assert.Equal(36, top);
        Assert.Equal(228, height);
        Assert.Single(chart.Elements(Svg + "line"), static line => (string?)line.Attribute("stroke-dasharray") == "6 4");
        Assert.Contains(chart.Elements(Svg + "text"), static text => text.Value == "SLA 99.95%");
    }

    [Fact]
    public void A_month_down_throughout_puts_the_axis_from_nought_to_one_hundred_percent_and_its_bar_at_nothing()
    {
        SlaPeriod january = SlaPeriod.CalendarMonth(2026, 1);
        SlaReport report = SlaReport.Create([new Incident(january.Start!.Value, january.End!.Value)], Availability.FromPercent(99.9), january, january);
        XElement chart = XElement.Parse(SlaReportCharts.MonthlyAvailability(report));

        Assert.Equal(["0%", "20%", "40%", "60%", "80%", "100%"],
            chart.Elements(Svg + "text").Where(static text => (string?)text.Attribute("text-anchor") == "end").Select(static text => text.Value));
        XElement bar = Assert.Single(chart.Elements(Svg + "rect"), static rect => rect.Element(Svg + "title") is not null);
        Assert.Equal("0", (string)bar.Attribute("height")!);
    }

    [Fact]
    public void The_budget_chart_steps_down_at_each_outage_and_ends_at_what_is_left()
    {
        SlaReport report = ReportData.Quarter();
        XElement chart = XElement.Parse(SlaReportCharts.BudgetBurnDown(report));

        string[] points = ((string)chart.Element(Svg + "polyline")!.Attribute("points")!).Split(' ');
        Assert.Equal(2 + (2 * 3), points.Length);

        // 4170 s of 7776 s spent: 46.37% left.
        Assert.Contains(chart.Elements(Svg + "text"), static text => text.Value == "budget left: 46.37% at the end");
        Assert.Equal(points[^2].Split(',')[1], points[^1].Split(',')[1]);
    }

    [Fact]
    public void An_overspent_budget_extends_the_axis_below_zero()
    {
        SlaReport report = ReportData.Quarter(sla: 99.97);
        XElement chart = XElement.Parse(SlaReportCharts.BudgetBurnDown(report));

        // 99.97% allows 38m 52.8s over the quarter; 1h 9m 30s were spent: -78.76%, on an axis down to -100%.
        Assert.Contains(chart.Elements(Svg + "text"), static text => text.Value == "budget left: -78.76% at the end");
        Assert.Contains(chart.Elements(Svg + "text"), static text => text.Value == "-100%");
        Assert.Contains(chart.Elements(Svg + "rect"), static rect => (string?)rect.Attribute("fill") == "#c62828" && (string?)rect.Attribute("fill-opacity") == "0.07");
    }

    [Fact]
    public void A_100_percent_sla_has_no_budget_to_draw()
    {
        SlaReport report = ReportData.Quarter(sla: 100);

        string chart = SlaReportCharts.BudgetBurnDown(report);

        Assert.Contains("A 100% SLA allows no downtime: there is no budget to burn.", chart, StringComparison.Ordinal);
        Assert.Null(XElement.Parse(chart).Element(Svg + "polyline"));
    }

    [Theory]
    [InlineData("0.37", "0.5")]
    [InlineData("1", "1")]
    [InlineData("1.01", "2")]
    [InlineData("2.1", "2.5")]
    [InlineData("3", "5")]
    [InlineData("7", "10")]
    [InlineData("0.0125", "0.02")]
    [InlineData("180", "200")]
    public void Axis_ranges_are_round_numbers(string value, string expected) =>
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture),
            SlaReportCharts.Nice(decimal.Parse(value, CultureInfo.InvariantCulture)));
}
