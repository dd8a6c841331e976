namespace SlaKit.Budgets;

/// <summary>How urgently a burn-rate alert needs a person, as the SRE workbook's alerting table splits them.</summary>
public enum AlertSeverity
{
    /// <summary>Wake someone up: at this burn the budget is gone within hours or days.</summary>
    Page = 0,

    /// <summary>Open a ticket: the budget is being spent faster than it lasts, but not urgently.</summary>
    Ticket = 1,
}
