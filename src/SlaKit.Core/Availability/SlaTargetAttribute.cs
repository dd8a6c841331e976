namespace SlaKit;

/// <summary>
/// Declares the availability an assembly's integrations, or one typed client, must deliver, such as
/// <c>[assembly: SlaTarget(99.99)]</c>. SlaKit's analyzer (rule SLA0005) compares it at build time with the
/// parallel composition of the declared <see cref="Regions.Region.Availability"/> of the regions a client fails
/// over between, and warns when the regions cannot deliver it.
/// </summary>
/// <remarks>
/// On a typed client class, the attribute applies to the failover configured for that client and takes
/// precedence over an assembly-level target. The attribute has no effect at run time.
/// </remarks>
[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SlaTargetAttribute : Attribute
{
    /// <summary>Declares the availability target.</summary>
    /// <param name="percent">The target percentage, in (0, 100], such as 99.99.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percent"/> is NaN, outside (0, 100], or so small that
    /// <see cref="Target"/> would round it to 0% (below about 1e-26).</exception>
    public SlaTargetAttribute(double percent)
    {
        if (double.IsNaN(percent) || percent <= 0 || percent > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "An SLA target percentage must be in (0, 100].");
        }

        if (Availability.FromPercent(percent) == Availability.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "An SLA target percentage this small cannot be told from 0%.");
        }

        Percent = percent;
    }

    /// <summary>The target percentage, in (0, 100].</summary>
    public double Percent { get; }

    /// <summary>The target as an <see cref="SlaKit.Availability"/>.</summary>
    public Availability Target => Availability.FromPercent(Percent);
}
