namespace SlaKit.Budgets;

/// <summary>
/// The good and bad events (or, for a time-slice SLO, slices) an <see cref="ErrorBudgetTracker"/>
/// counted over a window.
/// </summary>
public readonly struct SloEventCounts : IEquatable<SloEventCounts>
{
    /// <summary>Creates counts.</summary>
    /// <param name="good">The good events; zero or more.</param>
    /// <param name="bad">The bad events; zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or the two add up to more than <see cref="long.MaxValue"/>.</exception>
    public SloEventCounts(long good, long bad)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(good);
        ArgumentOutOfRangeException.ThrowIfNegative(bad);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(good, long.MaxValue - bad);
        Good = good;
        Bad = bad;
    }

    /// <summary>The good events.</summary>
    public long Good { get; }

    /// <summary>The bad events.</summary>
    public long Bad { get; }

    /// <summary>All events: <see cref="Good"/> + <see cref="Bad"/>.</summary>
    public long Total => Good + Bad;

    /// <summary>The share of events that were bad; 0 when there were none.</summary>
    public double ErrorRatio => Total == 0 ? 0 : (double)((decimal)Bad / Total);

    /// <summary>The burn rate against <paramref name="target"/>: the error ratio over (1 − target); 0 when there were no events.</summary>
    /// <param name="target">The objective; below 100%.</param>
    /// <returns>The burn rate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is 100%.</exception>
    public double BurnRate(Availability target)
    {
        if (target == Availability.Perfect)
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "A target of 100% leaves no error budget to burn.");
        }

        return (double)ErrorBudget.BurnRateExact(Bad, Total, target.UnavailabilityExact);
    }

    /// <summary>The exact burn rate, for comparisons that must not wobble with floating point.</summary>
    internal decimal BurnRateExact(decimal unavailability) => ErrorBudget.BurnRateExact(Bad, Total, unavailability);

    /// <inheritdoc/>
    public bool Equals(SloEventCounts other) => Good == other.Good && Bad == other.Bad;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SloEventCounts other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Good, Bad);

    /// <summary>The counts as <c>3 bad of 1000</c>.</summary>
    /// <returns>The counts' description.</returns>
    public override string ToString() => FormattableString.Invariant($"{Bad} bad of {Total}");

    /// <summary>Whether two counts are equal.</summary>
    /// <param name="left">The first counts.</param>
    /// <param name="right">The second counts.</param>
    /// <returns><see langword="true"/> when they are equal.</returns>
    public static bool operator ==(SloEventCounts left, SloEventCounts right) => left.Equals(right);

    /// <summary>Whether two counts differ.</summary>
    /// <param name="left">The first counts.</param>
    /// <param name="right">The second counts.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(SloEventCounts left, SloEventCounts right) => !left.Equals(right);
}
