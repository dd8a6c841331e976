namespace SlaKit.Budgets;

/// <summary>
/// Multi-window, multi-burn-rate alerting: a set of <see cref="BurnRateAlertRule"/>s and a minimum-events
/// guard. <see cref="ForSlo(Slo)"/> gives the SRE workbook's recommended table ("Alerting on SLOs",
/// the multiwindow, multi-burn-rate alerts), which for a 30-day window is: page at 14.4× over 1 h and 5 m,
/// page at 6× over 6 h and 30 m, ticket at 1× over 3 d and 6 h.
/// </summary>
public sealed class BurnRateAlertPolicy
{
    // The workbook derives each burn rate from a share of the budget spent within the long window:
    // 2% in an hour, 5% in six hours, 10% in three days. Keeping those shares is how the table scales to
    // windows other than 30 days.
    private static readonly (AlertSeverity Severity, decimal BudgetShare, TimeSpan Long, TimeSpan Short)[] WorkbookTable =
    [
        (AlertSeverity.Page, 0.02m, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)),
        (AlertSeverity.Page, 0.05m, TimeSpan.FromHours(6), TimeSpan.FromMinutes(30)),
        (AlertSeverity.Ticket, 0.10m, TimeSpan.FromDays(3), TimeSpan.FromHours(6)),
    ];

    private readonly BurnRateAlertRule[] _rules;

    /// <summary>Creates a policy.</summary>
    /// <param name="rules">At least one rule.</param>
    /// <param name="minimumEvents">
    /// The fewest events (slices, for a time-slice SLO) a rule's long window must hold before the rule can
    /// fire, so that a quiet hour with one failure does not page; zero or more.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="rules"/> or one of its rules is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="rules"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimumEvents"/> is negative.</exception>
    public BurnRateAlertPolicy(IEnumerable<BurnRateAlertRule> rules, long minimumEvents)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentOutOfRangeException.ThrowIfNegative(minimumEvents);
        _rules = [.. rules];
        if (_rules.Length == 0)
        {
            throw new ArgumentException("A policy needs at least one rule.", nameof(rules));
        }

        if (Array.IndexOf(_rules, null) >= 0)
        {
            throw new ArgumentNullException(nameof(rules), "A policy's rules cannot be null.");
        }

        MinimumEvents = minimumEvents;
    }

    /// <summary>The rules, in the order they were given.</summary>
    public IReadOnlyList<BurnRateAlertRule> Rules => _rules;

    /// <summary>The fewest events a rule's long window must hold before the rule can fire.</summary>
    public long MinimumEvents { get; }

    /// <summary>The longest window any rule looks at.</summary>
    internal TimeSpan LongestWindow => _rules.Max(static rule => rule.LongWindow);

    /// <summary>Every window the rules look at, shortest first, each once.</summary>
    internal IReadOnlyList<TimeSpan> Windows => [.. _rules.SelectMany(static rule => new[] { rule.ShortWindow, rule.LongWindow }).Distinct().Order()];

    /// <summary>
    /// The SRE workbook's table for <paramref name="slo"/>: for a 30-day window (and a calendar month)
    /// page at 14.4× over 1 h and 5 m, page at 6× over 6 h and 30 m, ticket at 1× over 3 d and 6 h.
    /// </summary>
    /// <remarks>
    /// <para>
    /// For other windows each rule keeps the share of budget it stands for (2%, 5% and 10% of the budget
    /// spent within the long window), so its burn rate is share × window ÷ long window: a 28-day window
    /// pages at 13.44× over 1 h. A rate that would fall below 1× is raised to 1×, since below it the budget
    /// outlasts the window. A long window longer than the SLO's is cut to the SLO's, with a short window a
    /// twelfth of it as the workbook pairs them; two rules of one severity cut to the same one are kept once.
    /// </para>
    /// <para>
    /// The minimum-events guard is, for an event-based SLO, the fewest events at which one bad event alone
    /// stays below the lowest paging burn rate (167 for 99.9%, whose lowest page is 6×); for a time-slice
    /// SLO it is 0. There the budget is time: one bad slice is that much downtime however few events it held, and a
    /// slice whose only request failed is bad. So one bad minute in an otherwise quiet hour spends 1/60 of the hour,
    /// 16.7× the budget's rate at 99.9%, and pages; to page only on busier minutes, count the SLO in events.
    /// </para>
    /// </remarks>
    /// <param name="slo">The SLO.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="slo"/> is <see langword="null"/>.</exception>
    public static BurnRateAlertPolicy ForSlo(Slo slo)
    {
        ArgumentNullException.ThrowIfNull(slo);
        TimeSpan window = slo.Window.NominalLength;
        var rules = new List<BurnRateAlertRule>(WorkbookTable.Length);
        foreach ((AlertSeverity severity, decimal share, TimeSpan longWindow, TimeSpan shortWindow) in WorkbookTable)
        {
            TimeSpan longer = longWindow;
            TimeSpan shorter = shortWindow;
            if (longer > window)
            {
                longer = window;
                shorter = longer / 12;
            }

            decimal rate = Math.Max(1m, share * window.Ticks / longer.Ticks);
            var rule = new BurnRateAlertRule(severity, (double)rate, longer, shorter);

            // In a short SLO window two rows of the table can be cut to the same rule: it is kept once, so that one burn
            // does not raise the same alert twice.
            if (!rules.Exists(r => r.Severity == severity && r.BurnRate == rule.BurnRate && r.LongWindow == longer && r.ShortWindow == shorter))
            {
                rules.Add(rule);
            }
        }

        long minimumEvents = 0;
        if (!slo.BudgetingMethod.IsTimeSlices)
        {
            // One bad event among n is a burn of 1 / (n × (1 − target)); it stays below the rate r while
            // n > 1 / (r × (1 − target)).
            decimal lowestPage = rules.Where(static rule => rule.Severity == AlertSeverity.Page).Min(static rule => (decimal)rule.BurnRate);
            // A target with many nines needs more events than a long counts: no count reaches it, so no page fires early.
            decimal needed = Math.Floor(1m / (lowestPage * slo.Target.UnavailabilityExact)) + 1;
            minimumEvents = needed >= long.MaxValue ? long.MaxValue : (long)needed;
        }

        return new BurnRateAlertPolicy(rules, minimumEvents);
    }

    /// <summary>The alerts active in <paramref name="snapshot"/>: every rule whose burn rate is reached over both its windows.</summary>
    /// <param name="snapshot">A tracker's snapshot.</param>
    /// <returns>The active alerts, in the order of <see cref="Rules"/>; empty when none is.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="snapshot"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<BurnRateAlert> Evaluate(ErrorBudgetSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return Active(EvaluateEach(snapshot.CountsOver, snapshot.Slo.Target));
    }

    /// <summary>Evaluates every rule against counts taken from <paramref name="countsOver"/>: one entry per rule, null where it is not firing.</summary>
    internal BurnRateAlert?[] EvaluateEach(Func<TimeSpan, SloEventCounts> countsOver, Availability target)
    {
        decimal unavailability = target.UnavailabilityExact;
        return Array.ConvertAll(_rules, rule => Check(rule, countsOver, unavailability));
    }

    /// <summary>The alerts among <paramref name="each"/>, in the order of the rules.</summary>
    internal static IReadOnlyList<BurnRateAlert> Active(BurnRateAlert?[] each) => [.. each.OfType<BurnRateAlert>()];

    private BurnRateAlert? Check(BurnRateAlertRule rule, Func<TimeSpan, SloEventCounts> countsOver, decimal unavailability)
    {
        SloEventCounts longCounts = countsOver(rule.LongWindow);
        if (longCounts.Total == 0 || longCounts.Total < MinimumEvents)
        {
            return null;
        }

        var threshold = (decimal)rule.BurnRate;
        decimal longRate = longCounts.BurnRateExact(unavailability);
        if (longRate < threshold)
        {
            return null;
        }

        SloEventCounts shortCounts = countsOver(rule.ShortWindow);
        decimal shortRate = shortCounts.BurnRateExact(unavailability);
        return shortRate < threshold ? null : new BurnRateAlert(rule, longCounts, shortCounts, (double)longRate, (double)shortRate);
    }
}
