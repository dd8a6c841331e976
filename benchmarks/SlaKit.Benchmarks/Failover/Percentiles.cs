namespace SlaKit.Benchmarks.Failover;

/// <summary>Nearest-rank percentiles, the definition latency reports use: the smallest value with at least p% of the values at or below it.</summary>
internal static class Percentiles
{
    /// <summary>The <paramref name="percentile"/>-th percentile of <paramref name="values"/> (in any order); NaN when there are none.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percentile"/> is not in (0, 100].</exception>
    public static double NearestRank(IReadOnlyCollection<double> values, double percentile)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(percentile > 0 && percentile <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "A percentile is in (0, 100].");
        }

        if (values.Count == 0)
        {
            return double.NaN;
        }

        double[] sorted = [.. values];
        Array.Sort(sorted);

        // Rank ⌈p/100 · n⌉, 1-based; the small tolerance keeps 99% of 100 at rank 99 despite binary rounding.
        int rank = (int)Math.Ceiling((percentile / 100 * sorted.Length) - 1e-9);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
