using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace SlaKit.Sip;

/// <summary>
/// Where SIP requests go: a host, a port and a transport, written as a SIP URI such as
/// <c>sip:10.0.0.5:5060;transport=udp</c> or <c>sip:[2001:db8::1];transport=tcp</c>.
/// </summary>
/// <remarks>
/// A region's <see cref="Regions.Region.Endpoint"/> holds this URI. In a <see cref="SipFailoverClient"/>, a host name
/// without a port (<c>sip:trunk.carrier.example</c>) is resolved as RFC 3263 says: NAPTR, SRV, then A and AAAA records,
/// each server found a target of its own. A host name with a port stands for its A and AAAA records (§4.2), each address
/// a target of its own on that port, looked up again when the answer expires.
/// </remarks>
public sealed class SipTarget : IEquatable<SipTarget>
{
    /// <summary>The port used when a URI names none: 5060 (RFC 3261 §19.1.2).</summary>
    public const int DefaultPort = 5060;

    /// <summary>The port used when a <c>sips:</c> or TLS URI names none: 5061 (RFC 3261 §19.1.2).</summary>
    public const int DefaultTlsPort = 5061;

    /// <summary>Creates a target.</summary>
    /// <param name="host">A host name, a dotted IPv4 address, or an IPv6 address with or without brackets.</param>
    /// <param name="port">The port, 1 to 65535; 5060 by default.</param>
    /// <param name="transport">The transport; UDP by default.</param>
    /// <exception cref="ArgumentException"><paramref name="host"/> is not a host name or IP address.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> or <paramref name="transport"/> is out of range.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="host"/> is <see langword="null"/>.</exception>
    public SipTarget(string host, int port = DefaultPort, SipTransportProtocol transport = SipTransportProtocol.Udp)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('['))
        {
            host = $"[{host}]";
        }

        if (!SipHost.IsHost(host))
        {
            throw new ArgumentException($"'{host}' is not a host name or an IP address.", nameof(host));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        if (!Enum.IsDefined(transport))
        {
            throw new ArgumentOutOfRangeException(nameof(transport), transport, "Unknown SIP transport.");
        }

        Host = host;
        Port = port;
        Transport = transport;
        TlsName = host.Trim('[').Trim(']');
        IsAddress = System.Net.IPAddress.TryParse(TlsName, out _);
    }

    /// <summary>The host: a name, a dotted IPv4 address, or an IPv6 address in brackets.</summary>
    public string Host { get; }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>The transport.</summary>
    public SipTransportProtocol Transport { get; }

    /// <summary>Reads <c>sip:host[:port][;transport=udp|tcp]</c>.</summary>
    /// <param name="text">The URI. The port defaults to 5060 and the transport to UDP (RFC 3263 §4.1, §4.2).</param>
    /// <returns>The target.</returns>
    /// <exception cref="FormatException">The text is not such a URI; the message names the part that is wrong.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public static SipTarget Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, SipTransportProtocol.Udp, out SipTarget? target, out string? error) ? target : throw new FormatException(error);
    }

    /// <summary>Reads <c>sip:host[:port][;transport=udp|tcp]</c>, without throwing.</summary>
    /// <param name="text">The URI.</param>
    /// <param name="target">The target, when the text is one.</param>
    /// <returns>Whether it was.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out SipTarget? target) =>
        TryParse(text, SipTransportProtocol.Udp, out target, out _);

    /// <summary>The target a <c>sip:</c> URI names, such as a region's endpoint.</summary>
    /// <param name="uri">The URI.</param>
    /// <returns>The target.</returns>
    /// <exception cref="ArgumentException">The URI is not <c>sip:host[:port][;transport=udp|tcp]</c>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="uri"/> is <see langword="null"/>.</exception>
    public static SipTarget FromUri(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return TryParse(uri.OriginalString, SipTransportProtocol.Udp, out SipTarget? target, out string? error)
            ? target
            : throw new ArgumentException(error, nameof(uri));
    }

    /// <summary>The target as a URI, such as <c>sip:10.0.0.5:5060;transport=udp</c>.</summary>
    /// <returns>The URI.</returns>
    public Uri ToUri() => new(ToString());

    /// <summary>The target as a SIP URI that <see cref="Parse"/> reads back.</summary>
    /// <returns>For example <c>sip:10.0.0.5:5060;transport=udp</c>.</returns>
    public override string ToString() => Transport switch
    {
        SipTransportProtocol.Tls => string.Create(CultureInfo.InvariantCulture, $"sips:{Host}:{Port}"),
        SipTransportProtocol.Tcp => string.Create(CultureInfo.InvariantCulture, $"sip:{Host}:{Port};transport=tcp"),
        _ => string.Create(CultureInfo.InvariantCulture, $"sip:{Host}:{Port};transport=udp"),
    };

    /// <summary>
    /// Whether <paramref name="other"/> names the same host (case-insensitively), port and transport: where requests go.
    /// </summary>
    /// <param name="other">The other target.</param>
    /// <returns>Whether the two are equal.</returns>
    /// <remarks>
    /// A target that RFC 3263 found in DNS remembers the domain it was found for, the name its TLS certificate is checked
    /// against (RFC 5922 §7.2); equality leaves that name out. A <see cref="SipFailoverClient"/> still keeps a TLS
    /// connection per domain, so regions whose records lead to one address are each checked for their own domain.
    /// </remarks>
    public bool Equals(SipTarget? other) =>
        other is not null && Port == other.Port && Transport == other.Transport && string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SipTarget);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(Host), Port, Transport);

    /// <summary>
    /// Whether RFC 3263 leaves the port and transport to DNS: the URI it was read from named a host name and no port
    /// (§4.1, §4.2), so NAPTR and SRV records choose them, and <see cref="Transport"/> and <see cref="Port"/> are defaults.
    /// </summary>
    internal bool NeedsServiceLookup { get; private init; }

    /// <summary>
    /// Whether the host is a name given with a port: RFC 3263 §4.2 takes its A and AAAA records, each address a server on
    /// that port and transport, to be tried in turn (§4.3).
    /// </summary>
    internal bool NeedsAddressLookup => !NeedsServiceLookup && !IsAddress;

    /// <summary>Whether the host is a name that DNS resolves, with or without a port; not an IP address.</summary>
    internal bool NeedsLookup => !IsAddress;

    /// <summary>Whether the host is an IP address.</summary>
    private bool IsAddress { get; }

    /// <summary>
    /// Whether the URI it was read from named its transport, or it was read with a default of TCP or TLS (a client's
    /// configured transport): NAPTR is skipped, and SRV asked for that transport alone (RFC 3263 §4.1).
    /// </summary>
    internal bool TransportGiven { get; private init; }

    /// <summary>Whether it was read from a <c>sips:</c> URI, which DNS may resolve to TLS servers only (RFC 3263 §4.1).</summary>
    internal bool IsSecure { get; private init; }

    /// <summary>
    /// The name a TLS server's certificate is checked for (RFC 5922 §7.2): the domain of the URI the target came from,
    /// also when DNS resolved it to an address; the host itself otherwise.
    /// </summary>
    internal string TlsName { get; init; } = "";

    /// <summary>The port a transport uses when a URI names none: 5061 for TLS, 5060 otherwise (RFC 3261 §19.1.2).</summary>
    internal static int DefaultPortOf(SipTransportProtocol transport) => transport == SipTransportProtocol.Tls ? DefaultTlsPort : DefaultPort;

    /// <summary>The URI without the transport parameter, as a Request-URI: <c>sip:host:port</c>.</summary>
    internal string RequestUri => string.Create(CultureInfo.InvariantCulture, $"sip:{Host}:{Port}");

    /// <summary>Reads a SIP URI, using <paramref name="defaultTransport"/> when it names no transport.</summary>
    internal static bool TryParse([NotNullWhen(true)] string? text, SipTransportProtocol defaultTransport, [NotNullWhen(true)] out SipTarget? target, [NotNullWhen(false)] out string? error)
    {
        target = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "A SIP target is required, such as sip:host[:port][;transport=udp|tcp].";
            return false;
        }

        ReadOnlySpan<char> rest = text.AsSpan().Trim();
        bool secure = rest.StartsWith("sips:", StringComparison.OrdinalIgnoreCase);
        if (!secure && !rest.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{text}' is not a SIP URI: write sip:host[:port][;transport=udp|tcp|tls] or sips:host[:port].";
            return false;
        }

        rest = rest[(secure ? 5 : 4)..];
        int semicolon = rest.IndexOf(';');
        ReadOnlySpan<char> hostPort = semicolon < 0 ? rest : rest[..semicolon];
        ReadOnlySpan<char> parameters = semicolon < 0 ? default : rest[(semicolon + 1)..];

        if (hostPort.Contains('@'))
        {
            error = $"'{text}' names a user; a SIP target is a server: sip:host[:port].";
            return false;
        }

        ReadOnlySpan<char> host = hostPort;
        int port = 0;
        int portStart = hostPort.StartsWith('[') ? hostPort.IndexOf("]:", StringComparison.Ordinal) + 1 : hostPort.IndexOf(':');
        if (portStart > 0)
        {
            host = hostPort[..portStart];
            ReadOnlySpan<char> portText = hostPort[(portStart + 1)..];
            if (portText.IsEmpty || portText.Length > 5 || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                error = $"'{portText}' in '{text}' is not a port from 1 to 65535.";
                return false;
            }
        }

        if (!SipHost.IsHost(host))
        {
            error = $"'{host}' in '{text}' is not a host name or an IP address (IPv6 in brackets).";
            return false;
        }

        // RFC 3261 §26.2: a sips: URI is reached over TLS only.
        SipTransportProtocol transport = secure ? SipTransportProtocol.Tls : defaultTransport;
        foreach (Range range in parameters.Split(';'))
        {
            ReadOnlySpan<char> parameter = parameters[range];
            if (semicolon < 0)
            {
                break;
            }

            int equals = parameter.IndexOf('=');
            ReadOnlySpan<char> name = equals < 0 ? parameter : parameter[..equals];
            ReadOnlySpan<char> value = equals < 0 ? default : parameter[(equals + 1)..];
            if (!name.Equals("transport", StringComparison.OrdinalIgnoreCase))
            {
                error = $"'{parameter}' in '{text}' is not supported; the only parameter is transport=udp or transport=tcp.";
                return false;
            }

            if (value.Equals("udp", StringComparison.OrdinalIgnoreCase))
            {
                transport = SipTransportProtocol.Udp;
            }
            else if (value.Equals("tcp", StringComparison.OrdinalIgnoreCase))
            {
                transport = SipTransportProtocol.Tcp;
            }
            else if (value.Equals("tls", StringComparison.OrdinalIgnoreCase))
            {
                transport = SipTransportProtocol.Tls;
            }
            else
            {
                error = $"transport '{value}' in '{text}' is not supported; use udp, tcp or tls.";
                return false;
            }

            if (secure && transport != SipTransportProtocol.Tls)
            {
                error = $"'{text}' is a sips: URI, which is reached over TLS only (RFC 3261 §26.2), not transport={value}.";
                return false;
            }
        }

        bool numeric = System.Net.IPAddress.TryParse(host.Trim('[').Trim(']'), out _);
        target = new SipTarget(host.ToString(), port > 0 ? port : DefaultPortOf(transport), transport)
        {
            NeedsServiceLookup = portStart <= 0 && !numeric,
            // A default other than UDP is a configured choice (SipFailoverOptions.Transport): DNS may not overrule
            // it, or a client set to TLS would follow a NAPTR or SRV record for UDP and send its calls in clear.
            TransportGiven = semicolon >= 0 || (!secure && defaultTransport != SipTransportProtocol.Udp),
            IsSecure = secure,
        };
        error = null;
        return true;
    }
}
