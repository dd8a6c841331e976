using Microsoft.Extensions.Diagnostics.HealthChecks;
using SlaKit.Budgets;

namespace SlaKit.HealthChecks;

/// <summary>
/// An error budget as a health check: Unhealthy while a page alert is active, Degraded while a ticket alert is,
/// Healthy otherwise; the remaining budget and the active alerts are in the data.
/// </summary>
internal sealed class ErrorBudgetHealthCheck(ErrorBudgetTracker tracker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Read, not raised: the tracker's own timer raises alert events, so a health check polled often neither runs the
        // handlers on its thread nor fails when one of them throws.
        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();
        IReadOnlyList<BurnRateAlert> alerts = tracker.AlertPolicy.Evaluate(snapshot);
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["slo"] = tracker.Slo.Name,
            ["remainingFraction"] = snapshot.Budget.RemainingFraction,
        };
        for (int i = 0; i < alerts.Count; i++)
        {
            data[$"alert{i}"] = alerts[i].ToString();
        }

        string name = tracker.Slo.Name;
        HealthCheckResult result = alerts.Any(static a => a.Severity == AlertSeverity.Page)
            ? HealthCheckResult.Unhealthy($"SLO '{name}': a page alert is active; the error budget is burning fast.", data: data)
            : alerts.Count > 0
                ? HealthCheckResult.Degraded($"SLO '{name}': a ticket alert is active; the error budget is burning.", data: data)
                : HealthCheckResult.Healthy($"SLO '{name}': no burn-rate alert is active.", data);
        return Task.FromResult(result);
    }
}
