namespace SlaKit.Probes;

/// <summary>How an <see cref="HttpProbe"/> checks its target.</summary>
public sealed class HttpProbeOptions
{
    /// <summary>How long the probe waits for an answer; positive. 2 seconds by default.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The status codes that mean healthy; empty (the default) accepts any 2xx.</summary>
    public IList<int> ExpectedStatusCodes { get; } = [];

    /// <summary>
    /// An answer slower than this, though expected, reports Degraded; <see langword="null"/> (the default) never does.
    /// </summary>
    public TimeSpan? DegradedLatency { get; set; }

    /// <summary>How many redirects to the same scheme, host and port are followed; zero or more. 3 by default.
    /// A redirect to any other host is never followed: it reports Unhealthy.</summary>
    public int MaxRedirects { get; set; } = 3;

    /// <summary>
    /// The HTTP version of the probe's GET: 1.1, 2.0 or 3.0. From 2.0 the version is required, not negotiated down, as
    /// a region that speaks HTTP/2 alone needs (over cleartext HTTP/2 is spoken only by prior knowledge). 3.0 needs an
    /// <c>https</c> target (HTTP/3 runs over QUIC, which is always encrypted); on a machine without QUIC (no libmsquic) it
    /// falls back to what the TLS handshake agrees.
    /// <see langword="null"/> (the default) is 1.1 for an <see cref="HttpProbe"/> made directly, and for the probe of a
    /// failover client's region the version its warm-up speaks (<c>RegionFailoverOptions.WarmUpVersion</c>), the version
    /// its regions are known to speak.
    /// </summary>
    public Version? Version { get; set; }

    /// <summary>What is wrong with these options, each as the property, its value and why; empty when nothing is.</summary>
    internal IEnumerable<(string Property, object Value, string Message)> Problems()
    {
        if (!TimerDuration.IsPositiveAndAccepted(Timeout))
        {
            yield return (nameof(Timeout), Timeout, $"must be positive and at most {TimerDuration.MaximumText}");
        }

        if (MaxRedirects < 0)
        {
            yield return (nameof(MaxRedirects), MaxRedirects, "must not be negative");
        }

        if (DegradedLatency is { } slow && slow <= TimeSpan.Zero)
        {
            yield return (nameof(DegradedLatency), slow, "must be positive: every answer would be Degraded");
        }

        if (Version is { } version && !HttpVersions.IsSupported(version))
        {
            yield return (nameof(Version), version, "must be 1.1, 2.0 or 3.0");
        }

        foreach (int status in ExpectedStatusCodes)
        {
            if (status is < 100 or > 599)
            {
                yield return (nameof(ExpectedStatusCodes), status, "is not an HTTP status code (100 to 599): no answer could match it");
            }
        }
    }
}
