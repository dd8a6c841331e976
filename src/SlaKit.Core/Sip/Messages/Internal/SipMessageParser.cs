using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace SlaKit.Sip;

/// <summary>
/// The strict, bounded SIP parser (RFC 3261 §7, §25). Every problem with the bytes is reported as a
/// <see cref="SipParseException"/> giving the offset of the byte where it was found; nothing else escapes.
/// </summary>
internal static class SipMessageParser
{
    // Header fields RFC 3261 §20 allows only once per message.
    private static readonly string[] SingleValued =
    [
        SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CallId, SipHeaderNames.CSeq, SipHeaderNames.MaxForwards, SipHeaderNames.ContentLength,
    ];

    /// <summary>Parses a whole message as received in one datagram (RFC 3261 §18.3).</summary>
    public static SipMessage Parse(ReadOnlySpan<byte> data)
    {
        SipMessage message = ParseHead(data, out int bodyStart, out int? contentLength);
        int available = data.Length - bodyStart;
        int length = available;
        if (contentLength is int declared)
        {
            // RFC 3261 §18.3: fewer bytes than Content-Length declares is an error; bytes beyond it are ignored.
            if (declared > available)
            {
                throw new SipParseException(data.Length, $"Content-Length is {declared} but only {available} bytes follow the header section");
            }

            length = declared;
        }

        message.Body = data.Slice(bodyStart, length).ToArray();
        return message;
    }

    /// <summary>
    /// Parses the start line and header fields, up to and including the empty line that ends them.
    /// </summary>
    /// <param name="data">The message's bytes; only the head is read.</param>
    /// <param name="bodyStart">The offset where the body begins.</param>
    /// <param name="contentLength">The declared body length, when the message has <c>Content-Length</c>.</param>
    public static SipMessage ParseHead(ReadOnlySpan<byte> data, out int bodyStart, out int? contentLength)
    {
        if (data.Length > SipMessage.MaxMessageSize)
        {
            throw new SipParseException(SipMessage.MaxMessageSize, $"the message is longer than {SipMessage.MaxMessageSize} bytes");
        }

        // RFC 3261 §7.5: CRLFs before the start line are ignored.
        int pos = 0;
        while (pos + 1 < data.Length && data[pos] == '\r' && data[pos + 1] == '\n')
        {
            pos += 2;
        }

        if (pos >= data.Length)
        {
            throw new SipParseException(pos, "the message has no start line");
        }

        int lineEnd = LineEnd(data, pos);
        SipMessage message = ParseStartLine(data, pos, lineEnd);
        pos = lineEnd + 2;

        var starts = new List<int>();
        while (true)
        {
            if (pos + 1 < data.Length && data[pos] == '\r' && data[pos + 1] == '\n')
            {
                pos += 2;
                break;
            }

            if (pos >= data.Length)
            {
                throw new SipParseException(data.Length, "the header section does not end with an empty line");
            }

            if (data[pos] is (byte)' ' or (byte)'\t')
            {
                throw new SipParseException(pos, "a folded continuation line where a header field should start");
            }

            if (starts.Count == SipMessage.MaxHeaderCount)
            {
                throw new SipParseException(pos, $"the message has more than {SipMessage.MaxHeaderCount} header fields");
            }

            starts.Add(pos);
            pos = ParseHeader(data, pos, message.Headers);
        }

        bodyStart = pos;
        contentLength = Validate(message, starts, pos - 2);
        return message;
    }

    /// <summary>The offset of the CR of the CRLF ending the line that starts at <paramref name="start"/>.</summary>
    private static int LineEnd(ReadOnlySpan<byte> data, int start)
    {
        int found = data[start..].IndexOfAny((byte)'\r', (byte)'\n');
        if (found < 0)
        {
            throw new SipParseException(data.Length, "a line does not end with CRLF");
        }

        int at = start + found;
        if (data[at] == '\n')
        {
            throw new SipParseException(at, "a line feed without a carriage return before it");
        }

        if (at + 1 >= data.Length || data[at + 1] != '\n')
        {
            throw new SipParseException(at, "a carriage return not followed by a line feed");
        }

        return at;
    }

