namespace SlaKit.Http;

/// <summary>Registered once per client that calls <c>AddRegionProbes</c>.</summary>
internal sealed record RegionProbeRegistration(string ClientName);
