using System.Globalization;

namespace SlaKit.Budgets;

/// <summary>
/// One row of a multi-window, multi-burn-rate alerting table: alert with <see cref="Severity"/> when the
/// burn rate reaches <see cref="BurnRate"/> over both the long and the short window. The long window
/// makes the alert significant; the short one (the SRE workbook uses a twelfth of the long) makes it
/// stop soon after the burn does.
/// </summary>
public sealed class BurnRateAlertRule
{
    /// <summary>Creates a rule.</summary>
    /// <param name="severity">How urgent the alert is.</param>
    /// <param name="burnRate">The burn rate that fires the alert; positive and finite.</param>
    /// <param name="longWindow">The long window; at least one minute.</param>
    /// <param name="shortWindow">The short window; at least one minute and shorter than <paramref name="longWindow"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public BurnRateAlertRule(AlertSeverity severity, double burnRate, TimeSpan longWindow, TimeSpan shortWindow)
    {
        if (!Enum.IsDefined(severity))
        {
            throw new ArgumentOutOfRangeException(nameof(severity), severity, "Unknown alert severity.");
        }

        if (!double.IsFinite(burnRate) || burnRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(burnRate), burnRate, "A burn rate must be positive and finite.");
        }

        if (longWindow < TimeSpan.FromMinutes(1) || longWindow > SloWindow.MaximumLength)
        {
            throw new ArgumentOutOfRangeException(nameof(longWindow), longWindow, "An alert window must be from one minute to 366 days long.");
        }

        if (shortWindow < TimeSpan.FromMinutes(1) || shortWindow >= longWindow)
        {
            throw new ArgumentOutOfRangeException(nameof(shortWindow), shortWindow, "The short window must be at least one minute and shorter than the long window.");
        }

        Severity = severity;
        BurnRate = burnRate;
        LongWindow = longWindow;
        ShortWindow = shortWindow;
    }

    /// <summary>How urgent the alert is.</summary>
    public AlertSeverity Severity { get; }

    /// <summary>The burn rate that fires the alert, reached over both windows.</summary>
    public double BurnRate { get; }

    /// <summary>The long window.</summary>
    public TimeSpan LongWindow { get; }

    /// <summary>The short window.</summary>
    public TimeSpan ShortWindow { get; }

    /// <summary>The rule as the workbook writes it: <c>page at 14.4x over 1h and 5m</c>.</summary>
    /// <returns>The rule's description.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Severity.ToString().ToLowerInvariant()} at {BurnRate:0.###}x over {WindowName(LongWindow)} and {WindowName(ShortWindow)}");

    /// <summary>A window's compact name, as used for the <c>window</c> tag of metrics: <c>5m</c>, <c>1h</c>, <c>3d</c>.</summary>
    internal static string WindowName(TimeSpan window) => DurationText.Format(window).Replace(" ", "", StringComparison.Ordinal);
}
