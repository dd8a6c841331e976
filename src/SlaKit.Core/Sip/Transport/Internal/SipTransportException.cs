namespace SlaKit.Sip;

/// <summary>
/// A transport failure (RFC 3261 §17.1.4): the server's address could not be resolved, a UDP datagram came back
/// as ICMP port unreachable, or a TCP connection was refused, reset or closed.
/// </summary>
internal sealed class SipTransportException : IOException
{
    public SipTransportException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
