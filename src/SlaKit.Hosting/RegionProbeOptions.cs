using SlaKit.Probes;
using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>
/// Active probes for a failover client's regions: by default an HTTP GET of <see cref="HttpPath"/> under each region's
/// endpoint every second.
/// </summary>
public sealed class RegionProbeOptions : ProbeScheduleOptions
{
    /// <summary>The path probed under each region's endpoint by the default HTTP probe. <c>health</c> by default.</summary>
    public string HttpPath { get; set; } = "health";

    /// <summary>The HTTP probe's settings (expected status codes, degraded latency); its timeout is the schedule's <see cref="ProbeScheduleOptions.Timeout"/>.</summary>
    public HttpProbeOptions Http { get; } = new();

    /// <summary>
    /// Makes each region's probe; <see langword="null"/> (the default) uses an <see cref="HttpProbe"/> of <see cref="HttpPath"/>,
    /// sent through the client's own handlers below its failover (its connections, TLS settings and proxy).
    /// Use it for a TCP, SIP, voice-quality or <see cref="DelegateProbe"/> probe. A probe it makes belongs to the
    /// probing service, which disposes it (<see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>) when the host is
    /// disposed: make a new one for each region, not one the container or another probe also holds. A wrapping probe
    /// passes that on: a <see cref="VoiceQualityProbe"/> disposes the probe it wraps, so wrap a new one too.
    /// </summary>
    public Func<IServiceProvider, Region, IHealthProbe>? ProbeFactory { get; set; }
}
