namespace SlaKit.Reports;

/// <summary>One calendar month of an <see cref="SlaReport"/>.</summary>
public sealed class SlaReportMonth
{
    internal SlaReportMonth(MeasuredAvailability measurement, Availability target, double? creditPercent)
    {
        Measurement = measurement;
        Month = measurement.Period!.Value;
        // The window measured: in a report's own time zone, a month with a clock change is an hour longer or shorter.
        AllowedDowntime = target.AllowedDowntimeOver(measurement.WindowLength);
        BudgetRemaining = AllowedDowntime - measurement.Downtime;
        SlaMet = measurement.Meets(target);
        CreditPercent = creditPercent;
    }

    internal SlaReportMonth(MeasuredAvailability measurement, Availability target, double? creditPercent, MonthEvents events)
        : this(measurement, target, creditPercent)
    {
        GoodEvents = events.Good;
        BadEvents = events.Bad;
        AllowedBadEvents = (double)(target.UnavailabilityExact * (events.Good + events.Bad));
    }

    /// <summary>For a report of events: the month's good events; <see langword="null"/> for a report of downtime.</summary>
    public long? GoodEvents { get; }

    /// <summary>For a report of events: the month's bad events; <see langword="null"/> for a report of downtime.</summary>
    public long? BadEvents { get; }

    /// <summary>For a report of events: the bad events the SLA allowed, (1 − target) × all events; <see langword="null"/> for a report of downtime.</summary>
    public double? AllowedBadEvents { get; }

    /// <summary>The month (UTC).</summary>
    public SlaPeriod Month { get; }

    /// <summary>
    /// The month's measurement: availability, downtime, outages, MTTR, MTBF. For a report of events, its availability is
    /// good ÷ all events, its downtime the month's bad share of time (bad ÷ all × the month's length), and it has no outages.
    /// </summary>
    public MeasuredAvailability Measurement { get; }

    /// <summary>
    /// The downtime the SLA allows in this month, over its real length: February has less, and in a report's time zone a
    /// month with a clock change has an hour more or less.
    /// </summary>
    public TimeSpan AllowedDowntime { get; }

    /// <summary>The error budget left at the end of the month: allowed less counted downtime; negative when overspent.</summary>
    public TimeSpan BudgetRemaining { get; }

    /// <summary>Whether the month met the SLA (its availability is at least the target).</summary>
    public bool SlaMet { get; }

    /// <summary>The credit owed for the month, in percent of its fee; <see langword="null"/> when the report has no credit schedule.</summary>
    public double? CreditPercent { get; }
}
