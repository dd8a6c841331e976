namespace SlaKit.Budgets;

/// <summary>
/// An SLO's counted history in bounded memory. It seals the tracker's running totals into minutes and hands each sealed
/// minute to the parts that keep it: the rings of buckets (<see cref="HistoryRings"/>), the month to date for a calendar
/// window (<see cref="MonthToDate"/>), and, for a time-slice SLO, the slice in progress (<see cref="TimeSlice"/>), whose
/// verdicts are what the rings and the month count. Not thread-safe: the tracker serialises access.
/// </summary>
/// <remarks>
/// For an event-based SLO the buckets count events. For a time-slice SLO they count slices: a slice's verdict (one good
/// or one bad) is added to the minute in which the slice ends.
/// </remarks>
internal sealed class BucketHistory
{
    private readonly HistoryRings _rings;
    private readonly MonthToDate? _month;
    private readonly TimeSlice? _slice;

    // The minute whose events are still in the tracker's stripes, and the stripe totals already sealed.
    private long _openMinute;
    private long _sealedGood;
    private long _sealedBad;

    public BucketHistory(Slo slo, TimeSpan span, long openMinute)
    {
        _openMinute = openMinute;
        _rings = new HistoryRings(span, openMinute);
        _month = slo.Window.IsCalendarMonth ? new MonthToDate(slo.Window, openMinute) : null;
        int sliceMinutes = slo.BudgetingMethod.SliceMinutes;
        _slice = sliceMinutes > 0 ? new TimeSlice(sliceMinutes, slo.BudgetingMethod.SliceTarget.UnavailabilityExact) : null;
    }

    private BucketHistory(BucketHistory source)
    {
        _rings = source._rings.Clone();
        _month = source._month?.Clone();
        _slice = source._slice?.Clone();
        _openMinute = source._openMinute;
        _sealedGood = source._sealedGood;
        _sealedBad = source._sealedBad;
    }

    public long OpenMinute => _openMinute;

    public bool CountsSlices => _slice is not null;

    public int SliceMinutes => _slice?.Minutes ?? 0;

    /// <summary>The memory the buckets take, in bytes.</summary>
    public int Bytes => _rings.Bytes;

    /// <summary>The bucket lengths, finest first, in minutes.</summary>
    public IEnumerable<int> BucketMinutes => _rings.BucketMinutes;

    /// <summary>The start of the current calendar month (calendar windows only).</summary>
    public DateTimeOffset MonthStart => _month?.Start ?? default;

    /// <summary>The end of the current calendar month (calendar windows only).</summary>
    public DateTimeOffset MonthEnd => _month?.End ?? default;

    /// <summary>The events of the time slice in progress (sealed minutes only) and the minute it started.</summary>
    public (long StartMinute, long Good, long Bad) OpenSlice =>
        _slice is null ? (_openMinute, 0, 0) : (_slice.StartOf(_openMinute), _slice.Good, _slice.Bad);

    /// <summary>The units counted since the start of the current month (sealed minutes only).</summary>
    public (long Good, long Bad) MonthCounts => _month is null ? (0, 0) : (_month.Good, _month.Bad);

    public static long MinuteOf(DateTimeOffset instant) => instant.UtcTicks / TimeSpan.TicksPerMinute;

    public static DateTimeOffset StartOfMinute(long minute) => new(minute * TimeSpan.TicksPerMinute, TimeSpan.Zero);

    public BucketHistory Clone() => new(this);

    /// <summary>
    /// Brings the history up to <paramref name="nowMinute"/>: the events recorded since the last roll
    /// (the stripe totals minus what was sealed) belong to the minute that was open, and the minutes
    /// between it and now had none. After the wall clock <paramref name="steppedForward"/>, those events
    /// stay pending and belong to the minute now open instead, since some or all of them were recorded after the step.
    /// </summary>
    /// <returns><see langword="true"/> when a minute was sealed.</returns>
    public bool Roll(long nowMinute, long stripeGood, long stripeBad, bool steppedForward = false)
    {
        if (nowMinute <= _openMinute)
        {
            return false;
        }

        long good = 0;
        long bad = 0;
        if (!steppedForward)
        {
            good = stripeGood - _sealedGood;
            bad = stripeBad - _sealedBad;
            _sealedGood = stripeGood;
            _sealedBad = stripeBad;
        }

        SealMinute(_openMinute, good, bad);
        if (_slice is not null)
        {
            EndQuietSlices(_slice, _openMinute + 1, nowMinute - 1);
        }

        _openMinute = nowMinute;

        // Keep the finest ring in step with the clock, so old minutes move to coarser buckets on time.
        _rings.Add(nowMinute - 1, 0, 0);
        _month?.RollTo(nowMinute);
        return true;
    }

