using System.Globalization;

namespace SlaKit.Sip;

/// <summary>Durations in SIP results and logs: fractions of a millisecond when short, whole milliseconds otherwise.</summary>
internal static class SipDurations
{
    /// <summary>For example <c>0.284ms</c>, <c>809ms</c>, <c>32s</c>, <c>1m 2.5s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        double milliseconds = duration.TotalMilliseconds;
        return milliseconds switch
        {
            // Stryker disable once Equality : equivalent; at exactly 10 ms both formats write "10ms".
            < 10 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:0.###}ms"),
            < 999.5 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:0}ms"),
            _ => DurationText.Format(TimeSpan.FromMilliseconds(Math.Round(milliseconds))),
        };
    }
}