    private static SipMessage ParseStartLine(ReadOnlySpan<byte> data, int start, int end)
    {
        ReadOnlySpan<byte> line = data[start..end];
        if (line.Length >= 4 && Ascii.EqualsIgnoreCase(line[..4], "SIP/"u8))
        {
            return ParseStatusLine(data, start, end);
        }

        // Request-Line = Method SP Request-URI SP SIP-Version (RFC 3261 §7.1)
        int methodLength = TokenLength(line);
        if (methodLength == 0)
        {
            throw new SipParseException(start, "the start line does not begin with a method or SIP/2.0");
        }

        if (methodLength == line.Length || line[methodLength] != ' ')
        {
            throw new SipParseException(start + methodLength, "expected a single space after the method");
        }

        int uriStart = methodLength + 1;
        int uriLength = line[uriStart..].IndexOf((byte)' ');
        if (uriLength <= 0)
        {
            throw new SipParseException(start + uriStart, "expected a Request-URI followed by a space and SIP/2.0");
        }

        ReadOnlySpan<byte> uri = line.Slice(uriStart, uriLength);
        for (int i = 0; i < uri.Length; i++)
        {
            if (uri[i] is <= (byte)' ' or >= 0x7F)
            {
                throw new SipParseException(start + uriStart + i, "the Request-URI holds a byte that is not printable ASCII");
            }
        }

        string requestUri = Encoding.ASCII.GetString(uri);
        if (!SipSyntax.IsRequestUri(requestUri))
        {
            throw new SipParseException(start + uriStart, "the Request-URI has no scheme");
        }

        int versionStart = uriStart + uriLength + 1;
        if (!Ascii.EqualsIgnoreCase(line[versionStart..], "SIP/2.0"u8))
        {
            throw new SipParseException(start + versionStart, "the request line does not end with SIP/2.0");
        }

        return new SipRequest(Encoding.ASCII.GetString(line[..methodLength]), requestUri);
    }

    private static SipResponse ParseStatusLine(ReadOnlySpan<byte> data, int start, int end)
    {
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2)
        ReadOnlySpan<byte> line = data[start..end];
        if (line.Length < 7 || !Ascii.EqualsIgnoreCase(line[..7], "SIP/2.0"u8))
        {
            throw new SipParseException(start, "the version is not SIP/2.0");
        }

        if (line.Length < 8 || line[7] != ' ')
        {
            throw new SipParseException(start + 7, "expected a space after SIP/2.0");
        }

        if (line.Length < 11 || !IsDigit(line[8]) || !IsDigit(line[9]) || !IsDigit(line[10]) || line[8] is < (byte)'1' or > (byte)'6')
        {
            throw new SipParseException(start + 8, "expected a three-digit status code from 100 to 699");
        }

        if (line.Length < 12 || line[11] != ' ')
        {
            throw new SipParseException(start + 11, "expected a space after the status code");
        }

