using System.Globalization;
using System.Text;

namespace SlaKit.Sip;

/// <summary>A SIP request or response (RFC 3261 §7): a start line, header fields and a body.</summary>
/// <remarks>
/// The codec is strict and bounded: a message is at most <see cref="MaxMessageSize"/> bytes with at most
/// <see cref="MaxHeaderCount"/> header lines, lines end in CRLF, and the header fields every message must carry
/// (<c>Via</c>, <c>From</c>, <c>To</c>, <c>Call-ID</c>, <c>CSeq</c>, and <c>Max-Forwards</c> in requests) must be
/// present and well formed. Anything else is a <see cref="SipParseException"/> giving the byte position.
/// </remarks>
public abstract class SipMessage
{
    /// <summary>The largest message the codec reads or writes: 65,536 bytes.</summary>
    public const int MaxMessageSize = 65536;

    /// <summary>The most header lines a message may have: 100.</summary>
    public const int MaxHeaderCount = 100;

    private ReadOnlyMemory<byte> _body = ReadOnlyMemory<byte>.Empty;

    private protected SipMessage()
    {
    }

    /// <summary>The header fields, in order.</summary>
    public SipHeaders Headers { get; } = new();

    /// <summary>The body; empty by default. Its length is written as <c>Content-Length</c>.</summary>
    public ReadOnlyMemory<byte> Body
    {
        get => _body;
        set => _body = value;
    }

    /// <summary>Parses one message, as received in a UDP datagram (RFC 3261 §18.3).</summary>
    /// <param name="data">The message's bytes.</param>
    /// <returns>A <see cref="SipRequest"/> or a <see cref="SipResponse"/>.</returns>
    /// <exception cref="SipParseException">The bytes are not a well-formed message; its position says where.</exception>
    /// <remarks>
    /// Without <c>Content-Length</c> the body is the rest of the bytes; with it, bytes beyond the declared length are
    /// ignored, and fewer bytes than declared are an error.
    /// </remarks>
    public static SipMessage Parse(ReadOnlySpan<byte> data) => SipMessageParser.Parse(data);

    /// <summary>The message as sent on the wire, with a <c>Content-Length</c> matching <see cref="Body"/>.</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToBytes()
    {
        var head = new StringBuilder(256);
        AppendStartLine(head);
        head.Append("\r\n");
        foreach (KeyValuePair<string, string> header in Headers)
        {
            if (!string.Equals(header.Key, SipHeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase))
            {
                head.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
            }
        }

        head.Append(SipHeaderNames.ContentLength).Append(": ").Append(_body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        int headLength = Encoding.UTF8.GetByteCount(head.ToString());
        byte[] bytes = new byte[headLength + _body.Length];
        Encoding.UTF8.GetBytes(head.ToString(), bytes);
        _body.Span.CopyTo(bytes.AsSpan(headLength));
        return bytes;
    }

    /// <summary>The message as text, for logs.</summary>
    /// <returns>The start line, the header lines and the body decoded as UTF-8.</returns>
    public override string ToString() => Encoding.UTF8.GetString(ToBytes());

    private protected abstract void AppendStartLine(StringBuilder builder);
}
