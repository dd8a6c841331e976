using System.Globalization;

namespace SlaKit.Budgets;

/// <summary>An alert that a <see cref="BurnRateAlertRule"/> raised: the rule, and what was measured over its windows.</summary>
public sealed class BurnRateAlert
{
    internal BurnRateAlert(BurnRateAlertRule rule, SloEventCounts longWindowCounts, SloEventCounts shortWindowCounts, double longWindowBurnRate, double shortWindowBurnRate)
    {
        Rule = rule;
        LongWindowCounts = longWindowCounts;
        ShortWindowCounts = shortWindowCounts;
        LongWindowBurnRate = longWindowBurnRate;
        ShortWindowBurnRate = shortWindowBurnRate;
    }

    /// <summary>The rule that fired.</summary>
    public BurnRateAlertRule Rule { get; }

    /// <summary>How urgent the alert is.</summary>
    public AlertSeverity Severity => Rule.Severity;

    /// <summary>The rule's long window.</summary>
    public TimeSpan LongWindow => Rule.LongWindow;

    /// <summary>The rule's short window.</summary>
    public TimeSpan ShortWindow => Rule.ShortWindow;

    /// <summary>The events counted over the long window.</summary>
    public SloEventCounts LongWindowCounts { get; }

    /// <summary>The events counted over the short window.</summary>
    public SloEventCounts ShortWindowCounts { get; }

    /// <summary>The burn rate measured over the long window.</summary>
    public double LongWindowBurnRate { get; }

    /// <summary>The burn rate measured over the short window.</summary>
    public double ShortWindowBurnRate { get; }

    /// <summary>The alert as a person reads it: <c>page: burn 20x over 1h, 20x over 5m (threshold 14.4x)</c>.</summary>
    /// <returns>The alert's description.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Severity.ToString().ToLowerInvariant()}: burn {LongWindowBurnRate:0.###}x over {BurnRateAlertRule.WindowName(LongWindow)}, {ShortWindowBurnRate:0.###}x over {BurnRateAlertRule.WindowName(ShortWindow)} (threshold {Rule.BurnRate:0.###}x)");
}
