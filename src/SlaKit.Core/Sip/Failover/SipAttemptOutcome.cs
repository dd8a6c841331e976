using System.Globalization;
using SlaKit.Regions;

namespace SlaKit.Sip;

/// <summary>How one attempt of a SIP request against one region ended.</summary>
/// <param name="Region">The region tried.</param>
/// <param name="Kind">How the attempt ended.</param>
/// <param name="Response">The final response, when the region answered.</param>
/// <param name="Error">What went wrong, in words, for a timeout or a transport error.</param>
/// <param name="Duration">How long the attempt took.</param>
public sealed record SipAttemptOutcome(Region Region, SipAttemptOutcomeKind Kind, SipResponse? Response, string? Error, TimeSpan Duration)
{
    /// <summary>
    /// The server the attempt went to: the region's own address, or one that RFC 3263 found in DNS for it;
    /// <see langword="null"/> when none was found.
    /// </summary>
    public SipTarget? Target { get; init; }

    /// <summary>
    /// For a call's INVITE, the post-dial delay: from the INVITE's sending (the connection's set-up not counted) to the
    /// first 180 or 183; otherwise <see langword="null"/>.
    /// </summary>
    public TimeSpan? PostDialDelay { get; init; }

    /// <summary>The outcome in words, such as <c>eu-west: 503 Service Unavailable after 1.2ms</c>.</summary>
    /// <returns>The outcome's description.</returns>
    public override string ToString()
    {
        string what = Response is { } response ? response.StatusText : Error ?? Kind.ToString();
        return string.Create(CultureInfo.InvariantCulture, $"{Region.Name}: {what} after {SipDurations.Format(Duration)}");
    }
}
