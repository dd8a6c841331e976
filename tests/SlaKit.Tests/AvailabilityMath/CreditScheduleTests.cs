namespace SlaKit.Tests.AvailabilityMath;

public class CreditScheduleTests
{
    private const string Standard = "99.99:10,99:25,95:100";

    private static SlaKit.Availability Percent(double p) => Availability.FromPercent(p);

    [Fact]
    public void Parse_reads_tiers_highest_first()
    {
        CreditSchedule schedule = CreditSchedule.Parse(Standard);
        Assert.Equal(
            [new CreditTier(Percent(99.99), 10), new CreditTier(Percent(99), 25), new CreditTier(Percent(95), 100)],
            schedule.Tiers);
    }

    [Theory]
    [InlineData(100, 0)]
    [InlineData(99.999, 0)]
    [InlineData(99.99, 0)]
    [InlineData(99.9899, 10)]
    [InlineData(99.5, 10)]
    [InlineData(99, 10)]
    [InlineData(98.9999, 25)]
    [InlineData(97, 25)]
    [InlineData(95, 25)]
    [InlineData(94.9999, 100)]
    [InlineData(50, 100)]
    [InlineData(0, 100)]
    public void Credit_for_at_and_around_tier_boundaries(double measured, double expectedCredit)
    {
        Assert.Equal(expectedCredit, CreditSchedule.Parse(Standard).CreditFor(Percent(measured)));
    }

    [Fact]
    public void Credit_for_one_tick_below_the_threshold_earns_the_credit()
    {
        SlaPeriod january = SlaPeriod.CalendarMonth(2026, 1);
        CreditSchedule schedule = CreditSchedule.Parse(Standard);
        // 267.84 s in a 31-day month is exactly 99.99%.
        Assert.Equal(0, schedule.CreditFor(Availability.FromDowntime(TimeSpan.FromTicks(2_678_400_000), january)));
        Assert.Equal(10, schedule.CreditFor(Availability.FromDowntime(TimeSpan.FromTicks(2_678_400_001), january)));
    }

    [Theory]
    [InlineData("95:100,99.99:10,99:25")]
    [InlineData("99:25,95:100,99.99:10")]
    [InlineData(" 99.99 : 10 , 99:25 ,95:100 ")]
    [InlineData("99.990:10,99.0:25,95.00:100")]
    public void Parse_accepts_tiers_in_any_order(string text)
    {
        CreditSchedule schedule = CreditSchedule.Parse(text);
        Assert.Equal(Standard, schedule.ToString());
        Assert.Equal(25, schedule.CreditFor(Percent(98)));
    }

    [Theory]
    [InlineData(Standard)]
    [InlineData("99.95:10,99:30,95:100")]
    [InlineData("99.9:12.5")]
    [InlineData("100:5,99.9:10,99.5:10.5")]
    [InlineData("99.9:10,99:10")]
    public void To_string_round_trips(string text)
    {
        CreditSchedule schedule = CreditSchedule.Parse(text);
        CreditSchedule again = CreditSchedule.Parse(schedule.ToString());
        Assert.Equal(schedule.Tiers, again.Tiers);
        Assert.Equal(schedule.ToString(), again.ToString());
    }

    [Fact]
    public void Equal_credits_are_allowed()
    {
        CreditSchedule schedule = CreditSchedule.Parse("99.9:10,99:10");
        Assert.Equal(10, schedule.CreditFor(Percent(98)));
        Assert.Equal(10, schedule.CreditFor(Percent(99.5)));
    }

    [Theory]
    [InlineData("99:10,99:25")]
    [InlineData("99:10,99.0:25")]
    [InlineData("99.99:25,99:10")]
    [InlineData("95:10,99:25")]
    [InlineData("abc")]
    [InlineData("99.99")]
    [InlineData("99.99:")]
    [InlineData(":10")]
    [InlineData("99.99:10:5")]
    [InlineData("101:10")]
    [InlineData("0:10")]
    [InlineData("-5:10")]
    [InlineData("99:101")]
    [InlineData("99:-1")]
    [InlineData("99:abc")]
    [InlineData("99.99:10,")]
    [InlineData("99.99:10;99:25")]
    [InlineData("")]
    public void Parse_rejects_bad_schedules(string text)
    {
        Assert.Throws<FormatException>(() => CreditSchedule.Parse(text));
    }

