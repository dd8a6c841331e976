using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Budgets;
using SlaKit.Tests.Budgets;

namespace SlaKit.Tests.HealthChecks;

public sealed class ErrorBudgetHealthCheckTests
{
    private readonly FakeTimeProvider _time = new(Traffic.Start);

    private static async Task<HealthReportEntry> CheckAsync(ErrorBudgetTracker tracker)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHealthChecks().AddErrorBudgetHealthCheck("checkout-budget", _ => tracker);
        await using ServiceProvider provider = services.BuildServiceProvider();
        HealthReport report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);
        return report.Entries["checkout-budget"];
    }

    private ErrorBudgetTracker Tracker(AlertSeverity severity)
    {
        // One rule of the given severity over short windows, so a burst of failures activates it at once.
        var policy = new BurnRateAlertPolicy([new BurnRateAlertRule(severity, 2, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5))], minimumEvents: 10);
        return new ErrorBudgetTracker(Traffic.Slo(99.9), _time, new ErrorBudgetTrackerOptions { AlertPolicy = policy });
    }

    [Fact]
    public async Task A_quiet_budget_is_healthy()
    {
        using ErrorBudgetTracker tracker = Tracker(AlertSeverity.Page);
        Traffic.Run(_time, tracker, minutes: 10, perMinute: 1000, badPerMinute: 0);

        HealthReportEntry entry = await CheckAsync(tracker);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal(1.0, entry.Data["remainingFraction"]);
    }

    [Theory]
    [InlineData(AlertSeverity.Page, HealthStatus.Unhealthy)]
    [InlineData(AlertSeverity.Ticket, HealthStatus.Degraded)]
    public async Task An_active_alert_sets_the_status_by_its_severity(AlertSeverity severity, HealthStatus expected)
    {
        using ErrorBudgetTracker tracker = Tracker(severity);
        Traffic.Run(_time, tracker, minutes: 10, perMinute: 1000, badPerMinute: 50);

        HealthReportEntry entry = await CheckAsync(tracker);

        Assert.Equal(expected, entry.Status);
        Assert.Contains("error-budget", entry.Tags);
        Assert.True(entry.Data.ContainsKey("alert0"));
    }

    [Fact]
    public async Task The_check_reads_the_alerts_without_raising_them_so_a_handler_that_throws_neither_fails_it_nor_misses_a_change()
    {
        using ErrorBudgetTracker tracker = Tracker(AlertSeverity.Ticket);
        int started = 0;
        tracker.AlertStarted += (_, _) =>
        {
            started++;
            throw new InvalidOperationException("audit log down");
        };
        tracker.Record(good: 950, total: 1000);

        HealthReportEntry entry = await CheckAsync(tracker);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Null(entry.Exception);
        Assert.Equal(0, started);
        Assert.Throws<InvalidOperationException>(() => tracker.Evaluate());
        Assert.Equal(1, started);
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        IHealthChecksBuilder builder = new ServiceCollection().AddHealthChecks();

        Assert.Equal("name", Assert.Throws<ArgumentException>(() => builder.AddErrorBudgetHealthCheck("", _ => null!)).ParamName);
        Assert.Equal("tracker", Assert.Throws<ArgumentNullException>(() => builder.AddErrorBudgetHealthCheck("x", null!)).ParamName);
    }
}
