using System.Globalization;

namespace SlaKit.Tests.Infrastructure;

/// <summary>
/// Scales the iteration counts of the large generated-input tests. A mutation run repeats a test for every mutant the
/// test reaches, and the SIP fuzz tests reach nearly every parser mutant, so such a run sets <c>SLAKIT_FUZZ_SCALE</c> to a
/// fraction in (0, 1] and runs a sample of each; unset, the tests run in full.
/// </summary>
internal static class FuzzScale
{
    /// <summary>The environment variable that holds the fraction.</summary>
    public const string Variable = "SLAKIT_FUZZ_SCALE";

    private static readonly double Scale = Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary><paramref name="iterations"/> scaled by the fraction, rounded up, and at least 1.</summary>
    public static int Of(int iterations) => Of(iterations, Scale);

    /// <summary><paramref name="iterations"/> scaled by <paramref name="scale"/>, rounded up, and at least 1.</summary>
    public static int Of(int iterations, double scale) => Math.Max(1, (int)Math.Ceiling(Math.Round(iterations * scale, 6)));

    /// <summary>The fraction written in <paramref name="text"/>: 1 when it is unset or blank.</summary>
    /// <exception cref="InvalidOperationException">The text is not a number in (0, 1].</exception>
    public static double Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return 1;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double scale) && scale > 0 && scale <= 1
            ? scale
            : throw new InvalidOperationException($"{Variable} must be a fraction in (0, 1], such as 0.05; it is '{text}'.");
    }
}
