using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SlaKit.Regions;

/// <summary>The container's failover clients of every protocol, by name.</summary>
internal sealed class RegionHealthMonitorRegistry : IRegionHealthMonitorRegistry
{
    private readonly IServiceProvider _services;
    private readonly Dictionary<string, RegionMonitorRegistration> _registrations = new(StringComparer.Ordinal);

    /// <exception cref="InvalidOperationException">Two protocols register clients of one name.</exception>
    public RegionHealthMonitorRegistry(IServiceProvider services, IEnumerable<RegionMonitorRegistration> registrations)
    {
        _services = services;
        foreach (RegionMonitorRegistration registration in registrations)
        {
            if (_registrations.TryGetValue(registration.ClientName, out RegionMonitorRegistration? known))
            {
                if (known.Protocol != registration.Protocol)
                {
                    throw new InvalidOperationException(
                        $"An {known.Protocol} and a {registration.Protocol} failover client are both named '{registration.ClientName}'; " +
                        "give them different names, since logs, metrics and health checks tell clients apart by name.");
                }

                continue;
            }

            _registrations.Add(registration.ClientName, registration);
        }

        ClientNames = [.. _registrations.Keys];
    }

    public IReadOnlyCollection<string> ClientNames { get; }

    public IRegionHealthMonitor GetMonitor(string clientName)
    {
        ArgumentNullException.ThrowIfNull(clientName);
        return _registrations.TryGetValue(clientName, out RegionMonitorRegistration? registration)
            ? registration.Resolve(_services)
            : throw new ArgumentException($"No client named '{clientName}' fails over between regions.", nameof(clientName));
    }

    /// <summary>
    /// Registers the pieces every protocol's clients share: this registry, the failover instruments and a client's
    /// registration. Called by each protocol's <c>Add…</c> method.
    /// </summary>
    public static void Register(IServiceCollection services, RegionMonitorRegistration registration)
    {
        AddShared(services);
        services.AddSingleton(registration);
    }

    /// <summary>Registers this registry and the failover instruments, once however often it is called.</summary>
    public static void AddShared(IServiceCollection services)
    {
        services.TryAddSingleton(static sp => new FailoverTelemetry(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<RegionHealthMonitorRegistry>();
        services.TryAddSingleton<IRegionHealthMonitorRegistry>(static sp => sp.GetRequiredService<RegionHealthMonitorRegistry>());
    }
}
