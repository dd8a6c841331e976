using System.Globalization;

namespace SlaKit.Budgets;

/// <summary>
/// How an SLO counts its budget: by events (good events over all events, the SRE workbook's
/// request-based SLI) or by time slices (the share of fixed slices of time, such as minutes, that were
/// good enough — the classic "allowed bad minutes" of an uptime SLA).
/// </summary>
public sealed class SloBudgetingMethod
{
    /// <summary>The shortest time slice: one minute, the tracker's finest bucket.</summary>
    public static readonly TimeSpan MinimumSliceLength = TimeSpan.FromMinutes(1);

    /// <summary>The longest time slice: one hour.</summary>
    public static readonly TimeSpan MaximumSliceLength = TimeSpan.FromHours(1);

    private SloBudgetingMethod(TimeSpan sliceLength, Availability sliceTarget)
    {
        SliceLength = sliceLength;
        SliceTarget = sliceTarget;
    }

    /// <summary>
    /// Events: the budget is (1 − target) × the events in the window, and each bad event spends one.
    /// This is the default method of an <see cref="Slo"/>.
    /// </summary>
    public static SloBudgetingMethod Events { get; } = new(TimeSpan.Zero, Availability.Perfect);

    /// <summary>Whether the budget is counted in time slices rather than events.</summary>
    public bool IsTimeSlices => SliceLength > TimeSpan.Zero;

    /// <summary>The length of one time slice; <see cref="TimeSpan.Zero"/> for <see cref="Events"/>.</summary>
    public TimeSpan SliceLength { get; }

    /// <summary>
    /// The share of good events a slice needs to count as good; <see cref="Availability.Perfect"/>
    /// for <see cref="Events"/>, where it does not apply.
    /// </summary>
    public Availability SliceTarget { get; }

    /// <summary>The slice length in whole minutes; 0 for <see cref="Events"/>.</summary>
    internal int SliceMinutes => (int)(SliceLength.Ticks / TimeSpan.TicksPerMinute);

    /// <summary>
    /// Time slices: the window is cut into slices of <paramref name="sliceLength"/>, aligned to the clock;
    /// a slice is good when at least <paramref name="sliceTarget"/> of its events are good, and a slice
    /// with no events is good (it failed no one). The budget is (1 − target) × the slices in the window,
    /// and each bad slice spends one.
    /// </summary>
    /// <param name="sliceLength">A whole number of minutes from one minute to one hour.</param>
    /// <param name="sliceTarget">The share of good events that makes a slice good, such as 95%; above 0%.</param>
    /// <returns>The method.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="sliceLength"/> is not a whole number of minutes from 1 to 60, or <paramref name="sliceTarget"/> is 0%.
    /// </exception>
    public static SloBudgetingMethod TimeSlices(TimeSpan sliceLength, Availability sliceTarget)
    {
        if (sliceLength < MinimumSliceLength || sliceLength > MaximumSliceLength || sliceLength.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sliceLength), sliceLength, "A time slice must be a whole number of minutes from 1 to 60.");
        }

        if (sliceTarget == Availability.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(sliceTarget), sliceTarget, "A slice target of 0% would count every slice as good.");
        }

        return new SloBudgetingMethod(sliceLength, sliceTarget);
    }

    /// <summary>The method as people say it: <c>events</c>, or <c>time slices of 1m at 95%</c>.</summary>
    /// <returns>The method's description.</returns>
    public override string ToString() => IsTimeSlices
        ? string.Create(CultureInfo.InvariantCulture, $"time slices of {DurationText.Format(SliceLength)} at {SliceTarget}")
        : "events";
}