        int code = ((line[8] - '0') * 100) + ((line[9] - '0') * 10) + (line[10] - '0');
        string reason = DecodeText(data, start + 12, end);
        return new SipResponse(code, reason);
    }

    /// <summary>Parses one header field, with any folded continuation lines; returns where the next line starts.</summary>
    private static int ParseHeader(ReadOnlySpan<byte> data, int start, SipHeaders headers)
    {
        int end = LineEnd(data, start);
        int nameLength = TokenLength(data[start..end]);
        if (nameLength == 0)
        {
            throw new SipParseException(start, "a header field name must be a token");
        }

        string name = Encoding.ASCII.GetString(data.Slice(start, nameLength));
        int colon = start + nameLength;
        while (colon < end && data[colon] is (byte)' ' or (byte)'\t')
        {
            colon++;
        }

        if (colon >= end || data[colon] != ':')
        {
            throw new SipParseException(colon, $"expected ':' after the header name '{name}'");
        }

        // RFC 3261 §7.3.1: a line starting with white space continues the field; the fold reads as one space. A quoted
        // string may go on across a fold, so whether the text is quoted carries from one line to the next.
        bool quoted = false;
        var value = new StringBuilder(DecodeText(data, colon + 1, end, quotedPairs: true, ref quoted).Trim(' ', '\t'));
        int next = end + 2;
        while (next < data.Length && data[next] is (byte)' ' or (byte)'\t')
        {
            int continuationEnd = LineEnd(data, next);
            string part = DecodeText(data, next, continuationEnd, quotedPairs: true, ref quoted).Trim(' ', '\t');
            if (part.Length > 0)
            {
                if (value.Length > 0)
                {
                    value.Append(' ');
                }

                value.Append(part);
            }

            next = continuationEnd + 2;
        }

        headers.AddParsed(SipHeaderNames.Canonical(name), value.ToString());
        return next;
    }

    /// <summary>Checks the header fields every message needs (RFC 3261 §8.1.1, §20); returns the Content-Length.</summary>
    private static int? Validate(SipMessage message, List<int> starts, int headEnd)
    {
        var entries = new List<KeyValuePair<string, string>>(message.Headers);
        foreach (string single in SingleValued)
        {
            int first = -1;
            for (int i = 0; i < entries.Count; i++)
            {
                if (Is(entries[i], single))
                {
                    if (first >= 0)
                    {
                        throw new SipParseException(starts[i], $"the message has more than one {single} header");
                    }

                    first = i;
                }
            }
        }

        int? contentLength = null;
        bool hasVia = false;
        bool hasMaxForwards = false;
        string? cseqMethod = null;
        bool hasFrom = false;
        bool hasTo = false;
        bool hasCallId = false;
        for (int i = 0; i < entries.Count; i++)
        {
            KeyValuePair<string, string> entry = entries[i];
            string value = entry.Value;
            if (Is(entry, SipHeaderNames.Via))
            {
                ValidateVia(value, starts[i]);
                hasVia = true;
            }
            else if (Is(entry, SipHeaderNames.CSeq))
            {
                if (!SipHeaderValues.TryParseCSeq(value, out _, out string method))
                {
                    throw new SipParseException(starts[i], "CSeq is not a sequence number below 2^31 followed by a method");
                }

                cseqMethod = method;
            }
            else if (Is(entry, SipHeaderNames.ContentLength))
            {
                if (!SipHeaderValues.TryParseContentLength(value, out int length))
                {
                    throw new SipParseException(starts[i], $"Content-Length is not a number of bytes up to {SipMessage.MaxMessageSize}");
                }

                contentLength = length;
            }
            else if (Is(entry, SipHeaderNames.MaxForwards))
            {
                if (!SipHeaderValues.TryParseMaxForwards(value, out _))
                {
                    throw new SipParseException(starts[i], "Max-Forwards is not a number from 0 to 255");
                }

                hasMaxForwards = true;
            }
            else if (Is(entry, SipHeaderNames.CallId))
            {
                if (value.Length == 0 || value.AsSpan().IndexOfAny(" \t") >= 0)
                {
                    throw new SipParseException(starts[i], "Call-ID is empty or holds white space");
                }

                hasCallId = true;
            }
            else if (Is(entry, SipHeaderNames.From) || Is(entry, SipHeaderNames.To))
            {
                if (value.Length == 0)
                {
                    throw new SipParseException(starts[i], $"{entry.Key} is empty");
                }

                // RFC 4475 §3.1.2.6: with a display name's quoted string left open, nothing tells where the URI and the
                // tag begin, and the tags are what the client matches requests within a dialog by.
                if (!SipHeaderValues.QuotesClose(value))
                {
                    throw new SipParseException(starts[i], $"{entry.Key} has a quoted string that does not end");
                }

                hasFrom |= Is(entry, SipHeaderNames.From);
                hasTo |= Is(entry, SipHeaderNames.To);
            }
        }

        string? missing = !hasVia ? SipHeaderNames.Via
            : !hasFrom ? SipHeaderNames.From
            : !hasTo ? SipHeaderNames.To
            : !hasCallId ? SipHeaderNames.CallId
            : cseqMethod is null ? SipHeaderNames.CSeq
            : message is SipRequest && !hasMaxForwards ? SipHeaderNames.MaxForwards
            : null;
        if (missing is not null)
        {
            throw new SipParseException(headEnd, $"the message has no {missing} header");
        }

        if (message is SipRequest request && !string.Equals(request.Method, cseqMethod, StringComparison.Ordinal))
        {
            // RFC 3261 §8.1.1.5: the CSeq method matches the request's.
            int at = starts[entries.FindIndex(e => Is(e, SipHeaderNames.CSeq))];
            throw new SipParseException(at, $"the CSeq method '{cseqMethod}' is not the request's method '{request.Method}'");
        }

        return contentLength;
    }

    private static void ValidateVia(string value, int position)
    {
        ReadOnlySpan<char> rest = value;
        while (true)
        {
            ReadOnlySpan<char> element = SipHeaderValues.FirstElement(rest);
            if (!SipHeaderValues.TryParseVia(element, out _))
            {
                throw new SipParseException(position, "Via is not SIP/2.0/transport host[:port] followed by parameters");
            }

            if (element.Length == rest.Length)
            {
                return;
            }

            // Skip the comma and the white space after it.
            rest = rest[(rest[element.Length..].IndexOf(',') + element.Length + 1)..].TrimStart(" \t");
        }
    }

    private static bool Is(KeyValuePair<string, string> entry, string name) => string.Equals(entry.Key, name, StringComparison.OrdinalIgnoreCase);

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static int TokenLength(ReadOnlySpan<byte> data)
    {
        int length = 0;
        while (length < data.Length && SipSyntax.IsTokenChar(data[length]))
        {
            length++;
        }

        return length;
    }

    /// <summary>Decodes UTF-8 text that may not hold control characters other than tab (RFC 3261 TEXT-UTF8).</summary>
    private static string DecodeText(ReadOnlySpan<byte> data, int start, int end)
    {
        bool quoted = false;
        return DecodeText(data, start, end, quotedPairs: false, ref quoted);
    }

    /// <summary>
    /// Decodes UTF-8 text that may not hold control characters other than tab; with <paramref name="quotedPairs"/>,
    /// one a backslash escapes inside a quoted string is allowed (RFC 3261 §25.1: quoted-pair = "\" (%x00-09 /
    /// %x0B-0C / %x0E-7F)), as RFC 4475 §3.1.1.2 escapes NUL, BEL and DEL in a display name. CR and LF never get that
    /// far: they end the line. <paramref name="quoted"/> says whether the text starts inside a quoted string, and is left
    /// saying whether it ends inside one.
    /// </summary>
    private static string DecodeText(ReadOnlySpan<byte> data, int start, int end, bool quotedPairs, ref bool quoted)
    {
        ReadOnlySpan<byte> text = data[start..end];
        for (int i = 0; i < text.Length; i++)
        {
            byte b = text[i];
            if (quotedPairs && quoted && b == '\\' && i + 1 < text.Length)
            {
                i++;
            }
            else if (quotedPairs && b == '"')
            {
                quoted = !quoted;
            }
            else if ((b < 0x20 && b != '\t') || b == 0x7F)
            {
                throw new SipParseException(start + i, $"a control character (0x{b:X2}) in a header value or reason phrase");
            }
        }

        if (Ascii.IsValid(text))
        {
            return Encoding.ASCII.GetString(text);
        }

        char[] buffer = ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            OperationStatus status = Utf8.ToUtf16(text, buffer, out int read, out int written, replaceInvalidSequences: false);
            if (status != OperationStatus.Done)
            {
                throw new SipParseException(start + read, "bytes that are not valid UTF-8");
            }

            return new string(buffer, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
