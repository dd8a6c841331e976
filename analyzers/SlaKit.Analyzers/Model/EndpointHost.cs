using System;

namespace SlaKit.Analyzers.Model;

/// <summary>Reads the host out of a region's endpoint: an http(s) URI, a SIP URI or a bare host:port.</summary>
internal static class EndpointHost
{
    private static readonly string[] SipSchemes = { "sips:", "sip:" };
    private static readonly char[] HostEnd = { ';', '?', '/' };

    public static string? Read(string? endpoint)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return null;
        }

        string text = endpoint!.Trim();
        if (text.IndexOf("://", StringComparison.Ordinal) >= 0)
        {
            return Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && uri.DnsSafeHost.Length > 0 ? Normalize(uri.DnsSafeHost) : null;
        }

        // RFC 3261 §19.1.1: sip:user:password@host:port;uri-parameters?headers — the host follows the userinfo.
        string rest = text;
        foreach (string scheme in SipSchemes)
        {
            if (text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                rest = text.Substring(scheme.Length);
                int at = rest.LastIndexOf('@');
                if (at >= 0)
                {
                    rest = rest.Substring(at + 1);
                }

                break;
            }
        }

        int end = rest.IndexOfAny(HostEnd);
        if (end >= 0)
        {
            rest = rest.Substring(0, end);
        }

        if (rest.StartsWith("[", StringComparison.Ordinal))
        {
            int close = rest.IndexOf(']');
            return close > 1 ? Normalize(rest.Substring(1, close - 1)) : null;
        }

        int colon = rest.IndexOf(':');
        string host = colon >= 0 ? rest.Substring(0, colon) : rest;
        return host.Length > 0 ? Normalize(host) : null;
    }

    // A trailing dot names the same host; callers compare hosts without regard to case (RFC 4343).
    private static string Normalize(string host) => host.TrimEnd('.');
}
