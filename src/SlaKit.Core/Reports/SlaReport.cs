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

    private SlaReport(
        string title, Availability target, CreditSchedule? credits, IReadOnlyList<SlaReportMonth> months, MeasuredAvailability span, TimeZoneInfo? timeZone = null, string? eventName = null)
    {
        TimeZone = timeZone ?? TimeZoneInfo.Utc;
        EventName = string.IsNullOrWhiteSpace(eventName) ? "events" : eventName.Trim();
        Title = title;
        Target = target;
        Credits = credits;
        Months = months;
        Span = span;
        AllowedDowntime = TimeSpan.FromTicks(months.Sum(static month => month.AllowedDowntime.Ticks));
    }

    /// <summary>The time zone whose calendar months the report's months are: UTC but for a report of events given another.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>What a report of events calls its events in its tables: <c>events</c> unless the options said otherwise (<c>slices</c>, <c>requests</c>).</summary>
    public string EventName { get; }

    /// <summary>The time zone as the report names it: <c>UTC</c>, or its identifier, such as <c>Europe/Berlin</c>.</summary>
    internal string TimeZoneName => TimeZone == TimeZoneInfo.Utc || TimeZone.Id == "UTC" || TimeZone.Id == "Etc/UTC" ? "UTC" : TimeZone.Id;

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
    /// <param name="lastMonth">The last month, inclusive; the span is at most <see cref="MaximumMonths"/> months long, both ends counted.</param>
    /// <param name="options">Title, credits and how downtime is counted; <see cref="SlaReportOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="incidents"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A bound is not a calendar month, or the options give a time zone other than UTC (a report of downtime is in UTC).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lastMonth"/> is before <paramref name="firstMonth"/>, or the span would be more than <see cref="MaximumMonths"/> months long.</exception>
    public static SlaReport Create(IEnumerable<Incident> incidents, Availability target, SlaPeriod firstMonth, SlaPeriod lastMonth, SlaReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        options ??= SlaReportOptions.Default;
        if (options.TimeZone is { } zone && !(zone == TimeZoneInfo.Utc || zone.Id is "UTC" or "Etc/UTC"))
        {
            throw new ArgumentException($"A report of downtime is in UTC; the time zone '{zone.Id}' applies to reports of events.", nameof(options));
        }

        if (firstMonth.Kind == SlaPeriodKind.CalendarMonth && lastMonth.Kind == SlaPeriodKind.CalendarMonth)
        {
            if (MonthsSpanned(firstMonth, lastMonth) > MaximumMonths)
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

    /// <summary>
    /// Creates the report of an SLO counted in events (requests, calls) over consecutive calendar months: each month's
    /// availability is its good events ÷ all, the span's the same over all its events. Such a report has no incidents;
    /// its budget is the bad events the SLA allows.
    /// </summary>
    /// <param name="months">Each month's events, the months consecutive and in order.</param>
    /// <param name="target">The SLA's availability target per calendar month.</param>
    /// <param name="options">Title and credits (its measurement options do not apply to events); <see cref="SlaReportOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="months"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// No month is given, a month is not a calendar month or does not follow the one before, a count is negative, or a
    /// month has no event at all (a month without data is not a month of 100%), or the events add up to more than
    /// <see cref="long.MaxValue"/>.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">More than <see cref="MaximumMonths"/> months are given.</exception>
    public static SlaReport CreateFromEvents(IEnumerable<MonthEvents> months, Availability target, SlaReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(months);
        options ??= SlaReportOptions.Default;
        MonthEvents[] all = [.. months];
        if (all.Length == 0)
        {
            throw new ArgumentException("A report needs at least one month.", nameof(months));
        }

        if (all.Length > MaximumMonths)
        {
            throw new ArgumentOutOfRangeException(nameof(months), all.Length, $"A report covers at most {MaximumMonths} months.");
        }

        var reportMonths = new SlaReportMonth[all.Length];
        long good = 0;
        long bad = 0;
        for (int i = 0; i < all.Length; i++)
        {
            MonthEvents month = all[i];
            if (month.Month.Kind != SlaPeriodKind.CalendarMonth)
            {
                throw new ArgumentException($"'{month.Month}' is not a calendar month.", nameof(months));
            }

            if (i > 0 && month.Month.Start != all[i - 1].Month.End)
            {
                throw new ArgumentException($"'{month.Month}' is not the calendar month after '{all[i - 1].Month}'; the months must be consecutive.", nameof(months));
            }

            if (month.Good < 0 || month.Bad < 0 || month.Good + month.Bad == 0)
            {
                throw new ArgumentException($"{month.Month} has {month.Good} good and {month.Bad} bad events: each month needs at least one event and no negative count.", nameof(months));
            }

            // Every count is zero or more, and the months before passed this check: good + bad holds.
            if (month.Good > long.MaxValue - month.Bad || good + bad > long.MaxValue - month.Good - month.Bad)
            {
                throw new ArgumentException($"{month.Month}'s events ({month.Good} good, {month.Bad} bad) take the report's count of events past {long.MaxValue}.", nameof(months));
            }

            (DateTimeOffset monthStart, DateTimeOffset monthEnd) = LocalMonth(month.Month, options.TimeZone);
            MeasuredAvailability measured = EventMeasurement(monthStart, monthEnd, month.Month, month.Bad, month.Good + month.Bad);
            reportMonths[i] = new SlaReportMonth(measured, target, options.Credits?.CreditFor(measured.Availability), month);
            good += month.Good;
            bad += month.Bad;
        }

        MeasuredAvailability span = EventMeasurement(reportMonths[0].Measurement.WindowStart, reportMonths[^1].Measurement.WindowEnd, null, bad, good + bad);
        string title = string.IsNullOrWhiteSpace(options.Title) ? DefaultTitle : options.Title.Trim();
        return new SlaReport(title, target, options.Credits, reportMonths, span, options.TimeZone, options.EventName);
    }

    /// <summary>How many calendar months run from <paramref name="firstMonth"/> to <paramref name="lastMonth"/>, both counted.</summary>
    internal static int MonthsSpanned(SlaPeriod firstMonth, SlaPeriod lastMonth)
    {
        DateTimeOffset first = firstMonth.Start!.Value;
        DateTimeOffset last = lastMonth.Start!.Value;
        return ((last.Year - first.Year) * 12) + last.Month - first.Month + 1;
    }

    /// <summary>Whether the report counts events (<see cref="CreateFromEvents"/>) rather than downtime.</summary>
    public bool CountsEvents => Months[0].GoodEvents is not null;

    /// <summary>For a report of events: the bad events the SLA allowed over the span (each month's allowance added up); otherwise <see langword="null"/>.</summary>
    public double? AllowedBadEvents => CountsEvents ? Months.Sum(static month => month.AllowedBadEvents!.Value) : null;

    /// <summary>For a report of events: the span's bad events; otherwise <see langword="null"/>.</summary>
    public long? BadEvents => CountsEvents ? Months.Sum(static month => month.BadEvents!.Value) : null;

    /// <summary>For a report of events: the span's good events; otherwise <see langword="null"/>.</summary>
    public long? GoodEvents => CountsEvents ? Months.Sum(static month => month.GoodEvents!.Value) : null;

    /// <summary>
    /// Where the calendar month <paramref name="month"/> (named as in UTC) starts and ends in <paramref name="timeZone"/>:
    /// local midnight on its first and on the next month's first (where a clock change skips midnight, the first local time
    /// after it; where midnight happens twice, the first of the two, as an SLO's calendar-month window takes it); UTC's own
    /// bounds when there is no zone.
    /// </summary>
    /// <param name="month">A calendar month, such as <c>SlaPeriod.CalendarMonth(2026, 10)</c>.</param>
    /// <param name="timeZone">The time zone; <see langword="null"/> is UTC.</param>
    /// <returns>The month's first instant and the next month's first instant.</returns>
    /// <exception cref="ArgumentException"><paramref name="month"/> is not a calendar month.</exception>
    public static (DateTimeOffset Start, DateTimeOffset End) LocalMonth(SlaPeriod month, TimeZoneInfo? timeZone)
    {
        if (month.Kind != SlaPeriodKind.CalendarMonth)
        {
            throw new ArgumentException($"'{month}' is not a calendar month.", nameof(month));
        }

        if (timeZone is null)
        {
            return (month.Start!.Value, month.End!.Value);
        }

        DateTime first = month.Start!.Value.UtcDateTime;
        DateTime local = new(first.Year, first.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        return (LocalTime.FirstInstant(local, timeZone), LocalTime.FirstInstant(local.AddMonths(1), timeZone));
    }

    /// <summary>A window whose availability is good ÷ all events: its downtime is the bad share of its length, without outages.</summary>
    private static MeasuredAvailability EventMeasurement(DateTimeOffset start, DateTimeOffset end, SlaPeriod? period, long bad, long total) =>
        new(start, end, period, [], (decimal)bad / total * (end - start).Ticks);

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
