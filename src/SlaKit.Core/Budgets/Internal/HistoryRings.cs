namespace SlaKit.Budgets;

/// <summary>
/// Counted units in rings of buckets, finest first: one-minute buckets for the last six hours (so the 5-minute,
/// 30-minute, 1-hour and 6-hour alert windows are exact to the minute), ten-minute buckets back to three days, and
/// hourly (or, for windows longer than about 42 days, longer) buckets beyond. A bucket that falls off the end of a finer
/// ring is added to the coarser one, so every count lives in exactly one bucket. Not thread-safe.
/// </summary>
internal sealed class HistoryRings
{
    public const int MediumMinutes = 10;

    private const int MaxCoarseBuckets = 1024;
    private static readonly TimeSpan FineSpan = TimeSpan.FromHours(6);
    private static readonly TimeSpan MediumSpan = TimeSpan.FromDays(3);

    private readonly HistoryTier[] _tiers;

    /// <summary>Rings that reach back <paramref name="span"/>, the finest one ending just before <paramref name="openMinute"/>.</summary>
    public HistoryRings(TimeSpan span, long openMinute) => _tiers = CreateTiers(span, openMinute);

    private HistoryRings(HistoryRings source) => _tiers = Array.ConvertAll(source._tiers, static tier => tier.Clone());

    /// <summary>The memory the buckets take, in bytes.</summary>
    public int Bytes => _tiers.Sum(static tier => tier.Bytes);

    /// <summary>The bucket lengths, finest first, in minutes.</summary>
    public IEnumerable<int> BucketMinutes => _tiers.Select(static tier => tier.MinutesPerBucket);

    /// <summary>How many minutes back the rings reach, all together.</summary>
    public long ReachMinutes => _tiers.Sum(static tier => (long)tier.Capacity * tier.MinutesPerBucket);

    public HistoryRings Clone() => new(this);

    /// <summary>The units in every bucket that overlaps the time from <paramref name="startMinute"/> to now.</summary>
    public (long Good, long Bad) Sum(long startMinute)
    {
        long good = 0;
        long bad = 0;

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
                good = checked(good + g);
                bad = checked(bad + b);
            }

            if (startMinute >= tier.OldestMinute)
            {
                break;
            }

            upperMinute = Math.Min(upperMinute, tier.OldestMinute);
        }

        return (good, bad);
    }

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

    /// <summary>
    /// Adds counts for <paramref name="minute"/> to the finest ring that still covers it, moving that ring forward first
    /// when the minute is newer than it; buckets pushed off a ring's old end go to the next ring, and off the last ring
    /// they are forgotten. Adding nothing to a new minute moves the rings forward in step with the clock.
    /// </summary>
    public void Add(long minute, long good, long bad) => AddToTier(0, minute, good, bad);

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
