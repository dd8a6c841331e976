namespace SlaKit.Regions;

/// <summary>
/// Finds the <see cref="IRegionHealthMonitor"/> of each failover client registered in the container, whatever its protocol:
/// HTTP clients (<c>AddRegionFailover</c>) and SIP clients (<c>AddSipFailover</c>) alike.
/// </summary>
public interface IRegionHealthMonitorRegistry
{
    /// <summary>The names of the clients that fail over between regions.</summary>
    IReadOnlyCollection<string> ClientNames { get; }

    /// <summary>The monitor of one client.</summary>
    /// <param name="clientName">A name from <see cref="ClientNames"/>.</param>
    /// <returns>The client's monitor.</returns>
    /// <exception cref="ArgumentException">No failover client has that name.</exception>
    IRegionHealthMonitor GetMonitor(string clientName);
}
