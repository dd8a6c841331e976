using System.Globalization;
using System.Text.RegularExpressions;

namespace SlaKit;

/// <summary>
/// The stretch of time an SLA is judged over. Periods are explicit because the same percentage buys
/// different downtime in each: a calendar month has its real length (February 2026 has 28 days,
/// so 99.99% allows 4m 1.92s), a rolling window is a fixed duration, and a bare "year", "quarter" or
/// "month" is a stated convention (<see cref="YearConvention"/>).
/// </summary>
/// <remarks>
/// Calendar periods are civil months, quarters and years in UTC: <see cref="Start"/> and
/// <see cref="End"/> are UTC instants, and <see cref="End"/> is exclusive.
/// </remarks>
public readonly partial struct SlaPeriod : IEquatable<SlaPeriod>
{
    private const int MinYear = 1;
    private const int MaxYear = 9998;

    private readonly DateTimeOffset _start;

    private SlaPeriod(SlaPeriodKind kind, TimeSpan length, DateTimeOffset start, YearConvention convention)
    {
        Kind = kind;
        Length = length;
        _start = start;
        Convention = convention;
    }

    /// <summary>What sort of period this is.</summary>
    public SlaPeriodKind Kind { get; }

    /// <summary>The length of the period.</summary>
    public TimeSpan Length { get; }

    /// <summary>
    /// The year convention a conventional year, quarter or month was built with;
    /// <see cref="YearConvention.Days365"/> for every other kind.
    /// </summary>
    public YearConvention Convention { get; }

    /// <summary>Whether the period is a calendar month, quarter or year with a start and an end.</summary>
    public bool IsCalendar => Kind is SlaPeriodKind.CalendarMonth or SlaPeriodKind.CalendarQuarter or SlaPeriodKind.CalendarYear;

    /// <summary>The first instant of a calendar period (UTC); <see langword="null"/> for other periods.</summary>
    public DateTimeOffset? Start => IsCalendar ? _start : null;

    /// <summary>The instant after the last one of a calendar period (UTC, exclusive); <see langword="null"/> for other periods.</summary>
    public DateTimeOffset? End => IsCalendar ? _start + Length : null;

    /// <summary>One day, 86,400 s.</summary>
    public static SlaPeriod Day => new(SlaPeriodKind.Rolling, TimeSpan.FromDays(1), default, default);

    /// <summary>One week, 604,800 s.</summary>
    public static SlaPeriod Week => new(SlaPeriodKind.Rolling, TimeSpan.FromDays(7), default, default);

    /// <summary>A rolling window of a fixed length, such as 30 days.</summary>
    /// <param name="length">The window's length; positive.</param>
    /// <returns>The period.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not positive.</exception>
    public static SlaPeriod Rolling(TimeSpan length)
    {
        if (length <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "A period's length must be positive.");
        }

        return new SlaPeriod(SlaPeriodKind.Rolling, length, default, default);
    }

    /// <summary>A year by convention: 365 days, or 365.2425 days with <see cref="YearConvention.Gregorian"/>.</summary>
    /// <param name="convention">How long a year is.</param>
    /// <returns>The period.</returns>
    public static SlaPeriod Year(YearConvention convention = YearConvention.Days365) =>
        Conventional(SlaPeriodKind.Year, 1, convention);

    /// <summary>A quarter by convention: a fourth of <see cref="Year(YearConvention)"/>.</summary>
    /// <param name="convention">How long a year is.</param>
    /// <returns>The period.</returns>
    public static SlaPeriod Quarter(YearConvention convention = YearConvention.Days365) =>
        Conventional(SlaPeriodKind.Quarter, 4, convention);

    /// <summary>A month by convention: a twelfth of <see cref="Year(YearConvention)"/>. For a real month use <see cref="CalendarMonth(int, int)"/>.</summary>
    /// <param name="convention">How long a year is.</param>
    /// <returns>The period.</returns>
    public static SlaPeriod Month(YearConvention convention = YearConvention.Days365) =>
        Conventional(SlaPeriodKind.Month, 12, convention);

    private static SlaPeriod Conventional(SlaPeriodKind kind, int perYear, YearConvention convention)
    {
        long yearTicks = convention switch
        {
            YearConvention.Days365 => 365 * TimeSpan.TicksPerDay,
            YearConvention.Gregorian => 3_652_425 * TimeSpan.TicksPerDay / 10_000,
            _ => throw new ArgumentOutOfRangeException(nameof(convention), convention, "Unknown year convention."),
        };
        return new SlaPeriod(kind, TimeSpan.FromTicks(yearTicks / perYear), default, convention);
    }

    /// <summary>A calendar month in UTC with its real length (28 to 31 days).</summary>
    /// <param name="year">The year, 1 to 9998.</param>
    /// <param name="month">The month, 1 to 12.</param>
    /// <returns>The period.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The year or the month is out of range.</exception>
    public static SlaPeriod CalendarMonth(int year, int month)
    {
        ValidateYear(year);
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        return Calendar(SlaPeriodKind.CalendarMonth, year, month, 1);
    }

    /// <summary>A calendar quarter in UTC (Q1 is January to March) with its real length.</summary>
    /// <param name="year">The year, 1 to 9998.</param>
    /// <param name="quarter">The quarter, 1 to 4.</param>
    /// <returns>The period.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The year or the quarter is out of range.</exception>
    public static SlaPeriod CalendarQuarter(int year, int quarter)
    {
        ValidateYear(year);
        ArgumentOutOfRangeException.ThrowIfLessThan(quarter, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quarter, 4);
        return Calendar(SlaPeriodKind.CalendarQuarter, year, ((quarter - 1) * 3) + 1, 3);
    }

    /// <summary>A calendar year in UTC with its real length (365 or 366 days).</summary>
    /// <param name="year">The year, 1 to 9998.</param>
    /// <returns>The period.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The year is out of range.</exception>
    public static SlaPeriod CalendarYear(int year)
    {
        ValidateYear(year);
        return Calendar(SlaPeriodKind.CalendarYear, year, 1, 12);
    }

    /// <summary>The calendar month (UTC) that contains <paramref name="instant"/>.</summary>
    /// <param name="instant">Any instant; its offset is honoured.</param>
    /// <returns>The period.</returns>
    public static SlaPeriod CalendarMonthContaining(DateTimeOffset instant)
    {
        DateTime utc = instant.UtcDateTime;
        return CalendarMonth(utc.Year, utc.Month);
    }

    private static SlaPeriod Calendar(SlaPeriodKind kind, int year, int month, int months)
    {
        var start = new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero);
        return new SlaPeriod(kind, start.AddMonths(months) - start, start, default);
    }

    private static void ValidateYear(int year, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(year))] string? paramName = null)
    {
        if (year is < MinYear or > MaxYear)
        {
            throw new ArgumentOutOfRangeException(paramName, year, $"The year must be between {MinYear} and {MaxYear}.");
        }
    }

    /// <summary>The calendar period of the same kind that follows this one.</summary>
    /// <returns>The next month, quarter or year.</returns>
    /// <exception cref="InvalidOperationException">
    /// The period is not a calendar period, or it ends the last year a period can be in (9998).
    /// </exception>
    public SlaPeriod Next()
    {
        if (!IsCalendar)
        {
            throw new InvalidOperationException("Only calendar periods have a next period.");
        }

        DateTimeOffset next = _start + Length;
        if (next.Year > MaxYear)
        {
            throw new InvalidOperationException($"No period follows {this}: a period's year is at most {MaxYear}.");
        }

        return Kind switch
        {
            SlaPeriodKind.CalendarMonth => CalendarMonth(next.Year, next.Month),
            // Stryker disable once Arithmetic : equivalent; a quarter starts in month 1, 4, 7 or 10, where (m + 1) / 3 and (m - 1) / 3 agree.
            SlaPeriodKind.CalendarQuarter => CalendarQuarter(next.Year, ((next.Month - 1) / 3) + 1),
            _ => CalendarYear(next.Year),
        };
    }

    /// <summary>
    /// The calendar periods from <paramref name="first"/> to <paramref name="last"/>, both included, without asking for
    /// the one after the last (there may be none). Both are calendar periods of one kind, the last not before the first.
    /// </summary>
    internal static IEnumerable<SlaPeriod> Through(SlaPeriod first, SlaPeriod last)
    {
        for (SlaPeriod period = first; ; period = period.Next())
        {
            yield return period;
            if (period._start >= last._start)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// Parses a period: <c>day</c>, <c>week</c>, <c>month</c>, <c>quarter</c>, <c>year</c> (the last three by
    /// <paramref name="convention"/>), a calendar period <c>2026</c>, <c>2026-Q1</c> or <c>2026-02</c>, or a
    /// rolling duration such as <c>30d</c> (see <see cref="DurationText"/>).
    /// </summary>
    /// <remarks>
    /// White space around the text is ignored. Years and months are ASCII digits only, the same in every culture; a
    /// rolling duration that rounds to no tick is not a period.
    /// </remarks>
    /// <param name="text">The text to parse; names are case-insensitive.</param>
    /// <param name="convention">The length of a conventional year.</param>
    /// <returns>The period.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not a period.</exception>
    public static SlaPeriod Parse(string text, YearConvention convention = YearConvention.Days365)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, convention, out SlaPeriod period))
        {
            throw new FormatException($"'{text}' is not a period: use year, quarter, month, week, day, YYYY, YYYY-Qn, YYYY-MM or a duration such as 30d.");
        }

        return period;
    }

    /// <summary>Tries to parse a period as <see cref="Parse(string, YearConvention)"/> does.</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="convention">The length of a conventional year.</param>
    /// <param name="period">The period, when the text is one.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a period.</returns>
    public static bool TryParse(string? text, YearConvention convention, out SlaPeriod period)
    {
        period = default;
        if (string.IsNullOrWhiteSpace(text) || !Enum.IsDefined(convention))
        {
            return false;
        }

        string trimmed = text.Trim();
        switch (trimmed.ToUpperInvariant())
        {
            case "DAY":
                period = Day;
                return true;
            case "WEEK":
                period = Week;
                return true;
            case "MONTH":
                period = Month(convention);
                return true;
            case "QUARTER":
                period = Quarter(convention);
                return true;
            case "YEAR":
                period = Year(convention);
                return true;
        }

        Match match = CalendarPattern().Match(trimmed);
        if (match.Success)
        {
            int year = int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture);
            if (year is < MinYear or > MaxYear)
            {
                return false;
            }

            if (match.Groups["quarter"].Success)
            {
                period = CalendarQuarter(year, match.Groups["quarter"].Value[0] - '0');
                return true;
            }

            if (match.Groups["month"].Success)
            {
                int month = int.Parse(match.Groups["month"].Value, CultureInfo.InvariantCulture);
                if (month is < 1 or > 12)
                {
                    return false;
                }

                period = CalendarMonth(year, month);
                return true;
            }

            period = CalendarYear(year);
            return true;
        }

        if (DurationText.TryParse(trimmed, out TimeSpan length) && length > TimeSpan.Zero)
        {
            period = Rolling(length);
            return true;
        }

        return false;
    }

    [GeneratedRegex(@"^(?<year>[0-9]{4})(-(Q(?<quarter>[1-4])|(?<month>[0-9]{2})))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CalendarPattern();

    /// <summary>
    /// The period as <see cref="Parse(string, YearConvention)"/> reads it: <c>year</c>, <c>month</c>,
    /// <c>2026-02</c>, <c>2026-Q1</c>, <c>2026</c>, <c>day</c>, <c>week</c> or a duration such as <c>30d</c>.
    /// </summary>
    /// <returns>The period's name.</returns>
    public override string ToString() => Kind switch
    {
        SlaPeriodKind.Year => "year",
        SlaPeriodKind.Quarter => "quarter",
        SlaPeriodKind.Month => "month",
        SlaPeriodKind.CalendarMonth => _start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        // Stryker disable once Arithmetic : equivalent; a quarter starts in month 1, 4, 7 or 10, where (m + 1) / 3 and (m - 1) / 3 agree.
        SlaPeriodKind.CalendarQuarter => string.Create(CultureInfo.InvariantCulture, $"{_start.Year:D4}-Q{((_start.Month - 1) / 3) + 1}"),
        SlaPeriodKind.CalendarYear => _start.Year.ToString("D4", CultureInfo.InvariantCulture),
        _ when Length == TimeSpan.FromDays(1) => "day",
        _ when Length == TimeSpan.FromDays(7) => "week",
        _ => DurationText.Format(Length).Replace(" ", "", StringComparison.Ordinal),
    };

    /// <inheritdoc/>
    public bool Equals(SlaPeriod other) =>
        Kind == other.Kind && Length == other.Length && _start == other._start && Convention == other.Convention;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SlaPeriod other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Length, _start, Convention);

    /// <summary>Whether two periods are the same.</summary>
    /// <param name="left">The first period.</param>
    /// <param name="right">The second period.</param>
    /// <returns><see langword="true"/> when they are the same.</returns>
    public static bool operator ==(SlaPeriod left, SlaPeriod right) => left.Equals(right);

    /// <summary>Whether two periods differ.</summary>
    /// <param name="left">The first period.</param>
    /// <param name="right">The second period.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(SlaPeriod left, SlaPeriod right) => !left.Equals(right);
}
