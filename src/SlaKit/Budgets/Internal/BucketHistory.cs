namespace SlaKit.Budgets;

/// <summary>
/// An SLO's counted history in bounded memory: one-minute buckets for the last six hours (so the
/// 5-minute, 30-minute, 1-hour and 6-hour alert windows are exact to the minute), ten-minute buckets
/// back to three days, and hourly (or, for windows longer than about 42 days, longer) buckets beyond.
/// A bucket that falls off the end of a finer ring is added to the coarser one, so every count lives in
/// exactly one bucket. Not thread-safe: the tracker serialises access.
/// </summary>
/// <remarks>
/// For an event-based SLO the buckets count events. For a time-slice SLO they count slices: a slice's
/// verdict (one good or one bad) is added to the minute in which the slice ends.
/// </remarks>
internal sealed class BucketHistory
{
    public const int MediumMinutes = 10;

    private static readonly TimeSpan FineSpan = TimeSpan.FromHours(6);
    private static readonly TimeSpan MediumSpan = TimeSpan.FromDays(3);
    private const int MaxCoarseBuckets = 1024;

    private readonly HistoryTier[] _tiers;
    private readonly SloWindow _window;
    private readonly int _sliceMinutes;
    private readonly decimal _sliceAllowance;

    // The minute whose events are still in the tracker's stripes, and the stripe totals already sealed.
    private long _openMinute;
    private long _sealedGood;
    private long _sealedBad;

    // Events of the time slice in progress, from the minutes already sealed.
    private long _sliceGood;
    private long _sliceBad;

    // Units counted since the start of the current calendar month (calendar windows only).
    private long _monthStartTicks;
    private long _monthEndTicks;
    private long _monthGood;
    private long _monthBad;

    public BucketHistory(Slo slo, TimeSpan span, long openMinute)
    {
        _window = slo.Window;
        _sliceMinutes = slo.BudgetingMethod.SliceMinutes;
        _sliceAllowance = slo.BudgetingMethod.SliceTarget.UnavailabilityExact;
        _openMinute = openMinute;
        _tiers = CreateTiers(span, openMinute);
        if (_window.IsCalendarMonth)
        {
            StartMonthAt(openMinute);
        }
    }

    private BucketHistory(BucketHistory source)
    {
        _tiers = Array.ConvertAll(source._tiers, static tier => tier.Clone());
        _window = source._window;
        _sliceMinutes = source._sliceMinutes;
        _sliceAllowance = source._sliceAllowance;
        _openMinute = source._openMinute;
        _sealedGood = source._sealedGood;
        _sealedBad = source._sealedBad;
        _sliceGood = source._sliceGood;
        _sliceBad = source._sliceBad;
        _monthStartTicks = source._monthStartTicks;
        _monthEndTicks = source._monthEndTicks;
        _monthGood = source._monthGood;
        _monthBad = source._monthBad;
    }

    public long OpenMinute => _openMinute;

    public bool CountsSlices => _sliceMinutes > 0;

    public int SliceMinutes => _sliceMinutes;

    /// <summary>The memory the buckets take, in bytes.</summary>
    public int Bytes => _tiers.Sum(static tier => tier.Bytes);

    /// <summary>The bucket lengths, finest first, in minutes.</summary>
    public IEnumerable<int> BucketMinutes => _tiers.Select(static tier => tier.MinutesPerBucket);

    public DateTimeOffset MonthStart => new(_monthStartTicks, TimeSpan.Zero);

    public DateTimeOffset MonthEnd => new(_monthEndTicks, TimeSpan.Zero);

    public static long MinuteOf(DateTimeOffset instant) => instant.UtcTicks / TimeSpan.TicksPerMinute;

    public static DateTimeOffset StartOfMinute(long minute) => new(minute * TimeSpan.TicksPerMinute, TimeSpan.Zero);

    public BucketHistory Clone() => new(this);

