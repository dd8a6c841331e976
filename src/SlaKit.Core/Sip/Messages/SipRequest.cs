using System.Text;

namespace SlaKit.Sip;

/// <summary>A SIP request: a method, a Request-URI, header fields and a body (RFC 3261 §7.1).</summary>
public sealed class SipRequest : SipMessage
{
    /// <summary>Creates a request with no header fields and an empty body.</summary>
    /// <param name="method">The method, a token such as <c>OPTIONS</c>, <c>REGISTER</c> or <c>MESSAGE</c>; methods are case-sensitive.</param>
    /// <param name="requestUri">The Request-URI, such as <c>sip:carrier.example</c>: printable ASCII with a scheme.</param>
    /// <exception cref="ArgumentException">The method is not a token, or the Request-URI is not a URI.</exception>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public SipRequest(string method, string requestUri)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(requestUri);
        if (!SipSyntax.IsToken(method))
        {
            throw new ArgumentException($"'{method}' is not a SIP method (a token such as OPTIONS).", nameof(method));
        }

        if (!SipSyntax.IsRequestUri(requestUri))
        {
            throw new ArgumentException($"'{requestUri}' is not a Request-URI (printable ASCII starting with a scheme, such as sip:host).", nameof(requestUri));
        }

        Method = method;
        RequestUri = requestUri;
    }

    /// <summary>The method.</summary>
    public string Method { get; }

    /// <summary>The Request-URI.</summary>
    public string RequestUri { get; }

    /// <summary>A copy with its own header collection; the body's bytes are shared.</summary>
    internal SipRequest Clone()
    {
        var copy = new SipRequest(Method, RequestUri) { Body = Body };
        Headers.CopyTo(copy.Headers);
        return copy;
    }

    private protected override void AppendStartLine(StringBuilder builder) =>
        builder.Append(Method).Append(' ').Append(RequestUri).Append(' ').Append(SipSyntax.Version);
}
