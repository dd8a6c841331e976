namespace SlaKit.Benchmarks.Failover;

/// <summary>The clients the harness drives, each configured the way a team would use it.</summary>
internal enum HarnessClient
{
    /// <summary>A plain <see cref="HttpClient"/> pointed at the secondary: the latency to beat once the primary is gone.</summary>
    SecondaryDirect,

    /// <summary>A plain <see cref="HttpClient"/> pointed at the primary.</summary>
    Plain,

    /// <summary><c>AddStandardResilienceHandler()</c> with its defaults, pointed at the primary (it has no second region).</summary>
    StandardResilience,

    /// <summary><c>AddStandardHedgingHandler()</c> with its defaults and two ordered endpoint groups: primary, then secondary.</summary>
    StandardHedging,

    /// <summary>SlaKit's <c>AddRegionFailover</c> with its defaults: primary (priority 0) and secondary (priority 1).</summary>
    SlaKit,
}

/// <summary>The clients' names in reports.</summary>
internal static class HarnessClientNames
{
    /// <summary>Every client, in the order the report lists them.</summary>
    public static IReadOnlyList<HarnessClient> All { get; } =
        [HarnessClient.SecondaryDirect, HarnessClient.SlaKit, HarnessClient.StandardHedging, HarnessClient.StandardResilience, HarnessClient.Plain];

    public static string Name(HarnessClient client) => client switch
    {
        HarnessClient.SecondaryDirect => "secondary direct",
        HarnessClient.Plain => "plain HttpClient",
        HarnessClient.StandardResilience => "standard resilience",
        HarnessClient.StandardHedging => "standard hedging",
        HarnessClient.SlaKit => "SlaKit",
        _ => throw new ArgumentOutOfRangeException(nameof(client), client, "Unknown client."),
    };
}
