using System.Net;
using System.Net.Sockets;

namespace SlaKit.Sip;

/// <summary>The <c>host</c> rule of RFC 3261 §25.1: a host name, an IPv4 address, or an IPv6 reference in brackets.</summary>
internal static class SipHost
{
    /// <summary>Whether <paramref name="host"/> is a host name, a dotted IPv4 address or a bracketed IPv6 address.</summary>
    public static bool IsHost(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty || host.Length > 255)
        {
            return false;
        }

        if (host[0] == '[')
        {
            return host.Length > 2 && host[^1] == ']' &&
                IPAddress.TryParse(host[1..^1], out IPAddress? v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
        }

        return IsIPv4(host) || IsHostName(host);
    }

    /// <summary>Whether <paramref name="host"/> is four dotted decimal octets.</summary>
    public static bool IsIPv4(ReadOnlySpan<char> host)
    {
        int parts = 0;
        foreach (Range range in host.Split('.'))
        {
            ReadOnlySpan<char> part = host[range];
            if (++parts > 4 || part.Length is 0 or > 3 || !int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int octet) || octet > 255)
            {
                return false;
            }
        }

        return parts == 4;
    }

    // hostname = *( domainlabel "." ) toplabel [ "." ], labels of alphanumerics and inner hyphens, the last starting with a letter.
    private static bool IsHostName(ReadOnlySpan<char> host)
    {
        if (host[^1] == '.')
        {
            host = host[..^1];
        }

        if (host.IsEmpty)
        {
            return false;
        }

        ReadOnlySpan<char> last = default;
        foreach (Range range in host.Split('.'))
        {
            ReadOnlySpan<char> label = host[range];
            if (label.IsEmpty || label.Length > 63 || !char.IsAsciiLetterOrDigit(label[0]) || !char.IsAsciiLetterOrDigit(label[^1]))
            {
                return false;
            }

            foreach (char c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }

            last = label;
        }

        return char.IsAsciiLetter(last[0]);
    }
}
