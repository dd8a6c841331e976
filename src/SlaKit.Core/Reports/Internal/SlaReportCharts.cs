using System.Globalization;
using System.Text;

namespace SlaKit.Reports;

/// <summary>
/// The report's two charts as inline SVG: availability by month against the target, and the error budget of
/// the span burning down as outages spend it. Sized by a view box, so they scale to the page.
/// </summary>
internal static class SlaReportCharts
{
    private const int Width = 720;
    private const int Height = 320;
    private const int Left = 72;
    private const int Right = 24;
    private const int Top = 36;
    private const int Bottom = 56;
    private const int PlotWidth = Width - Left - Right;
    private const int PlotHeight = Height - Top - Bottom;

    private const string Ink = "#1c2733";
    private const string Muted = "#5f6b7a";
    private const string Grid = "#e3e7ed";
    private const string Met = "#2e7d32";
    private const string Missed = "#c62828";
    private const string Line = "#1565c0";

    public static string MonthlyAvailability(SlaReport report)
    {
        // The axis runs from a round number below the worst month (or the target) up to 100%, so small
        // differences among high availabilities stay visible.
        decimal worst = Math.Max(report.Target.UnavailabilityExact, report.Months.Max(static month => month.Measurement.Availability.UnavailabilityExact)) * 100m;
        // At most the whole scale: a month below 20% would otherwise put the axis's foot under 0%.
        decimal range = worst == 0m ? 1m : Math.Min(Nice(worst * 1.25m), 100m);
        decimal low = 100m - range;
        decimal step = range / 5m;
        double Y(decimal percent) => Top + ((double)((100m - percent) / range) * PlotHeight);

        var svg = Start("availability-chart", $"Availability by month against the SLA of {report.Target}");
        for (int i = 0; i <= 5; i++)
        {
            decimal value = low + (step * i);
            double y = Y(value);
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{y:0.##}\" x2=\"{Left + PlotWidth}\" y2=\"{y:0.##}\" stroke=\"{Grid}\" stroke-width=\"1\"/>"));
            svg.Append(Invariant($"<text x=\"{Left - 8}\" y=\"{y + 4:0.##}\" text-anchor=\"end\" font-size=\"12\" fill=\"{Muted}\">{ReportText.Percent(value)}</text>"));
        }

        int count = report.Months.Count;
        double slot = (double)PlotWidth / count;
        double barWidth = Math.Min(64, slot * 0.62);
        bool rotate = count > 12;
        for (int i = 0; i < count; i++)
        {
            SlaReportMonth month = report.Months[i];
            decimal percent = 100m - (month.Measurement.Availability.UnavailabilityExact * 100m);
            double x = Left + (slot * i) + ((slot - barWidth) / 2);
            double y = Y(percent);
            double height = Math.Max(Top + PlotHeight - y, 0);
            string fill = month.SlaMet ? Met : Missed;
            string label = month.Measurement.Availability.ToString();
            svg.Append(Invariant($"<rect x=\"{x:0.##}\" y=\"{y:0.##}\" width=\"{barWidth:0.##}\" height=\"{height:0.##}\" fill=\"{fill}\" rx=\"2\"><title>{month.Month}: {label}{(month.SlaMet ? "" : ", below the SLA")}</title></rect>"));
            if (slot >= 44)
            {
                svg.Append(Invariant($"<text x=\"{x + (barWidth / 2):0.##}\" y=\"{Math.Max(y - 6, 12):0.##}\" text-anchor=\"middle\" font-size=\"11\" fill=\"{Ink}\">{label}</text>"));
            }

            double labelX = Left + (slot * i) + (slot / 2);
            svg.Append(rotate
                ? Invariant($"<text transform=\"translate({labelX:0.##} {Top + PlotHeight + 14}) rotate(-45)\" text-anchor=\"end\" font-size=\"11\" fill=\"{Muted}\">{month.Month}</text>")
                : Invariant($"<text x=\"{labelX:0.##}\" y=\"{Top + PlotHeight + 20}\" text-anchor=\"middle\" font-size=\"12\" fill=\"{Muted}\">{month.Month}</text>"));
        }

        decimal targetPercent = 100m - (report.Target.UnavailabilityExact * 100m);
        double targetY = Y(targetPercent);
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{targetY:0.##}\" x2=\"{Left + PlotWidth}\" y2=\"{targetY:0.##}\" stroke=\"{Ink}\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"));
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Top + PlotHeight}\" x2=\"{Left + PlotWidth}\" y2=\"{Top + PlotHeight}\" stroke=\"{Ink}\" stroke-width=\"1\"/>"));
        Legend(svg, [(Met, "met", false), (Missed, "missed", false), (Ink, $"SLA {report.Target}", true)]);
        return svg.Append("</svg>").ToString();
    }

    public static string BudgetBurnDown(SlaReport report)
    {
        var svg = Start("budget-chart", $"Error budget of {report.SpanName} remaining over time");
        DateTimeOffset start = report.Span.WindowStart;
        DateTimeOffset end = report.Span.WindowEnd;
        double X(DateTimeOffset instant) => Left + ((instant - start).Ticks / (double)(end - start).Ticks * PlotWidth);

        if (report.AllowedDowntime <= TimeSpan.Zero || report.AllowedBadEvents is <= 0)
        {
            svg.Append(Invariant($"<text x=\"{Width / 2}\" y=\"{Height / 2}\" text-anchor=\"middle\" font-size=\"14\" fill=\"{Muted}\">A {report.Target} SLA allows no {(report.CountsEvents ? "bad event" : "downtime")}: there is no budget to burn.</text>"));
            return svg.Append("</svg>").ToString();
        }

        var points = new List<(DateTimeOffset At, decimal Remaining)> { (start, 100m) };
        if (report.CountsEvents)
        {
            // The remaining budget in percent of the span's allowance at each month's end; events have no instants here.
            decimal allowedEvents = (decimal)report.AllowedBadEvents!.Value;
            decimal spentEvents = 0m;
            foreach (SlaReportMonth month in report.Months)
            {
                spentEvents += month.BadEvents!.Value;
                points.Add((month.Measurement.WindowEnd, 100m - (spentEvents * 100m / allowedEvents)));
            }
        }
        else
        {
            // The remaining budget in percent of the span's allowance, before and after each outage.
            decimal allowed = report.AllowedDowntime.Ticks;
            decimal spent = 0m;
            foreach (Outage outage in report.Span.Outages)
            {
                points.Add((outage.Start, 100m - (spent * 100m / allowed)));
                spent += outage.Downtime.Ticks;
                points.Add((outage.End, 100m - (spent * 100m / allowed)));
            }

            points.Add((end, 100m - (spent * 100m / allowed)));
        }
        decimal lowest = Math.Min(0m, points.Min(static point => point.Remaining));
        decimal step = Nice((100m - lowest) / 5m);
        decimal low = Math.Floor(lowest / step) * step;
        decimal high = Math.Ceiling(100m / step) * step;
        double Y(decimal percent) => Top + ((double)((high - percent) / (high - low)) * PlotHeight);

        if (low < 0m)
        {
            svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{Y(0m):0.##}\" width=\"{PlotWidth}\" height=\"{Top + PlotHeight - Y(0m):0.##}\" fill=\"{Missed}\" fill-opacity=\"0.07\"/>"));
        }

        for (decimal value = low; value <= high; value += step)
        {
            double y = Y(value);
            string stroke = value == 0m ? Ink : Grid;
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{y:0.##}\" x2=\"{Left + PlotWidth}\" y2=\"{y:0.##}\" stroke=\"{stroke}\" stroke-width=\"1\"/>"));
            svg.Append(Invariant($"<text x=\"{Left - 8}\" y=\"{y + 4:0.##}\" text-anchor=\"end\" font-size=\"12\" fill=\"{Muted}\">{ReportText.Percent(value)}</text>"));
        }

        foreach (SlaReportMonth month in report.Months)
        {
            double x = X(month.Measurement.WindowStart);
            double middle = (x + X(month.Measurement.WindowEnd)) / 2;
            if (month.Measurement.WindowStart > start)
            {
                svg.Append(Invariant($"<line x1=\"{x:0.##}\" y1=\"{Top}\" x2=\"{x:0.##}\" y2=\"{Top + PlotHeight}\" stroke=\"{Grid}\" stroke-width=\"1\"/>"));
            }

            if (report.Months.Count <= 12)
            {
                svg.Append(Invariant($"<text x=\"{middle:0.##}\" y=\"{Top + PlotHeight + 20}\" text-anchor=\"middle\" font-size=\"12\" fill=\"{Muted}\">{month.Month}</text>"));
            }
        }

        svg.Append(Invariant($"<line x1=\"{X(start):0.##}\" y1=\"{Y(100m):0.##}\" x2=\"{X(end):0.##}\" y2=\"{Y(0m):0.##}\" stroke=\"{Muted}\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"));
        svg.Append("<polyline fill=\"none\" stroke=\"").Append(Line).Append("\" stroke-width=\"2.5\" stroke-linejoin=\"round\" points=\"");
        foreach ((DateTimeOffset at, decimal remaining) in points)
        {
            svg.Append(Invariant($"{X(at):0.##},{Y(remaining):0.##} "));
        }

        svg.Length--;
        svg.Append("\"/>");
        decimal final = Math.Round(points[^1].Remaining, 2, MidpointRounding.AwayFromZero);
        Legend(svg, [(Line, $"budget left: {ReportText.Percent(final)} at the end", false), (Muted, "even spend", true)]);
        return svg.Append("</svg>").ToString();
    }

    private static StringBuilder Start(string id, string title)
    {
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-labelledby=\"{id}-title\" font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif\">"));
        svg.Append("<title id=\"").Append(id).Append("-title\">").Append(ReportText.Html(title)).Append("</title>");
        svg.Append(Invariant($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>"));
        return svg;
    }

    private static void Legend(StringBuilder svg, (string Colour, string Label, bool Dashed)[] entries)
    {
        double x = Left;
        foreach ((string colour, string label, bool dashed) in entries)
        {
            svg.Append(dashed
                ? Invariant($"<line x1=\"{x:0.##}\" y1=\"14\" x2=\"{x + 18:0.##}\" y2=\"14\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>")
                : Invariant($"<rect x=\"{x:0.##}\" y=\"8\" width=\"18\" height=\"12\" fill=\"{colour}\" rx=\"2\"/>"));
            svg.Append(Invariant($"<text x=\"{x + 24:0.##}\" y=\"18\" font-size=\"12\" fill=\"{Ink}\">{label}</text>"));
            x += 40 + (label.Length * 7);
        }
    }

    /// <summary>The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least <paramref name="value"/>.</summary>
    internal static decimal Nice(decimal value)
    {
        if (value <= 0m)
        {
            return 1m;
        }

        decimal power = 1m;
        while (power > value && power > 0.000000000000000001m)
        {
            power /= 10m;
        }

        while (power * 10m <= value)
        {
            power *= 10m;
        }

        foreach (decimal multiple in (decimal[])[1m, 2m, 2.5m, 5m, 10m])
        {
            if (power * multiple >= value)
            {
                return power * multiple;
            }
        }

        return power * 10m;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