    /// <summary>
    /// Brings the history up to <paramref name="nowMinute"/>: the events recorded since the last roll
    /// (the stripe totals minus what was sealed) belong to the minute that was open, and the minutes
    /// between it and now had none.
    /// </summary>
    /// <returns><see langword="true"/> when a minute was sealed.</returns>
    public bool Roll(long nowMinute, long stripeGood, long stripeBad)
    {
        if (nowMinute <= _openMinute)
        {
            return false;
        }

        long good = stripeGood - _sealedGood;
        long bad = stripeBad - _sealedBad;
        _sealedGood = stripeGood;
        _sealedBad = stripeBad;
        SealMinute(_openMinute, good, bad);
        if (CountsSlices)
        {
            EndQuietSlices(_openMinute + 1, nowMinute - 1);
        }

        _openMinute = nowMinute;

        // Keep the finest ring in step with the clock, so old minutes move to coarser buckets on time.
        AddToTier(0, nowMinute - 1, 0, 0);
        if (_window.IsCalendarMonth && StartOfMinute(nowMinute).UtcTicks >= _monthEndTicks)
        {
            StartMonthAt(nowMinute);
        }

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
        long good = CountsSlices ? 0 : pendingGood;
        long bad = CountsSlices ? 0 : pendingBad;

        // A ring holds only data older than the finer ring's oldest minute, so its buckets past that are
        // empty; reading stops there, and stops altogether once a ring reaches back to the window's start.
        long upperMinute = long.MaxValue;
        foreach (HistoryTier tier in _tiers)
        {
            long first = Math.Max(tier.Oldest, tier.IndexOf(Math.Max(startMinute, 0)));
            long last = upperMinute == long.MaxValue ? tier.Newest : Math.Min(tier.Newest, tier.IndexOf(upperMinute - 1));
            for (long index = first; index <= last; index++)
            {
                (long g, long b) = tier.Get(index);
                good += g;
                bad += b;
            }

            if (startMinute >= tier.OldestMinute)
            {
                break;
            }

            upperMinute = Math.Min(upperMinute, tier.OldestMinute);
        }

        return new SloEventCounts(good, bad);
    }

    /// <summary>The units counted since the start of the current calendar month, with the open minute's pending events.</summary>
    public SloEventCounts MonthToDate(long pendingGood, long pendingBad) => CountsSlices
        ? new SloEventCounts(_monthGood, _monthBad)
        : new SloEventCounts(_monthGood + pendingGood, _monthBad + pendingBad);

    /// <summary>Every non-empty bucket, oldest ring first.</summary>
    public IEnumerable<HistoryBucket> Buckets()
    {
        for (int level = _tiers.Length - 1; level >= 0; level--)
        {
            HistoryTier tier = _tiers[level];
            for (long index = tier.Oldest; index <= tier.Newest; index++)
            {
                (long good, long bad) = tier.Get(index);
                if (good != 0 || bad != 0)
                {
                    yield return new HistoryBucket(index * tier.MinutesPerBucket, tier.MinutesPerBucket, good, bad);
                }
            }
        }
    }

    /// <summary>The events of the time slice in progress (sealed minutes only) and the minute it started.</summary>
    public (long StartMinute, long Good, long Bad) OpenSlice =>
        (_openMinute - (_openMinute % Math.Max(_sliceMinutes, 1)), _sliceGood, _sliceBad);

    /// <summary>The units counted since the start of the current month (sealed minutes only).</summary>
    public (long Good, long Bad) MonthCounts => (_monthGood, _monthBad);

    /// <summary>Adds saved buckets; those that start at or after the open minute are ignored.</summary>
    public void AddSaved(HistoryBucket bucket)
    {
        if (bucket.StartMinute <= _openMinute)
        {
            AddToTier(0, bucket.StartMinute, bucket.Good, bucket.Bad);
        }
    }

    /// <summary>Adds a saved month's counts when it is the month in progress.</summary>
    public void AddSavedMonth(DateTimeOffset monthStart, long good, long bad)
    {
        if (_window.IsCalendarMonth && monthStart.UtcTicks == _monthStartTicks)
        {
            _monthGood += good;
            _monthBad += bad;
        }
    }

    /// <summary>
    /// Adds a saved slice in progress: to the slice in progress when it is the same one, otherwise as
    /// the verdict of a slice that ended while nothing was recording.
    /// </summary>
    public void AddSavedSlice(long startMinute, long good, long bad)
    {
        if (!CountsSlices)
        {
            return;
        }

        long currentStart = _openMinute - (_openMinute % _sliceMinutes);
        if (startMinute == currentStart)
        {
            _sliceGood += good;
            _sliceBad += bad;
        }
        else if (startMinute < currentStart)
        {
            long endMinute = startMinute + _sliceMinutes - 1;
            (long g, long b) = IsGoodSlice(good, bad) ? (1L, 0L) : (0L, 1L);
            AddToTier(0, endMinute, g, b);
            AddToMonth(endMinute, g, b);
        }
    }

    private void SealMinute(long minute, long good, long bad)
    {
        if (!CountsSlices)
        {
            AddToTier(0, minute, good, bad);
            AddToMonth(minute, good, bad);
            return;
        }

        _sliceGood += good;
        _sliceBad += bad;
        if ((minute + 1) % _sliceMinutes == 0)
        {
            EndSlice(minute);
        }
    }

