using Microsoft.Extensions.Logging;

namespace SlaKit.Sip;

/// <summary>Opens the connection a target's transport calls for.</summary>
internal static class SipConnectionFactory
{
    public static Func<SipTarget, SipConnection> Create(ILogger logger) =>
        target => target.Transport == SipTransportProtocol.Tcp
            ? new TcpSipConnection(target, logger)
            : new UdpSipConnection(target, logger);
}
