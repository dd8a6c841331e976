using System.Globalization;

namespace SlaKit.Analyzers;

/// <summary>The identifiers of SlaKit's rules, and where each is documented.</summary>
internal static class RuleIdentifiers
{
    public const string TooFewRegions = "SLA0001";
    public const string HttpClientWithoutFailover = "SLA0002";
    public const string RegionsNotIndependent = "SLA0003";
    public const string TooFewConfiguredRegions = "SLA0004";
    public const string RegionsBelowSlaTarget = "SLA0005";
    public const string ResilienceHandlerOrder = "SLA0006";

    /// <summary>Every rule guards availability, the property the .NET analyzers file under "Reliability".</summary>
    public const string Category = "Reliability";

    public static string HelpUri(string id) =>
        string.Format(CultureInfo.InvariantCulture, "https://github.com/slakit/slakit/blob/main/docs/rules/{0}.md", id);
}
