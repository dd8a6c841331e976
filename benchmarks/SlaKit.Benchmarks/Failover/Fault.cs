namespace SlaKit.Benchmarks.Failover;

/// <summary>How the primary region fails once the outage begins.</summary>
internal enum Fault
{
    /// <summary>Every request is answered <c>503 Service Unavailable</c> at once.</summary>
    Status503,

    /// <summary>Nothing listens any more: connections are refused, open ones are reset.</summary>
    Refused,

    /// <summary>Connections are accepted and requests read, but nothing ever comes back.</summary>
    BlackHole,

    /// <summary>The primary still answers, every request 20 ms late and one in 25 by 500 ms (so its p99 is 500 ms).</summary>
    Slow,

    /// <summary>The primary alternates: black-holed for a period, then healthy for a period, and again.</summary>
    Flapping,
}

/// <summary>The faults' names on the command line and in reports.</summary>
internal static class FaultNames
{
    public static IReadOnlyList<Fault> All { get; } = [Fault.Status503, Fault.Refused, Fault.BlackHole, Fault.Slow, Fault.Flapping];

    public static string Name(Fault fault) => fault switch
    {
        Fault.Status503 => "503",
        Fault.Refused => "refused",
        Fault.BlackHole => "black-hole",
        Fault.Slow => "slow",
        Fault.Flapping => "flapping",
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "Unknown fault."),
    };

    public static bool TryParse(string text, out Fault fault)
    {
        foreach (Fault candidate in All)
        {
            if (string.Equals(Name(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                fault = candidate;
                return true;
            }
        }

        fault = default;
        return false;
    }
}
