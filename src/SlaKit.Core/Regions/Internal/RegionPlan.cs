namespace SlaKit.Regions;

/// <summary>The regions one request will try, in order.</summary>
/// <param name="Order">The regions, best first.</param>
/// <param name="IsTrial">Whether the first region is a trial of an Unhealthy region whose trial slot this plan holds.</param>
internal sealed record RegionPlan(IReadOnlyList<TrackedRegion> Order, bool IsTrial);
