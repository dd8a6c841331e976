using System.Text.Json;
using SlaKit.Budgets;
using SlaKit.Reports;

namespace SlaKit.Tests.Reports;

/// <summary>The report of an SLO counted in events: availability is good ÷ all, the budget is bad events, and nothing speaks of incidents.</summary>
public sealed class EventReportTests
{
    private static readonly SlaPeriod September = SlaPeriod.CalendarMonth(2026, 9);
    private static readonly SlaPeriod October = SlaPeriod.CalendarMonth(2026, 10);

    private static SlaReport Report() => SlaReport.CreateFromEvents(
        [new MonthEvents(September, 1999, 1), new MonthEvents(October, 1000, 450)],
        Availability.FromPercent(99.9),
        new SlaReportOptions { Credits = CreditSchedule.Parse("99.9:10,99:25") });

    [Fact]
    public void Each_month_and_the_span_are_good_over_all_events_with_the_credit_the_tiers_give()
    {
        SlaReport report = Report();

        Assert.True(report.CountsEvents);
        Assert.Equal(0.9995, report.Months[0].Measurement.Availability.Ratio, 12);
        Assert.Equal(1000.0 / 1450, report.Months[1].Measurement.Availability.Ratio, 12);
        Assert.Equal(2999.0 / 3450, report.Span.Availability.Ratio, 12);
        Assert.Equal([true, false], report.Months.Select(m => m.SlaMet));
        Assert.Equal([0, 25], report.Months.Select(m => m.CreditPercent));
        Assert.Equal(2.0, report.Months[0].AllowedBadEvents!.Value, 9);
        Assert.Equal(1.45, report.Months[1].AllowedBadEvents!.Value, 9);
        Assert.Equal(451, report.BadEvents);
        Assert.Empty(report.Span.Outages);
    }

