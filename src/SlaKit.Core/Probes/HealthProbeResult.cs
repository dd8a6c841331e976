namespace SlaKit.Probes;

/// <summary>The outcome of one health probe.</summary>
/// <param name="Status">What the probe found.</param>
/// <param name="Latency">How long the probe took (the round trip for network probes).</param>
/// <param name="Detail">What it saw, in words: an HTTP status code, a SIP response, an error, a MOS.</param>
public readonly record struct HealthProbeResult(ProbeStatus Status, TimeSpan Latency, string Detail)
{
    /// <summary>A healthy result.</summary>
    /// <param name="latency">How long the probe took.</param>
    /// <param name="detail">What it saw.</param>
    /// <returns>The result.</returns>
    public static HealthProbeResult Healthy(TimeSpan latency, string detail) => new(ProbeStatus.Healthy, latency, detail);

    /// <summary>A degraded result.</summary>
    /// <param name="latency">How long the probe took.</param>
    /// <param name="detail">What it saw.</param>
    /// <returns>The result.</returns>
    public static HealthProbeResult Degraded(TimeSpan latency, string detail) => new(ProbeStatus.Degraded, latency, detail);

    /// <summary>An unhealthy result.</summary>
    /// <param name="latency">How long the probe took.</param>
    /// <param name="detail">What it saw.</param>
    /// <returns>The result.</returns>
    public static HealthProbeResult Unhealthy(TimeSpan latency, string detail) => new(ProbeStatus.Unhealthy, latency, detail);
}
