namespace SlaKit.Budgets;

/// <summary>
/// An SLO's error budget at one instant, taken by <see cref="ErrorBudgetTracker.GetSnapshot"/>: the budget
/// over the SLO's window, and the counts, error ratio and burn rate over any shorter window. It is a copy:
/// later recording does not change it.
/// </summary>
/// <remarks>
/// Windows are measured to the bucket: a window counts every bucket it overlaps, so it may reach back up
/// to one bucket further than its length — a minute within the last six hours, ten minutes within three
/// days, an hour (longer for windows over about 42 days) beyond.
/// </remarks>
public sealed class ErrorBudgetSnapshot
{
    private readonly BucketHistory _history;
    private readonly long _pendingGood;
    private readonly long _pendingBad;

    // An event-based budget over a calendar month is (1 − target) × the events of the month so far: it grows as
    // events come in, instead of covering a window that is already full.
    private readonly bool _budgetGrowsWithTraffic;

    internal ErrorBudgetSnapshot(Slo slo, DateTimeOffset timestamp, BucketHistory history, long pendingGood, long pendingBad)
    {
        Slo = slo;
        Timestamp = timestamp;
        _history = history;
        _pendingGood = pendingGood;
        _pendingBad = pendingBad;

        SloWindow window = slo.Window;
        SloEventCounts counts;
        if (window.IsCalendarMonth)
        {
            WindowStart = history.MonthStart;
            WindowEnd = history.MonthEnd;
            counts = history.MonthToDate(pendingGood, pendingBad);
        }
        else
        {
            WindowStart = window.StartAt(timestamp);
            WindowEnd = timestamp.ToUniversalTime();
            counts = CountsOver(window.NominalLength);
        }

        WindowLength = WindowEnd - WindowStart;
        SloBudgetingMethod method = slo.BudgetingMethod;
        _budgetGrowsWithTraffic = window.IsCalendarMonth && !method.IsTimeSlices;
        Budget = method.IsTimeSlices
            ? ErrorBudget.FromSlices(slo.Target, WindowLength.Ticks / method.SliceLength.Ticks, counts.Total, counts.Bad)
            : ErrorBudget.FromEvents(slo.Target, counts.Total, counts.Bad);
    }

    /// <summary>The SLO.</summary>
    public Slo Slo { get; }

    /// <summary>
    /// When the snapshot was taken, by the tracker's clock: the wall clock, except while a wall clock stepped back has
    /// not caught up with the latest time the tracker reached (see <see cref="ErrorBudgetTracker"/>).
    /// </summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The start of the SLO's window: <see cref="Timestamp"/> minus the length, or the start of the calendar month (UTC).</summary>
    public DateTimeOffset WindowStart { get; }

    /// <summary>The end of the SLO's window: <see cref="Timestamp"/> for a rolling window, the end of the calendar month (UTC, exclusive) for a month.</summary>
    public DateTimeOffset WindowEnd { get; }

    /// <summary>The budget over the SLO's window: for a calendar month, the month so far.</summary>
    public ErrorBudget Budget { get; }

    /// <summary>The projected exhaustion at the burn rate of the last hour; see <see cref="ProjectedExhaustion(TimeSpan)"/>.</summary>
    public DateTimeOffset? ProjectedExhaustionAtOneHourBurnRate => ProjectedExhaustion(TimeSpan.FromHours(1));

    /// <summary>The projected exhaustion at the burn rate of the last six hours; see <see cref="ProjectedExhaustion(TimeSpan)"/>.</summary>
    public DateTimeOffset? ProjectedExhaustionAtSixHourBurnRate => ProjectedExhaustion(TimeSpan.FromHours(6));

    private TimeSpan WindowLength { get; }

