using Microsoft.Extensions.Time.Testing;

namespace SlaKit.Tests.Budgets;

/// <summary>
/// A host's clocks as they behave when the wall clock is stepped. <see cref="GetUtcNow"/> is the wall clock, which
/// <see cref="Step"/> moves either way at once; timers and <see cref="GetTimestamp"/> run on elapsed time, which only
/// <see cref="Advance"/> moves, as the system's do. Between <see cref="Suspend"/> and <see cref="Resume"/> no timer
/// callback runs, as in a stopped process; those that fell due run on resuming.
/// </summary>
internal sealed class SteppedClock(DateTimeOffset start) : TimeProvider
{
    private readonly FakeTimeProvider _elapsed = new(start);
    private readonly List<(TimerCallback Callback, object? State)> _held = [];
    private TimeSpan _step;
    private bool _suspended;

    public override long TimestampFrequency => _elapsed.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => _elapsed.GetUtcNow() + _step;

    public override long GetTimestamp() => _elapsed.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _elapsed.CreateTimer(
            s =>
            {
                if (_suspended)
                {
                    _held.Add((callback, s));
                }
                else
                {
                    callback(s);
                }
            },
            state,
            dueTime,
            period);

    /// <summary>Lets time pass: the wall clock and elapsed time move on together, and timers that fall due fire.</summary>
    public void Advance(TimeSpan delta) => _elapsed.Advance(delta);

    /// <summary>Steps the wall clock by <paramref name="delta"/>, forward or back; elapsed time does not move.</summary>
    public void Step(TimeSpan delta) => _step += delta;

    /// <summary>Holds back timer callbacks from now on.</summary>
    public void Suspend() => _suspended = true;

    /// <summary>Runs the timer callbacks held back, each once, and lets later ones run as they fall due.</summary>
    public void Resume()
    {
        _suspended = false;
        (TimerCallback Callback, object? State)[] held = [.. _held];
        _held.Clear();
        foreach ((TimerCallback callback, object? state) in held)
        {
            callback(state);
        }
    }
}
