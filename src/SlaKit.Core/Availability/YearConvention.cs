namespace SlaKit;

/// <summary>
/// How long a "year" is when a period is not a calendar year. Uptime tables differ on this, and
/// the difference is visible: 99.99% allows 52m 33.6s in a 365-day year but 52m 35.6952s in a
/// Gregorian-average year.
/// </summary>
public enum YearConvention
{
    /// <summary>A year is 365 days (31,536,000 s); a month is a twelfth of it, 30.41666 days. The default.</summary>
    Days365 = 0,

    /// <summary>
    /// A year is the Gregorian average of 365.2425 days (31,556,952 s), as common uptime tables use;
    /// a month is a twelfth of it, 30.436875 days.
    /// </summary>
    Gregorian = 1,
}
