using SlaKit.Budgets;

namespace SlaKit.Tests.Budgets;

/// <summary>The parts a history hands each sealed minute to: the month to date and the time slice in progress.</summary>
public sealed class HistoryPartsTests
{
    private static long Minute(int month, int day, int hour = 0, int minute = 0) =>
        BucketHistory.MinuteOf(new DateTimeOffset(2026, month, day, hour, minute, 0, TimeSpan.Zero));

    [Fact]
    public void The_month_to_date_counts_its_own_month_and_starts_afresh_at_the_next()
    {
        var month = new MonthToDate(SloWindow.CalendarMonth(), Minute(3, 10));

        month.Add(Minute(3, 31, 23, 59), 5, 1);
        month.Add(Minute(2, 28, 23, 59), 100, 100);
        Assert.Equal((5L, 1L), (month.Good, month.Bad));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), month.Start);
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), month.End);

        month.Add(Minute(4, 1), 7, 0);
        Assert.Equal((7L, 0L), (month.Good, month.Bad));
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), month.Start);
    }

    [Fact]
    public void The_month_moves_on_with_the_clock_and_takes_saved_counts_only_for_itself()
    {
        var month = new MonthToDate(SloWindow.CalendarMonth(), Minute(3, 10));
        month.Add(Minute(3, 10), 3, 0);

        month.RollTo(Minute(3, 31, 23, 59));
        Assert.Equal(3, month.Good);
        month.RollTo(Minute(4, 1));
        Assert.Equal(0, month.Good);

        month.AddSaved(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), 50, 5);
        month.AddSaved(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), 8, 2);
        Assert.Equal((8L, 2L), (month.Good, month.Bad));
    }

    [Fact]
    public void A_slice_is_good_up_to_its_allowance_and_empty_after_its_verdict()
    {
        var slice = new TimeSlice(5, allowance: 0.01m);

        Assert.Equal((1L, 0L), slice.Verdict(99, 1));
        Assert.Equal((0L, 1L), slice.Verdict(98, 2));
        Assert.Equal((1L, 0L), slice.Verdict(0, 0));

        slice.Add(90, 10);
        Assert.Equal((0L, 1L), slice.End());
        Assert.Equal((0L, 0L), (slice.Good, slice.Bad));
        Assert.Equal((1L, 0L), slice.End());
    }

    [Fact]
    public void A_slice_knows_its_first_and_last_minutes()
    {
        var slice = new TimeSlice(5, allowance: 0.001m);

        Assert.Equal(10, slice.StartOf(12));
        Assert.Equal(10, slice.StartOf(10));
        Assert.True(slice.EndsWith(14));
        Assert.False(slice.EndsWith(13));
    }
}
