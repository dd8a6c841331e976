using System.Globalization;
using System.Net;

namespace SlaKit.Reports;

/// <summary>How figures read in every form of a report: exact decimals, durations as operators write them.</summary>
internal static class ReportText
{
    public const string None = "–";

    public static string Duration(TimeSpan? duration) => duration is { } value ? DurationText.Format(value) : None;

    /// <summary>A percentage of credit or budget: the decimal it is, such as <c>10%</c> or <c>-12.5%</c>.</summary>
    public static string Percent(decimal value) => Number(value) + "%";

    public static string Number(decimal value) => Availability.Normalize(value).ToString(CultureInfo.InvariantCulture);

    public static string Number(double value) => Number((decimal)value);

    public static string Credit(double? percent) => percent is { } value ? Percent((decimal)value) : None;

    /// <summary>The share of <paramref name="allowed"/> that <paramref name="remaining"/> is, to two decimals of a percent.</summary>
    public static decimal ShareOf(TimeSpan remaining, TimeSpan allowed) => ShareOf(remaining.Ticks, allowed.Ticks);

    /// <summary>The share of <paramref name="allowed"/> that <paramref name="remaining"/> is, to two decimals of a percent; 0 when nothing is allowed.</summary>
    public static decimal ShareOf(decimal remaining, decimal allowed) =>
        allowed <= 0m ? 0m : Math.Round(remaining * 100m / allowed, 2, MidpointRounding.AwayFromZero);

    /// <summary>What is left of a budget of bad events, in percent of it; when none was allowed, 0 if none came and -100% if any did.</summary>
    public static decimal EventBudgetLeft(double allowed, long bad) =>
        allowed <= 0 ? (bad == 0 ? 0m : -100m) : ShareOf((decimal)allowed - bad, (decimal)allowed);

    /// <summary>A count of events, or an allowance of them, as the tables show it: up to two decimals.</summary>
    public static string Events(double value) => Number(Math.Round((decimal)value, 2));

    /// <summary>A noun with its first letter a capital, for a label: <c>Slices</c>.</summary>
    public static string Capitalised(string noun) => noun.Length == 0 ? noun : char.ToUpperInvariant(noun[0]) + noun[1..];

    public static string Instant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Html(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Text for Markdown: lines joined, pipes escaped, and HTML escaped, which Markdown renderers would otherwise pass through.</summary>
    public static string Cell(string text) => text.ReplaceLineEndings(" ")
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("|", "\\|", StringComparison.Ordinal);

    public static string Credits(CreditSchedule schedule) =>
        string.Join(", ", schedule.Tiers.Select(static tier => $"{Credit(tier.CreditPercent)} below {tier.Below}"));

    /// <summary>A one-line account of what the credits amount to.</summary>
    public static string CreditSummary(SlaReport report)
    {
        SlaReportMonth[] owed = [.. report.Months.Where(static month => month.CreditPercent > 0)];
        return owed.Length == 0
            ? "none"
            : string.Join(", ", owed.Select(static month => $"{Credit(month.CreditPercent)} of {month.Month}'s fee"));
    }
}
