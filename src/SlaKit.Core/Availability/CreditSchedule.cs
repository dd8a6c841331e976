using System.Globalization;
using System.Numerics;

namespace SlaKit;

/// <summary>
/// An SLA's service-credit schedule, such as "below 99.99% → 10%, below 99% → 25%, below 95% → 100%",
/// applied to each calendar month on its own.
/// </summary>
/// <remarks>
/// A month earns the credit of the lowest tier it falls below. Tiers must give more credit the lower
/// they are, so a worse month never earns less.
/// </remarks>
public sealed class CreditSchedule
{
    private readonly CreditTier[] _tiers;

    /// <summary>Creates a schedule from its tiers, in any order.</summary>
    /// <param name="tiers">At least one tier; thresholds distinct, credits not decreasing as thresholds fall.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tiers"/> or one of them is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No tiers, a repeated threshold, or a lower tier with a smaller credit.</exception>
    public CreditSchedule(IEnumerable<CreditTier> tiers)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        CreditTier[] sorted = tiers.ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("A credit schedule needs at least one tier.", nameof(tiers));
        }

        foreach (CreditTier tier in sorted)
        {
            ArgumentNullException.ThrowIfNull(tier, nameof(tiers));
        }

        string? problem = SortAndCheck(sorted);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(tiers));
        }

        _tiers = sorted;
    }

    // The flag only tells this constructor from the public one; its value means nothing.
    private CreditSchedule(CreditTier[] checkedTiers, bool _) => _tiers = checkedTiers;

    /// <summary>Sorts the tiers highest threshold first and says what is wrong with them, if anything.</summary>
    private static string? SortAndCheck(CreditTier[] tiers)
    {
        Array.Sort(tiers, static (a, b) => b.Below.CompareTo(a.Below));
        for (int i = 1; i < tiers.Length; i++)
        {
            if (tiers[i].Below == tiers[i - 1].Below)
            {
                return $"Two tiers share the threshold {tiers[i].Below}.";
            }

            if (tiers[i].CreditPercent < tiers[i - 1].CreditPercent)
            {
                return $"The tier below {tiers[i].Below} gives less credit ({tiers[i].CreditPercent.ToString(CultureInfo.InvariantCulture)}%) than the tier below {tiers[i - 1].Below} ({tiers[i - 1].CreditPercent.ToString(CultureInfo.InvariantCulture)}%).";
            }
        }

        return null;
    }

    /// <summary>The tiers, highest threshold first.</summary>
    public IReadOnlyList<CreditTier> Tiers => _tiers;

    /// <summary>
    /// Parses a schedule written as comma-separated <c>T:C</c> pairs, where <c>T:C</c> means "credit C% when
    /// the measured month is below T%": <c>99.99:10,99:25,95:100</c>.
    /// </summary>
    /// <remarks>
    /// The numbers read the same in every culture: ASCII digits with <c>.</c> as the decimal point; no sign, exponent,
    /// group separator, NaN or Infinity. White space around each tier and each number is ignored. A threshold is exact
    /// and may have at most 26 decimal places; a credit may have at most 15 significant digits, which its
    /// <see cref="double"/> holds exactly. A number with more digits is refused rather than rounded, so
    /// <see cref="ToString"/> reads back as the same schedule.
    /// </remarks>
    /// <param name="text">The schedule's text.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The text is malformed or its tiers are inconsistent; the message names the bad part.</exception>
    public static CreditSchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tiers = new List<CreditTier>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] pair = part.Split(':', StringSplitOptions.TrimEntries);
            // An exact decimal threshold: a threshold just under 100 stays under it. A credit of at most 15 significant
            // digits, which its double holds and prints back.
            decimal threshold = 0m;
            BigInteger credit = BigInteger.Zero;
            int creditScale = 0;
            NumberRead thresholdRead = pair.Length == 2 ? NumberText.TryParsePercent(pair[0], out threshold) : NumberRead.NotANumber;
            NumberRead creditRead = pair.Length == 2 ? NumberText.TryParseExact(pair[1], out credit, out creditScale) : NumberRead.NotANumber;
            if (thresholdRead == NumberRead.NotANumber || creditRead == NumberRead.NotANumber)
            {
                throw new FormatException($"'{part}' is not a credit tier: expected T:C, such as 99.99:10 (credit C% below T%).");
            }

            if (thresholdRead == NumberRead.TooManyDigits)
            {
                throw new FormatException($"'{part}' is not a credit tier: {NumberText.TooManyDigits(pair[0])}.");
            }

            if (creditRead == NumberRead.TooManyDigits || credit >= BigInteger.Pow(10, NumberText.MaximumDoubleDigits))
            {
                throw new FormatException($"'{part}' is not a credit tier: {NumberText.TooManyDigits(pair[1], "15 significant digits for a credit")}.");
            }

            if (threshold is <= 0 or > 100)
            {
                throw new FormatException($"'{part}' is not a credit tier: the threshold {pair[0]} must be in (0, 100].");
            }

            if (credit > 100 * BigInteger.Pow(10, creditScale))
            {
                throw new FormatException($"'{part}' is not a credit tier: the credit {pair[1]} must be in [0, 100].");
            }

            tiers.Add(new CreditTier(Availability.FromPercentExact(threshold), double.Parse(pair[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)));
        }

        CreditTier[] sorted = tiers.ToArray();
        string? problem = SortAndCheck(sorted);
        if (problem is not null)
        {
            throw new FormatException($"'{text}' is not a credit schedule: {problem}");
        }

        // Stryker disable once Boolean : equivalent; the flag only picks the constructor.
        return new CreditSchedule(sorted, true);
    }

    /// <summary>The credit owed for a month measured at <paramref name="measured"/>.</summary>
    /// <param name="measured">The month's measured availability.</param>
    /// <returns>The credit of the lowest tier the month is strictly below, in percent; 0 when it is below none.</returns>
    public double CreditFor(Availability measured)
    {
        double credit = 0;
        foreach (CreditTier tier in _tiers)
        {
            if (measured < tier.Below)
            {
                credit = tier.CreditPercent;
            }
        }

        return credit;
    }

    /// <summary>
    /// Measures each calendar month from <paramref name="firstMonth"/> to <paramref name="lastMonth"/> on its
    /// own and assesses the credit it earns.
    /// </summary>
    /// <param name="incidents">The incidents, in any order.</param>
    /// <param name="firstMonth">The first month (<see cref="SlaPeriod.CalendarMonth(int, int)"/>).</param>
    /// <param name="lastMonth">The last month, inclusive.</param>
    /// <param name="options">How to count downtime; <see cref="MeasurementOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>One entry per month, in order.</returns>
    /// <exception cref="ArgumentException">A bound is not a calendar month.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lastMonth"/> is before <paramref name="firstMonth"/>.</exception>
    public IReadOnlyList<MonthlyCredit> AssessCalendarMonths(IEnumerable<Incident> incidents, SlaPeriod firstMonth, SlaPeriod lastMonth, MeasurementOptions? options = null) =>
        AvailabilityMeasurement.MeasureCalendarMonths(incidents, firstMonth, lastMonth, options)
            .Select(month => new MonthlyCredit(month, CreditFor(month.Availability)))
            .ToArray();

    /// <summary>The schedule as <see cref="Parse(string)"/> reads it, for example <c>99.99:10,99:25,95:100</c>.</summary>
    /// <returns>The schedule's text.</returns>
    public override string ToString() => string.Join(",", _tiers.Select(static tier => tier.ToString()));
}
