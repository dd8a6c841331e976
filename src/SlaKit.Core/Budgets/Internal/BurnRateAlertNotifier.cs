using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace SlaKit.Budgets;

/// <summary>
/// Turns each evaluation of a tracker's alert policy into <see cref="ErrorBudgetTracker.AlertStarted"/> and
/// <see cref="ErrorBudgetTracker.AlertEnded"/> events, rule by rule, in order.
/// </summary>
/// <remarks>
/// Every handler hears of every change, whatever another one throws: a change is raised once, so a handler that missed
/// it would never hear of it. A handler that throws during an evaluation someone asked for
/// (<see cref="ErrorBudgetTracker.Evaluate"/>) throws to that caller once every change has been raised: its exception
/// as it was, or an <see cref="AggregateException"/> of several. On the tracker's timer there is no caller: an escaping
/// exception would end the process, so it is logged, counted in <c>slakit.error_budget.alert_handler_failures</c>.
/// </remarks>
internal sealed class BurnRateAlertNotifier
{
    private readonly Lock _gate = new();
    private readonly BurnRateAlert?[] _active;
    private readonly ILogger _logger;
    private readonly Action _countFailure;

    public BurnRateAlertNotifier(int rules, ILogger logger, Action countFailure)
    {
        _active = new BurnRateAlert?[rules];
        _logger = logger;
        _countFailure = countFailure;
    }

    /// <summary>
    /// Compares <paramref name="evaluate"/>'s alerts with the last ones and raises an event for each that started or
    /// ended. The evaluation runs under this notifier's lock, so starts and ends stay in order across threads.
    /// </summary>
    /// <returns>The active alerts, in the order of the policy's rules.</returns>
    public IReadOnlyList<BurnRateAlert> Update(
        ErrorBudgetTracker tracker,
        Func<(DateTimeOffset Now, BurnRateAlert?[] Current)> evaluate,
        EventHandler<BurnRateAlertEventArgs>? started,
        EventHandler<BurnRateAlertEventArgs>? ended,
        bool fromTimer)
    {
        List<Exception>? thrown = null;
        IReadOnlyList<BurnRateAlert> active;
        lock (_gate)
        {
            (DateTimeOffset now, BurnRateAlert?[] current) = evaluate();
            for (int i = 0; i < current.Length; i++)
            {
                BurnRateAlert? before = _active[i];
                BurnRateAlert? after = current[i];
                _active[i] = after;
                if (before is null && after is not null)
                {
                    Raise(tracker, started, after, now, fromTimer, "started", ref thrown);
                }
                else if (before is not null && after is null)
                {
                    Raise(tracker, ended, before, now, fromTimer, "ended", ref thrown);
                }
            }

            active = BurnRateAlertPolicy.Active(current);
        }

        if (thrown is [Exception one])
        {
            ExceptionDispatchInfo.Throw(one);
        }
        else if (thrown is not null)
        {
            throw new AggregateException("Several handlers of the tracker's alert events threw.", thrown);
        }

        return active;
    }

    private void Raise(
        ErrorBudgetTracker tracker, EventHandler<BurnRateAlertEventArgs>? handlers, BurnRateAlert alert, DateTimeOffset now, bool fromTimer, string change, ref List<Exception>? thrown)
    {
        if (handlers is null)
        {
            return;
        }

        var args = new BurnRateAlertEventArgs(tracker.Slo, alert, now);
        foreach (EventHandler<BurnRateAlertEventArgs> handler in handlers.GetInvocationList().Cast<EventHandler<BurnRateAlertEventArgs>>())
        {
            try
            {
                handler(tracker, args);
            }
#pragma warning disable CA1031 // Each handler hears of the change; what one throws goes to the caller afterwards, or to the log on the timer.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                if (fromTimer)
                {
                    _countFailure();
                    BudgetLog.AlertHandlerThrew(_logger, tracker.Slo.Name, alert.Rule.Severity, change, exception);
                }
                else
                {
                    (thrown ??= []).Add(exception);
                }
            }
        }
    }
}
