using System.Diagnostics;

namespace SlaKit.IntegrationTests.Infrastructure;

/// <summary>Bounded polling: waits for a condition that becomes true on its own, without fixed sleeps.</summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Whether <paramref name="condition"/> became true within <paramref name="within"/>.</summary>
    public static async Task<bool> TrueAsync(Func<bool> condition, TimeSpan within, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > within)
            {
                return false;
            }

            await Task.Delay(Interval, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Runs <paramref name="step"/> every <paramref name="interval"/> until it returns true, at most until <paramref name="within"/>
    /// has passed; returns whether it did.
    /// </summary>
    public static async Task<bool> TrueAsync(Func<Task<bool>> step, TimeSpan interval, TimeSpan within, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        while (!await step())
        {
            if (Stopwatch.GetElapsedTime(started) > within)
            {
                return false;
            }

            await Task.Delay(interval, cancellationToken);
        }

        return true;
    }
}
