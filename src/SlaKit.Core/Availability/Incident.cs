namespace SlaKit;

/// <summary>
/// A stretch of time when a service was down, or partly down.
/// </summary>
/// <remarks>
/// A partial incident has a <see cref="Weight"/> below 1: an outage of half the traffic for an hour
/// counts as 30 minutes of downtime. Where incidents overlap, the heaviest one active at each
/// instant counts, so overlapping reports of one outage are never counted twice.
/// </remarks>
public readonly record struct Incident
{
    /// <summary>Creates an incident.</summary>
    /// <param name="start">When the incident began.</param>
    /// <param name="end">When the service recovered; not before <paramref name="start"/>.</param>
    /// <param name="weight">How much of the service was down, in (0, 1]; 1 (a full outage) by default.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="end"/> is before <paramref name="start"/>, or <paramref name="weight"/> is outside (0, 1].</exception>
    public Incident(DateTimeOffset start, DateTimeOffset end, double weight = 1.0)
    {
        if (end < start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), end, $"An incident cannot end before it starts ({start:O}).");
        }

        if (double.IsNaN(weight) || weight <= 0 || weight > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "An incident's weight must be in (0, 1].");
        }

        Start = start;
        End = end;
        Weight = weight;
    }

    /// <summary>When the incident began.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>When the service recovered.</summary>
    public DateTimeOffset End { get; }

    /// <summary>How much of the service was down, in (0, 1]; 1 for a full outage.</summary>
    public double Weight { get; }

    /// <summary>How long the incident lasted, <see cref="End"/> − <see cref="Start"/>.</summary>
    public TimeSpan Duration => End - Start;
}
