namespace SlaKit;

/// <summary>The credit owed for one calendar month.</summary>
/// <param name="Month">The month's measured availability.</param>
/// <param name="CreditPercent">The credit owed, in percent of the month's fee; 0 when no tier applies.</param>
public sealed record MonthlyCredit(MeasuredAvailability Month, double CreditPercent);
