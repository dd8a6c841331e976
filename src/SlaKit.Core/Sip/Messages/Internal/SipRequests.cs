using System.Globalization;

namespace SlaKit.Sip;

/// <summary>Builds and completes requests as a UAC must send them (RFC 3261 §8.1.1).</summary>
internal static class SipRequests
{
    /// <summary>The From a request gets when its sender sets none: a placeholder in the reserved <c>.invalid</c> domain.</summary>
    public const string DefaultFrom = "<sip:slakit@slakit.invalid>";

    /// <summary>An OPTIONS asking a server about itself (RFC 3261 §11.1), without the Via the transaction layer adds.</summary>
    public static SipRequest Options(SipTarget target, string userAgent)
    {
        var request = new SipRequest("OPTIONS", target.RequestUri);
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(SipHeaderNames.From, $"{DefaultFrom};tag={SipIds.NewTag()}");
        request.Headers.Add(SipHeaderNames.To, $"<{target.RequestUri}>");
        request.Headers.Add(SipHeaderNames.CallId, SipIds.NewCallId());
        request.Headers.Add(SipHeaderNames.CSeq, "1 OPTIONS");
        request.Headers.Add(SipHeaderNames.Accept, "application/sdp");
        if (userAgent.Length > 0)
        {
            request.Headers.Add(SipHeaderNames.UserAgent, userAgent);
        }

        return request;
    }

    /// <summary>
    /// A copy of <paramref name="request"/> with what RFC 3261 §8.1.1 requires and the caller left out: Max-Forwards 70,
    /// a From with a tag, a To, a Call-ID and a CSeq. Every attempt of a failover sends this same copy, so that Call-ID,
    /// From, To and CSeq stay the same while each attempt's Via carries a new branch (RFC 3263 §4.3).
    /// </summary>
    /// <exception cref="ArgumentException">The request is an INVITE or ACK, carries a Via, or has a CSeq that is malformed or names another method.</exception>
    public static SipRequest Complete(SipRequest request, string paramName)
    {
        if (request.Method is "INVITE" or "ACK")
        {
            throw new ArgumentException($"{request.Method} needs an INVITE transaction; send non-INVITE requests such as OPTIONS, REGISTER or MESSAGE.", paramName);
        }

        return Fill(request, paramName);
    }

    /// <summary>
    /// A copy of the INVITE that places a call, with what RFC 3261 §8.1.1 requires and the caller left out, as
    /// <see cref="Complete"/> fills it in; the transaction layer adds a Contact when there is none (§8.1.1.8).
    /// </summary>
    /// <exception cref="ArgumentException">The request is not an INVITE, carries a Via, or has a CSeq that is malformed or names another method.</exception>
    public static SipRequest CompleteInvite(SipRequest invite, string paramName)
    {
        if (invite.Method != "INVITE")
        {
            throw new ArgumentException($"A call is placed with an INVITE, not {invite.Method}; send other requests with SendAsync.", paramName);
        }

        return Fill(invite, paramName);
    }

    /// <summary>
    /// The INVITE for the next trunk (RFC 3261 §8.1.3.5): a new transaction with the same Call-ID, From and To, and the
    /// CSeq number one higher than the last attempt's.
    /// </summary>
    public static SipRequest WithCSeq(SipRequest request, long number)
    {
        SipRequest copy = request.Clone();
        copy.Headers.Set(SipHeaderNames.CSeq, string.Create(CultureInfo.InvariantCulture, $"{number} {request.Method}"));
        return copy;
    }

    private static SipRequest Fill(SipRequest request, string paramName)
    {
        if (request.Headers.Contains(SipHeaderNames.Via))
        {
            throw new ArgumentException("The request carries a Via header; the client adds its own, with a new branch for each attempt.", paramName);
        }

        SipRequest copy = request.Clone();
        SipHeaders headers = copy.Headers;
        if (!headers.Contains(SipHeaderNames.MaxForwards))
        {
            headers.Add(SipHeaderNames.MaxForwards, "70");
        }

        if (!headers.TryGetValue(SipHeaderNames.From, out string? from))
        {
            headers.Add(SipHeaderNames.From, $"{DefaultFrom};tag={SipIds.NewTag()}");
        }
        else if (!SipHeaderValues.HasTag(from))
        {
            // RFC 3261 §8.1.1.3: the UAC must add a tag to From.
            headers.Set(SipHeaderNames.From, $"{from};tag={SipIds.NewTag()}");
        }

        if (!headers.Contains(SipHeaderNames.To))
        {
            headers.Add(SipHeaderNames.To, $"<{request.RequestUri}>");
        }

        if (!headers.Contains(SipHeaderNames.CallId))
        {
            headers.Add(SipHeaderNames.CallId, SipIds.NewCallId());
        }

        if (!headers.TryGetValue(SipHeaderNames.CSeq, out string? cseq))
        {
            headers.Add(SipHeaderNames.CSeq, $"1 {request.Method}");
        }
        else if (!SipHeaderValues.TryParseCSeq(cseq, out _, out string method) || !string.Equals(method, request.Method, StringComparison.Ordinal))
        {
            throw new ArgumentException($"CSeq '{cseq}' must be a number below 2^31 and the request's method, {request.Method}.", paramName);
        }

        return copy;
    }

    /// <summary>
    /// A request in the INVITE's own transaction, as the ACK for a non-2xx final (RFC 3261 §17.1.1.3) and a CANCEL (§9.1)
    /// are built: the INVITE's Request-URI, its top Via only (so the same branch), Route set, Max-Forwards, From, Call-ID
    /// and CSeq number with <paramref name="method"/>; the To given (the response's, tag and all, for an ACK), or the INVITE's.
    /// </summary>
    public static SipRequest SameTransactionAs(SipRequest invite, string method, string? to = null)
    {
        SipHeaders headers = invite.Headers;

        // The transaction layer takes only an INVITE whose CSeq parses.
        long number = SipHeaderValues.TryParseCSeq(headers[SipHeaderNames.CSeq] ?? "", out long parsed, out _) ? parsed : 0;
        return Create(
            method, invite.RequestUri, headers.GetValues(SipHeaderNames.Via)[0], headers.GetValues(SipHeaderNames.Route),
            headers[SipHeaderNames.MaxForwards] ?? "70", headers[SipHeaderNames.From]!, to ?? headers[SipHeaderNames.To]!, headers[SipHeaderNames.CallId]!, number);
    }

    /// <summary>
    /// A request with the headers every request carries (RFC 3261 §8.1.1), in this order: <paramref name="via"/> when
    /// given (otherwise the transaction layer adds its own), the Route set, Max-Forwards, From, To, Call-ID and CSeq.
    /// </summary>
    public static SipRequest Create(
        string method, string requestUri, string? via, IEnumerable<string> routes, string maxForwards, string from, string to, string callId, long cseq)
    {
        var request = new SipRequest(method, requestUri);
        if (via is not null)
        {
            request.Headers.Add(SipHeaderNames.Via, via);
        }

        foreach (string route in routes)
        {
            request.Headers.Add(SipHeaderNames.Route, route);
        }

        request.Headers.Add(SipHeaderNames.MaxForwards, maxForwards);
        request.Headers.Add(SipHeaderNames.From, from);
        request.Headers.Add(SipHeaderNames.To, to);
        request.Headers.Add(SipHeaderNames.CallId, callId);
        request.Headers.Add(SipHeaderNames.CSeq, string.Create(CultureInfo.InvariantCulture, $"{cseq} {method}"));
        return request;
    }
}
