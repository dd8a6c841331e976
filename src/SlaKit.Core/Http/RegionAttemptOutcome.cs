using System.Net;
using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>How one attempt against one region ended.</summary>
/// <param name="Region">The region tried.</param>
/// <param name="Kind">How the attempt ended.</param>
/// <param name="StatusCode">The status the region answered, if it answered.</param>
/// <param name="Exception">The error, if the attempt failed with one.</param>
/// <param name="Duration">How long the attempt took.</param>
public sealed record RegionAttemptOutcome(Region Region, RegionAttemptOutcomeKind Kind, HttpStatusCode? StatusCode, Exception? Exception, TimeSpan Duration)
{
    /// <summary>The outcome in words, such as <c>eu-west: 503 ServiceUnavailable after 2ms</c>.</summary>
    /// <returns>The outcome's description.</returns>
    public override string ToString()
    {
        string what = Kind switch
        {
            RegionAttemptOutcomeKind.TransientStatus or RegionAttemptOutcomeKind.Success => $"{(int?)StatusCode} {StatusCode}",
            RegionAttemptOutcomeKind.TransportError => $"transport error ({Exception?.Message})",
            RegionAttemptOutcomeKind.Timeout => "no answer within the attempt timeout",
            RegionAttemptOutcomeKind.CircuitOpen => "circuit open, not sent",
            _ => "cancelled",
        };
        return $"{Region.Name}: {what} after {DurationText.Format(Duration)}";
    }
}
