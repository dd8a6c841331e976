using System.Globalization;
using System.Numerics;

namespace SlaKit;

/// <summary>What reading a number from text found.</summary>
internal enum NumberRead
{
    /// <summary>A number, held exactly.</summary>
    Number,

    /// <summary>Not a number as SlaKit writes them.</summary>
    NotANumber,

    /// <summary>A number with more digits than SlaKit counts with: reading it would round it.</summary>
    TooManyDigits,
}

/// <summary>
/// Reads the numbers people give SlaKit as text, one way in every culture: ASCII digits with at most one <c>.</c> as
/// the decimal point; no sign, exponent, group separator, decimal comma, NaN, Infinity or other script's digits. White
/// space around the number is ignored, as <see cref="string.Trim()"/> ignores it; white space inside is not.
/// </summary>
internal static class NumberText
{
    /// <summary>The most decimal places a percentage may have: an <see cref="Availability"/> holds 1 − p/100 to 28 places.</summary>
    public const int MaximumPercentDecimals = 26;

    /// <summary>The most digits read into a <see cref="BigInteger"/>, leading and trailing zeros aside: far more than any duration needs.</summary>
    public const int MaximumExactDigits = 60;

    /// <summary>The most significant digits of a number read as a <see cref="double"/> that must print back as it was read.</summary>
    public const int MaximumDoubleDigits = 15;

    /// <summary>The message for a number SlaKit would have to round, saying how many digits it counts with.</summary>
    public static string TooManyDigits(string? text, string limit = "28 significant digits, 26 decimal places for a percentage") =>
        $"'{text}' has more digits than SlaKit counts with ({limit})";

    /// <summary>The lowest target SlaKit reads as a percentage: below it, a target is taken for a ratio written by mistake.</summary>
    public const decimal MinimumTargetPercent = 1m;

    /// <summary>Why a target below <see cref="MinimumTargetPercent"/> is refused: it reads as a ratio; the message suggests the percentage.</summary>
    public static string RatioNotPercent(string? text, decimal ratio) =>
        $"'{text?.Trim()}' is a ratio; write the target as a percent, e.g. {(ratio * 100m).ToString("0.##########################", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>
    /// A non-negative finite double written with the fewest digits that read back as it, never with an exponent:
    /// <c>1E-05</c> is written <c>0.00001</c>.
    /// </summary>
    public static string Plain(double value)
    {
        string shortest = value.ToString("R", CultureInfo.InvariantCulture);
        int e = shortest.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return shortest;
        }

        int exponent = int.Parse(shortest.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        string mantissa = shortest[..e];
        int point = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        int units = (point < 0 ? mantissa.Length : point) + exponent;
        return units <= 0 ? "0." + new string('0', -units) + digits
            : units >= digits.Length ? digits + new string('0', units - digits.Length)
            : $"{digits[..units]}.{digits[units..]}";
    }

    /// <summary>
    /// Whether <paramref name="text"/>, trimmed, is a plain number: at least one ASCII digit and at most one <c>.</c>.
    /// </summary>
    public static bool IsPlain(ReadOnlySpan<char> text)
    {
        bool digit = false;
        bool point = false;
        foreach (char c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                digit = true;
            }
            else if (c == '.' && !point)
            {
                point = true;
            }
            else
            {
                return false;
            }
        }

