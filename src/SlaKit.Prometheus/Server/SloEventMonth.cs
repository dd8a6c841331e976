using SlaKit.Budgets;

namespace SlaKit.Prometheus.Server;

/// <summary>One calendar month of an SLO's events as a Prometheus server counted them: good and bad, across every series.</summary>
public sealed class SloEventMonth
{
    internal SloEventMonth(SlaPeriod month, SloEventCounts events)
    {
        Month = month;
        Events = events;
        Availability = Availability.FromRatio((double)((decimal)events.Good / events.Total));
    }

    /// <summary>The month (UTC).</summary>
    public SlaPeriod Month { get; }

    /// <summary>The good and bad events counted in the month.</summary>
    public SloEventCounts Events { get; }

    /// <summary>The month's availability: good ÷ all.</summary>
    public Availability Availability { get; }
}
