namespace SlaKit.Budgets;

/// <summary>An alert that started or ended, for <see cref="ErrorBudgetTracker.AlertStarted"/> and <see cref="ErrorBudgetTracker.AlertEnded"/>.</summary>
public sealed class BurnRateAlertEventArgs : EventArgs
{
    /// <summary>Creates the event's data.</summary>
    /// <param name="slo">The SLO the alert is about.</param>
    /// <param name="alert">The alert: for a start, as first measured; for an end, as last measured while active.</param>
    /// <param name="timestamp">When the change was seen.</param>
    /// <exception cref="ArgumentNullException"><paramref name="slo"/> or <paramref name="alert"/> is <see langword="null"/>.</exception>
    public BurnRateAlertEventArgs(Slo slo, BurnRateAlert alert, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(slo);
        ArgumentNullException.ThrowIfNull(alert);
        Slo = slo;
        Alert = alert;
        Timestamp = timestamp;
    }

    /// <summary>The SLO the alert is about.</summary>
    public Slo Slo { get; }

    /// <summary>The alert.</summary>
    public BurnRateAlert Alert { get; }

    /// <summary>When the change was seen.</summary>
    public DateTimeOffset Timestamp { get; }
}
