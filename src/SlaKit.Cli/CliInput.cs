using System.Globalization;

namespace SlaKit.Cli;

/// <summary>Reads command-line values, turning bad ones into a <see cref="CliUsageException"/> that names them.</summary>
internal static class CliInput
{
    /// <summary>A percentage in (0, 100], such as <c>99.99</c>.</summary>
    public static Availability Percent(string text, string what)
    {
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal percent) ||
            percent <= 0m || percent > 100m)
        {
            throw new CliUsageException($"{what} '{text}' is not a percentage in (0, 100].");
        }

        return Availability.FromPercentExact(percent);
    }

    /// <summary>A duration such as <c>720h</c>, <c>15m</c>, <c>1d12h</c> or <c>52m 33.6s</c>.</summary>
    public static TimeSpan Duration(string text, string what)
    {
        if (!DurationText.TryParse(text, out TimeSpan duration))
        {
            throw new CliUsageException($"{what} '{text}' is not a duration (such as 720h, 15m, 1d12h or 52m 33.6s).");
        }

        return duration;
    }

    /// <summary>The value of <c>--year-days</c>: 365 or 365.2425.</summary>
    public static YearConvention YearDays(string text) => text switch
    {
        "365" => YearConvention.Days365,
        "365.2425" => YearConvention.Gregorian,
        _ => throw new CliUsageException($"--year-days '{text}' is not 365 or 365.2425."),
    };

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
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            throw new CliUsageException($"{what} '{text}' is not a whole number in [{min}, {max}].");
        }

        return value;
    }

    /// <summary>Seconds of a duration, as a JSON number.</summary>
    public static double Seconds(TimeSpan duration) => duration.TotalSeconds;

    /// <summary>A number for readable output, without float artifacts.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

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
