namespace SlaKit;

/// <summary>
/// The longest span a .NET timer or delay accepts: 4,294,967,294 ms, about 49.7 days. A timeout, delay or interval above
/// it passes a plain "positive" check and then throws <see cref="ArgumentOutOfRangeException"/> from the first
/// <c>Task.Delay</c> or <c>CancellationTokenSource</c> that uses it, on some request long after start-up; every duration
/// that reaches a timer is checked against it up front instead.
/// </summary>
internal static class TimerDuration
{
    /// <summary>The longest span a timer accepts.</summary>
    public static readonly TimeSpan Maximum = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>The limit as the messages write it.</summary>
    public const string MaximumText = "49.7 days (4,294,967,294 ms)";

    /// <summary><paramref name="value"/> as a timer takes it: a negative span as zero (due now), a longer one than <see cref="Maximum"/> as the maximum.</summary>
    public static TimeSpan Clamp(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value > Maximum ? Maximum : value;

    /// <summary>Whether <paramref name="value"/> is positive and no longer than <see cref="Maximum"/>.</summary>
    public static bool IsPositiveAndAccepted(TimeSpan value) => value > TimeSpan.Zero && value <= Maximum;
}
