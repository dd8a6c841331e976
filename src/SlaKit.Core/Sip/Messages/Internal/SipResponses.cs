namespace SlaKit.Sip;

/// <summary>Builds responses as a UAS must send them (RFC 3261 §8.2.6).</summary>
internal static class SipResponses
{
    /// <summary>
    /// The response to <paramref name="request"/> (§8.2.6.2): its Via headers in order, From, To (tagged when it had no
    /// tag), Call-ID and CSeq copied, and no body.
    /// </summary>
    public static SipResponse To(SipRequest request, int status, string reason)
    {
        var response = new SipResponse(status, reason);
        SipHeaders headers = request.Headers;
        foreach (string via in headers.GetValues(SipHeaderNames.Via))
        {
            response.Headers.Add(SipHeaderNames.Via, via);
        }

        string to = headers[SipHeaderNames.To] ?? "";
        response.Headers.Add(SipHeaderNames.From, headers[SipHeaderNames.From] ?? "");
        response.Headers.Add(SipHeaderNames.To, SipHeaderValues.HasTag(to) ? to : $"{to};tag={SipIds.NewTag()}");
        response.Headers.Add(SipHeaderNames.CallId, headers[SipHeaderNames.CallId] ?? "");
        response.Headers.Add(SipHeaderNames.CSeq, headers[SipHeaderNames.CSeq] ?? "");
        return response;
    }
}
