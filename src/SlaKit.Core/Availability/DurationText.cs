using System.Globalization;
using System.Numerics;
using System.Text;

namespace SlaKit;

/// <summary>
/// Reads and writes durations the way operators write them: <c>52m 33.6s</c>, <c>8h 45m 36s</c>,
/// <c>720h</c>, <c>1d12h</c>. <see cref="Format(TimeSpan)"/> and <see cref="Parse(string)"/> round-trip every duration of
/// zero or more exactly; <see cref="Parse(string)"/> reads no negative duration.
/// </summary>
public static class DurationText
{
    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("d", TimeSpan.TicksPerDay),
        ("h", TimeSpan.TicksPerHour),
        ("m", TimeSpan.TicksPerMinute),
        ("s", TimeSpan.TicksPerSecond),
        ("ms", TimeSpan.TicksPerMillisecond),
    ];

    /// <summary>
    /// Formats a duration as days, hours, minutes and seconds, omitting zero parts and keeping every
    /// fractional digit of the seconds down to the tick: <c>52m 33.6s</c>, <c>3d 15h 36m</c>, <c>0.0864s</c>, <c>0s</c>.
    /// </summary>
    /// <param name="duration">The duration; a negative one is written with a leading <c>-</c>.</param>
    /// <returns>The readable duration.</returns>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var text = new StringBuilder();
        decimal ticks = duration.Ticks;
        if (ticks < 0)
        {
            text.Append('-');
            ticks = -ticks;
        }

        long days = (long)(ticks / TimeSpan.TicksPerDay);
        ticks -= days * (decimal)TimeSpan.TicksPerDay;
        long hours = (long)(ticks / TimeSpan.TicksPerHour);
        ticks -= hours * (decimal)TimeSpan.TicksPerHour;
        long minutes = (long)(ticks / TimeSpan.TicksPerMinute);
        ticks -= minutes * (decimal)TimeSpan.TicksPerMinute;
        decimal seconds = Availability.Normalize(ticks / TimeSpan.TicksPerSecond);

        AppendPart(text, days, "d");
        AppendPart(text, hours, "h");
        AppendPart(text, minutes, "m");
        if (seconds != 0m)
        {
            AppendSeparator(text);
            text.Append(seconds.ToString(CultureInfo.InvariantCulture)).Append('s');
        }

        return text.ToString();
    }

    private static void AppendPart(StringBuilder text, long value, string unit)
    {
        if (value != 0)
        {
            AppendSeparator(text);
            text.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }

    private static void AppendSeparator(StringBuilder text)
    {
        if (text.Length > 0 && text[^1] != '-')
        {
            text.Append(' ');
        }
    }

    /// <summary>
    /// Parses a duration made of parts <c>&lt;number&gt;&lt;unit&gt;</c> with units <c>d</c>, <c>h</c>,
    /// <c>m</c>, <c>s</c> and <c>ms</c>, largest first, each at most once, optionally separated by spaces;
    /// numbers may have a fraction (<c>1.5h</c>). <c>0</c> alone is zero.
    /// </summary>
    /// <remarks>
    /// The same text reads the same in every culture: numbers are ASCII digits with <c>.</c> as the decimal point, and
    /// no sign, exponent, group separator or decimal comma. White space around the text is ignored. The parts are summed
    /// exactly and the sum rounded once to the nearest tick, half away from zero; a number may have at most 60
    /// digits, leading zeros before its point and trailing zeros after it aside.
    /// </remarks>
    /// <param name="text">The text, for example <c>52m 33.6s</c> or <c>1d12h</c>.</param>
    /// <returns>The duration, rounded to the nearest tick.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not a duration.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out TimeSpan duration, out string? error))
        {
            throw new FormatException(error);
        }

        return duration;
    }

    /// <summary>Tries to parse a duration as <see cref="Parse(string)"/> does.</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="duration">The duration, when the text is one.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a duration.</returns>
    public static bool TryParse(string? text, out TimeSpan duration) => TryParse(text, out duration, out _);

    /// <summary>Tries to parse a duration, saying what is wrong with the text when it is not one.</summary>
    internal static bool TryParse(string? text, out TimeSpan duration, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        duration = TimeSpan.Zero;
        string shown = text ?? "";
        error = $"'{shown}' is not a duration: expected parts such as 1d, 12h, 30m, 33.6s or 250ms, largest first.";
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        ReadOnlySpan<char> rest = text.AsSpan().Trim();
        if (rest is "0")
        {
            return true;
        }

        // Exactly: each part is digits × 10^-scale of its unit, summed over the largest scale and rounded once.
        BigInteger total = BigInteger.Zero;
        int totalScale = 0;
        int lastUnit = -1;
        while (!rest.IsEmpty)
        {
            int numberLength = 0;
            while (numberLength < rest.Length && (char.IsAsciiDigit(rest[numberLength]) || rest[numberLength] == '.'))
            {
                numberLength++;
            }

            int unitLength = numberLength;
            while (unitLength < rest.Length && char.IsAsciiLetter(rest[unitLength]))
            {
                unitLength++;
            }

            if (numberLength == 0 || unitLength == numberLength)
            {
                return false;
            }

            switch (NumberText.TryParseExact(rest[..numberLength], out BigInteger digits, out int scale))
            {
                case NumberRead.TooManyDigits:
                    error = $"'{shown}' is not a duration: '{rest[..numberLength]}' has more than 60 digits.";
                    return false;
                case NumberRead.NotANumber:
                    return false;
            }

            int unit = IndexOfUnit(rest[numberLength..unitLength]);
            if (unit < 0)
            {
                error = $"'{shown}' is not a duration: unknown unit '{rest[numberLength..unitLength]}' (use d, h, m, s or ms).";
                return false;
            }

            if (unit <= lastUnit)
            {
                error = $"'{shown}' is not a duration: units must be given largest first, each once.";
                return false;
            }

            lastUnit = unit;
            BigInteger part = digits * Units[unit].Ticks;
            if (scale > totalScale)
            {
                total *= BigInteger.Pow(10, scale - totalScale);
                totalScale = scale;
            }
            else
            {
                part *= BigInteger.Pow(10, totalScale - scale);
            }

            total += part;
            rest = rest[unitLength..].TrimStart();
        }

        BigInteger ticks = BigInteger.DivRem(total, BigInteger.Pow(10, totalScale), out BigInteger remainder);
        if (remainder * 2 >= BigInteger.Pow(10, totalScale))
        {
            ticks++;
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            error = $"'{shown}' is too long a duration.";
            return false;
        }

        duration = TimeSpan.FromTicks((long)ticks);
        error = null;
        return true;
    }

    private static int IndexOfUnit(ReadOnlySpan<char> unit)
    {
        for (int i = 0; i < Units.Length; i++)
        {
            if (unit.Equals(Units[i].Unit, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
