using Microsoft.Extensions.Logging;

namespace SlaKit.Budgets;

/// <summary>The error-budget logs, source-generated so that disabled levels cost nothing.</summary>
internal static partial class BudgetLog
{
    [LoggerMessage(EventId = 1201, EventName = "AlertHandlerThrew", Level = LogLevel.Error,
        Message = "SLO {Slo}: a handler of a {Severity} alert that {Change} threw; the other handlers ran and the tracker carries on.")]
    public static partial void AlertHandlerThrew(ILogger logger, string slo, AlertSeverity severity, string change, Exception exception);

    [LoggerMessage(EventId = 1202, EventName = "MinuteRollFailed", Level = LogLevel.Error,
        Message = "SLO {Slo}: sealing the past minute failed; the tracker keeps its counts and tries again at the next minute.")]
    public static partial void MinuteRollFailed(ILogger logger, string slo, Exception exception);
}
