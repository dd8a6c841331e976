namespace SlaKit;

/// <summary>
/// Measures the availability a service achieved from its incidents, over a window or per calendar month.
/// </summary>
/// <remarks>
/// Incidents are clipped to the window, and overlapping or touching incidents are merged into one
/// outage, so a window never counts the same minute twice. Measuring each calendar month on its own
/// is what a monthly SLA promises: one bad outage cannot be diluted by a good rest of the year.
/// </remarks>
public static class AvailabilityMeasurement
{
    /// <summary>Measures the availability over the window [<paramref name="windowStart"/>, <paramref name="windowEnd"/>).</summary>
    /// <param name="incidents">The incidents, in any order; parts outside the window are ignored.</param>
    /// <param name="windowStart">The first instant of the window.</param>
    /// <param name="windowEnd">The instant after the window; after <paramref name="windowStart"/>.</param>
    /// <param name="options">How to count downtime; <see cref="MeasurementOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The measurement.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="incidents"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="windowEnd"/> is not after <paramref name="windowStart"/>.</exception>
    public static MeasuredAvailability Measure(IEnumerable<Incident> incidents, DateTimeOffset windowStart, DateTimeOffset windowEnd, MeasurementOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        if (windowEnd <= windowStart)
        {
            throw new ArgumentOutOfRangeException(nameof(windowEnd), windowEnd, $"The window must end after it starts ({windowStart:O}).");
        }

        return MeasureCore(incidents, windowStart, windowEnd, null, options ?? MeasurementOptions.Default);
    }

    /// <summary>Measures the availability over a calendar month, quarter or year.</summary>
    /// <param name="incidents">The incidents, in any order; parts outside the period are ignored.</param>
    /// <param name="period">A calendar period (<see cref="SlaPeriod.IsCalendar"/>).</param>
    /// <param name="options">How to count downtime; <see cref="MeasurementOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The measurement.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="incidents"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="period"/> is not a calendar period.</exception>
    public static MeasuredAvailability Measure(IEnumerable<Incident> incidents, SlaPeriod period, MeasurementOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        RequireCalendar(period, nameof(period));
        return MeasureCore(incidents, period.Start!.Value, period.End!.Value, period, options ?? MeasurementOptions.Default);
    }

    /// <summary>
    /// Measures each calendar month from <paramref name="firstMonth"/> to <paramref name="lastMonth"/>
    /// inclusive, each on its own.
    /// </summary>
    /// <param name="incidents">The incidents, in any order.</param>
    /// <param name="firstMonth">The first month (<see cref="SlaPeriod.CalendarMonth(int, int)"/>).</param>
    /// <param name="lastMonth">The last month; not before <paramref name="firstMonth"/>.</param>
    /// <param name="options">How to count downtime; <see cref="MeasurementOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>One measurement per month, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="incidents"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A bound is not a calendar month.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lastMonth"/> is before <paramref name="firstMonth"/>.</exception>
    public static IReadOnlyList<MeasuredAvailability> MeasureCalendarMonths(IEnumerable<Incident> incidents, SlaPeriod firstMonth, SlaPeriod lastMonth, MeasurementOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        RequireCalendarMonth(firstMonth, nameof(firstMonth));
        RequireCalendarMonth(lastMonth, nameof(lastMonth));
        if (lastMonth.Start < firstMonth.Start)
        {
            throw new ArgumentOutOfRangeException(nameof(lastMonth), lastMonth, $"The last month must not be before the first ({firstMonth}).");
        }

        Incident[] all = incidents.ToArray();
        options ??= MeasurementOptions.Default;
        var months = new List<MeasuredAvailability>();
        foreach (SlaPeriod month in SlaPeriod.Through(firstMonth, lastMonth))
        {
            months.Add(MeasureCore(all, month.Start!.Value, month.End!.Value, month, options));
        }

        return months;
    }

    private static void RequireCalendar(SlaPeriod period, string paramName)
    {
        if (!period.IsCalendar)
        {
            throw new ArgumentException($"A calendar month, quarter or year is required, not '{period}'.", paramName);
        }
    }

