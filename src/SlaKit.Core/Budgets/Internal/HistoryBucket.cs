namespace SlaKit.Budgets;

/// <summary>A bucket of counted history: its first minute (from 0001-01-01 UTC), its length in minutes and its counts.</summary>
internal readonly record struct HistoryBucket(long StartMinute, int Minutes, long Good, long Bad);
