using System.Globalization;

namespace SlaKit.Sip;

/// <summary>Reads the structured header values the transaction layer relies on (RFC 3261 §20, §25.1).</summary>
internal static class SipHeaderValues
{
    /// <summary>The largest CSeq number: RFC 3261 §8.1.1.5 keeps it below 2³¹.</summary>
    public const long MaxCSeq = int.MaxValue;

    /// <summary>Reads <c>CSeq</c>: a sequence number, linear white space, and the method.</summary>
    public static bool TryParseCSeq(ReadOnlySpan<char> value, out long number, out string method)
    {
        number = 0;
        method = "";
        int digits = 0;
        while (digits < value.Length && char.IsAsciiDigit(value[digits]))
        {
            digits++;
        }

        if (!TryParseNumber(value[..digits], MaxCSeq, out number))
        {
            return false;
        }

        ReadOnlySpan<char> rest = value[digits..];
        ReadOnlySpan<char> trimmed = rest.TrimStart(" \t");
        if (trimmed.Length == rest.Length || !SipSyntax.IsToken(trimmed))
        {
            // Like every TryParse, a refusal leaves nothing read behind.
            number = 0;
            return false;
        }

        method = trimmed.ToString();
        return true;
    }

    /// <summary>Reads <c>Max-Forwards</c>: an integer from 0 to 255 (RFC 3261 §20.22).</summary>
    public static bool TryParseMaxForwards(ReadOnlySpan<char> value, out int hops)
    {
        bool read = TryParseNumber(value, 255, out long number);
        hops = (int)number;
        return read;
    }

    /// <summary>Reads <c>Content-Length</c>: digits, at most <see cref="SipMessage.MaxMessageSize"/>.</summary>
    public static bool TryParseContentLength(ReadOnlySpan<char> value, out int length)
    {
        bool read = TryParseNumber(value, SipMessage.MaxMessageSize, out long number);
        length = (int)number;
        return read;
    }

    /// <summary>
    /// Whether every quoted string in a header value ends: a quote opens one outside a string and closes it inside,
    /// where a backslash takes the character after it as it is (RFC 3261 §25.1 quoted-string, quoted-pair).
    /// </summary>
    public static bool QuotesClose(ReadOnlySpan<char> value)
    {
        bool quoted = false;
        for (int i = 0; i < value.Length; i++)
        {
            if (quoted && value[i] == '\\')
            {
                i++;
            }
            else if (value[i] == '"')
            {
                quoted = !quoted;
            }
        }

        return !quoted;
    }

