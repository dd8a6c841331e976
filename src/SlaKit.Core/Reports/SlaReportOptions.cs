namespace SlaKit.Reports;

/// <summary>What an <see cref="SlaReport"/> says besides the availability of each month.</summary>
public sealed record SlaReportOptions
{
    /// <summary>The options used when none are given: no credits, no title of its own, every second counted.</summary>
    public static SlaReportOptions Default { get; } = new();

    /// <summary>The report's title; <see langword="null"/> (the default) is <c>SLA report</c>.</summary>
    public string? Title { get; init; }

    /// <summary>The SLA's credit schedule; <see langword="null"/> (the default) when the report shows no credits.</summary>
    public CreditSchedule? Credits { get; init; }

    /// <summary>How downtime is counted; <see langword="null"/> (the default) is <see cref="MeasurementOptions.Default"/>.</summary>
    public MeasurementOptions? Measurement { get; init; }

    /// <summary>
    /// For a report of events (<see cref="SlaReport.CreateFromEvents"/>): the time zone whose calendar months the SLO is
    /// judged by, each from local midnight on the first, as a calendar-month SLO's window says
    /// (<c>SloWindow.CalendarMonth(timeZone)</c>). <see langword="null"/> (the default) is UTC. A report of downtime is
    /// always in UTC.
    /// </summary>
    public TimeZoneInfo? TimeZone { get; init; }

    /// <summary>
    /// For a report of events: what the events are called in its tables, a plural noun such as <c>requests</c>, or
    /// <c>slices</c> for a time-slice SLO's slices. <see langword="null"/> (the default) is <c>events</c>.
    /// </summary>
    public string? EventName { get; init; }
}
