using System.Net;
using System.Net.Sockets;

namespace SlaKit.Sip;

/// <summary>Turns a target into a socket address, and a socket address into a Via sent-by.</summary>
internal static class SipEndpoints
{
    /// <summary>The target's address: its IP literal, or the first address the system resolver returns for its name.</summary>
    /// <exception cref="SipTransportException">The name does not resolve.</exception>
    public static async ValueTask<IPEndPoint> ResolveAsync(SipTarget target, CancellationToken cancellationToken)
    {
        // IPAddress.TryParse reads an IPv6 literal with or without its brackets.
        string host = target.Host;
        // Stryker disable once Block : equivalent; the system resolver answers a literal with itself, this only spares the call.
        if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            return new IPEndPoint(literal, target.Port);
        }

        IPAddress[] addresses;
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new SipTransportException($"{host} does not resolve: {e.Message}", e);
        }

        // getaddrinfo reports a name without addresses as an error (EAI_NONAME/EAI_NODATA), which arrives above as a
        // SocketException; an empty list is refused all the same.
        // Stryker disable once Equality,Conditional : equivalent; Dns.GetHostAddressesAsync throws rather than return no address.
        return addresses.Length > 0
            ? new IPEndPoint(addresses[0], target.Port)
            : throw new SipTransportException($"{host} resolves to no address.");
    }

    /// <summary>A Via sent-by for a local address: <c>host:port</c>, IPv6 in brackets.</summary>
    public static string SentBy(EndPoint local) => local switch
    {
        IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip => $"[{ip.Address}]:{ip.Port}",
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        _ => local.ToString() ?? "invalid",
    };

    /// <summary>
    /// Where the response to a request that arrived over UDP from <paramref name="source"/> goes (RFC 3261 §18.2.2): the
    /// address it came from, as the received parameter a server transport adds when the sent-by differs says (§18.2.1);
    /// and the port it came from when its top Via asks for that with <c>rport</c> (RFC 3581 §4), else the sent-by's port,
    /// 5060 when the sent-by names none.
    /// </summary>
    public static IPEndPoint ResponseDestination(SipRequest request, IPEndPoint source)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        return request.Headers[SipHeaderNames.Via] is { } via && SipHeaderValues.TryParseSentBy(SipHeaderValues.FirstElement(via), out int? port, out bool rport) && !rport
            ? new IPEndPoint(source.Address, port ?? SipTarget.DefaultPort)
            : source;
    }

    /// <summary>Whether a socket error means nothing listens there: ICMP port unreachable or a refused connection.</summary>
    public static bool IsRefused(SocketException e) => e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset;
}
