using Microsoft.Extensions.Diagnostics.HealthChecks;
using SlaKit.Regions;

namespace SlaKit.HealthChecks;

/// <summary>
/// One failover client's regions as a health check: Healthy when every region is, Degraded while some region is
/// not but traffic still has somewhere to go, Unhealthy when every region is down. Each region's health is in the data.
/// </summary>
internal sealed class RegionHealthCheck(IRegionHealthMonitor monitor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<RegionStatus> statuses = monitor.GetStatus();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (RegionStatus status in statuses)
        {
            data[status.Region.Name] = status.IsStandby ? "Healthy (standby)" : status.Health.ToString();
        }

        int down = statuses.Count(static s => s.Health == RegionHealth.Unhealthy);
        int healthy = statuses.Count(static s => s.Health == RegionHealth.Healthy);
        HealthCheckResult result = down == statuses.Count
            ? HealthCheckResult.Unhealthy($"Client '{monitor.ClientName}': every region is Unhealthy.", data: data)
            : healthy == statuses.Count
                ? HealthCheckResult.Healthy($"Client '{monitor.ClientName}': every region is Healthy.", data)
                : HealthCheckResult.Degraded($"Client '{monitor.ClientName}': {statuses.Count - healthy} of {statuses.Count} regions are not Healthy.", data: data);
        return Task.FromResult(result);
    }
}