    [Fact]
    public void Markdown_and_html_show_events_in_place_of_downtime_and_json_says_its_basis()
    {
        SlaReport report = Report();

        string markdown = report.Render(SlaReportFormat.Markdown);
        Assert.Contains("| Month | Availability | Good events | Bad events | Bad allowed | Budget left | SLA | Credit |", markdown, StringComparison.Ordinal);
        Assert.Equal("| 2026-10 | 68.97% | 1000 | 450 | 1.45 | -448.55 | **missed** | 25% |", markdown.Split('\n').Single(line => line.StartsWith("| 2026-10", StringComparison.Ordinal)));
        Assert.Contains("has no incidents", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("MTTR", markdown, StringComparison.Ordinal);

        string html = report.Render(SlaReportFormat.Html);
        Assert.Contains("<th>Good events</th>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<th>MTTR</th>", html, StringComparison.Ordinal);

        using JsonDocument json = JsonDocument.Parse(report.Render(SlaReportFormat.Json));
        Assert.Equal("events", json.RootElement.GetProperty("basis").GetString());
        JsonElement october = json.RootElement.GetProperty("months")[1];
        Assert.Equal(450, october.GetProperty("badEvents").GetInt64());
        Assert.Equal(1000, october.GetProperty("goodEvents").GetInt64());
        Assert.Equal(1.45, october.GetProperty("allowedBadEvents").GetDouble(), 9);
        Assert.Equal(451, json.RootElement.GetProperty("totals").GetProperty("badEvents").GetInt64());
    }

    [Fact]
    public void An_event_name_with_a_pipe_or_markup_is_escaped_in_every_markdown_table()
    {
        SlaReport report = SlaReport.CreateFromEvents(
            [new MonthEvents(September, 10, 0)], Availability.FromPercent(99.9), new SlaReportOptions { EventName = "a|b <i>x</i>" });

        string markdown = report.Render(SlaReportFormat.Markdown);

        Assert.Contains("| Bad a\\|b &lt;i&gt;x&lt;/i&gt; | 0 |", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("<i>", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_report_of_downtime_says_its_basis_and_has_no_event_figures()
    {
        SlaReport report = SlaReport.Create([], Availability.FromPercent(99.9), September, September);

        Assert.False(report.CountsEvents);
        Assert.Null(report.BadEvents);
        using JsonDocument json = JsonDocument.Parse(report.Render(SlaReportFormat.Json));
        Assert.Equal("downtime", json.RootElement.GetProperty("basis").GetString());
        Assert.False(json.RootElement.GetProperty("months")[0].TryGetProperty("badEvents", out _));
    }

    [Fact]
    public void Months_without_events_out_of_order_or_negative_are_refused_naming_the_months()
    {
        Availability target = Availability.FromPercent(99.9);
        Assert.Equal("months", Assert.Throws<ArgumentException>(() => SlaReport.CreateFromEvents([], target)).ParamName);
        Assert.Equal("months", Assert.Throws<ArgumentException>(() => SlaReport.CreateFromEvents([new MonthEvents(September, 0, 0)], target)).ParamName);
        Assert.Equal("months", Assert.Throws<ArgumentException>(() => SlaReport.CreateFromEvents([new MonthEvents(September, -1, 5)], target)).ParamName);
        Assert.Equal("months", Assert.Throws<ArgumentException>(
            () => SlaReport.CreateFromEvents([new MonthEvents(October, 1, 0), new MonthEvents(September, 1, 0)], target)).ParamName);
        Assert.Equal("months", Assert.Throws<ArgumentException>(() => SlaReport.CreateFromEvents([new MonthEvents(SlaPeriod.Month(), 1, 0)], target)).ParamName);
        Assert.Throws<ArgumentNullException>(() => SlaReport.CreateFromEvents(null!, target));
    }

    [Fact]
    public void A_time_zone_moves_the_months_of_a_report_of_events_and_is_refused_for_one_of_downtime()
    {
        TimeZoneInfo berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        SlaReport report = SlaReport.CreateFromEvents([new MonthEvents(October, 10, 0)], Availability.FromPercent(99.9), new SlaReportOptions { TimeZone = berlin });

        // October in Berlin: from 1 October 00:00 (UTC+2, summer time) to 1 November 00:00 (UTC+1, after the clocks went back).
        Assert.Equal(new DateTimeOffset(2026, 9, 30, 22, 0, 0, TimeSpan.Zero), report.Months[0].Measurement.WindowStart);
        Assert.Equal(new DateTimeOffset(2026, 10, 31, 23, 0, 0, TimeSpan.Zero), report.Months[0].Measurement.WindowEnd);
        Assert.Contains("per calendar month (Europe/Berlin)", report.Render(SlaReportFormat.Markdown), StringComparison.Ordinal);

        Assert.Equal("options", Assert.Throws<ArgumentException>(
            () => SlaReport.Create([], Availability.FromPercent(99.9), September, September, new SlaReportOptions { TimeZone = berlin })).ParamName);
        Assert.Equal("UTC", SlaReport.Create([], Availability.FromPercent(99.9), September, September, new SlaReportOptions { TimeZone = TimeZoneInfo.Utc }).TimeZone.Id);
    }

    [Theory]
    [InlineData(2020)]
    [InlineData(2026)]
    public void A_month_whose_first_midnight_happens_twice_starts_at_the_first_in_the_report_and_the_slo_window_alike(int year)
    {
        // Havana goes back from 01:00 summer time (UTC−4) to 00:00 standard time (UTC−5) on the first Sunday of November,
        // which in 2020 and 2026 is 1 November: its midnight happens at 04:00 UTC and again at 05:00 UTC.
        TimeZoneInfo havana = TimeZoneInfo.FindSystemTimeZoneById("America/Havana");
        var first = new DateTimeOffset(year, 11, 1, 4, 0, 0, TimeSpan.Zero);
        SlaReport report = SlaReport.CreateFromEvents(
            [new MonthEvents(SlaPeriod.CalendarMonth(year, 10), 10, 0), new MonthEvents(SlaPeriod.CalendarMonth(year, 11), 10, 0)],
            Availability.FromPercent(99.9),
            new SlaReportOptions { TimeZone = havana });
        SloWindow window = SloWindow.CalendarMonth(havana);

        Assert.Equal(first, report.Months[0].Measurement.WindowEnd);
        Assert.Equal(first, report.Months[1].Measurement.WindowStart);
        Assert.Equal((first, new DateTimeOffset(year, 12, 1, 5, 0, 0, TimeSpan.Zero)), SlaReport.LocalMonth(SlaPeriod.CalendarMonth(year, 11), havana));
        Assert.Equal(first, window.StartAt(first.AddMinutes(30)));
        Assert.Equal(first, window.StartAt(first.AddMinutes(90)));
        Assert.Equal(first, window.EndAt(first.AddTicks(-1)));
    }

    [Theory]
    [InlineData(3)] // the clocks go forward: 31 days less an hour
    [InlineData(10)] // the clocks go back: 31 days and an hour
    public void A_month_with_a_clock_change_is_allowed_downtime_over_its_own_length_so_a_month_just_on_target_has_none_overspent(int month)
    {
        TimeZoneInfo berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        SlaReport report = SlaReport.CreateFromEvents(
            [new MonthEvents(SlaPeriod.CalendarMonth(2026, month), 999, 1)], Availability.FromPercent(99.9), new SlaReportOptions { TimeZone = berlin });

        SlaReportMonth reported = report.Months[0];
        Assert.True(reported.SlaMet);
        Assert.Equal(reported.Measurement.WindowLength / 1000, reported.AllowedDowntime);
        Assert.Equal(TimeSpan.Zero, reported.BudgetRemaining);
    }

    [Fact]
    public void Events_that_add_up_past_the_largest_count_are_refused_naming_the_months()
    {
        Availability target = Availability.FromPercent(99.9);
        Assert.Equal("months", Assert.Throws<ArgumentException>(() => SlaReport.CreateFromEvents([new MonthEvents(September, long.MaxValue, 1)], target)).ParamName);
        Assert.Equal("months", Assert.Throws<ArgumentException>(
            () => SlaReport.CreateFromEvents([new MonthEvents(September, long.MaxValue / 2, 0), new MonthEvents(October, 0, long.MaxValue / 2 + 2)], target)).ParamName);
        Assert.Equal(long.MaxValue, SlaReport.CreateFromEvents([new MonthEvents(September, long.MaxValue - 1, 1)], target).Months[0].GoodEvents + 1);
    }

    [Fact]
    public void The_bad_events_allowed_keep_every_digit_of_a_target_near_one_hundred_percent()
    {
        SlaReport report = SlaReport.CreateFromEvents(
            [new MonthEvents(September, 100_000_000_000_000_000, 0)], Availability.FromNines(16));

        Assert.Equal(10.0, report.Months[0].AllowedBadEvents!.Value, 9);
    }
}
