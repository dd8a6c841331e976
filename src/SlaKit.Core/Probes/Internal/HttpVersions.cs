namespace SlaKit.Probes;

/// <summary>The HTTP versions a request of SlaKit's own (a probe, a failover client's warm-up) may be made to speak, and how it asks for one.</summary>
internal static class HttpVersions
{
    /// <summary>Whether <paramref name="version"/> is 1.1, 2.0 or 3.0.</summary>
    public static bool IsSupported(Version? version) => version is { Major: 1, Minor: 1 } or { Major: 2 or 3, Minor: 0 };

    /// <summary>
    /// The policy that makes a request speak <paramref name="version"/>: from 2.0 it is required rather than offered, since
    /// over cleartext HTTP/2 is spoken only by prior knowledge (RFC 9113 §3.3); 1.1 may fall back to 1.0.
    /// </summary>
    public static HttpVersionPolicy PolicyFor(Version version) =>
        version.Major >= 2 ? HttpVersionPolicy.RequestVersionOrHigher : HttpVersionPolicy.RequestVersionOrLower;
}
