namespace SlaKit.Budgets;

/// <summary>
/// The stretch of time an SLO's error budget is counted over: a rolling window of a fixed length
/// (the last 30 days, moving with the clock) or the calendar month in a given time zone (the budget
/// starts afresh at local midnight on the first of each month).
/// </summary>
/// <remarks>
/// The two are kept apart on purpose: a rolling 30-day window forgets a bad day exactly 30 days later,
/// while a calendar month forgets it at the next month boundary, however recent it was.
/// </remarks>
public sealed class SloWindow
{
    /// <summary>The shortest rolling window: one hour.</summary>
    public static readonly TimeSpan MinimumLength = TimeSpan.FromHours(1);

    /// <summary>The longest rolling window: 366 days.</summary>
    public static readonly TimeSpan MaximumLength = TimeSpan.FromDays(366);

    // The SRE workbook's alerting table is worked out for a 30-day window; a calendar month is
    // scaled as if it were one, so the default alerts of a monthly SLO are the workbook's own.
    private static readonly TimeSpan CalendarMonthNominalLength = TimeSpan.FromDays(30);

    private readonly TimeZoneInfo? _timeZone;

    private SloWindow(TimeSpan length, TimeZoneInfo? timeZone)
    {
        NominalLength = length;
        _timeZone = timeZone;
    }

    /// <summary>Whether this is a calendar month rather than a rolling window.</summary>
    public bool IsCalendarMonth => _timeZone is not null;

    /// <summary>
    /// The rolling window's length; for a calendar month, 30 days, the length the SRE workbook's
    /// alerting table assumes (the real month is 28 to 31 days, see <see cref="EndAt(DateTimeOffset)"/>).
    /// </summary>
    public TimeSpan NominalLength { get; }

    /// <summary>The time zone whose midnight starts each calendar month; <see langword="null"/> for a rolling window.</summary>
    public TimeZoneInfo? TimeZone => _timeZone;

    /// <summary>The longest this window can be: its length, or 31 days and an hour for a calendar month.</summary>
    internal TimeSpan LongestLength => IsCalendarMonth ? TimeSpan.FromDays(31) + TimeSpan.FromHours(1) : NominalLength;

    /// <summary>A rolling window: at any instant, the <paramref name="length"/> that ends then.</summary>
    /// <param name="length">The window's length, from one hour to 366 days; 30 days is the usual choice.</param>
    /// <returns>The window.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is shorter than an hour or longer than 366 days.</exception>
    public static SloWindow Rolling(TimeSpan length)
    {
        if (length < MinimumLength || length > MaximumLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "A rolling SLO window must be from one hour to 366 days long.");
        }

        return new SloWindow(length, null);
    }

    /// <summary>The calendar month, starting at local midnight on the first of the month in <paramref name="timeZone"/>.</summary>
    /// <param name="timeZone">The time zone; <see langword="null"/> (the default) is UTC.</param>
    /// <returns>The window.</returns>
    public static SloWindow CalendarMonth(TimeZoneInfo? timeZone = null) =>
        new(CalendarMonthNominalLength, timeZone ?? TimeZoneInfo.Utc);

    /// <summary>The first instant of the window that holds <paramref name="instant"/>.</summary>
    /// <param name="instant">Any instant.</param>
    /// <returns>
    /// <paramref name="instant"/> minus the length for a rolling window; the start of the calendar month
    /// (as a UTC instant) for a calendar month.
    /// </returns>
    public DateTimeOffset StartAt(DateTimeOffset instant)
    {
        if (_timeZone is null)
        {
            // Stryker disable once Equality : equivalent; at equality both answers are DateTimeOffset.MinValue.
            return instant.UtcTicks < NominalLength.Ticks ? DateTimeOffset.MinValue : instant.ToUniversalTime() - NominalLength;
        }

        DateTimeOffset local = TimeZoneInfo.ConvertTime(instant, _timeZone);
        DateTimeOffset start = MonthStart(local.Year, local.Month);
        return instant < start ? PreviousMonthStart(local.Year, local.Month) : start;
    }

    /// <summary>The instant the window that holds <paramref name="instant"/> ends (exclusive).</summary>
    /// <param name="instant">Any instant.</param>
    /// <returns><paramref name="instant"/> itself for a rolling window; the start of the next month for a calendar month.</returns>
    public DateTimeOffset EndAt(DateTimeOffset instant)
    {
        if (_timeZone is null)
        {
            return instant.ToUniversalTime();
        }

        DateTimeOffset start = StartAt(instant);
        DateTimeOffset local = TimeZoneInfo.ConvertTime(start, _timeZone);

        // The start may sit just after a skipped local midnight; the month is the one that began then.
        var firstOfMonth = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        DateTime next = firstOfMonth.AddMonths(1);
        return MonthStart(next.Year, next.Month);
    }

    private DateTimeOffset PreviousMonthStart(int year, int month)
    {
        DateTime previous = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(-1);
        return MonthStart(previous.Year, previous.Month);
    }

    /// <summary>
    /// Local midnight on the first of the month, as a UTC instant: where a clock change skips midnight, the first local
    /// time that exists; where midnight happens twice, the first of them.
    /// </summary>
    private DateTimeOffset MonthStart(int year, int month) =>
        LocalTime.FirstInstant(new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Unspecified), _timeZone!);

    /// <summary>The window as people write it: <c>30d</c>, or <c>calendar month (UTC)</c>.</summary>
    /// <returns>The window's description.</returns>
    public override string ToString() => _timeZone is null
        ? DurationText.Format(NominalLength).Replace(" ", "", StringComparison.Ordinal)
        : $"calendar month ({_timeZone.Id})";
}
