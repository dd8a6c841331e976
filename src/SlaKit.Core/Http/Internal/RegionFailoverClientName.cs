namespace SlaKit.Http;

/// <summary>Registered once per client that calls <c>AddRegionFailover</c>, so the registry knows them all.</summary>
internal sealed record RegionFailoverClientName(string Name);
