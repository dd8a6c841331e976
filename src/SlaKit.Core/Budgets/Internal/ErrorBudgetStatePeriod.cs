using System.Text.Json.Serialization;

namespace SlaKit.Budgets;

/// <summary>A period in progress in a saved tracker state: when it started and what was counted in it so far.</summary>
internal sealed class ErrorBudgetStatePeriod
{
    [JsonRequired]
    public DateTimeOffset Start { get; set; }

    [JsonRequired]
    public long Good { get; set; }

    [JsonRequired]
    public long Bad { get; set; }
}
