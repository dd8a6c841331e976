using System.Globalization;
using SlaKit.Tests.Infrastructure;

namespace SlaKit.Tests.AvailabilityMath;

/// <summary>
/// Every argument the availability math refuses is refused with its parameter's name and a message that says what was
/// wrong; the edges of each range are accepted; and the comparisons, equality and formatting hold at their edges too.
/// </summary>
public sealed class AvailabilityRefusalTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly Availability A = Availability.FromPercent(99.9);

    public static TheoryData<string, string, string> Refusals => new()
    {
        { "percent 101", "percent", "must be in [0, 100]" },
        { "exact percent 100.0000000001", "percent", "must be in [0, 100]" },
        { "exact percent -1", "percent", "must be in [0, 100]" },
        { "ratio 2", "ratio", "must be in [0, 1]" },
        { "nines 29", "nines", "must be in [0, 28]" },
        { "downtime longer than the period", "downtime", "between zero and the period's length (1d)" },
        { "mtbf zero", "mtbf", "must be positive" },
        { "mttr negative", "mttr", "must not be negative" },
        { "period without length", "period", "has no length" },
        { "k of 1001", "components", "At most 1000 components" },
        { "serial of nothing", "components", "At least one component is required" },
        { "compare with text", "obj", "must be of type Availability" },
        { "credit 101%", "creditPercent", "must be in [0, 100] percent" },
        { "schedule without tiers", "tiers", "at least one tier" },
        { "schedule with a shared threshold", "tiers", "Two tiers share the threshold 99.9%" },
        { "schedule with a lower tier giving less", "tiers", "The tier below 99% gives less credit (5%) than the tier below 99.9% (10%)" },
        { "incident ending before it starts", "end", "cannot end before it starts (2026-03-10T12:00:00.0000000+00:00)" },
        { "incident weight 2", "weight", "must be in (0, 1]" },
        { "window ending as it starts", "windowEnd", "must end after it starts (2026-03-10T12:00:00.0000000+00:00)" },
        { "last month before the first", "lastMonth", "must not be before the first (2026-03)" },
        { "rolling period as calendar", "period", "A calendar month, quarter or year is required, not '30d'" },
        { "quarter as a month", "firstMonth", "A calendar month is required, not '2026-Q1'" },
        { "period length zero", "length", "must be positive" },
        { "year convention 9", "convention", "Unknown year convention" },
        { "calendar year 10000", "year", "between 1 and 9998" },
        { "sla target 0", "percent", "must be in (0, 100]" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_refused_argument_names_itself_and_says_why(string refusal, string parameter, string because)
    {
        Refusal.Assert(Refuse(refusal), parameter, because);
    }

    private static Action Refuse(string refusal) => refusal switch
    {
        "percent 101" => () => Availability.FromPercent(101),
        "exact percent 100.0000000001" => () => Availability.FromPercentExact(100.0000000001m),
        "exact percent -1" => () => Availability.FromPercentExact(-1m),
        "ratio 2" => () => Availability.FromRatio(2),
        "nines 29" => () => Availability.FromNines(29),
        "downtime longer than the period" => () => Availability.FromDowntime(TimeSpan.FromDays(2), SlaPeriod.Day),
        "mtbf zero" => () => Availability.FromMtbfMttr(TimeSpan.Zero, TimeSpan.FromHours(1)),
        "mttr negative" => () => Availability.FromMtbfMttr(TimeSpan.FromDays(1), TimeSpan.FromTicks(-1)),
        "period without length" => () => A.AllowedDowntime(default),
        "k of 1001" => () => Availability.KOfN(1, Enumerable.Repeat(A, 1001)),
        "serial of nothing" => () => Availability.Serial([]),
        "compare with text" => () => A.CompareTo("99.9%"),
        "credit 101%" => () => _ = new CreditTier(A, 101),
        "schedule without tiers" => () => _ = new CreditSchedule([]),
        "schedule with a shared threshold" => () => _ = new CreditSchedule([new CreditTier(A, 10), new CreditTier(A, 25)]),
        "schedule with a lower tier giving less" => () => _ = new CreditSchedule([new CreditTier(A, 10), new CreditTier(Availability.FromPercent(99), 5)]),
        "incident ending before it starts" => () => _ = new Incident(Noon, Noon.AddTicks(-1)),
        "incident weight 2" => () => _ = new Incident(Noon, Noon.AddHours(1), 2),
        "window ending as it starts" => () => AvailabilityMeasurement.Measure([], Noon, Noon),
        "last month before the first" => () => AvailabilityMeasurement.MeasureCalendarMonths([], SlaPeriod.CalendarMonth(2026, 3), SlaPeriod.CalendarMonth(2026, 2)),
        "rolling period as calendar" => () => AvailabilityMeasurement.Measure([], SlaPeriod.Rolling(TimeSpan.FromDays(30))),
        "quarter as a month" => () => AvailabilityMeasurement.MeasureCalendarMonths([], SlaPeriod.CalendarQuarter(2026, 1), SlaPeriod.CalendarMonth(2026, 3)),
        "period length zero" => () => SlaPeriod.Rolling(TimeSpan.Zero),
        "year convention 9" => () => SlaPeriod.Year((YearConvention)9),
        "calendar year 10000" => () => SlaPeriod.CalendarYear(10000),
        "sla target 0" => () => _ = new SlaTargetAttribute(0),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, "no such refusal in this test"),
    };

    [Fact]
    public void Null_collections_are_named_as_the_callers_argument()
    {
        Assert.Throws<ArgumentNullException>("components", () => Availability.Serial((IEnumerable<Availability>)null!));
        Assert.Throws<ArgumentNullException>("components", () => Availability.Parallel((IEnumerable<Availability>)null!));
        Assert.Throws<ArgumentNullException>("components", () => Availability.KOfN(1, (IEnumerable<Availability>)null!));
        Assert.Throws<ArgumentNullException>("tiers", () => new CreditSchedule(null!));
        Assert.Throws<ArgumentNullException>("incidents", () => AvailabilityMeasurement.MeasureCalendarMonths(null!, SlaPeriod.CalendarMonth(2026, 3), SlaPeriod.CalendarMonth(2026, 3)));
        Assert.Throws<ArgumentException>("path", () => IncidentCsv.ReadFile(""));
    }

    [Fact]
    public void The_exact_percentage_takes_both_ends_of_its_range()
    {
        Assert.Equal(Availability.Zero, Availability.FromPercentExact(0m));
        Assert.Equal(Availability.Perfect, Availability.FromPercentExact(100m));
        Assert.Equal("99.99999999999999999999999%", Availability.FromPercentExact(99.99999999999999999999999m).ToString());
    }

    [Fact]
    public void An_availability_is_neither_more_nor_less_than_itself()
    {
        Availability same = Availability.FromPercent(99.9);

        Assert.False(A > same);
        Assert.False(A < same);
        Assert.True(A >= same);
        Assert.True(A <= same);
        Assert.True(Availability.FromPercent(99.99) > A);
    }

    [Fact]
    public void A_given_culture_is_used_for_the_decimal_separator()
    {
        var comma = new NumberFormatInfo { NumberDecimalSeparator = "," };

        Assert.Equal("99,9%", A.ToString(null, comma));
        Assert.Equal("99,90%", A.ToString("F2", comma));
        Assert.Equal("99.90%", A.ToString("F2", null));
    }

    [Fact]
    public void The_nines_of_a_perfect_availability_are_infinite_and_of_none_zero()
    {
        Assert.Equal(double.PositiveInfinity, Availability.Perfect.Nines);
        Assert.Equal(0, Availability.Zero.Nines);
        Assert.Equal(3, A.Nines, 12);
    }

    [Fact]
    public void Calendar_periods_differ_by_their_start_and_kind_and_read_as_their_names()
    {
        Assert.NotEqual(SlaPeriod.CalendarMonth(2026, 1), SlaPeriod.CalendarMonth(2026, 2));
        Assert.NotEqual(SlaPeriod.CalendarQuarter(2026, 1), SlaPeriod.CalendarQuarter(2027, 1));
        Assert.NotEqual(SlaPeriod.Month(), SlaPeriod.Rolling(SlaPeriod.Month().Length));
        Assert.Equal("2026", SlaPeriod.CalendarYear(2026).ToString());
        Assert.Equal("0001", SlaPeriod.CalendarYear(1).ToString());
        Assert.Equal(SlaPeriod.CalendarYear(1), SlaPeriod.Parse("0001"));
        Assert.Equal(SlaPeriod.CalendarYear(9998), SlaPeriod.Parse("9998"));
        Assert.Equal(SlaPeriod.CalendarMonth(2026, 1), SlaPeriod.Parse("2026-01"));
        Assert.Equal(SlaPeriod.CalendarMonth(2026, 12), SlaPeriod.Parse("2026-12"));
        Assert.False(SlaPeriod.TryParse("2026-00", YearConvention.Days365, out _));
        Assert.False(SlaPeriod.TryParse("2026-13", YearConvention.Days365, out _));
    }

    [Fact]
    public void Only_a_calendar_period_has_a_next_one()
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => SlaPeriod.Day.Next());

        Assert.Contains("Only calendar periods have a next period", error.Message, StringComparison.Ordinal);
        Assert.Equal(SlaPeriod.CalendarQuarter(2027, 1), SlaPeriod.CalendarQuarter(2026, 4).Next());
        Assert.Equal(SlaPeriod.CalendarYear(2027), SlaPeriod.CalendarYear(2026).Next());
    }

    [Fact]
    public void Whole_minutes_only_is_honoured_in_a_window()
    {
        Incident[] incidents = [new Incident(Noon, Noon.AddSeconds(90))];

        MeasuredAvailability exact = AvailabilityMeasurement.Measure(incidents, Noon, Noon.AddDays(1));
        MeasuredAvailability minutes = AvailabilityMeasurement.Measure(incidents, Noon, Noon.AddDays(1), new MeasurementOptions { WholeMinutesOnly = true });

        Assert.Equal(TimeSpan.FromSeconds(90), exact.Downtime);
        Assert.Equal(TimeSpan.FromMinutes(1), minutes.Downtime);
    }
}
