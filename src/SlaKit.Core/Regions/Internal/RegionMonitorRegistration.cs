namespace SlaKit.Regions;

/// <summary>
/// Registered in the container once per failover client of any protocol, so the one <see cref="IRegionHealthMonitorRegistry"/>,
/// the health checks and the health gauge know every client.
/// </summary>
/// <param name="ClientName">The client's name.</param>
/// <param name="Protocol">The client's protocol, such as <c>http</c> or <c>sip</c>, for messages.</param>
/// <param name="Resolve">Finds the client's monitor in the container.</param>
internal sealed record RegionMonitorRegistration(string ClientName, string Protocol, Func<IServiceProvider, IRegionHealthMonitor> Resolve);