        return digit;
    }

    /// <summary>Reads a plain number as an exact <see cref="decimal"/>; a number the decimal would round is refused.</summary>
    public static NumberRead TryParseDecimal(string? text, out decimal value) => TryParseDecimal(text.AsSpan(), out value);

    /// <inheritdoc cref="TryParseDecimal(string?, out decimal)"/>
    public static NumberRead TryParseDecimal(ReadOnlySpan<char> text, out decimal value)
    {
        value = 0m;
        ReadOnlySpan<char> number = text.Trim();
        if (!IsPlain(number))
        {
            return NumberRead.NotANumber;
        }

        // Past decimal's range: larger than any number SlaKit takes, which the caller's range check names.
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
        {
            return NumberRead.NotANumber;
        }

        // The parse rounds what does not fit in 28 or 29 digits: the digits it kept must be all the text's digits.
        return Availability.Normalize(value).ToString(CultureInfo.InvariantCulture).AsSpan().SequenceEqual(Canonical(number))
            ? NumberRead.Number
            : NumberRead.TooManyDigits;
    }

    /// <summary>
    /// Reads a plain number that is a percentage: exact, and with at most <see cref="MaximumPercentDecimals"/> decimal
    /// places, so that an <see cref="Availability"/> made of it keeps every digit.
    /// </summary>
    public static NumberRead TryParsePercent(string? text, out decimal percent)
    {
        NumberRead read = TryParseDecimal(text, out percent);
        return read == NumberRead.Number && Availability.Normalize(percent).Scale > MaximumPercentDecimals ? NumberRead.TooManyDigits : read;
    }

    /// <summary>
    /// Reads a whole number of ASCII digits, white space around it ignored. Unlike <see cref="long.TryParse(string?, out long)"/>,
    /// it reads no trailing NUL characters (<c>"5\0"</c> is not 5).
    /// </summary>
    public static bool TryParseWhole(string? text, out long value)
    {
        value = 0;
        ReadOnlySpan<char> number = text.AsSpan().Trim();
        return !number.IsEmpty && !number.ContainsAnyExceptInRange('0', '9') &&
            long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// The <see cref="double"/> nearest to <paramref name="value"/>. The decimal's own conversion is not correctly rounded:
    /// 99.99999999999999999999999 becomes 100.00000000000001, past a bound of 100.
    /// </summary>
    public static double ToDouble(decimal value) => double.Parse(value.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads a plain number as the nearest <see cref="double"/> (round half to even, as IEEE 754 reads decimals); a
    /// number too large for a double is refused.
    /// </summary>
    public static bool TryParseDouble(string? text, out double value)
    {
        value = 0;
        ReadOnlySpan<char> number = text.AsSpan().Trim();
        return IsPlain(number) &&
            double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value) &&
            double.IsFinite(value);
    }

    /// <summary>
    /// Reads a plain number exactly as <paramref name="digits"/> × 10^−<paramref name="scale"/>; a number with more than
    /// <see cref="MaximumExactDigits"/> digits, leading zeros before the point and trailing zeros after it aside, is refused
    /// as <see cref="NumberRead.TooManyDigits"/>.
    /// </summary>
    public static NumberRead TryParseExact(ReadOnlySpan<char> text, out BigInteger digits, out int scale)
    {
        digits = BigInteger.Zero;
        scale = 0;
        ReadOnlySpan<char> number = text.Trim();
        if (!IsPlain(number))
        {
            return NumberRead.NotANumber;
        }

        string canonical = Canonical(number);
        int point = canonical.IndexOf('.', StringComparison.Ordinal);
        if (canonical.Length - (point < 0 ? 0 : 1) > MaximumExactDigits)
        {
            return NumberRead.TooManyDigits;
        }

        string all = point < 0 ? canonical : string.Concat(canonical.AsSpan(0, point), canonical.AsSpan(point + 1));
        digits = BigInteger.Parse(all, NumberStyles.None, CultureInfo.InvariantCulture);
        scale = point < 0 ? 0 : canonical.Length - point - 1;
        return NumberRead.Number;
    }

    /// <summary>
    /// A plain number written as a normalized decimal prints it: no leading zeros before the units, no trailing zeros
    /// after the point, no point without a fraction (<c>007.50</c> → <c>7.5</c>, <c>.5</c> → <c>0.5</c>, <c>5.</c> → <c>5</c>).
    /// </summary>
    private static string Canonical(ReadOnlySpan<char> number)
    {
        int point = number.IndexOf('.');
        ReadOnlySpan<char> whole = (point < 0 ? number : number[..point]).TrimStart('0');
        ReadOnlySpan<char> fraction = point < 0 ? [] : number[(point + 1)..].TrimEnd('0');
        string units = whole.IsEmpty ? "0" : whole.ToString();
        return fraction.IsEmpty ? units : $"{units}.{fraction}";
    }
}
