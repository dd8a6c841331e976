using System.Globalization;

namespace SlaKit.Budgets;

/// <summary>
/// An error budget worked out from counts: how much failure a target allows, how much of it was
/// spent and how much is left. The arithmetic is decimal, so 99.9% of a million events allows exactly
/// 1000 bad ones.
/// </summary>
/// <remarks>
/// For an event-based SLO the budget is (1 − target) × the events seen, as in the SRE workbook's
/// "error budget = 1 − SLO" of eligible events. For a time-slice SLO the units are slices and the budget
/// is (1 − target) × all the slices of the window, so it is known from the start like a downtime allowance.
/// </remarks>
public sealed class ErrorBudget
{
    private readonly decimal _budget;
    private readonly decimal _unavailability;

    private ErrorBudget(Availability target, decimal budget, long totalEvents, long badEvents)
    {
        Target = target;
        _unavailability = target.UnavailabilityExact;
        _budget = budget;
        TotalEvents = totalEvents;
        BadEvents = badEvents;
    }

    /// <summary>The target the budget follows from.</summary>
    public Availability Target { get; }

    /// <summary>All events counted (for a time-slice SLO, the slices that have ended).</summary>
    public long TotalEvents { get; }

    /// <summary>The bad events (or bad slices) among them.</summary>
    public long BadEvents { get; }

    /// <summary>The good events (or good slices): <see cref="TotalEvents"/> − <see cref="BadEvents"/>.</summary>
    public long GoodEvents => TotalEvents - BadEvents;

    /// <summary>How many bad events the target allows: (1 − target) × the events (or slices) in the window.</summary>
    public double BudgetEvents => (double)_budget;

    /// <summary>How many of them were spent: the bad events.</summary>
    public long ConsumedEvents => BadEvents;

    /// <summary>How many are left: <see cref="BudgetEvents"/> − <see cref="ConsumedEvents"/>, negative when overspent.</summary>
    public double RemainingEvents => (double)(_budget - BadEvents) is var remaining && remaining == 0 ? 0 : remaining;

    /// <summary>
    /// The share of the budget spent: 0 when nothing was, 1 when all of it was, above 1 when overspent;
    /// <see cref="double.PositiveInfinity"/> when bad events were seen against an empty budget.
    /// </summary>
    public double ConsumedFraction => BadEvents == 0 ? 0 : _budget == 0 ? double.PositiveInfinity : (double)(BadEvents / _budget);

    /// <summary>
    /// The share of the budget left: 1 − <see cref="ConsumedFraction"/>, negative when overspent
    /// (−0.5 means half a budget too much was spent).
    /// </summary>
    public double RemainingFraction => BadEvents == 0 ? 1 : _budget == 0 ? double.NegativeInfinity : (double)(1m - (BadEvents / _budget));

    /// <summary>The share of events that were bad; 0 when there were none.</summary>
    public double ErrorRatio => TotalEvents == 0 ? 0 : (double)((decimal)BadEvents / TotalEvents);

    /// <summary>
    /// How fast the budget is being spent: the error ratio over (1 − target). At 1 the budget lasts
    /// exactly the window; at 14.4 a 30-day budget is gone in 50 hours.
    /// </summary>
    // Stryker disable once Conditional : equivalent; BurnRateExact also answers 0 for no events.
    public double BurnRate => TotalEvents == 0 ? 0 : (double)BurnRateExact(BadEvents, TotalEvents, _unavailability);

    /// <summary>
    /// The budget of <paramref name="totalEvents"/> events of which <paramref name="badEvents"/> were bad,
    /// against <paramref name="target"/>.
    /// </summary>
    /// <param name="target">The objective; below 100%.</param>
    /// <param name="totalEvents">All events; zero or more.</param>
    /// <param name="badEvents">The bad ones; from zero to <paramref name="totalEvents"/>.</param>
    /// <returns>The budget.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="target"/> is 100%, a count is negative, or <paramref name="badEvents"/> exceeds <paramref name="totalEvents"/>.
    /// </exception>
    public static ErrorBudget FromEvents(Availability target, long totalEvents, long badEvents)
    {
        RequireBudget(target);
        ArgumentOutOfRangeException.ThrowIfNegative(totalEvents);
        ArgumentOutOfRangeException.ThrowIfNegative(badEvents);
        if (badEvents > totalEvents)
        {
            throw new ArgumentOutOfRangeException(nameof(badEvents), badEvents, $"The bad events cannot exceed the total ({totalEvents}).");
        }

        return new ErrorBudget(target, target.UnavailabilityExact * totalEvents, totalEvents, badEvents);
    }

    /// <summary>A time-slice budget: (1 − target) × every slice of the window, of which some have ended.</summary>
    internal static ErrorBudget FromSlices(Availability target, long slicesInWindow, long endedSlices, long badSlices) =>
        new(target, target.UnavailabilityExact * slicesInWindow, endedSlices, badSlices);

    /// <summary>The burn rate as an exact decimal: (bad / total) / (1 − target).</summary>
    internal static decimal BurnRateExact(long bad, long total, decimal unavailability) =>
        total == 0 ? 0m : bad / (total * unavailability);

    private static void RequireBudget(Availability target, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(target))] string? paramName = null)
    {
        if (target == Availability.Perfect)
        {
            throw new ArgumentOutOfRangeException(paramName, target, "A target of 100% leaves no error budget.");
        }
    }

    /// <summary>The budget as people say it: <c>250 of 1000 spent (25%), 750 left</c>.</summary>
    /// <returns>The budget's description.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{BadEvents} of {Availability.Normalize(_budget)} spent ({ConsumedFraction * 100:0.#}%), {Availability.Normalize(_budget - BadEvents)} left");
}
