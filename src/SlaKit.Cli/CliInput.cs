using System.Globalization;

namespace SlaKit.Cli;

/// <summary>Reads command-line values, turning bad ones into a <see cref="CliUsageException"/> that names them.</summary>
/// <remarks>
/// Every number reads the same in every culture, as <see cref="NumberText"/> reads it: ASCII digits and one <c>.</c>; no
/// sign, exponent, group separator, decimal comma, NaN or Infinity. White space around a value is ignored. A number is
/// never rounded: one with more digits than SlaKit counts with is refused.
/// </remarks>
internal static class CliInput
{
    /// <summary>A percentage in (0, 100], such as <c>99.99</c>.</summary>
    public static Availability Percent(string text, string what) => Percent(text, what, below100: false);

    /// <summary>A percentage in (0, 100], or in (0, 100) when <paramref name="below100"/>.</summary>
    public static Availability Percent(string text, string what, bool below100)
    {
        NumberRead read = NumberText.TryParsePercent(text, out decimal percent);
        if (read == NumberRead.TooManyDigits)
        {
            throw new CliUsageException($"{what} {NumberText.TooManyDigits(text)}.");
        }

        if (read != NumberRead.Number || percent <= 0m || percent > 100m || (below100 && percent == 100m))
        {
            throw new CliUsageException($"{what} '{text}' is not a percentage in (0, {(below100 ? "100)" : "100]")}.");
        }

        return Availability.FromPercentExact(percent);
    }

    /// <summary>
    /// A target such as <c>99.9</c>: a percentage as <see cref="Percent(string, string, bool)"/> reads it, where a value
    /// below 1 is refused, as a ratio (<c>0.999</c>) written where a percentage belongs.
    /// </summary>
    public static Availability Target(string text, string what, bool below100)
    {
        Availability target = Percent(text, what, below100);
        if (target.PercentExact < NumberText.MinimumTargetPercent)
        {
            throw new CliUsageException($"{what} {NumberText.RatioNotPercent(text, target.PercentExact)}.");
        }

        return target;
    }

    /// <summary>A number in [0, <paramref name="max"/>], exact.</summary>
    public static decimal Number(string text, string what, decimal max)
    {
        NumberRead read = NumberText.TryParseDecimal(text, out decimal value);
        if (read == NumberRead.TooManyDigits)
        {
            throw new CliUsageException($"{what} {NumberText.TooManyDigits(text)}.");
        }

        if (read != NumberRead.Number || value > max)
        {
            throw new CliUsageException($"{what} '{text}' is not a number between 0 and {max.ToString(CultureInfo.InvariantCulture)}.");
        }

        return value;
    }

    /// <summary>A duration such as <c>720h</c>, <c>15m</c>, <c>1d12h</c> or <c>52m 33.6s</c>.</summary>
    public static TimeSpan Duration(string text, string what)
    {
        if (!DurationText.TryParse(text, out TimeSpan duration, out string? error))
        {
            // The reader's reason: an unknown unit, too many digits, too long a duration.
            throw new CliUsageException($"{what} {error}");
        }

        return duration;
    }

    /// <summary>The value of <c>--year-days</c>: 365 or 365.2425.</summary>
    public static YearConvention YearDays(string text) =>
        NumberText.TryParseDecimal(text, out decimal days) != NumberRead.Number ? throw new CliUsageException($"--year-days '{text}' is not 365 or 365.2425.")
        : days == 365m ? YearConvention.Days365
        : days == 365.2425m ? YearConvention.Gregorian
        : throw new CliUsageException($"--year-days '{text}' is not 365 or 365.2425.");

    /// <summary>A period: year, quarter, month, week, day, YYYY, YYYY-Qn, YYYY-MM or a duration such as 30d.</summary>
    public static SlaPeriod Period(string text, YearConvention convention)
    {
        if (!SlaPeriod.TryParse(text, convention, out SlaPeriod period))
        {
            throw new CliUsageException($"--period '{text}' is not a period (year, quarter, month, week, day, YYYY, YYYY-Qn, YYYY-MM or a duration such as 30d).");
        }

        return period;
    }

    /// <summary>A calendar month written YYYY-MM.</summary>
    public static SlaPeriod Month(string text)
    {
        if (!SlaPeriod.TryParse(text, YearConvention.Days365, out SlaPeriod month) || month.Kind != SlaPeriodKind.CalendarMonth)
        {
            throw new CliUsageException($"--month '{text}' is not a calendar month written YYYY-MM.");
        }

        return month;
    }

    /// <summary>A credit schedule such as <c>99.99:10,99:25,95:100</c>.</summary>
    public static CreditSchedule Tiers(string text)
    {
        try
        {
            return CreditSchedule.Parse(text);
        }
        catch (FormatException exception)
        {
            throw new CliUsageException($"--tiers: {exception.Message}");
        }
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static int Count(string text, string what, int min, int max)
    {
        if (!NumberText.TryParseWhole(text, out long value) || value < min || value > max)
        {
            throw new CliUsageException($"{what} '{text}' is not a whole number in [{min}, {max}].");
        }

        return (int)value;
    }

    /// <summary>Seconds of a duration, as a JSON number.</summary>
    public static double Seconds(TimeSpan duration) => duration.TotalSeconds;

    /// <summary>A number for readable output, without float artifacts.</summary>
    public static string Number(double value) =>
        // A zero reached by subtraction may be negative zero, which would print as "-0".
        (value == 0 ? 0d : value).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads the file an option names with <paramref name="read"/>, turning an empty path and the file system's refusals
    /// into a <see cref="CliUsageException"/> that names the option.
    /// </summary>
    public static T ReadFile<T>(string? path, string option, Func<string, T> read)
    {
        string file = NotEmpty(path, option);
        try
        {
            return read(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new CliUsageException($"{option} '{file}' cannot be read: {exception.Message}");
        }
    }

    /// <summary>Writes <paramref name="text"/> to the file an option names, with the same errors as <see cref="ReadFile"/>.</summary>
    public static void WriteFile(string? path, string option, string text)
    {
        string file = NotEmpty(path, option);
        try
        {
            File.WriteAllText(file, text);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new CliUsageException($"{option} '{file}' cannot be written: {exception.Message}");
        }
    }

    private static string NotEmpty(string? path, string option) =>
        string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal)
            ? throw new CliUsageException($"{option} '{path}' is not a path.")
            : path;
}