    /// <summary>The events still in the stripes, not yet sealed into a minute.</summary>
    public (long Good, long Bad) Pending(long stripeGood, long stripeBad) => (stripeGood - _sealedGood, stripeBad - _sealedBad);

    /// <summary>
    /// The units in every bucket that overlaps the window starting at <paramref name="startMinute"/> and
    /// running to now, plus the open minute's pending events (event-based SLOs only: a slice counts once it ends).
    /// </summary>
    public SloEventCounts Sum(long startMinute, long pendingGood, long pendingBad)
    {
        (long good, long bad) = _rings.Sum(startMinute);
        return CountsSlices ? new SloEventCounts(good, bad) : new SloEventCounts(checked(good + pendingGood), checked(bad + pendingBad));
    }

    /// <summary>The units counted since the start of the current calendar month, with the open minute's pending events.</summary>
    public SloEventCounts MonthToDate(long pendingGood, long pendingBad)
    {
        (long good, long bad) = MonthCounts;
        return CountsSlices ? new SloEventCounts(good, bad) : new SloEventCounts(checked(good + pendingGood), checked(bad + pendingBad));
    }

    /// <summary>Every non-empty bucket, oldest ring first.</summary>
    public IEnumerable<HistoryBucket> Buckets() => _rings.Buckets();

    /// <summary>Adds saved buckets; those that start at or after the open minute are ignored.</summary>
    public void AddSaved(HistoryBucket bucket)
    {
        if (bucket.StartMinute <= _openMinute)
        {
            _rings.Add(bucket.StartMinute, bucket.Good, bucket.Bad);
        }
    }

    /// <summary>Adds a saved month's counts when it is the month in progress.</summary>
    public void AddSavedMonth(DateTimeOffset monthStart, long good, long bad) => _month?.AddSaved(monthStart, good, bad);

    /// <summary>
    /// Adds a saved slice in progress: to the slice in progress when it is the same one, otherwise as
    /// the verdict of a slice that ended while nothing was recording.
    /// </summary>
    public void AddSavedSlice(long startMinute, long good, long bad)
    {
        if (_slice is null)
        {
            return;
        }

        long currentStart = _slice.StartOf(_openMinute);
        if (startMinute == currentStart)
        {
            _slice.Add(good, bad);
        }
        else if (startMinute < currentStart)
        {
            long endMinute = startMinute + _slice.Minutes - 1;
            (long g, long b) = _slice.Verdict(good, bad);
            Count(endMinute, g, b);
        }
    }

    private void SealMinute(long minute, long good, long bad)
    {
        if (_slice is null)
        {
            Count(minute, good, bad);
            return;
        }

        _slice.Add(good, bad);
        if (_slice.EndsWith(minute))
        {
            EndSlice(_slice, minute);
        }
    }

    /// <summary>Ends every slice whose last minute lies in [<paramref name="from"/>, <paramref name="to"/>], minutes that had no events.</summary>
    private void EndQuietSlices(TimeSlice slice, long from, long to)
    {
        long end = slice.StartOf(from) + slice.Minutes - 1;
        if (end > to)
        {
            return;
        }

        // The first carries the events of the minutes sealed before the gap.
        EndSlice(slice, end);
        end += slice.Minutes;

        // Slices older than the history reaches would be dropped at once; skip them.
        long reach = to - _rings.ReachMinutes;
        if (end < reach)
        {
            end += (reach - end) / slice.Minutes * slice.Minutes;
        }

        for (; end <= to; end += slice.Minutes)
        {
            EndSlice(slice, end);
        }
    }

    private void EndSlice(TimeSlice slice, long lastMinute)
    {
        (long good, long bad) = slice.End();
        Count(lastMinute, good, bad);
    }

    /// <summary>Counts units (events, or slice verdicts) of <paramref name="minute"/> in the rings and the month.</summary>
    private void Count(long minute, long good, long bad)
    {
        _rings.Add(minute, good, bad);
        _month?.Add(minute, good, bad);
    }
}
