namespace SlaKit.Sip;

/// <summary>
/// Splits a byte stream (TCP) into SIP messages: each ends its header section with an empty line and declares its
/// body length in <c>Content-Length</c>, which RFC 3261 §18.3 makes mandatory on streams. CRLFs between messages,
/// such as RFC 5626 keep-alives, are skipped (RFC 3261 §7.5).
/// </summary>
/// <remarks>
/// A message the parser refuses whose extent is still certain (its header section ends, and it has exactly one
/// <c>Content-Length</c> that is a number) is skipped whole and reported to the callback given at construction, and
/// reading goes on with the next message: RFC 4475 §3.1.2.5 has a receiver "simply discard" such a message, and the
/// next one's start is known. A framing error cannot be recovered from, because the next message's start is unknown:
/// after a <see cref="SipParseException"/> the connection must be closed.
/// </remarks>
/// <param name="discarded">Told of each well-framed message that was refused and skipped; <see langword="null"/> to skip them unreported.</param>
internal sealed class SipStreamFramer(Action<SipParseException>? discarded = null)
{
    private readonly byte[] _buffer = new byte[SipMessage.MaxMessageSize];
    private readonly Action<SipParseException>? _discarded = discarded;
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

    /// <summary>Takes the next complete message from what has been read, if there is one; refused but well-framed messages before it are skipped.</summary>
    /// <exception cref="SipParseException">The stream does not hold well-framed SIP; positions count from the message's first byte.</exception>
    public bool TryReadMessage([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SipMessage? message)
    {
        bool skipped;
        do
        {
            message = TryTake(out skipped);
        }
        while (skipped);

        return message is not null;
    }

    /// <summary>The next complete message, or <see langword="null"/>: none complete yet, or the one complete was refused and <paramref name="skipped"/>.</summary>
    private SipMessage? TryTake(out bool skipped)
    {
        skipped = false;
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

            return null;
        }

        int bodyStart = headEnd + 4;
        SipMessage? head = null;
        SipParseException? refused = null;
        int? contentLength = null;
        try
        {
            head = SipMessageParser.ParseHead(pending[..bodyStart], out _, out contentLength);
        }
        catch (SipParseException error) when ((contentLength = FramedLength(pending[..bodyStart])) is not null)
        {
            // Otherwise the parser's reason stands: the message's extent is not certain either.
            refused = error;
        }

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
            return null;
        }

        _start += bodyStart + length;
        if (refused is not null)
        {
            _discarded?.Invoke(refused);
            skipped = true;
            return null;
        }

        head!.Body = pending.Slice(bodyStart, length).ToArray();
        return head;
    }

    /// <summary>
    /// The body length of a header section the parser refused, read for framing alone: the value of its only
    /// <c>Content-Length</c> (or compact <c>l</c>, RFC 3261 §7.3.3) field, when that is a number of bytes on one line;
    /// otherwise <see langword="null"/>, since the message's end, and the next one's start, are then unknown.
    /// </summary>
    private static int? FramedLength(ReadOnlySpan<byte> head)
    {
        int? length = null;
        bool inContentLength = false;
        bool startLine = true;
        Span<char> digits = stackalloc char[16];
        foreach (Range range in head.Split("\r\n"u8))
        {
            ReadOnlySpan<byte> line = head[range];
            if (startLine)
            {
                startLine = false;
                continue;
            }

            if (line.Length > 0 && line[0] is (byte)' ' or (byte)'\t')
            {
                // A folded Content-Length is more than framing alone should trust.
                if (inContentLength)
                {
                    return null;
                }

                continue;
            }

            inContentLength = false;
            int colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                continue;
            }

            // The codec's own table of names and compact forms decides, as when the message parses.
            string name = System.Text.Encoding.ASCII.GetString(line[..colon].TrimEnd(" \t"u8));
            if (!string.Equals(SipHeaderNames.Canonical(name), SipHeaderNames.ContentLength, StringComparison.Ordinal))
            {
                continue;
            }

            ReadOnlySpan<byte> value = line[(colon + 1)..].Trim(" \t"u8);
            if (length is not null || value.Length > digits.Length || !System.Text.Ascii.IsValid(value))
            {
                return null;
            }

            int written = System.Text.Encoding.ASCII.GetChars(value, digits);
            if (!SipHeaderValues.TryParseContentLength(digits[..written], out int declared))
            {
                return null;
            }

            length = declared;
            inContentLength = true;
        }

        return length;
    }
}
