using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SlaKit.Budgets;
using SlaKit.HealthChecks;
using SlaKit.Regions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Publishes SlaKit's region health and error budgets through <c>Microsoft.Extensions.Diagnostics.HealthChecks</c>.</summary>
public static class SlaKitHealthChecksBuilderExtensions
{
    /// <summary>The tag on every SlaKit health check: <c>slakit</c>.</summary>
    public const string Tag = "slakit";

    /// <summary>
    /// Adds one health check per failover client, named <c>slakit-regions-&lt;client&gt;</c>: Healthy when every region
    /// is, Degraded while some region is not but traffic still has somewhere to go, Unhealthy when every region is down.
    /// Clients registered with <c>AddRegionFailover</c> or <c>AddSipFailover</c> before or after this call are all included.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IHealthChecksBuilder AddRegionHealthChecks(this IHealthChecksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        RegionHealthMonitorRegistry.AddShared(builder.Services);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HealthCheckServiceOptions>, RegionHealthCheckRegistrations>());
        return builder;
    }

    /// <summary>
    /// Adds a health check for an error budget: Unhealthy while a page alert is active, Degraded while a ticket alert
    /// is, Healthy otherwise.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tracker">Finds the tracker in the container.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static IHealthChecksBuilder AddErrorBudgetHealthCheck(this IHealthChecksBuilder builder, string name, Func<IServiceProvider, ErrorBudgetTracker> tracker)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(tracker);
        return builder.Add(new HealthCheckRegistration(name, sp => new ErrorBudgetHealthCheck(tracker(sp)), failureStatus: null, tags: [Tag, "error-budget"]));
    }

    /// <summary>Adds a check per failover client once the container knows them all.</summary>
    private sealed class RegionHealthCheckRegistrations(RegionHealthMonitorRegistry registry) : IConfigureOptions<HealthCheckServiceOptions>
    {
        public void Configure(HealthCheckServiceOptions options)
        {
            foreach (string client in registry.ClientNames)
            {
                options.Registrations.Add(new HealthCheckRegistration(
                    $"slakit-regions-{client}",
                    sp => new RegionHealthCheck(sp.GetRequiredService<RegionHealthMonitorRegistry>().GetMonitor(client)),
                    failureStatus: null,
                    tags: [Tag, "regions"]));
            }
        }
    }
}