    private static void RequireCalendarMonth(SlaPeriod period, string paramName)
    {
        if (period.Kind != SlaPeriodKind.CalendarMonth)
        {
            throw new ArgumentException($"A calendar month is required, not '{period}'.", paramName);
        }
    }

    private static MeasuredAvailability MeasureCore(IEnumerable<Incident> incidents, DateTimeOffset windowStart, DateTimeOffset windowEnd, SlaPeriod? period, MeasurementOptions options)
    {
        var clipped = new List<Incident>();
        foreach (Incident incident in incidents)
        {
            DateTimeOffset start = incident.Start > windowStart ? incident.Start : windowStart;
            DateTimeOffset end = incident.End < windowEnd ? incident.End : windowEnd;
            if (end > start)
            {
                clipped.Add(new Incident(start, end, incident.Weight));
            }
        }

        clipped.Sort(static (a, b) => a.Start.CompareTo(b.Start));

        var outages = new List<Outage>();
        decimal downtimeTicks = 0m;
        int groupStart = 0;
        while (groupStart < clipped.Count)
        {
            // Incidents that overlap or touch form one outage.
            DateTimeOffset groupEnd = clipped[groupStart].End;
            int next = groupStart + 1;
            while (next < clipped.Count && clipped[next].Start <= groupEnd)
            {
                if (clipped[next].End > groupEnd)
                {
                    groupEnd = clipped[next].End;
                }

                next++;
            }

            List<Incident> group = clipped.GetRange(groupStart, next - groupStart);
            DateTimeOffset groupBegin = group[0].Start;
            long durationTicks = (groupEnd - groupBegin).Ticks;
            decimal weightedTicks = WeightedTicks(group);

            if (options.WholeMinutesOnly)
            {
                durationTicks -= durationTicks % TimeSpan.TicksPerMinute;
                weightedTicks -= weightedTicks % TimeSpan.TicksPerMinute;
            }

            // An outage a minute long or more stays an outage (for MTTR and MTBF) even when its weighted downtime rounds
            // down to no whole minute: a long partial outage is still an incident.
            if (durationTicks > 0)
            {
                outages.Add(new Outage(groupBegin, groupEnd, TimeSpan.FromTicks(durationTicks),
                    TimeSpan.FromTicks((long)Math.Round(weightedTicks, MidpointRounding.AwayFromZero))));
                downtimeTicks += weightedTicks;
            }

            groupStart = next;
        }

        return new MeasuredAvailability(windowStart, windowEnd, period, outages, downtimeTicks);
    }

    /// <summary>
    /// The downtime of one merged outage: each instant counts with the heaviest weight among the
    /// incidents active then (a sweep over start and end points).
    /// </summary>
    private static decimal WeightedTicks(List<Incident> group)
    {
        bool allFull = group.TrueForAll(static incident => incident.Weight == 1.0);
        if (allFull)
        {
            return (group.Max(static incident => incident.End) - group[0].Start).Ticks;
        }

        var points = new List<(DateTimeOffset At, double Weight, bool Starts)>(group.Count * 2);
        foreach (Incident incident in group)
        {
            points.Add((incident.Start, incident.Weight, true));
            points.Add((incident.End, incident.Weight, false));
        }

        points.Sort(static (a, b) => a.At.CompareTo(b.At));
        var active = new SortedDictionary<double, int>();
        decimal total = 0m;
        DateTimeOffset previous = points[0].At;
        foreach ((DateTimeOffset at, double weight, bool starts) in points)
        {
            if (active.Count > 0 && at > previous)
            {
                total += (at - previous).Ticks * (decimal)active.Keys.Last();
            }

            previous = at;
            if (starts)
            {
                active[weight] = active.GetValueOrDefault(weight) + 1;
            }
            else if (--active[weight] == 0)
            {
                active.Remove(weight);
            }
        }

        return total;
    }
}
