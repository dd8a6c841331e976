using System;
using System.Collections.Generic;
using System.Globalization;

namespace SlaKit.Analyzers.Model;

/// <summary>
/// The same decimal arithmetic as <c>SlaKit.Availability</c>, which an analyzer cannot reference (it targets
/// netstandard2.0): a value is kept as its unavailability 1 − A, parallel composition multiplies
/// unavailabilities, A = 1 − Π(1 − Aᵢ), and formatting prints exact values exactly.
/// </summary>
internal static class AvailabilityMath
{
    /// <summary><c>Availability.FromPercent</c>: a double read to the 15 significant digits it carries.</summary>
    public static decimal? FromPercent(double percent) =>
        double.IsNaN(percent) || percent < 0 || percent > 100 ? null : (100m - (decimal)percent) / 100m;

    public static decimal? FromRatio(double ratio) =>
        double.IsNaN(ratio) || ratio < 0 || ratio > 1 ? null : 1m - (decimal)ratio;

    public static decimal? FromNines(double nines)
    {
        if (double.IsNaN(nines) || nines < 0 || nines > 28)
        {
            return null;
        }

        if (nines == Math.Floor(nines))
        {
            decimal unavailability = 1m;
            for (int i = 0; i < (int)nines; i++)
            {
                unavailability /= 10m;
            }

            return unavailability;
        }

        return (decimal)Math.Pow(10, -nines);
    }

    /// <summary>Reads a percentage as the configuration binder does: <c>"99.95"</c> or <c>"99.95%"</c>.</summary>
    public static decimal? ParsePercent(string? text)
    {
        if (text is null)
        {
            return null;
        }

        string number = text.Trim().TrimEnd('%').TrimEnd();
        return double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double percent)
            ? FromPercent(percent)
            : null;
    }

    /// <summary>Parallel composition: the unavailabilities multiplied.</summary>
    public static decimal Parallel(IEnumerable<decimal> unavailabilities)
    {
        decimal down = 1m;
        foreach (decimal unavailability in unavailabilities)
        {
            down *= unavailability;
        }

        // Long decimal products can stray a few units of the 28th digit outside [0, 1].
        return Math.Min(1m, Math.Max(0m, down));
    }

    /// <summary>
    /// Formats as <c>Availability.ToString()</c> does: exact when the value has few digits (99.99%), otherwise
    /// rounded so that the unavailability keeps four significant digits (99.96529%), and a percentage under 1 its own
    /// four (0.0000000001%).
    /// </summary>
    public static string Format(decimal unavailability)
    {
        decimal percent = 100m - (unavailability * 100m);
        int decimals = 2;
        if (unavailability > 0m)
        {
            decimal unavailablePercent = unavailability * 100m;
            int magnitude = (int)Math.Floor(Math.Log10((double)unavailablePercent));
            decimals = Math.Max(2, 3 - magnitude);
        }

        // A percentage under 1 keeps four significant digits of its own, as the library's does.
        if (percent > 0m && percent < 1m)
        {
            int magnitude = (int)Math.Floor(Math.Log10((double)percent));
            decimals = Math.Max(decimals, 3 - magnitude);
        }

        decimals = Math.Min(decimals, 26);
        decimal rounded = Math.Round(percent, decimals, MidpointRounding.AwayFromZero);
        return rounded.ToString("0.############################", CultureInfo.InvariantCulture) + "%";
    }
}
