namespace SlaKit.Regions;

/// <summary>
/// Orders a client's regions for one request: a due trial of a region that was down first (only for requests safe
/// to repeat), then the available regions by priority — Healthy before Degraded within a priority, shared by
/// weight or by latency, except that a region Degraded only by its own failures ranks with the Healthy ones for
/// <see cref="DegradedShare"/> of the requests — then recovered regions still on standby; and only when none of those exists, every
/// region in priority order but those inside the Retry-After they answered with ("panic" mode: better to try than to
/// fail without trying, though not where asked to wait). Unhealthy regions and overdue
/// ones (see <see cref="TrackedRegion.MarkOverdue"/>) are left out until then.
/// </summary>
internal static class RegionSelector
{
    /// <summary>The most regions a <see cref="PlanKey(ReadOnlySpan{SelectionView}, bool)"/> describes: two bits each in 64.</summary>
    public const int MaxKeyedRegions = 32;

    /// <summary>
    /// The part of the requests for which a region Degraded only by its own failures ranks with the Healthy regions of its
    /// priority. Ranked behind them always, an active-active peer that failed once would get no request, so no success to
    /// heal it, and its peers would carry all of its traffic for good.
    /// </summary>
    public const double DegradedShare = 0.25;

    /// <summary>Builds the attempt order.</summary>
    /// <param name="regions">The client's regions.</param>
    /// <param name="now">The current time.</param>
    /// <param name="allowTrial">Whether this request may serve as a trial of a recovering region.</param>
    /// <param name="mode">How regions of one priority share traffic.</param>
    /// <param name="maxAttempts">The most regions to return, besides a trial.</param>
    /// <param name="random">The source of randomness for weighted order.</param>
    /// <param name="hedgedTrials">
    /// Whether a trial is hedged at once to the regions after it (HTTP), so that it may go to any region that was down,
    /// a backup or an active-active peer included. Otherwise (a SIP request, which waits on its first region) only a
    /// region better than every available one gets a trial, since it is put first.
    /// </param>
    /// <returns>The plan; when <see cref="RegionPlan.IsTrial"/> its first region's trial slot is claimed.</returns>
    public static RegionPlan Plan(IReadOnlyList<TrackedRegion> regions, DateTimeOffset now, bool allowTrial, RegionSelectionMode mode, int maxAttempts, Random random, bool hedgedTrials)
    {
        var views = new SelectionView[regions.Count];
        Read(regions, now, views);
        return Plan(regions, views, now, allowTrial, mode, maxAttempts, random, hedgedTrials);
    }

    /// <summary>Reads each region's state at <paramref name="now"/> into <paramref name="views"/>, one view a region.</summary>
    public static void Read(IReadOnlyList<TrackedRegion> regions, DateTimeOffset now, Span<SelectionView> views)
    {
        for (int i = 0; i < regions.Count; i++)
        {
            views[i] = regions[i].ViewAt(now);
        }
    }

    /// <summary>
    /// Builds the attempt order from <paramref name="views"/>, the regions' states as <see cref="Read"/> took them: a plan
    /// and the <see cref="PlanKey(ReadOnlySpan{SelectionView}, bool)"/> it is cached under must come from one reading,
    /// or a region that changed in between would leave a plan under a key that does not describe it.
    /// </summary>
    /// <inheritdoc cref="Plan(IReadOnlyList{TrackedRegion}, DateTimeOffset, bool, RegionSelectionMode, int, Random, bool)"/>
    public static RegionPlan Plan(
        IReadOnlyList<TrackedRegion> regions, ReadOnlySpan<SelectionView> views, DateTimeOffset now, bool allowTrial, RegionSelectionMode mode, int maxAttempts, Random random, bool hedgedTrials)
    {
        int count = regions.Count;
        // Available regions first, then standby; the order key keeps priority first.
        var candidates = new List<(TrackedRegion State, int Priority, int Rank, double Tiebreak)>(count);
        int bestAvailablePriority = int.MaxValue;
        for (int i = 0; i < count; i++)
        {
            SelectionView view = views[i];
            // An overdue region is left out like an Unhealthy one until its late attempt ends: it is not down, but it
            // must not hold up the next request, nor make every request a hedged one while it is out.
            if (view.Health == RegionHealth.Unhealthy || view.IsOverdue)
            {
                continue;
            }

            TrackedRegion state = regions[i];
            int rank = view.IsStandby ? 2
                : view.Health != RegionHealth.Degraded ? 0
                : view.IsDegradedByFailures && random.NextDouble() < DegradedShare ? 0
                : 1;
            if (!view.IsStandby)
            {
                bestAvailablePriority = Math.Min(bestAvailablePriority, state.Region.Priority);
            }

            candidates.Add((state, state.Region.Priority, rank, Tiebreak(state, mode, random)));
        }

        // Standby regions come after every preferred one, whatever their priority.
        candidates.Sort(static (a, b) =>
        {
            int standby = (a.Rank == 2).CompareTo(b.Rank == 2);
            if (standby != 0)
            {
                return standby;
            }

            int byPriority = a.Priority.CompareTo(b.Priority);
            if (byPriority != 0)
            {
                return byPriority;
            }

            int byRank = a.Rank.CompareTo(b.Rank);
            return byRank != 0 ? byRank : a.Tiebreak.CompareTo(b.Tiebreak);
        });

        var order = new List<TrackedRegion>(count);
        bool isTrial = false;
        if (allowTrial)
        {
            // With hedged trials every region that was down is tried again once its break is over, the most preferred
            // first: a better one to take its traffic back, and one no better than what serves (an active-active peer,
            // a backup) so that it is known to be up again before it is needed. Left untried, such a region would come
            // back only once every other region had failed, and a request failing where the others serve would have
            // nowhere to go. A trial that is not hedged holds its request up, so only a better region is worth one.
            int trialBelow = hedgedTrials ? int.MaxValue : bestAvailablePriority;
            TrackedRegion? trial = null;
            for (int i = 0; i < count; i++)
            {
                if (views[i].CanTrial && regions[i].Region.Priority < trialBelow &&
                    (trial is null || regions[i].Region.Priority < trial.Region.Priority))
                {
                    trial = regions[i];
                }
            }

            if (trial is not null && trial.TryBeginTrial(now))
            {
                order.Add(trial);
                isTrial = true;
            }
        }

        foreach ((TrackedRegion state, _, _, _) in candidates)
        {
            order.Add(state);
        }

        if (candidates.Count == 0)
        {
            // Panic mode: every region is Unhealthy or overdue, so try them all in priority order, except those inside the
            // Retry-After they answered with (RFC 9110 §10.2.3): they asked for no requests until then. When every region
            // asked that, the plan is empty, and the request fails without being sent anywhere.
            var all = new List<TrackedRegion>(count);
            for (int i = 0; i < count; i++)
            {
                if (!views[i].AskedToWait)
                {
                    all.Add(regions[i]);
                }
            }

            all.Sort(static (a, b) => a.Region.Priority.CompareTo(b.Region.Priority));
            foreach (TrackedRegion state in all)
            {
                if (!order.Contains(state))
                {
                    order.Add(state);
                }
            }
        }

        // A trial rides beside the request's own attempts and does not count against them: cut to one region, a plan
        // would otherwise hold the region that was down alone, and the caller would wait on it.
        int limit = isTrial ? maxAttempts + 1 : maxAttempts;
        if (order.Count > limit)
        {
            order.RemoveRange(limit, order.Count - limit);
        }

        return new RegionPlan(order, isTrial);
    }

