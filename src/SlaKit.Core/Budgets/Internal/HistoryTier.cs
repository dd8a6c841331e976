namespace SlaKit.Budgets;

/// <summary>
/// One ring of equally long buckets, each holding good and bad counts. Bucket <c>i</c> covers minutes
/// <c>[i × MinutesPerBucket, (i + 1) × MinutesPerBucket)</c> counted from 0001-01-01 UTC, and lives in slot
/// <c>i mod Capacity</c>; the ring holds the buckets from <see cref="Oldest"/> to <see cref="Newest"/>.
/// </summary>
internal sealed class HistoryTier
{
    private readonly long[] _good;
    private readonly long[] _bad;

    public HistoryTier(int minutesPerBucket, int capacity, long newest)
    {
        MinutesPerBucket = minutesPerBucket;
        _good = new long[capacity];
        _bad = new long[capacity];
        Newest = newest;
    }

    private HistoryTier(HistoryTier source)
    {
        MinutesPerBucket = source.MinutesPerBucket;
        _good = (long[])source._good.Clone();
        _bad = (long[])source._bad.Clone();
        Newest = source.Newest;
    }

    public int MinutesPerBucket { get; }

    public int Capacity => _good.Length;

    /// <summary>The index of the newest bucket the ring covers.</summary>
    public long Newest { get; private set; }

    /// <summary>The index of the oldest bucket the ring covers.</summary>
    public long Oldest => Newest - Capacity + 1;

    /// <summary>The first minute the ring covers.</summary>
    public long OldestMinute => Oldest * MinutesPerBucket;

    /// <summary>The memory the counts take, in bytes.</summary>
    public int Bytes => 2 * sizeof(long) * Capacity;

    public long IndexOf(long minute) => minute / MinutesPerBucket;

    public void Add(long index, long good, long bad)
    {
        int slot = Slot(index);
        _good[slot] = checked(_good[slot] + good);
        _bad[slot] = checked(_bad[slot] + bad);
    }

    public (long Good, long Bad) Get(long index)
    {
        int slot = Slot(index);
        return (_good[slot], _bad[slot]);
    }

    /// <summary>Empties a bucket's slot, returning what it held.</summary>
    public (long Good, long Bad) Take(long index)
    {
        int slot = Slot(index);
        (long good, long bad) = (_good[slot], _bad[slot]);
        _good[slot] = 0;
        _bad[slot] = 0;
        return (good, bad);
    }

    /// <summary>Moves the ring forward; the caller has taken out every bucket that falls off its old end.</summary>
    public void MoveNewestTo(long index) => Newest = index;

    public HistoryTier Clone() => new(this);

    // Indices count from 0001-01-01, so they are never negative.
    private int Slot(long index) => (int)(index % Capacity);
}
