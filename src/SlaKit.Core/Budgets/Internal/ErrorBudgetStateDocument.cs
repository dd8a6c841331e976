using System.Text.Json.Serialization;

namespace SlaKit.Budgets;

/// <summary>
/// The JSON shape of a saved tracker state, format version 1. Buckets are
/// <c>[startUnixSeconds, lengthSeconds, good, bad]</c>; for a time-slice SLO the counts are slices.
/// </summary>
internal sealed class ErrorBudgetStateDocument
{
    /// <summary>The format version this SlaKit writes and the newest it reads.</summary>
    public const int CurrentVersion = 1;

    public const string EventsMethod = "events";

    public const string TimeSlicesMethod = "timeSlices";

    [JsonRequired]
    public int Version { get; set; }

    [JsonRequired]
    public required string Slo { get; set; }

    [JsonRequired]
    public required string BudgetingMethod { get; set; }

    public int SliceMinutes { get; set; }

    [JsonRequired]
    public DateTimeOffset SavedAt { get; set; }

    [JsonRequired]
    public long[][] Buckets { get; set; } = [];

    /// <summary>The calendar month in progress and its counts, for a calendar-month SLO.</summary>
    public ErrorBudgetStatePeriod? Month { get; set; }

    /// <summary>The time slice in progress and its events so far, for a time-slice SLO.</summary>
    public ErrorBudgetStatePeriod? OpenSlice { get; set; }
}
