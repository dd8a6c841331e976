namespace SlaKit.Budgets;

/// <summary>
/// The units counted since the start of the current calendar month, for an SLO judged per calendar month: the month
/// moves on when a count or the clock reaches its end. Not thread-safe.
/// </summary>
internal sealed class MonthToDate
{
    private readonly SloWindow _window;
    private long _startTicks;
    private long _endTicks;

    /// <summary>Counts from the start of the month that holds <paramref name="minute"/>.</summary>
    public MonthToDate(SloWindow window, long minute)
    {
        _window = window;
        StartAt(minute);
    }

    private MonthToDate(MonthToDate source)
    {
        _window = source._window;
        _startTicks = source._startTicks;
        _endTicks = source._endTicks;
        Good = source.Good;
        Bad = source.Bad;
    }

    public DateTimeOffset Start => new(_startTicks, TimeSpan.Zero);

    public DateTimeOffset End => new(_endTicks, TimeSpan.Zero);

    public long Good { get; private set; }

    public long Bad { get; private set; }

    public MonthToDate Clone() => new(this);

    /// <summary>Moves to the month that holds <paramref name="minute"/> when the current one has ended.</summary>
    public void RollTo(long minute)
    {
        if (BucketHistory.StartOfMinute(minute).UtcTicks >= _endTicks)
        {
            StartAt(minute);
        }
    }

    /// <summary>Adds counts for <paramref name="minute"/>: to this month, to a new month past its end, to nothing before its start.</summary>
    public void Add(long minute, long good, long bad)
    {
        RollTo(minute);
        if (BucketHistory.StartOfMinute(minute).UtcTicks >= _startTicks)
        {
            Good = checked(Good + good);
            Bad = checked(Bad + bad);
        }
    }

    /// <summary>Adds a saved month's counts when it is the month in progress.</summary>
    public void AddSaved(DateTimeOffset monthStart, long good, long bad)
    {
        if (monthStart.UtcTicks == _startTicks)
        {
            Good = checked(Good + good);
            Bad = checked(Bad + bad);
        }
    }

    private void StartAt(long minute)
    {
        DateTimeOffset instant = BucketHistory.StartOfMinute(minute);
        _startTicks = _window.StartAt(instant).UtcTicks;
        _endTicks = _window.EndAt(instant).UtcTicks;
        Good = 0;
        Bad = 0;
    }
}
