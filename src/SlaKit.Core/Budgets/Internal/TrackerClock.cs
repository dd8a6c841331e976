namespace SlaKit.Budgets;

/// <summary>
/// The time by which a tracker seals its minutes: the wall clock of a <see cref="TimeProvider"/>, except that it never
/// goes back. When the wall clock steps back, this time carries on from the latest instant it reached, by the elapsed
/// time the provider's timestamps measure, running a sixtieth slow (a minute lasts 61 seconds) until the wall clock
/// catches up with it: an hour's step is made up in 60 hours, two seconds in two minutes. When the wall clock steps
/// forward, this time follows it, and notes the step so that the history can file what was recorded meanwhile.
/// Not thread-safe: the tracker serialises access.
/// </summary>
internal sealed class TrackerClock
{
    /// <summary>How far the wall clock must run ahead of elapsed time between two readings to count as stepped forward.</summary>
    public static readonly TimeSpan ForwardStep = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time;
    private long _ticks;
    private long _timestamp;
    private bool _ahead;
    private bool _steppedForward;

    /// <summary>A clock that starts at the wall clock's time now.</summary>
    public TrackerClock(TimeProvider time)
    {
        _time = time;
        _ticks = time.GetUtcNow().UtcTicks;
        _timestamp = time.GetTimestamp();
    }

    /// <summary>The time now: the wall clock's, or, while the wall clock is behind, the latest time reached plus the elapsed time, slowed.</summary>
    public DateTimeOffset Read()
    {
        long wall = _time.GetUtcNow().UtcTicks;
        long timestamp = _time.GetTimestamp();

        // A timestamp that goes back (a provider that is not monotonic) counts as no time elapsed.
        long elapsed = Math.Max(0, _time.GetElapsedTime(_timestamp, timestamp).Ticks);
        _timestamp = timestamp;

        // A wall clock a minute or more ahead of where elapsed time would have brought this one was stepped forward.
        if (wall - _ticks - elapsed >= ForwardStep.Ticks)
        {
            _steppedForward = true;
        }

        // A wall clock behind where elapsed time, a sixtieth slow, brings this one was stepped back, now or before:
        // this clock carries on without it until it catches up.
        long slowed = _ticks + elapsed - (elapsed / 60);
        _ticks = Math.Max(wall, slowed);
        _ahead = _ticks > wall;
        return new DateTimeOffset(_ticks, TimeSpan.Zero);
    }

    /// <summary>Whether the wall clock stepped forward since this was last asked; asking clears it.</summary>
    public bool TakeForwardStep()
    {
        bool stepped = _steppedForward;
        _steppedForward = false;
        return stepped;
    }

    /// <summary>The elapsed time until this clock reaches the minute after <paramref name="now"/>, a time it read.</summary>
    public TimeSpan UntilNextMinute(DateTimeOffset now)
    {
        long left = TimeSpan.TicksPerMinute - (now.UtcTicks % TimeSpan.TicksPerMinute);

        // Running slow, it takes 60/59 of that: rounded up, so the tick does not come a hair too early.
        return TimeSpan.FromTicks(_ahead ? left + ((left + 58) / 59) : left);
    }
}
