using System.Globalization;
using CsCheck;

namespace SlaKit.Tests;

/// <summary>
/// Numbers as people and other programs mistype them, shared by the tests of every parser that reads a number from text.
/// </summary>
/// <remarks>
/// What SlaKit decides for each kind, the same in every parser:
/// <list type="bullet">
/// <item>ASCII digits with at most one <c>.</c> are a number; nothing else is. Signs, exponents (<c>1e-30</c>), NaN,
/// Infinity, thousands separators (<c>1,000</c>, <c>1 000</c>, <c>1'000</c>), decimal commas (<c>99,9</c>) and other
/// scripts' digits (<c>٩٩.٩</c>, <c>９９</c>) are refused, never read as another number.</item>
/// <item>White space around a value is trimmed (what <see cref="string.Trim()"/> trims); white space inside is refused.</item>
/// <item>A number is never rounded silently: one with more digits than SlaKit counts with (28 significant digits, 26
/// decimal places for a percentage) is refused with a message that says so; durations are summed exactly and rounded
/// once to the nearest tick, up to 60 digits a number.</item>
/// <item>Bounds are checked on the exact number: <c>-0</c> is refused (a sign), <c>0.0000000001</c> is a valid
/// percentage computed exactly, <c>99.99999999999999999999999</c> stays below 100.</item>
/// </list>
/// </remarks>
internal static class HostileNumbers
{
    /// <summary>Text that is not a number in any of SlaKit's parsers, whatever the culture.</summary>
    public static readonly string[] NotNumbers =
    [
        "", " ", ".", "..", "1..2", "1.2.3", "NaN", "nan", "Infinity", "-Infinity", "+Infinity", "∞", "-∞",
        "-0", "-0.0", "+0", "+5", "-5", "5-", "1e-30", "1E2", "1e3", "0x10", "&h10", "1,000", "1,000.5", "99,9", "99,99",
        "1 000", "1\u00a0000", "1\u202f000", "1'000", "1’000", "1_000", "٩٩.٩", "٩٩", "۹۹", "९९", "９９", "９９.９", "99٫9",
        "99.9%%", "%99", "99 .9", "99. 9", "1/2", "½", "(5)", "5$", "$5", "\u0000", "5\u0000", "１", "¹", "٠",
    ];

    /// <summary>Characters that make up hostile numbers: digits of several scripts, separators, signs, exponents.</summary>
    public const string Alphabet = "0123456789012345678901234567890123456789....,,  -+eE%:\u00a0\u202f'٠١٢٩٫٬０９९\t";

    /// <summary>Whole words that parsers of numbers in some runtimes read.</summary>
    private static readonly string[] Words = ["NaN", "Infinity", "-Infinity", "∞", "1e-30", "99.99999999999999999999999", "0.0000000001", "100", "0", "-0", "1,000", "99,9", "٩٩.٩", "９９", " ", "."];

    /// <summary>Arbitrary strings over the hostile alphabet, and glued words.</summary>
    public static readonly Gen<string> Text = Gen.OneOf(
        Gen.String[Gen.Char[Alphabet], 0, 40],
        Gen.OneOf<string>(Words).Array[1, 4].Select(static parts => string.Concat(parts)),
        Gen.Select(Gen.Int[0, 60], Gen.Int[0, 60], Gen.Bool, static (whole, fraction, spaces) =>
        {
            // Long plain numbers: more digits than a decimal or a double holds.
            string digits = new string('9', whole) + (fraction > 0 ? "." + new string('9', fraction) : "");
            return spaces ? $" {digits} " : digits;
        }));

    /// <summary>
    /// The decimal value of a plain number (ASCII digits, at most one point), or null for other text; exact, to compare a
    /// parser's answer with. Decimal's own parser rounds past 28 digits: a text it would round gives null too.
    /// </summary>
    public static decimal? Exact(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed.Any(static c => !char.IsAsciiDigit(c) && c != '.') || trimmed.Count(static c => c == '.') > 1 || !trimmed.Any(char.IsAsciiDigit))
        {
            return null;
        }

        if (!decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value))
        {
            return null;
        }

        string canonical = trimmed.Contains('.', StringComparison.Ordinal) ? trimmed.TrimEnd('0').TrimEnd('.') : trimmed;
        canonical = canonical.TrimStart('0');
        if (canonical.Length == 0 || canonical[0] == '.')
        {
            canonical = "0" + canonical;
        }

        return (value / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture) == canonical ? value : null;
    }

    /// <summary>
    /// Cultures whose numbers are written otherwise than the invariant culture's: German and French decimal commas and
    /// group separators, Arabic separators, digits and signs. Tests run with invariant globalization, so these are the
    /// invariant culture with those cultures' number formats.
    /// </summary>
    public static IEnumerable<CultureInfo> ForeignCultures()
    {
        yield return Culture(",", ".", "-", "NaN", "∞");
        yield return Culture(",", "\u202f", "-", "NaN", "∞");
        yield return Culture("٫", "٬", "\u061c-", "ليس رقمًا", "∞", ["٠", "١", "٢", "٣", "٤", "٥", "٦", "٧", "٨", "٩"]);
    }

    private static CultureInfo Culture(string point, string group, string minus, string nan, string infinity, string[]? digits = null)
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        NumberFormatInfo numbers = culture.NumberFormat;
        numbers.NumberDecimalSeparator = point;
        numbers.NumberGroupSeparator = group;
        numbers.PercentDecimalSeparator = point;
        numbers.PercentGroupSeparator = group;
        numbers.CurrencyDecimalSeparator = point;
        numbers.CurrencyGroupSeparator = group;
        numbers.NegativeSign = minus;
        numbers.NaNSymbol = nan;
        numbers.PositiveInfinitySymbol = infinity;
        numbers.NegativeInfinitySymbol = minus + infinity;
        if (digits is not null)
        {
            numbers.NativeDigits = digits;
            numbers.DigitSubstitution = DigitShapes.NativeNational;
        }

        return culture;
    }

    /// <summary>Runs <paramref name="action"/> with <paramref name="culture"/> as the current culture and UI culture.</summary>
    public static T InCulture<T>(CultureInfo culture, Func<T> action)
    {
        CultureInfo current = CultureInfo.CurrentCulture;
        CultureInfo currentUi = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
            return action();
        }
        finally
        {
            CultureInfo.CurrentCulture = current;
            CultureInfo.CurrentUICulture = currentUi;
        }
    }
}