    /// <summary>Ends every slice whose last minute lies in [<paramref name="from"/>, <paramref name="to"/>], minutes that had no events.</summary>
    private void EndQuietSlices(long from, long to)
    {
        long end = from + (_sliceMinutes - 1 - (from % _sliceMinutes));
        if (end > to)
        {
            return;
        }

        // The first carries the events of the minutes sealed before the gap.
        EndSlice(end);
        end += _sliceMinutes;

        // Slices older than the history reaches would be dropped at once; skip them.
        long reach = to - _tiers.Sum(static tier => (long)tier.Capacity * tier.MinutesPerBucket);
        if (end < reach)
        {
            end += (reach - end) / _sliceMinutes * _sliceMinutes;
        }

        for (; end <= to; end += _sliceMinutes)
        {
            EndSlice(end);
        }
    }

    private void EndSlice(long lastMinute)
    {
        (long good, long bad) = IsGoodSlice(_sliceGood, _sliceBad) ? (1L, 0L) : (0L, 1L);
        _sliceGood = 0;
        _sliceBad = 0;
        AddToTier(0, lastMinute, good, bad);
        AddToMonth(lastMinute, good, bad);
    }

    // A slice is good when good / total ≥ the slice target, i.e. bad ≤ (1 − target) × total; a slice
    // without events failed no one and is good.
    private bool IsGoodSlice(long good, long bad) => bad <= _sliceAllowance * (good + bad);

    private void AddToMonth(long minute, long good, long bad)
    {
        if (!_window.IsCalendarMonth)
        {
            return;
        }

        long ticks = StartOfMinute(minute).UtcTicks;
        if (ticks >= _monthEndTicks)
        {
            StartMonthAt(minute);
        }

        if (ticks >= _monthStartTicks)
        {
            _monthGood += good;
            _monthBad += bad;
        }
    }

    private void StartMonthAt(long minute)
    {
        DateTimeOffset instant = StartOfMinute(minute);
        _monthStartTicks = _window.StartAt(instant).UtcTicks;
        _monthEndTicks = _window.EndAt(instant).UtcTicks;
        _monthGood = 0;
        _monthBad = 0;
    }

    /// <summary>
    /// Adds counts for <paramref name="minute"/> to the finest ring that still covers it, moving that
    /// ring forward first when the minute is newer than it; buckets pushed off a ring's old end go to
    /// the next ring, and off the last ring they are forgotten.
    /// </summary>
    private void AddToTier(int level, long minute, long good, long bad)
    {
        for (; level < _tiers.Length; level++)
        {
            HistoryTier tier = _tiers[level];
            long index = tier.IndexOf(minute);
            if (index > tier.Newest)
            {
                MoveForward(level, index);
            }

            if (index >= tier.Oldest)
            {
                tier.Add(index, good, bad);
                return;
            }
        }
    }

    private void MoveForward(int level, long index)
    {
        HistoryTier tier = _tiers[level];

        // The slots for buckets Newest+1..index are reused; the buckets they held fall off, oldest first.
        long firstEvicted = tier.Oldest;
        long lastEvicted = Math.Min(tier.Newest, index - tier.Capacity);
        for (long evicted = firstEvicted; evicted <= lastEvicted; evicted++)
        {
            (long good, long bad) = tier.Take(evicted);
            if ((good != 0 || bad != 0) && level + 1 < _tiers.Length)
            {
                AddToTier(level + 1, evicted * tier.MinutesPerBucket, good, bad);
            }
        }

        tier.MoveNewestTo(index);
    }

    private static HistoryTier[] CreateTiers(TimeSpan span, long openMinute)
    {
        var tiers = new List<HistoryTier>(3);

        // One extra bucket so a window that does not start on a minute still finds its first, partial minute.
        tiers.Add(new HistoryTier(1, (int)(FineSpan.Ticks / TimeSpan.TicksPerMinute) + 1, openMinute - 1));
        if (span > FineSpan)
        {
            TimeSpan medium = span < MediumSpan ? span : MediumSpan;
            AddTier(tiers, MediumMinutes, (int)Math.Ceiling(medium.Ticks / (double)(MediumMinutes * TimeSpan.TicksPerMinute)) + 1);
        }

        if (span > MediumSpan)
        {
            // Hourly buckets, lengthened for very long windows so that no more than about 1024 are kept.
            long hours = (long)Math.Ceiling(span.Ticks / (double)TimeSpan.TicksPerHour);
            int hoursPerBucket = (int)Math.Max(1, (hours + MaxCoarseBuckets - 1) / MaxCoarseBuckets);
            int minutes = hoursPerBucket * 60;
            AddTier(tiers, minutes, (int)((hours + hoursPerBucket - 1) / hoursPerBucket) + 1);
        }

        return [.. tiers];
    }

    private static void AddTier(List<HistoryTier> tiers, int minutesPerBucket, int capacity)
    {
        // Start just older than the finer ring, so the rings cover time back to back.
        long before = tiers[^1].OldestMinute - 1;
        tiers.Add(new HistoryTier(minutesPerBucket, capacity, before / minutesPerBucket));
    }
}
