using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace SlaKit.Budgets;

/// <summary>Options for an <see cref="ErrorBudgetTracker"/>; every one has a default, so <c>new()</c> is enough.</summary>
public sealed class ErrorBudgetTrackerOptions
{
    /// <summary>
    /// The alerting policy the tracker evaluates once a minute and on <see cref="ErrorBudgetTracker.Evaluate"/>.
    /// <see langword="null"/> (the default) is <see cref="BurnRateAlertPolicy.ForSlo(Slo)"/>: the SRE
    /// workbook's table scaled to the SLO's window.
    /// </summary>
    public BurnRateAlertPolicy? AlertPolicy { get; set; }

    /// <summary>
    /// The factory the tracker gets its <c>SlaKit</c> <see cref="Meter"/> from, so metrics follow the host's
    /// dependency-injection container. <see langword="null"/> (the default): the tracker creates its own
    /// meter and disposes it with itself.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>
    /// Where the tracker logs what it cannot throw to anyone: an alert handler that threw during the once-a-minute
    /// evaluation (category <c>SlaKit.Budgets.ErrorBudgetTracker</c>). <see langword="null"/> (the default) logs nowhere;
    /// such failures are still counted in <c>slakit.error_budget.alert_handler_failures</c>.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// Tags added to every measurement of the tracker's metrics, beside its own (<c>slo</c>, and <c>outcome</c> or
    /// <c>window</c>): what tells two trackers of one SLO apart, such as the <c>client</c> that <c>AddErrorBudget</c> adds
    /// for each client. Two trackers that report the same tags on one meter make one series, the one hiding the other.
    /// <see langword="null"/> (the default) adds none. Those three names are the tracker's own and are refused.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, object?>>? MetricTags { get; set; }
}
