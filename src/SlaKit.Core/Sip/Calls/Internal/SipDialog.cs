namespace SlaKit.Sip;

/// <summary>
/// The UAC's side of a dialog an INVITE's 2xx made (RFC 3261 §12.1.2): its identifiers (Call-ID, local and remote tags),
/// the remote target (the 2xx's Contact), the route set (its Record-Route, reversed) and the local CSeq. Builds the ACK for
/// the 2xx (§13.2.2.4) and the requests sent within the dialog (§12.2.1.1), such as the BYE that ends the call (§15.1.1).
/// </summary>
internal sealed class SipDialog
{
    private readonly Lock _gate = new();
    private readonly string _from;
    private readonly string _to;
    private readonly long _inviteCSeq;
    private long _localCSeq;
    private string _remoteTarget;

    private SipDialog(string callId, string from, string to, string remoteTarget, IReadOnlyList<string> routeSet, long inviteCSeq, SipRequest invite)
    {
        CallId = callId;
        _from = from;
        _to = to;
        _remoteTarget = remoteTarget;
        RouteSet = routeSet;
        _inviteCSeq = inviteCSeq;
        _localCSeq = inviteCSeq;
        LocalTag = SipHeaderValues.Tag(from) ?? "";
        RemoteTag = SipHeaderValues.Tag(to) ?? "";
        LocalContact = invite.Headers[SipHeaderNames.Contact];
        LocalSessionDescription = invite.Body;
        LocalContentType = invite.Headers["Content-Type"];
    }

    /// <summary>Our Contact as the INVITE carried it, which a 2xx to the callee's re-INVITE or UPDATE carries again (§13.3.1.4).</summary>
    public string? LocalContact { get; }

    /// <summary>Our session description: the INVITE's body (the SDP offer), empty when it had none.</summary>
    public ReadOnlyMemory<byte> LocalSessionDescription { get; }

    /// <summary>The INVITE's <c>Content-Type</c>.</summary>
    public string? LocalContentType { get; }

    public string CallId { get; }

    public string LocalTag { get; }

    public string RemoteTag { get; }

    /// <summary>
    /// Where requests within the dialog go: the URI in the 2xx's Contact, or in the Contact of the last target refresh
    /// request the callee sent and we accepted (§12.2.2).
    /// </summary>
    public string RemoteTarget
    {
        get
        {
            lock (_gate)
            {
                return _remoteTarget;
            }
        }
    }

    /// <summary>The Route headers of requests within the dialog: the 2xx's Record-Route values in reverse order (§12.1.2).</summary>
    public IReadOnlyList<string> RouteSet { get; }

    /// <summary>
    /// The dialog an INVITE's 2xx made, or <see langword="null"/> when the 2xx lacks what a dialog needs (a To tag and a
    /// Contact, §13.3.1.4, whose URI can be a Request-URI, §12.1.2), and so cannot be acknowledged or ended within a dialog.
    /// </summary>
    public static SipDialog? FromInvite(SipRequest invite, SipResponse ok)
    {
        SipHeaders request = invite.Headers;
        SipHeaders response = ok.Headers;
        if (response[SipHeaderNames.To] is not { } to || SipHeaderValues.Tag(to) is null ||
            response[SipHeaderNames.Contact] is not { } contact || AddrSpec(Elements(contact).FirstOrDefault() ?? "") is not { Length: > 0 } target ||
            !SipSyntax.IsRequestUri(target) ||
            request[SipHeaderNames.From] is not { } from || request[SipHeaderNames.CallId] is not { } callId ||
            !SipHeaderValues.TryParseCSeq(request[SipHeaderNames.CSeq] ?? "", out long cseq, out _))
        {
            return null;
        }

        List<string> routes = [.. response.GetValues(SipHeaderNames.RecordRoute).SelectMany(Elements)];
        routes.Reverse();
        return new SipDialog(callId, from, to, target, routes, cseq, invite);
    }

    /// <summary>
    /// Takes the Contact of a target refresh request the callee sent within the dialog (a re-INVITE or an UPDATE) and
    /// accepted: it replaces the remote target (§12.2.2, RFC 3311 §5.2). A request without a Contact, or with one that is
    /// no Request-URI, leaves the remote target as it was.
    /// </summary>
    public void RefreshTarget(SipRequest request)
    {
        if (request.Headers[SipHeaderNames.Contact] is { } contact && AddrSpec(Elements(contact).FirstOrDefault() ?? "") is { Length: > 0 } target &&
            SipSyntax.IsRequestUri(target))
        {
            lock (_gate)
            {
                _remoteTarget = target;
            }
        }
    }

    /// <summary>The ACK for the 2xx (§13.2.2.4): the INVITE's CSeq number, within the dialog; the sender adds its Via.</summary>
    public SipRequest Ack() => InDialog("ACK", _inviteCSeq);

    /// <summary>A BYE that ends the call (§15.1.1), with the next local CSeq number; the transaction layer adds its Via.</summary>
    public SipRequest Bye()
    {
        long number;
        lock (_gate)
        {
            number = ++_localCSeq;
        }

        return InDialog("BYE", number);
    }

    /// <summary>A request within the dialog (§12.2.1.1): to the remote target, along the route set, tags on both sides.</summary>
    private SipRequest InDialog(string method, long cseq) =>
        SipRequests.Create(method, RemoteTarget, via: null, RouteSet, "70", _from, _to, CallId, cseq);

    /// <summary>The URI of a name-addr (inside its angle brackets) or of a bare addr-spec (before its parameters).</summary>
    internal static string AddrSpec(string value)
    {
        int open = value.IndexOf('<', StringComparison.Ordinal);
        int close = open < 0 ? -1 : value.IndexOf('>', open + 1);
        if (open >= 0 && close > open)
        {
            return value[(open + 1)..close].Trim();
        }

        int semicolon = value.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? value : value[..semicolon]).Trim();
    }

    /// <summary>The comma-separated values of one header line, commas inside angle brackets or quotes left alone.</summary>
    internal static IEnumerable<string> Elements(string line)
    {
        int start = 0;
        bool quoted = false;
        int depth = 0;
        for (int i = 0; i < line.Length; i++)
        {
            switch (line[i])
            {
                case '"':
                    quoted = !quoted;
                    break;
                case '<' when !quoted:
                    depth++;
                    break;
                case '>' when !quoted && depth > 0:
                    depth--;
                    break;
                case ',' when !quoted && depth == 0:
                    yield return line[start..i].Trim();
                    start = i + 1;
                    break;
            }
        }

        if (line[start..].Trim() is { Length: > 0 } last)
        {
            yield return last;
        }
    }
}