    [Fact]
    public void Parse_error_names_the_bad_part()
    {
        FormatException ex = Assert.Throws<FormatException>(() => CreditSchedule.Parse("99.99:10,oops,95:100"));
        Assert.Contains("'oops'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => CreditSchedule.Parse(null!));
    }

    [Fact]
    public void Constructor_sorts_tiers()
    {
        var schedule = new CreditSchedule([new CreditTier(Percent(95), 100), new CreditTier(Percent(99.99), 10), new CreditTier(Percent(99), 25)]);
        Assert.Equal(Standard, schedule.ToString());
        Assert.Equal(100, schedule.CreditFor(Percent(90)));
    }

    [Fact]
    public void Constructor_does_not_keep_the_callers_array()
    {
        CreditTier[] tiers = [new CreditTier(Percent(99.9), 10)];
        var schedule = new CreditSchedule(tiers);
        tiers[0] = new CreditTier(Percent(50), 100);
        Assert.Equal(Percent(99.9), Assert.Single(schedule.Tiers).Below);
    }

    [Fact]
    public void Constructor_rejects_bad_tiers()
    {
        Assert.Equal("tiers", Assert.Throws<ArgumentException>(() => new CreditSchedule([])).ParamName);
        Assert.Equal("tiers", Assert.Throws<ArgumentException>(
            () => new CreditSchedule([new CreditTier(Percent(99), 10), new CreditTier(Percent(99), 25)])).ParamName);
        Assert.Equal("tiers", Assert.Throws<ArgumentException>(
            () => new CreditSchedule([new CreditTier(Percent(99.99), 25), new CreditTier(Percent(99), 10)])).ParamName);
        Assert.Throws<ArgumentNullException>(() => new CreditSchedule(null!));
        Assert.Throws<ArgumentNullException>(() => new CreditSchedule([new CreditTier(Percent(99), 10), null!]));
    }

    [Fact]
    public void Assess_calendar_months_credits_only_the_bad_month()
    {
        // A 10-hour outage in February 2026: 36,000 s of 2,419,200 s ≈ 98.51% → 25% credit, in February only.
        var outage = new Incident(new DateTimeOffset(2026, 2, 10, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 2, 10, 10, 0, 0, TimeSpan.Zero));
        IReadOnlyList<MonthlyCredit> credits = CreditSchedule.Parse(Standard).AssessCalendarMonths(
            [outage], SlaPeriod.CalendarMonth(2026, 1), SlaPeriod.CalendarMonth(2026, 3));
        Assert.Equal([0.0, 25.0, 0.0], credits.Select(c => c.CreditPercent));
        Assert.Equal(
            [SlaPeriod.CalendarMonth(2026, 1), SlaPeriod.CalendarMonth(2026, 2), SlaPeriod.CalendarMonth(2026, 3)],
            credits.Select(c => c.Month.Period!.Value));
        Assert.Equal(TimeSpan.FromHours(10), credits[1].Month.Downtime);
    }

    [Fact]
    public void Assess_calendar_months_whole_minutes_only_can_avoid_a_credit()
    {
        // 4m 27.84s in January 2026 is exactly 99.99% (no credit); 4m 28s is just below (10%),
        // unless only whole minutes count (4m → above 99.99%).
        DateTimeOffset start = new(2026, 1, 20, 0, 0, 0, TimeSpan.Zero);
        var incident = new Incident(start, start.AddSeconds(268));
        CreditSchedule schedule = CreditSchedule.Parse(Standard);
        SlaPeriod january = SlaPeriod.CalendarMonth(2026, 1);
        Assert.Equal(10, Assert.Single(schedule.AssessCalendarMonths([incident], january, january)).CreditPercent);
        Assert.Equal(0, Assert.Single(schedule.AssessCalendarMonths([incident], january, january, new MeasurementOptions { WholeMinutesOnly = true })).CreditPercent);
    }

    [Fact]
    public void Assess_calendar_months_bad_bounds_throw()
    {
        CreditSchedule schedule = CreditSchedule.Parse(Standard);
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.AssessCalendarMonths([], SlaPeriod.CalendarMonth(2026, 3), SlaPeriod.CalendarMonth(2026, 1)));
        Assert.Throws<ArgumentException>(() => schedule.AssessCalendarMonths([], SlaPeriod.CalendarYear(2026), SlaPeriod.CalendarMonth(2026, 1)));
    }
}
