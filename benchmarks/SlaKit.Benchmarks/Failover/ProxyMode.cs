namespace SlaKit.Benchmarks.Failover;

/// <summary>What <see cref="FaultProxy"/> does with the connections and requests it receives.</summary>
internal enum ProxyMode
{
    /// <summary>Relays bytes both ways, unchanged.</summary>
    Pass,

    /// <summary>Answers every request head with <c>503</c> itself (plain HTTP/1.1 only) and relays nothing.</summary>
    Status503,

    /// <summary>Stops listening, so connections are refused, and resets the open ones.</summary>
    Refuse,

    /// <summary>Accepts connections and reads what comes, but relays nothing: no answer ever comes back.</summary>
    BlackHole,

    /// <summary>Relays each request after the delay <see cref="FaultProxy.SlowDelay"/> gives it.</summary>
    Slow,

    /// <summary>Black-holed for <see cref="FaultProxy.FlapPeriod"/>, then passing for as long, and again, from when the mode was set.</summary>
    Flapping,
}
