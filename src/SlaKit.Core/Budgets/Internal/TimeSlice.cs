namespace SlaKit.Budgets;

/// <summary>
/// The time slice in progress of a time-slice SLO: the events of its minutes sealed so far, and the verdict it gets when
/// it ends — one good unit when good / total reaches the slice target, one bad unit otherwise. Not thread-safe.
/// </summary>
internal sealed class TimeSlice
{
    private readonly decimal _allowance;

    public TimeSlice(int minutes, decimal allowance)
    {
        Minutes = minutes;
        _allowance = allowance;
    }

    private TimeSlice(TimeSlice source)
    {
        Minutes = source.Minutes;
        _allowance = source._allowance;
        Good = source.Good;
        Bad = source.Bad;
    }

    /// <summary>The slice's length in minutes.</summary>
    public int Minutes { get; }

    public long Good { get; private set; }

    public long Bad { get; private set; }

    public TimeSlice Clone() => new(this);

    /// <summary>The first minute of the slice that holds <paramref name="minute"/>.</summary>
    public long StartOf(long minute) => minute - (minute % Minutes);

    /// <summary>Whether <paramref name="minute"/> is the last of its slice.</summary>
    public bool EndsWith(long minute) => (minute + 1) % Minutes == 0;

    /// <summary>Adds a sealed minute's events to the slice in progress.</summary>
    public void Add(long good, long bad)
    {
        Good = checked(Good + good);
        Bad = checked(Bad + bad);
    }

    /// <summary>Ends the slice in progress: its verdict as one unit, good or bad, and an empty slice after it.</summary>
    public (long Good, long Bad) End()
    {
        (long Good, long Bad) verdict = Verdict(Good, Bad);
        Good = 0;
        Bad = 0;
        return verdict;
    }

    /// <summary>
    /// The verdict of a slice of <paramref name="good"/> and <paramref name="bad"/> events: good when good / total ≥ the
    /// slice target, that is bad ≤ (1 − target) × total; a slice without events failed no one and is good.
    /// </summary>
    public (long Good, long Bad) Verdict(long good, long bad) => bad <= _allowance * (good + bad) ? (1L, 0L) : (0L, 1L);
}
