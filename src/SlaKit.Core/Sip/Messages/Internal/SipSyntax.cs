namespace SlaKit.Sip;

/// <summary>The character classes of the SIP grammar (RFC 3261 §25.1) that the codec checks.</summary>
internal static class SipSyntax
{
    /// <summary>The SIP version this codec speaks (RFC 3261 §7.1).</summary>
    public const string Version = "SIP/2.0";

    /// <summary>The magic cookie every RFC 3261 branch starts with (RFC 3261 §8.1.1.7).</summary>
    public const string BranchCookie = "z9hG4bK";

    /// <summary>Whether <paramref name="c"/> may appear in a token: alphanumerics and <c>-.!%*_+`'~</c>.</summary>
    public static bool IsTokenChar(int c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or
            '-' or '.' or '!' or '%' or '*' or '_' or '+' or '`' or '\'' or '~';

    /// <summary>Whether <paramref name="text"/> is a non-empty token.</summary>
    public static bool IsToken(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="text"/> may be a header value or reason phrase: no control characters other
    /// than horizontal tab, so it can never break the message's framing.
    /// </summary>
    public static bool IsSafeText(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if ((c < 0x20 && c != '\t') || c == 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="text"/> may be a header value: no line breaks, and no other control characters than tab
    /// except as the escaped character of a quoted-pair inside a quoted string (RFC 3261 §25.1: quoted-pair = "\"
    /// (%x00-09 / %x0B-0C / %x0E-7F)), as in the display name RFC 4475 §3.1.1.2 sends.
    /// </summary>
    public static bool IsSafeHeaderValue(ReadOnlySpan<char> text)
    {
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted && c == '\\' && i + 1 < text.Length && text[i + 1] is not ('\r' or '\n'))
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if ((c < 0x20 && c != '\t') || c == 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="text"/> may be a Request-URI: non-empty printable ASCII with a scheme.</summary>
    public static bool IsRequestUri(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (c is <= ' ' or >= (char)0x7F)
            {
                return false;
            }
        }

        // RFC 3261 §25.1: Request-URI = SIP-URI / SIPS-URI / absoluteURI, all of which start with a scheme.
        int colon = text.IndexOf(':');
        return colon > 0 && char.IsAsciiLetter(text[0]);
    }
}
