using System.Globalization;

namespace SlaKit.Reports;

/// <summary>
/// An operations report over whole calendar months: for each month the availability against the SLA, the
/// downtime and the budget it left, the incidents and their mean time to recover, whether the SLA was met and
/// the credit owed; totals for the span; and two charts — availability by month against the target, and the
/// error budget burning down over the span. Written as Markdown, a self-contained HTML page, or JSON.
/// </summary>
/// <example>
/// <code>
/// SlaReport report = SlaReport.Create(IncidentCsv.ReadFile("incidents.csv"), Availability.FromPercent(99.9),
///     SlaPeriod.CalendarMonth(2026, 1), SlaPeriod.CalendarMonth(2026, 3),
///     new SlaReportOptions { Credits = CreditSchedule.Parse("99.9:10,99:25,95:100") });
/// File.WriteAllText("q1.html", report.Render(SlaReportFormat.Html));
/// </code>
/// </example>
public sealed class SlaReport
{
    /// <summary>The title used when the options give none: <c>SLA report</c>.</summary>
    public const string DefaultTitle = "SLA report";

    /// <summary>The most months one report covers: 120 (ten years).</summary>
    public const int MaximumMonths = 120;

    private SlaReport(string title, Availability target, CreditSchedule? credits, IReadOnlyList<SlaReportMonth> months, MeasuredAvailability span)
    {
        Title = title;
        Target = target;
        Credits = credits;
        Months = months;
        Span = span;
        AllowedDowntime = TimeSpan.FromTicks(months.Sum(static month => month.AllowedDowntime.Ticks));
    }

    /// <summary>The report's title.</summary>
    public string Title { get; }

    /// <summary>The SLA's availability target, judged per calendar month.</summary>
    public Availability Target { get; }

    /// <summary>The credit schedule, when the report shows credits.</summary>
    public CreditSchedule? Credits { get; }

    /// <summary>The months, in order.</summary>
    public IReadOnlyList<SlaReportMonth> Months { get; }

    /// <summary>The first month.</summary>
    public SlaPeriod FirstMonth => Months[0].Month;

    /// <summary>The last month.</summary>
    public SlaPeriod LastMonth => Months[^1].Month;

    /// <summary>
    /// The whole span measured at once: its availability, downtime and outages (an outage that crosses a month
    /// boundary counts once here, and once in each month it touches).
    /// </summary>
    public MeasuredAvailability Span { get; }

    /// <summary>The downtime the SLA allows over the span: the sum of each month's allowance.</summary>
    public TimeSpan AllowedDowntime { get; }

    /// <summary>How many months met the SLA.</summary>
    public int MonthsMet => Months.Count(static month => month.SlaMet);

    /// <summary>
    /// The credit owed over the span in percent of its fees, when every month's fee is the same: the mean of the
    /// monthly credits, to two decimals; <see langword="null"/> without a credit schedule.
    /// </summary>
    public double? CreditPercentOfFees => Credits is null
        ? null
        : (double)Math.Round(Months.Sum(static month => (decimal)month.CreditPercent!.Value) / Months.Count, 2, MidpointRounding.AwayFromZero);

    /// <summary>Builds the report of the calendar months from <paramref name="firstMonth"/> to <paramref name="lastMonth"/>.</summary>
    /// <param name="incidents">The incidents, in any order; parts outside the span are ignored.</param>
    /// <param name="target">The SLA's availability target.</param>
    /// <param name="firstMonth">The first month (<see cref="SlaPeriod.CalendarMonth(int, int)"/>).</param>
    /// <param name="lastMonth">The last month, inclusive; at most <see cref="MaximumMonths"/> months after the first.</param>
    /// <param name="options">Title, credits and how downtime is counted; <see cref="SlaReportOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="incidents"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A bound is not a calendar month.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lastMonth"/> is before <paramref name="firstMonth"/> or more than <see cref="MaximumMonths"/> months after it.</exception>
    public static SlaReport Create(IEnumerable<Incident> incidents, Availability target, SlaPeriod firstMonth, SlaPeriod lastMonth, SlaReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        options ??= SlaReportOptions.Default;
        if (firstMonth.Kind == SlaPeriodKind.CalendarMonth && lastMonth.Kind == SlaPeriodKind.CalendarMonth)
        {
            DateTimeOffset first = firstMonth.Start!.Value;
            DateTimeOffset last = lastMonth.Start!.Value;
            int count = ((last.Year - first.Year) * 12) + last.Month - first.Month + 1;
            if (count > MaximumMonths)
            {
                throw new ArgumentOutOfRangeException(nameof(lastMonth), lastMonth, $"A report covers at most {MaximumMonths} months.");
            }
        }

        Incident[] all = [.. incidents];
        IReadOnlyList<MeasuredAvailability> measured = AvailabilityMeasurement.MeasureCalendarMonths(all, firstMonth, lastMonth, options.Measurement);
        SlaReportMonth[] months = [.. measured.Select(month => new SlaReportMonth(month, target, options.Credits?.CreditFor(month.Availability)))];
        MeasuredAvailability span = AvailabilityMeasurement.Measure(all, months[0].Measurement.WindowStart, months[^1].Measurement.WindowEnd, options.Measurement);
        string title = string.IsNullOrWhiteSpace(options.Title) ? DefaultTitle : options.Title.Trim();
        return new SlaReport(title, target, options.Credits, months, span);
    }

    /// <summary>The span as people write it: <c>2026-01 to 2026-03</c>, or the month alone.</summary>
    public string SpanName => Months.Count == 1 ? FirstMonth.ToString() : $"{FirstMonth} to {LastMonth}";

    /// <summary>Writes the report in <paramref name="format"/>.</summary>
    /// <param name="format">Markdown, HTML or JSON.</param>
    /// <returns>The report's text.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a defined format.</exception>
    public string Render(SlaReportFormat format) => format switch
    {
        SlaReportFormat.Markdown => SlaReportMarkdown.Render(this),
        SlaReportFormat.Html => SlaReportHtml.Render(this),
        SlaReportFormat.Json => SlaReportJson.Render(this),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown report format."),
    };

    /// <summary>Writes the report in <paramref name="format"/> to <paramref name="writer"/>.</summary>
    /// <param name="writer">Where the report goes.</param>
    /// <param name="format">Markdown, HTML or JSON.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a defined format.</exception>
    public void Write(TextWriter writer, SlaReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Render(format));
    }

    /// <summary>The report in one line: <c>SLA report, 2026-01 to 2026-03: 99.95% against 99.9%, met 2 of 3 months</c>.</summary>
    /// <returns>The summary.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Title}, {SpanName}: {Span.Availability} against {Target}, met {MonthsMet} of {Months.Count} months");
}
