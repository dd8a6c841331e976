namespace SlaKit.Http;

/// <summary>Marks a client whose requests <c>AddErrorBudget</c> counts (a keyed registration under its name), so that it is not done twice.</summary>
internal sealed class ErrorBudgetClient;
