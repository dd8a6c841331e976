namespace SlaKit.Budgets;

/// <summary>
/// A service level objective: a name, a target such as 99.9%, the window the target is judged over,
/// and how the error budget is counted.
/// </summary>
/// <example>
/// <code>
/// var checkout = new Slo("checkout", Availability.FromPercent(99.9), SloWindow.Rolling(TimeSpan.FromDays(30)))
/// {
///     LatencyThreshold = TimeSpan.FromMilliseconds(300),
/// };
/// </code>
/// </example>
public sealed class Slo
{
    /// <summary>Creates an SLO.</summary>
    /// <param name="name">The SLO's name, used as the <c>slo</c> tag of its metrics and to match saved state; not blank.</param>
    /// <param name="target">The objective, above 0% and below 100% (100% leaves no budget to spend).</param>
    /// <param name="window">The window the objective is judged over.</param>
    /// <param name="budgetingMethod">How the budget is counted; <see langword="null"/> (the default) is <see cref="SloBudgetingMethod.Events"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, white space, or holds a control character.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="window"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is 0% or 100%.</exception>
    public Slo(string name, Availability target, SloWindow window, SloBudgetingMethod? budgetingMethod = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Any(char.IsControl))
        {
            throw new ArgumentException("An SLO name must not contain control characters: it labels the SLO's metrics and rules.", nameof(name));
        }

        ArgumentNullException.ThrowIfNull(window);
        if (target == Availability.Perfect || target == Availability.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "An SLO target must be above 0% and below 100%.");
        }

        Name = name;
        Target = target;
        Window = window;
        BudgetingMethod = budgetingMethod ?? SloBudgetingMethod.Events;
    }

    /// <summary>The SLO's name.</summary>
    public string Name { get; }

    /// <summary>The objective: the share of events (or time slices) that must be good.</summary>
    public Availability Target { get; }

    /// <summary>The window the objective is judged over.</summary>
    public SloWindow Window { get; }

    /// <summary>How the budget is counted; <see cref="SloBudgetingMethod.Events"/> unless given.</summary>
    public SloBudgetingMethod BudgetingMethod { get; }

    /// <summary>
    /// For a latency SLO, the threshold a request must beat to be good: a request is good when it is
    /// faster than this (the SRE workbook's "sufficiently fast" SLI uses a strict "&lt;").
    /// <see langword="null"/> (the default) when the SLO is not about latency.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public TimeSpan? LatencyThreshold
    {
        get;
        init
        {
            if (value is { } threshold && threshold <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(value), threshold, "A latency threshold must be positive.");
            }

            field = value;
        }
    }

    /// <summary>The SLO as people say it: <c>checkout: 99.9% over 30d</c>.</summary>
    /// <returns>The SLO's description.</returns>
    public override string ToString() => $"{Name}: {Target} over {Window}";
}
