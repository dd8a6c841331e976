namespace SlaKit;

/// <summary>The availability a service achieved over a window, measured from its incidents.</summary>
public sealed class MeasuredAvailability
{
    internal MeasuredAvailability(DateTimeOffset windowStart, DateTimeOffset windowEnd, SlaPeriod? period, IReadOnlyList<Outage> outages, decimal downtimeTicks)
    {
        WindowStart = windowStart;
        WindowEnd = windowEnd;
        Period = period;
        Outages = outages;
        decimal windowTicks = (windowEnd - windowStart).Ticks;
        Availability = Availability.FromUnavailability(downtimeTicks / windowTicks);
        Downtime = TimeSpan.FromTicks((long)Math.Round(downtimeTicks, MidpointRounding.AwayFromZero));

        if (outages.Count > 0)
        {
            long outageTicks = 0;
            foreach (Outage outage in outages)
            {
                outageTicks += outage.Duration.Ticks;
            }

            Mttr = TimeSpan.FromTicks(outageTicks / outages.Count);
            Mtbf = TimeSpan.FromTicks((WindowLength.Ticks - outageTicks) / outages.Count);
        }
    }

    /// <summary>The first instant of the window.</summary>
    public DateTimeOffset WindowStart { get; }

    /// <summary>The instant after the window (exclusive).</summary>
    public DateTimeOffset WindowEnd { get; }

    /// <summary>The window's length.</summary>
    public TimeSpan WindowLength => WindowEnd - WindowStart;

    /// <summary>The calendar period measured, when the window was given as one.</summary>
    public SlaPeriod? Period { get; }

    /// <summary>The availability achieved: 1 − downtime / window length.</summary>
    public Availability Availability { get; }

    /// <summary>The downtime counted within the window (weighted by each incident's share of the service).</summary>
    public TimeSpan Downtime { get; }

    /// <summary>The outages counted, after merging overlapping incidents and clipping them to the window, in time order.</summary>
    public IReadOnlyList<Outage> Outages { get; }

    /// <summary>How many outages were counted.</summary>
    public int IncidentCount => Outages.Count;

    /// <summary>Mean time to recover: the mean duration of the counted outages; <see langword="null"/> when there were none.</summary>
    public TimeSpan? Mttr { get; }

    /// <summary>
    /// Mean time between failures: the window's up time (its length less the outages' durations) divided by
    /// the number of outages; <see langword="null"/> when there were none.
    /// </summary>
    public TimeSpan? Mtbf { get; }

    /// <summary>Whether the measured availability meets <paramref name="target"/> (is at least as high).</summary>
    /// <param name="target">The SLA's availability target.</param>
    /// <returns><see langword="true"/> when the target was met.</returns>
    public bool Meets(Availability target) => Availability >= target;
}
