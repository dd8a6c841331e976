namespace SlaKit.Tests.AvailabilityMath;

public class SlaPeriodKindTests
{
    public static TheoryData<string, SlaPeriodKind, bool> Factories => new()
    {
        { "day", SlaPeriodKind.Rolling, false },
        { "week", SlaPeriodKind.Rolling, false },
        { "30d", SlaPeriodKind.Rolling, false },
        { "year", SlaPeriodKind.Year, false },
        { "quarter", SlaPeriodKind.Quarter, false },
        { "month", SlaPeriodKind.Month, false },
        { "2026-02", SlaPeriodKind.CalendarMonth, true },
        { "2026-Q2", SlaPeriodKind.CalendarQuarter, true },
        { "2026", SlaPeriodKind.CalendarYear, true },
    };

    [Theory]
    [MemberData(nameof(Factories))]
    public void Each_form_has_its_kind(string text, SlaPeriodKind kind, bool isCalendar)
    {
        SlaPeriod period = SlaPeriod.Parse(text);
        Assert.Equal(kind, period.Kind);
        Assert.Equal(isCalendar, period.IsCalendar);
        Assert.Equal(isCalendar, period.Start.HasValue);
    }

    [Fact]
    public void Factories_set_the_kind()
    {
        Assert.Equal(SlaPeriodKind.Rolling, SlaPeriod.Rolling(TimeSpan.FromHours(1)).Kind);
        Assert.Equal(SlaPeriodKind.Year, SlaPeriod.Year(YearConvention.Gregorian).Kind);
        Assert.Equal(SlaPeriodKind.CalendarMonth, SlaPeriod.CalendarMonthContaining(DateTimeOffset.UnixEpoch).Kind);
        Assert.Equal(SlaPeriodKind.CalendarQuarter, SlaPeriod.CalendarQuarter(2026, 4).Next().Kind);
        Assert.Equal(SlaPeriodKind.CalendarYear, SlaPeriod.CalendarYear(2026).Next().Kind);
    }

    [Fact]
    public void Default_period_is_an_empty_rolling_period()
    {
        SlaPeriod period = default;
        Assert.Equal(SlaPeriodKind.Rolling, period.Kind);
        Assert.Equal(TimeSpan.Zero, period.Length);
        Assert.False(period.IsCalendar);
    }
}
