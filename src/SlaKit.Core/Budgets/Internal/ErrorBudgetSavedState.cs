namespace SlaKit.Budgets;

/// <summary>A saved tracker state that was read and checked, ready to be added to a history.</summary>
internal sealed class ErrorBudgetSavedState(IReadOnlyList<HistoryBucket> buckets, ErrorBudgetStatePeriod? month, ErrorBudgetStatePeriod? openSlice)
{
    public IReadOnlyList<HistoryBucket> Buckets { get; } = buckets;

    public void AddTo(BucketHistory history)
    {
        foreach (HistoryBucket bucket in Buckets)
        {
            history.AddSaved(bucket);
        }

        if (month is not null)
        {
            history.AddSavedMonth(month.Start, month.Good, month.Bad);
        }

        if (openSlice is not null)
        {
            history.AddSavedSlice(BucketHistory.MinuteOf(openSlice.Start), openSlice.Good, openSlice.Bad);
        }
    }
}
