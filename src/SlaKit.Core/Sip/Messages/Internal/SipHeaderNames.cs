using System.Collections.Frozen;

namespace SlaKit.Sip;

/// <summary>Header names the codec knows: their usual spelling and their compact forms (RFC 3261 §7.3.3, §20).</summary>
internal static class SipHeaderNames
{
    public const string Via = "Via";
    public const string From = "From";
    public const string To = "To";
    public const string CallId = "Call-ID";
    public const string CSeq = "CSeq";
    public const string MaxForwards = "Max-Forwards";
    public const string ContentLength = "Content-Length";
    public const string RetryAfter = "Retry-After";
    public const string Accept = "Accept";
    public const string UserAgent = "User-Agent";
    public const string Route = "Route";
    public const string Allow = "Allow";
    public const string RecordRoute = "Record-Route";
    public const string Contact = "Contact";

    // Compact forms from RFC 3261 §7.3.3 and the extensions that registered one with IANA.
    private static readonly FrozenDictionary<char, string> Compact = new Dictionary<char, string>
    {
        ['a'] = "Accept-Contact",
        ['b'] = "Referred-By",
        ['c'] = "Content-Type",
        ['d'] = "Request-Disposition",
        ['e'] = "Content-Encoding",
        ['f'] = From,
        ['i'] = CallId,
        ['j'] = "Reject-Contact",
        ['k'] = "Supported",
        ['l'] = ContentLength,
        ['m'] = "Contact",
        ['n'] = "Identity-Info",
        ['o'] = "Event",
        ['r'] = "Refer-To",
        ['s'] = "Subject",
        ['t'] = To,
        ['u'] = "Allow-Events",
        ['v'] = Via,
        ['x'] = "Session-Expires",
        ['y'] = "Identity",
    }.ToFrozenDictionary();

    // Names whose usual spelling is not plain title case, so that serialized messages read as peers expect.
    private static readonly FrozenDictionary<string, string> Spelling = new[]
    {
        Via, From, To, CallId, CSeq, MaxForwards, ContentLength, RetryAfter, Accept, UserAgent,
        "Contact", "Content-Type", "Content-Encoding", "Supported", "Subject", "Event", "Refer-To", "Referred-By",
        "Allow-Events", "Session-Expires", "Identity", "Identity-Info", "Accept-Contact", "Reject-Contact",
        "Request-Disposition", "Allow", "Route", "Record-Route", "Require", "Proxy-Require", "Unsupported",
        "Expires", "Min-Expires", "Authorization", "Proxy-Authorization", "WWW-Authenticate", "Proxy-Authenticate",
        "Authentication-Info", "Server", "Warning", "Timestamp", "Date", "MIME-Version", "Organization",
        "Priority", "Reply-To", "In-Reply-To", "Alert-Info", "Call-Info", "Error-Info", "Accept-Encoding",
        "Accept-Language", "Content-Disposition", "Content-Language", "RSeq", "RAck", "P-Asserted-Identity",
    }.ToFrozenDictionary(static n => n, StringComparer.OrdinalIgnoreCase);

    /// <summary>The long, usually spelled name for <paramref name="name"/>, expanding compact forms.</summary>
    public static string Canonical(string name)
    {
        if (name.Length == 1 && Compact.TryGetValue(char.ToLowerInvariant(name[0]), out string? full))
        {
            return full;
        }

        return Spelling.TryGetValue(name, out string? spelled) ? spelled : name;
    }
}
