using System.Globalization;

namespace SlaKit.Analyzers.Model;

internal static class Plural
{
    /// <summary>"no regions", "1 region", "3 regions".</summary>
    public static string Regions(int count) => count switch
    {
        0 => "no regions",
        1 => "1 region",
        _ => count.ToString(CultureInfo.InvariantCulture) + " regions",
    };
}