    /// <summary>
    /// The plan every request gets while all regions are up, when no two regions share a priority: all of them in
    /// priority order, at most <paramref name="maxAttempts"/>. <see langword="null"/> when priorities are shared, since
    /// then each request draws its own order by weight or latency.
    /// </summary>
    /// <remarks>Built once per client so that a request in steady state needs no sorting and no allocation.</remarks>
    public static RegionPlan? SteadyPlan(IReadOnlyList<TrackedRegion> regions, int maxAttempts)
    {
        var order = new TrackedRegion[regions.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = regions[i];
        }

        Array.Sort(order, static (a, b) => a.Region.Priority.CompareTo(b.Region.Priority));
        for (int i = 1; i < order.Length; i++)
        {
            if (order[i].Region.Priority == order[i - 1].Region.Priority)
            {
                return null;
            }
        }

        // Stryker disable once Equality : equivalent; at equal lengths the slice holds the same regions.
        return new RegionPlan(order.Length > maxAttempts ? order[..maxAttempts] : order, IsTrial: false);
    }

    /// <summary>
    /// What <see cref="Plan(IReadOnlyList{TrackedRegion}, DateTimeOffset, bool, RegionSelectionMode, int, Random, bool)"/> depends on when no two regions share a priority (so no order is drawn by weight or
    /// latency): which regions are Unhealthy or overdue and which are on standby, two bits a region. 0 means every region is up,
    /// the <see cref="SteadyPlan"/>; with distinct priorities, Healthy against Degraded does not change the order,
    /// since it only ranks regions of one priority. <see langword="null"/> when no plan may be reused: a region is due
    /// for a trial this request may claim, or there are more regions than the key has bits for.
    /// </summary>
    public static ulong? PlanKey(IReadOnlyList<TrackedRegion> regions, DateTimeOffset now, bool allowTrial)
    {
        if (regions.Count > MaxKeyedRegions)
        {
            return null;
        }

        Span<SelectionView> views = stackalloc SelectionView[regions.Count];
        Read(regions, now, views);
        return PlanKey(views, allowTrial);
    }

    /// <summary>The plan key of the regions whose states are <paramref name="views"/>; see <see cref="PlanKey(IReadOnlyList{TrackedRegion}, DateTimeOffset, bool)"/>.</summary>
    public static ulong? PlanKey(ReadOnlySpan<SelectionView> views, bool allowTrial)
    {
        if (views.Length > MaxKeyedRegions)
        {
            return null;
        }

        ulong key = 0;
        for (int i = 0; i < views.Length; i++)
        {
            SelectionView view = views[i];
            if (allowTrial && view.CanTrial)
            {
                return null;
            }

            ulong bits = (view.Health == RegionHealth.Unhealthy || view.IsOverdue ? 1UL : 0UL) | (view.IsStandby ? 2UL : 0UL);
            // Stryker disable once Assignment : equivalent; each region's two bits are its own, so OR and XOR agree.
            key |= bits << (2 * i);
        }

        return key;
    }

    private static double Tiebreak(TrackedRegion state, RegionSelectionMode mode, Random random)
    {
        if (mode == RegionSelectionMode.LatencyAware)
        {
            // The region's average over every answer, whatever its latency class, not the class of any one request:
            // plans are made and reused before a request's class matters, and the regions ranked here share the same
            // mix of requests, so the mix weighs on each alike (see TrackedRegion.RecordLatency).
            double average = state.Latency.AverageMilliseconds;
            // Unmeasured regions are tried first, to learn their latency.
            // Stryker disable once Conditional : equivalent; NaN sorts before every number in CompareTo, as 0 does before every latency.
            return double.IsNaN(average) ? 0 : average;
        }

        // Weighted random order without replacement (Efraimidis–Spirakis): sort by −ln(u) / w ascending,
        // so a region of weight w comes first with probability w / Σw, as RFC 2782 asks of SRV weights.
        return -Math.Log(1 - random.NextDouble()) / state.Region.Weight;
    }
}
