using System.Globalization;
using System.Text;

namespace SlaKit.Sip;

/// <summary>A SIP response: a status code, a reason phrase, header fields and a body (RFC 3261 §7.2).</summary>
public sealed class SipResponse : SipMessage
{
    /// <summary>Creates a response with no header fields and an empty body.</summary>
    /// <param name="statusCode">The status code, 100 to 699.</param>
    /// <param name="reasonPhrase">The reason phrase, such as <c>OK</c>; it may be empty but may not hold control characters.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is outside 100 to 699.</exception>
    /// <exception cref="ArgumentException"><paramref name="reasonPhrase"/> holds a control character.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="reasonPhrase"/> is <see langword="null"/>.</exception>
    public SipResponse(int statusCode, string reasonPhrase)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        ArgumentNullException.ThrowIfNull(reasonPhrase);
        if (!SipSyntax.IsSafeText(reasonPhrase))
        {
            throw new ArgumentException("The reason phrase holds a line break or another control character.", nameof(reasonPhrase));
        }

        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
    }

    /// <summary>The status code, 100 to 699.</summary>
    public int StatusCode { get; }

    /// <summary>The reason phrase.</summary>
    public string ReasonPhrase { get; }

    /// <summary>
    /// How long the server asked not to be sent requests, from <c>Retry-After</c>'s delta-seconds (RFC 3261 §20.33);
    /// <see langword="null"/> when the header is absent or malformed.
    /// </summary>
    public TimeSpan? RetryAfter => Headers.TryGetValue(SipHeaderNames.RetryAfter, out string? value) ? SipHeaderValues.ParseRetryAfter(value) : null;

    /// <summary>The status line, such as <c>503 Service Unavailable</c>.</summary>
    internal string StatusText => string.IsNullOrEmpty(ReasonPhrase)
        ? StatusCode.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{StatusCode} {ReasonPhrase}");

    private protected override void AppendStartLine(StringBuilder builder) =>
        builder.Append(SipSyntax.Version).Append(' ').Append(StatusCode.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(ReasonPhrase);
}
