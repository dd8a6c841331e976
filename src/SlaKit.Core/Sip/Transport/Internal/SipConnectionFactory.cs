using Microsoft.Extensions.Logging;

namespace SlaKit.Sip;

/// <summary>Opens the connection a target's transport calls for.</summary>
internal static class SipConnectionFactory
{
    public static Func<SipTarget, SipConnection> Create(ILogger logger, SipTlsOptions? tls = null) =>
        target => target.Transport == SipTransportProtocol.Udp
            ? new UdpSipConnection(target, logger)
            : new TcpSipConnection(target, logger, tls);
}
