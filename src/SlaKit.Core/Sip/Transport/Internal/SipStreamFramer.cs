namespace SlaKit.Sip;

/// <summary>
/// Splits a byte stream (TCP) into SIP messages: each ends its header section with an empty line and declares its
/// body length in <c>Content-Length</c>, which RFC 3261 §18.3 makes mandatory on streams. CRLFs between messages,
/// such as RFC 5626 keep-alives, are skipped (RFC 3261 §7.5).
/// </summary>
/// <remarks>
/// A framing error cannot be recovered from, because the next message's start is unknown: after a
/// <see cref="SipParseException"/> the connection must be closed.
/// </remarks>
internal sealed class SipStreamFramer
{
    private readonly byte[] _buffer = new byte[SipMessage.MaxMessageSize];
    private int _start;
    private int _end;

    /// <summary>The free space to read into; call <see cref="Advance"/> with the count read.</summary>
    public Memory<byte> GetWriteBuffer()
    {
        if (_start > 0)
        {
            // Move what is left of a partly read message to the front.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        return _buffer.AsMemory(_end);
    }

    /// <summary>Notes that <paramref name="count"/> bytes were written into the buffer from <see cref="GetWriteBuffer"/>.</summary>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _end);
        _end += count;
    }

    /// <summary>Takes the next complete message from what has been read, if there is one.</summary>
    /// <exception cref="SipParseException">The stream does not hold well-formed SIP; positions count from the message's first byte.</exception>
    public bool TryReadMessage([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SipMessage? message)
    {
        message = null;
        while (_end - _start >= 2 && _buffer[_start] == '\r' && _buffer[_start + 1] == '\n')
        {
            _start += 2;
        }

        ReadOnlySpan<byte> pending = _buffer.AsSpan(_start, _end - _start);
        int headEnd = pending.IndexOf("\r\n\r\n"u8);
        if (headEnd < 0)
        {
            if (pending.Length == _buffer.Length)
            {
                throw new SipParseException(SipMessage.MaxMessageSize, $"no end of the header section within {SipMessage.MaxMessageSize} bytes");
            }

            return false;
        }

        SipMessage head = SipMessageParser.ParseHead(pending[..(headEnd + 4)], out int bodyStart, out int? contentLength);
        if (contentLength is not int length)
        {
            throw new SipParseException(headEnd, "a message on a stream has no Content-Length");
        }

        if (bodyStart + length > SipMessage.MaxMessageSize)
        {
            throw new SipParseException(bodyStart, $"the message is longer than {SipMessage.MaxMessageSize} bytes");
        }

        if (pending.Length < bodyStart + length)
        {
            return false;
        }

        head.Body = pending.Slice(bodyStart, length).ToArray();
        _start += bodyStart + length;
        message = head;
        return true;
    }
}
