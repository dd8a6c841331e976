namespace SlaKit.Tests.AvailabilityMath;

public class MonthlyCreditTests
{
    [Fact]
    public void Each_month_carries_its_measurement_and_credit()
    {
        // 8 hours down in April 2026 (30 days): 28,800 / 2,592,000 = 1.111…% down → 98.888…% → 25%.
        // 30 days down in May (31 days): 1 day up → 3.2% → 100%.
        Incident[] incidents =
        [
            new(new DateTimeOffset(2026, 4, 3, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 4, 3, 8, 0, 0, TimeSpan.Zero)),
            new(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 5, 31, 0, 0, 0, TimeSpan.Zero)),
        ];
        IReadOnlyList<MonthlyCredit> credits = CreditSchedule.Parse("99.99:10,99:25,95:100")
            .AssessCalendarMonths(incidents, SlaPeriod.CalendarMonth(2026, 4), SlaPeriod.CalendarMonth(2026, 6));

        Assert.Equal(3, credits.Count);
        Assert.Equal(25, credits[0].CreditPercent);
        Assert.Equal(TimeSpan.FromHours(8), credits[0].Month.Downtime);
        Assert.Equal(100, credits[1].CreditPercent);
        Assert.Equal(TimeSpan.FromDays(30), credits[1].Month.Downtime);
        Assert.Equal(0, credits[2].CreditPercent);
        Assert.Equal(Availability.Perfect, credits[2].Month.Availability);
    }

    [Fact]
    public void Record_has_value_semantics()
    {
        MeasuredAvailability month = AvailabilityMeasurement.Measure([], SlaPeriod.CalendarMonth(2026, 4));
        Assert.Equal(new MonthlyCredit(month, 10), new MonthlyCredit(month, 10));
        Assert.NotEqual(new MonthlyCredit(month, 10), new MonthlyCredit(month, 25));
        Assert.Equal(25, (new MonthlyCredit(month, 10) with { CreditPercent = 25 }).CreditPercent);
    }
}
