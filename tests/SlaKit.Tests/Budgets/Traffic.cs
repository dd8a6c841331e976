using Microsoft.Extensions.Time.Testing;
using SlaKit.Budgets;

namespace SlaKit.Tests.Budgets;

/// <summary>Synthetic traffic on a fake clock: so many requests a minute, so many of them bad, minute by minute.</summary>
internal static class Traffic
{
    /// <summary>Half a minute past noon, so that windows never start exactly on a bucket boundary by accident.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 10, 12, 0, 30, TimeSpan.Zero);

    public static Slo Slo(double percent = 99.9, SloWindow? window = null, string? name = null) =>
        new(name ?? "checkout-" + Guid.NewGuid().ToString("N"), Availability.FromPercent(percent), window ?? SloWindow.Rolling(TimeSpan.FromDays(30)));

    /// <summary>
    /// For each of <paramref name="minutes"/> minutes: records <paramref name="perMinute"/> requests of which
    /// <paramref name="badPerMinute"/> are bad, then lets the minute pass (the tracker's timer ticks).
    /// </summary>
    public static void Run(FakeTimeProvider time, ErrorBudgetTracker tracker, int minutes, long perMinute, long badPerMinute)
    {
        for (int i = 0; i < minutes; i++)
        {
            tracker.Record(perMinute - badPerMinute, perMinute);
            time.Advance(TimeSpan.FromMinutes(1));
        }
    }

    /// <summary>Lets time pass an hour at a time (the tracker sees every minute boundary it crosses).</summary>
    public static void Idle(FakeTimeProvider time, TimeSpan span)
    {
        TimeSpan step = TimeSpan.FromHours(1);
        for (; span >= step; span -= step)
        {
            time.Advance(step);
        }

        time.Advance(span);
    }
}
