namespace SlaKit;

/// <summary>
/// One outage as a measurement counted it: overlapping or touching incidents merged into one, clipped
/// to the measured window.
/// </summary>
/// <param name="Start">When the outage began, or the window's start if it began earlier.</param>
/// <param name="End">When it ended, or the window's end if it ended later.</param>
/// <param name="Duration">
/// How long it lasted within the window; whole minutes only when the measurement counts whole minutes.
/// </param>
/// <param name="Downtime">
/// The downtime it counts for: its duration weighted by the heaviest incident active at each instant
/// (whole minutes only when the measurement counts whole minutes).
/// </param>
public readonly record struct Outage(DateTimeOffset Start, DateTimeOffset End, TimeSpan Duration, TimeSpan Downtime);