    /// <summary>The good and bad events (slices, for a time-slice SLO) over the <paramref name="window"/> that ends at <see cref="Timestamp"/>.</summary>
    /// <param name="window">The window's length; positive, at most 366 days.</param>
    /// <returns>The counts, to the bucket.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not positive or longer than 366 days.</exception>
    public SloEventCounts CountsOver(TimeSpan window)
    {
        if (window <= TimeSpan.Zero || window > SloWindow.MaximumLength)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "A window must be positive and at most 366 days long.");
        }

        long startTicks = Math.Max(0, Timestamp.UtcTicks - window.Ticks);
        return _history.Sum(startTicks / TimeSpan.TicksPerMinute, _pendingGood, _pendingBad);
    }

    /// <summary>The share of events that were bad over <paramref name="window"/>; 0 when there were none.</summary>
    /// <param name="window">The window's length; positive, at most 366 days.</param>
    /// <returns>The error ratio.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is out of range.</exception>
    public double ErrorRatio(TimeSpan window) => CountsOver(window).ErrorRatio;

    /// <summary>The burn rate over <paramref name="window"/>: its error ratio over (1 − target); 0 when there were no events.</summary>
    /// <param name="window">The window's length; positive, at most 366 days.</param>
    /// <returns>The burn rate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is out of range.</exception>
    public double BurnRate(TimeSpan window) => CountsOver(window).BurnRate(Slo.Target);

    /// <summary>
    /// When the budget runs out if events keep coming as they did over <paramref name="burnRateWindow"/>; now, if it is
    /// spent already.
    /// For a rolling window, and for a time-slice SLO, the budget is taken to stay the size it is: a burn rate of 1
    /// spends a whole budget in the SLO's window, so what is left lasts remaining fraction × window ÷ burn rate
    /// (for a calendar month, the month's real length). For an event-based SLO over a calendar month the budget is
    /// (1 − target) × the events of the month so far, so it grows with traffic: what is left lasts
    /// remaining bad events ÷ (bad-event rate − (1 − target) × event rate), both rates measured over
    /// <paramref name="burnRateWindow"/>, and it never runs out while that difference is zero or less (a burn
    /// rate of 1 or below). The projection may lie past the month's end, when the budget starts afresh.
    /// </summary>
    /// <param name="burnRateWindow">The window the burn rate is measured over; positive, at most 366 days.</param>
    /// <returns>
    /// The projected instant; <see cref="Timestamp"/> when the budget is already spent, whatever burns now;
    /// <see langword="null"/> when nothing is burning, or, for an event-based SLO over a calendar month, when the budget grows at least
    /// as fast as it is spent.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="burnRateWindow"/> is out of range.</exception>
    public DateTimeOffset? ProjectedExhaustion(TimeSpan burnRateWindow)
    {
        SloEventCounts counts = CountsOver(burnRateWindow);

        // Spent already, whatever burns now (with no bad event at all, nothing is spent, even of an empty budget).
        if (Budget.BadEvents > 0 && Budget.RemainingFraction <= 0)
        {
            return Timestamp;
        }

        double ticks;
        if (_budgetGrowsWithTraffic)
        {
            // The bad events of the burn window beyond what its own events add to the budget.
            decimal excess = counts.Bad - (Slo.Target.UnavailabilityExact * counts.Total);
            if (excess <= 0)
            {
                return null;
            }

            ticks = Budget.RemainingEvents * burnRateWindow.Ticks / (double)excess;
        }
        else
        {
            double burnRate = counts.BurnRate(Slo.Target);
            if (burnRate <= 0)
            {
                return null;
            }

            ticks = Budget.RemainingFraction * WindowLength.Ticks / burnRate;
        }

        long room = DateTimeOffset.MaxValue.UtcTicks - Timestamp.UtcTicks;
        // Stryker disable once Equality : equivalent; at equality Timestamp plus the room is DateTimeOffset.MaxValue itself.
        return ticks >= room ? DateTimeOffset.MaxValue : Timestamp + TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The snapshot as a person reads it: the SLO and its budget.</summary>
    /// <returns>The snapshot's description.</returns>
    public override string ToString() => $"{Slo} at {Timestamp:O}: {Budget}";
}