    /// <summary>Reads <c>Retry-After</c>'s delta-seconds, ignoring a comment and parameters after it (RFC 3261 §20.33).</summary>
    public static TimeSpan? ParseRetryAfter(ReadOnlySpan<char> value)
    {
        int digits = 0;
        while (digits < value.Length && char.IsAsciiDigit(value[digits]))
        {
            digits++;
        }

        if (digits is 0 or > 10 || !uint.TryParse(value[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out uint seconds))
        {
            return null;
        }

        if (digits < value.Length && value[digits] is not (' ' or '\t' or '(' or ';'))
        {
            return null;
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>The first value of a header line holding comma-separated values, ignoring commas in quoted strings.</summary>
    public static ReadOnlySpan<char> FirstElement(ReadOnlySpan<char> value)
    {
        bool quoted = false;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (quoted && c == '\\')
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                return value[..i].TrimEnd(" \t");
            }
        }

        return value;
    }

    /// <summary>
    /// Reads one via-parm: <c>SIP/2.0/transport sent-by *( ; param )</c>, returning its branch (empty when
    /// it has none).
    /// </summary>
    public static bool TryParseVia(ReadOnlySpan<char> via, out string branch) => TryParseVia(via, out branch, out _, out _);

    /// <summary>
    /// Reads one via-parm for where its response goes: the sent-by's port (<see langword="null"/> when it names none) and
    /// whether it carries an <c>rport</c> parameter (RFC 3581 §3), with a value or without.
    /// </summary>
    public static bool TryParseSentBy(ReadOnlySpan<char> via, out int? port, out bool rport) => TryParseVia(via, out _, out port, out rport);

    private static bool TryParseVia(ReadOnlySpan<char> via, out string branch, out int? sentByPort, out bool rport)
    {
        branch = "";
        sentByPort = null;
        rport = false;

        // sent-protocol: protocol-name SLASH protocol-version SLASH transport, with optional white space around the slashes.
        if (!TryToken(ref via, out _) || !TrySlash(ref via) || !TryToken(ref via, out _) || !TrySlash(ref via) || !TryToken(ref via, out _))
        {
            return false;
        }

        ReadOnlySpan<char> afterProtocol = via;
        via = via.TrimStart(" \t");
        if (via.Length == afterProtocol.Length)
        {
            return false; // LWS is required before sent-by
        }

        int end = via.IndexOfAny(";, \t");
        ReadOnlySpan<char> sentBy = end < 0 ? via : via[..end];
        if (!IsSentBy(sentBy, out sentByPort))
        {
            return false;
        }

        via = via[sentBy.Length..].TrimStart(" \t");
        while (!via.IsEmpty)
        {
            if (via[0] != ';')
            {
                return false;
            }

            via = via[1..].TrimStart(" \t");
            if (!TryToken(ref via, out ReadOnlySpan<char> name))
            {
                return false;
            }

            via = via.TrimStart(" \t");
            ReadOnlySpan<char> paramValue = default;
            if (!via.IsEmpty && via[0] == '=')
            {
                via = via[1..].TrimStart(" \t");
                if (!via.IsEmpty && via[0] == '"')
                {
                    int close = ClosingQuote(via);
                    if (close < 0)
                    {
                        return false;
                    }

                    paramValue = via[..(close + 1)];
                    via = via[(close + 1)..];
                }
                else
                {
                    // Parameter values are tokens, IPv6 references or host names: stop at the next separator.
                    int stop = via.IndexOfAny("; \t");
                    paramValue = stop < 0 ? via : via[..stop];
                    if (paramValue.IsEmpty)
                    {
                        return false;
                    }

                    via = via[paramValue.Length..];
                }
            }

            if (name.Equals("branch", StringComparison.OrdinalIgnoreCase))
            {
                if (!SipSyntax.IsToken(paramValue))
                {
                    return false;
                }

                branch = paramValue.ToString();
            }
            else if (name.Equals("rport", StringComparison.OrdinalIgnoreCase))
            {
                rport = true;
            }

            via = via.TrimStart(" \t");
        }

        return true;
    }

    /// <summary>The branch of a message's topmost Via, or <see langword="null"/> when it has none.</summary>
    public static string? TopBranch(SipMessage message) =>
        message.Headers.TryGetValue(SipHeaderNames.Via, out string? via) && TryParseVia(FirstElement(via), out string branch) && branch.Length > 0
            ? branch
            : null;

    /// <summary>Whether a From or To value already carries a <c>tag</c> parameter, outside its URI.</summary>
    public static bool HasTag(string nameAddr) => Tag(nameAddr) is not null;

    /// <summary>The <c>tag</c> parameter of a From or To value, outside its URI; <see langword="null"/> when there is none.</summary>
    public static string? Tag(string nameAddr)
    {
        // In a name-addr the URI sits in angle brackets, and its own parameters do not belong to the header.
        int close = nameAddr.LastIndexOf('>');
        ReadOnlySpan<char> parameters = close >= 0 ? nameAddr.AsSpan(close + 1) : nameAddr.AsSpan(Math.Max(0, nameAddr.IndexOf(';', StringComparison.Ordinal)));
        foreach (Range part in parameters.Split(';'))
        {
            ReadOnlySpan<char> parameter = parameters[part].Trim(" \t");
            if (parameter.StartsWith("tag", StringComparison.OrdinalIgnoreCase) &&
                parameter[3..].TrimStart(" \t") is ['=', .. var value])
            {
                return value.Trim(" \t").ToString();
            }
        }

        return null;
    }

    private static bool IsSentBy(ReadOnlySpan<char> sentBy, out int? portNumber)
    {
        portNumber = null;
        if (sentBy.IsEmpty)
        {
            return false;
        }

        ReadOnlySpan<char> host = sentBy;
        ReadOnlySpan<char> port = default;
        if (sentBy[0] == '[')
        {
            int close = sentBy.IndexOf(']');
            if (close < 0)
            {
                return false;
            }

            host = sentBy[..(close + 1)];
            ReadOnlySpan<char> rest = sentBy[(close + 1)..];
            if (!rest.IsEmpty)
            {
                if (rest[0] != ':')
                {
                    return false;
                }

                port = rest[1..];
                if (port.IsEmpty)
                {
                    return false;
                }
            }
        }
        else
        {
            int colon = sentBy.IndexOf(':');
            if (colon >= 0)
            {
                host = sentBy[..colon];
                port = sentBy[(colon + 1)..];
                if (port.IsEmpty)
                {
                    return false;
                }
            }
        }

        if (!port.IsEmpty)
        {
            if (port.Length > 5 || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number is 0 or > 65535)
            {
                return false;
            }

            portNumber = number;
        }

        return SipHost.IsHost(host);
    }

    /// <summary>
    /// Reads 1*DIGIT up to <paramref name="max"/>. The grammar puts no bound on the digits, so leading zeros are
    /// allowed however many there are: RFC 4475 §3.1.1.1 sends <c>Max-Forwards: 0068</c> and <c>CSeq: 0009</c>.
    /// </summary>
    private static bool TryParseNumber(ReadOnlySpan<char> digits, long max, out long value)
    {
        value = 0;
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        // Every bound used here has at most 10 digits, so more significant digits than that are always too many.
        ReadOnlySpan<char> significant = digits.TrimStart('0');
        if (significant.Length > 10)
        {
            return false;
        }

        if (!significant.IsEmpty)
        {
            value = long.Parse(significant, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        if (value > max)
        {
            value = 0;
            return false;
        }

        return true;
    }

    private static int ClosingQuote(ReadOnlySpan<char> text)
    {
        for (int i = 1; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                return i;
            }
        }

        return -1;
    }

    private static bool TryToken(ref ReadOnlySpan<char> text, out ReadOnlySpan<char> token)
    {
        int length = 0;
        while (length < text.Length && SipSyntax.IsTokenChar(text[length]))
        {
            length++;
        }

        token = text[..length];
        text = text[length..];
        return length > 0;
    }

    private static bool TrySlash(ref ReadOnlySpan<char> text)
    {
        ReadOnlySpan<char> trimmed = text.TrimStart(" \t");
        if (trimmed.IsEmpty || trimmed[0] != '/')
        {
            return false;
        }

        text = trimmed[1..].TrimStart(" \t");
        return true;
    }
}
