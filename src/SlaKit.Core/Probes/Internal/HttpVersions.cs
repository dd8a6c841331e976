using System.Net.Quic;

namespace SlaKit.Probes;

/// <summary>The HTTP versions a request of SlaKit's own (a probe, a failover client's warm-up) may be made to speak, and how it asks for one.</summary>
internal static class HttpVersions
{
    /// <summary>Whether <paramref name="version"/> is 1.1, 2.0 or 3.0.</summary>
    public static bool IsSupported(Version? version) => version is { Major: 1, Minor: 1 } or { Major: 2 or 3, Minor: 0 };

    /// <summary>
    /// Why <paramref name="version"/> cannot be spoken to <paramref name="endpoint"/>, or <see langword="null"/> when it
    /// can: HTTP/3 runs over QUIC, which is always encrypted (RFC 9114 §3.1), so an <c>http://</c> endpoint never answers it,
    /// and a request that requires it fails every time.
    /// </summary>
    public static string? ProblemWith(Version? version, Uri endpoint) =>
        version is { Major: 3 } && endpoint.IsAbsoluteUri && endpoint.Scheme == Uri.UriSchemeHttp
            ? "HTTP/3 runs only over QUIC, which is always encrypted, so it needs an https endpoint (2.0 speaks HTTP/2 in cleartext)"
            : null;

    /// <summary>
    /// Whether this machine can open a QUIC connection: on Linux and macOS only with libmsquic installed, on Windows only
    /// from Windows 11 and Windows Server 2022.
    /// </summary>
    public static bool QuicAvailable =>
        (OperatingSystem.IsLinux() || OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()) && QuicConnection.IsSupported;

    /// <summary>
    /// The policy that makes a request speak <paramref name="version"/> on this machine: from 2.0 it is required rather
    /// than offered, since over cleartext HTTP/2 is spoken only by prior knowledge (RFC 9113 §3.3); 1.1 may fall back to
    /// 1.0; 3.0 falls back to 2 or 1.1 where QUIC is not available.
    /// </summary>
    public static HttpVersionPolicy PolicyFor(Version version) => PolicyFor(version, QuicAvailable);

    /// <summary>The policy that makes a request speak <paramref name="version"/>, given whether QUIC is available.</summary>
    /// <remarks>
    /// Where QUIC is not available (no libmsquic, an older Windows) 3.0 is asked for but not required. Required, it would
    /// fail every warm-up and probe on that machine and hold healthy regions down, though they answer over TLS; refusing
    /// the options at start-up instead would stop an application whose configuration is right on the machines it was
    /// written for, since one configuration is deployed to machines with and without libmsquic. Falling back, the request
    /// speaks what the region's TLS handshake agrees (ALPN: HTTP/2 or 1.1), so a probe still tells whether the region
    /// answers. Where QUIC is available 3.0 stays required, so a region that stops speaking HTTP/3 is seen to stop.
    /// </remarks>
    internal static HttpVersionPolicy PolicyFor(Version version, bool quicAvailable) => version.Major switch
    {
        >= 3 when !quicAvailable => HttpVersionPolicy.RequestVersionOrLower,
        >= 2 => HttpVersionPolicy.RequestVersionOrHigher,
        _ => HttpVersionPolicy.RequestVersionOrLower,
    };
}
