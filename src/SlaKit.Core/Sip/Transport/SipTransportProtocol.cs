namespace SlaKit.Sip;

/// <summary>The transport a SIP request travels over.</summary>
public enum SipTransportProtocol
{
    /// <summary>UDP: requests are retransmitted by Timer E (RFC 3261 §17.1.2.2). The default for <c>sip:</c> URIs (RFC 3263 §4.1).</summary>
    Udp = 0,

    /// <summary>TCP: one connection per server, reused by every request; no retransmissions.</summary>
    Tcp = 1,

    /// <summary>
    /// TLS over TCP (RFC 3261 §26.2): as TCP, after a handshake that checks the server's certificate for its domain
    /// (RFC 5922). The transport of <c>sips:</c> URIs and of <c>transport=tls</c>; port 5061 by default.
    /// </summary>
    Tls = 2,
}
