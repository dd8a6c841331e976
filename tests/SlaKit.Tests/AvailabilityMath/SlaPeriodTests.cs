namespace SlaKit.Tests.AvailabilityMath;

public class SlaPeriodTests
{
    // ---- Fixed and conventional lengths ----

    [Fact]
    public void Fixed_and_conventional_periods_have_their_stated_lengths()
    {
        Assert.Equal(TimeSpan.FromSeconds(86_400), SlaPeriod.Day.Length);
        Assert.Equal(TimeSpan.FromSeconds(604_800), SlaPeriod.Week.Length);
        Assert.Equal(TimeSpan.FromSeconds(2_592_000), SlaPeriod.Rolling(TimeSpan.FromDays(30)).Length);
        Assert.Equal(TimeSpan.FromSeconds(31_536_000), SlaPeriod.Year().Length);
        Assert.Equal(TimeSpan.FromSeconds(7_884_000), SlaPeriod.Quarter().Length);
        Assert.Equal(TimeSpan.FromSeconds(2_628_000), SlaPeriod.Month().Length);
        Assert.Equal(TimeSpan.FromSeconds(31_556_952), SlaPeriod.Year(YearConvention.Gregorian).Length);
        Assert.Equal(TimeSpan.FromSeconds(7_889_238), SlaPeriod.Quarter(YearConvention.Gregorian).Length);
        Assert.Equal(TimeSpan.FromSeconds(2_629_746), SlaPeriod.Month(YearConvention.Gregorian).Length);
    }

    [Fact]
    public void Non_calendar_periods_have_no_start_or_end_and_no_next()
    {
        foreach (SlaPeriod period in new[] { SlaPeriod.Day, SlaPeriod.Week, SlaPeriod.Month(), SlaPeriod.Year(YearConvention.Gregorian), SlaPeriod.Rolling(TimeSpan.FromDays(30)) })
        {
            Assert.False(period.IsCalendar);
            Assert.Null(period.Start);
            Assert.Null(period.End);
            Assert.Throws<InvalidOperationException>(() => period.Next());
        }
    }

    [Fact]
    public void Convention_is_recorded_on_conventional_periods_only()
    {
        Assert.Equal(YearConvention.Gregorian, SlaPeriod.Month(YearConvention.Gregorian).Convention);
        Assert.Equal(YearConvention.Gregorian, SlaPeriod.Quarter(YearConvention.Gregorian).Convention);
        Assert.Equal(YearConvention.Days365, SlaPeriod.Year().Convention);
        Assert.Equal(YearConvention.Days365, SlaPeriod.CalendarMonth(2026, 2).Convention);
        Assert.Equal(YearConvention.Days365, SlaPeriod.Day.Convention);
        Assert.NotEqual(SlaPeriod.Month(), SlaPeriod.Month(YearConvention.Gregorian));
    }

    [Fact]
    public void Rolling_non_positive_throws()
    {
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => SlaPeriod.Rolling(TimeSpan.Zero)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => SlaPeriod.Rolling(TimeSpan.FromTicks(-1))).ParamName);
    }

    [Fact]
    public void Unknown_convention_throws()
    {
        Assert.Equal("convention", Assert.Throws<ArgumentOutOfRangeException>(() => SlaPeriod.Year((YearConvention)7)).ParamName);
        Assert.False(SlaPeriod.TryParse("year", (YearConvention)7, out _));
    }

    // ---- Calendar months ----

    [Theory]
    [InlineData(2026, 2, 28, "241.92", "4m 1.92s")]
    [InlineData(2028, 2, 29, "250.56", "4m 10.56s")]
    [InlineData(2026, 4, 30, "259.2", "4m 19.2s")]
    [InlineData(2026, 1, 31, "267.84", "4m 27.84s")]
    [InlineData(2100, 2, 28, "241.92", "4m 1.92s")]
    [InlineData(2000, 2, 29, "250.56", "4m 10.56s")]
    public void Calendar_month_has_its_real_length(int year, int month, int days, string allowedSeconds, string allowedText)
    {
        SlaPeriod period = SlaPeriod.CalendarMonth(year, month);
        Assert.Equal(SlaPeriodKind.CalendarMonth, period.Kind);
        Assert.True(period.IsCalendar);
        Assert.Equal(TimeSpan.FromDays(days), period.Length);
        Assert.Equal(new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero), period.Start);
        Assert.Equal(TimeSpan.Zero, period.Start!.Value.Offset);
        Assert.Equal(new DateTimeOffset(year, month, days, 0, 0, 0, TimeSpan.Zero).AddDays(1), period.End);
        Assert.Equal(TimeSpan.Zero, period.End!.Value.Offset);

        TimeSpan allowed = Availability.FromPercent(99.99).AllowedDowntime(period);
        Assert.Equal((long)(decimal.Parse(allowedSeconds, System.Globalization.CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond), allowed.Ticks);
        Assert.Equal(allowedText, DurationText.Format(allowed));
    }

    [Theory]
    [InlineData(2026, 1, 90)]
    [InlineData(2024, 1, 91)]
    [InlineData(2026, 2, 91)]
    [InlineData(2026, 3, 92)]
    [InlineData(2026, 4, 92)]
    public void Calendar_quarter_has_its_real_length(int year, int quarter, int days)
    {
        SlaPeriod period = SlaPeriod.CalendarQuarter(year, quarter);
        Assert.Equal(SlaPeriodKind.CalendarQuarter, period.Kind);
        Assert.Equal(TimeSpan.FromDays(days), period.Length);
        Assert.Equal(new DateTimeOffset(year, ((quarter - 1) * 3) + 1, 1, 0, 0, 0, TimeSpan.Zero), period.Start);
    }

    [Theory]
    [InlineData(2024, 366)]
    [InlineData(2026, 365)]
    [InlineData(2000, 366)]
    [InlineData(2100, 365)]
    public void Calendar_year_has_its_real_length(int year, int days)
    {
        SlaPeriod period = SlaPeriod.CalendarYear(year);
        Assert.Equal(SlaPeriodKind.CalendarYear, period.Kind);
        Assert.Equal(TimeSpan.FromDays(days), period.Length);
        Assert.Equal(new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero), period.Start);
        Assert.Equal(new DateTimeOffset(year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero), period.End);
    }

    [Fact]
    public void Next_crosses_year_ends()
    {
        Assert.Equal(SlaPeriod.CalendarMonth(2027, 1), SlaPeriod.CalendarMonth(2026, 12).Next());
        Assert.Equal(SlaPeriod.CalendarMonth(2026, 3), SlaPeriod.CalendarMonth(2026, 2).Next());
        Assert.Equal(SlaPeriod.CalendarQuarter(2027, 1), SlaPeriod.CalendarQuarter(2026, 4).Next());
        Assert.Equal(SlaPeriod.CalendarQuarter(2026, 2), SlaPeriod.CalendarQuarter(2026, 1).Next());
        Assert.Equal(SlaPeriod.CalendarYear(2027), SlaPeriod.CalendarYear(2026).Next());
        Assert.Equal(SlaPeriod.CalendarMonth(2026, 12).End, SlaPeriod.CalendarMonth(2026, 12).Next().Start);
    }

    [Fact]
    public void The_last_periods_have_no_next_and_the_months_up_to_the_last_one_are_measured_and_reported()
    {
        SlaPeriod december = SlaPeriod.CalendarMonth(9998, 12);
        Assert.Throws<InvalidOperationException>(() => december.Next());
        Assert.Throws<InvalidOperationException>(() => SlaPeriod.CalendarQuarter(9998, 4).Next());
        Assert.Throws<InvalidOperationException>(() => SlaPeriod.CalendarYear(9998).Next());

        SlaPeriod november = SlaPeriod.CalendarMonth(9998, 11);
        Assert.Equal([november, december], AvailabilityMeasurement.MeasureCalendarMonths([], november, december).Select(static m => m.Period!.Value));
        Assert.Equal(2, SlaKit.Reports.SlaReport.Create([], Availability.FromPercent(99.9), november, december).Months.Count);
        Assert.Equal(2, SlaKit.Reports.SlaReport.CreateFromEvents([new(november, 1, 0), new(december, 1, 0)], Availability.FromPercent(99.9)).Months.Count);
    }

    [Fact]
    public void Next_walks_twelve_months_to_the_same_month_next_year()
    {
        SlaPeriod month = SlaPeriod.CalendarMonth(2026, 5);
        TimeSpan total = TimeSpan.Zero;
        for (int i = 0; i < 12; i++)
        {
            total += month.Length;
            month = month.Next();
        }

        Assert.Equal(SlaPeriod.CalendarMonth(2027, 5), month);
        Assert.Equal(TimeSpan.FromDays(365), total);
    }

    [Fact]
    public void Calendar_month_containing_honours_the_offset()
    {
        // 00:30 on 1 March at +01:00 is still 28 February in UTC.
        Assert.Equal(SlaPeriod.CalendarMonth(2026, 2),
            SlaPeriod.CalendarMonthContaining(new DateTimeOffset(2026, 3, 1, 0, 30, 0, TimeSpan.FromHours(1))));
        // 20:00 on 31 January at −05:00 is already 1 February in UTC.
        Assert.Equal(SlaPeriod.CalendarMonth(2026, 2),
            SlaPeriod.CalendarMonthContaining(new DateTimeOffset(2026, 1, 31, 20, 0, 0, TimeSpan.FromHours(-5))));
        // 23:59:59.9999999 UTC on 31 December belongs to December; the next tick to January.
        var lastTick = new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999);
        Assert.Equal(SlaPeriod.CalendarMonth(2026, 12), SlaPeriod.CalendarMonthContaining(lastTick));
        Assert.Equal(SlaPeriod.CalendarMonth(2027, 1), SlaPeriod.CalendarMonthContaining(lastTick.AddTicks(1)));
    }

    [Theory]
    [InlineData(2026, 13, "month")]
    [InlineData(2026, 0, "month")]
    [InlineData(0, 1, "year")]
    [InlineData(9999, 1, "year")]
    public void Calendar_month_out_of_range_throws(int year, int month, string paramName)
    {
        Assert.Equal(paramName, Assert.Throws<ArgumentOutOfRangeException>(() => SlaPeriod.CalendarMonth(year, month)).ParamName);
    }

    [Fact]
    public void Calendar_quarter_and_year_out_of_range_throw()
    {
        Assert.Equal("quarter", Assert.Throws<ArgumentOutOfRangeException>(() => SlaPeriod.CalendarQuarter(2026, 5)).ParamName);
        Assert.Equal("quarter", Assert.Throws<ArgumentOutOfRangeException>(() => SlaPeriod.CalendarQuarter(2026, 0)).ParamName);
        Assert.Equal("year", Assert.Throws<ArgumentOutOfRangeException>(() => SlaPeriod.CalendarYear(0)).ParamName);
        Assert.Equal("year", Assert.Throws<ArgumentOutOfRangeException>(() => SlaPeriod.CalendarYear(9999)).ParamName);
    }

    [Fact]
    public void Last_supported_month_has_an_end()
    {
        SlaPeriod last = SlaPeriod.CalendarMonth(9998, 12);
        Assert.Equal(new DateTimeOffset(9999, 1, 1, 0, 0, 0, TimeSpan.Zero), last.End);
    }

    // ---- Parse / TryParse / ToString ----

    public static TheoryData<string, YearConvention, SlaPeriod> ParseTable => new()
    {
        { "day", YearConvention.Days365, SlaPeriod.Day },
        { "DAY", YearConvention.Days365, SlaPeriod.Day },
        { "Week", YearConvention.Days365, SlaPeriod.Week },
        { "month", YearConvention.Days365, SlaPeriod.Month() },
        { "MONTH", YearConvention.Gregorian, SlaPeriod.Month(YearConvention.Gregorian) },
        { "quarter", YearConvention.Days365, SlaPeriod.Quarter() },
        { "Quarter", YearConvention.Gregorian, SlaPeriod.Quarter(YearConvention.Gregorian) },
        { "year", YearConvention.Days365, SlaPeriod.Year() },
        { "yEaR", YearConvention.Gregorian, SlaPeriod.Year(YearConvention.Gregorian) },
        { "2026", YearConvention.Days365, SlaPeriod.CalendarYear(2026) },
        { "2026-Q1", YearConvention.Days365, SlaPeriod.CalendarQuarter(2026, 1) },
        { "2026-q4", YearConvention.Gregorian, SlaPeriod.CalendarQuarter(2026, 4) },
        { "2026-02", YearConvention.Days365, SlaPeriod.CalendarMonth(2026, 2) },
        { " 2026-12 ", YearConvention.Days365, SlaPeriod.CalendarMonth(2026, 12) },
        { "30d", YearConvention.Days365, SlaPeriod.Rolling(TimeSpan.FromDays(30)) },
        { "1d12h", YearConvention.Days365, SlaPeriod.Rolling(TimeSpan.FromHours(36)) },
        { "720h", YearConvention.Days365, SlaPeriod.Rolling(TimeSpan.FromDays(30)) },
    };

    [Theory]
    [MemberData(nameof(ParseTable))]
    public void Parse_reads_every_form(string text, YearConvention convention, SlaPeriod expected)
    {
        Assert.Equal(expected, SlaPeriod.Parse(text, convention));
        Assert.True(SlaPeriod.TryParse(text, convention, out SlaPeriod parsed));
        Assert.Equal(expected, parsed);
    }

    [Fact]
    public void Parse_convention_changes_the_length()
    {
        Assert.Equal(TimeSpan.FromSeconds(31_536_000), SlaPeriod.Parse("year").Length);
        Assert.Equal(TimeSpan.FromSeconds(31_556_952), SlaPeriod.Parse("year", YearConvention.Gregorian).Length);
        Assert.Equal(TimeSpan.FromSeconds(2_629_746), SlaPeriod.Parse("month", YearConvention.Gregorian).Length);
        // Calendar periods ignore the convention.
        Assert.Equal(SlaPeriod.Parse("2026-02"), SlaPeriod.Parse("2026-02", YearConvention.Gregorian));
    }

    public static TheoryData<SlaPeriod, string> ToStringTable => new()
    {
        { SlaPeriod.Day, "day" },
        { SlaPeriod.Week, "week" },
        { SlaPeriod.Rolling(TimeSpan.FromDays(1)), "day" },
        { SlaPeriod.Month(), "month" },
        { SlaPeriod.Month(YearConvention.Gregorian), "month" },
        { SlaPeriod.Quarter(), "quarter" },
        { SlaPeriod.Year(YearConvention.Gregorian), "year" },
        { SlaPeriod.CalendarYear(2026), "2026" },
        { SlaPeriod.CalendarQuarter(2026, 1), "2026-Q1" },
        { SlaPeriod.CalendarQuarter(2026, 3), "2026-Q3" },
        { SlaPeriod.CalendarMonth(2026, 2), "2026-02" },
        { SlaPeriod.CalendarMonth(987, 11), "0987-11" },
        { SlaPeriod.Rolling(TimeSpan.FromDays(30)), "30d" },
        { SlaPeriod.Rolling(TimeSpan.FromHours(36)), "1d12h" },
        { SlaPeriod.Rolling(TimeSpan.FromMinutes(90.5)), "1h30m30s" },
        { SlaPeriod.Rolling(TimeSpan.FromMilliseconds(250)), "0.25s" },
    };

    [Theory]
    [MemberData(nameof(ToStringTable))]
    public void To_string_is_what_parse_reads(SlaPeriod period, string expected)
    {
        Assert.Equal(expected, period.ToString());
        Assert.Equal(period, SlaPeriod.Parse(period.ToString(), period.Convention));
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-00")]
    [InlineData("2026-Q5")]
    [InlineData("2026-Q0")]
    [InlineData("2026-2")]
    [InlineData("0000")]
    [InlineData("fortnight")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("0s")]
    [InlineData("0")]
    [InlineData("-1d")]
    [InlineData("30")]
    [InlineData("months")]
    public void Parse_rejects_non_periods(string text)
    {
        Assert.Throws<FormatException>(() => SlaPeriod.Parse(text));
        Assert.False(SlaPeriod.TryParse(text, YearConvention.Days365, out SlaPeriod period));
        Assert.Equal(default, period);
    }

    [Fact]
    public void Parse_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => SlaPeriod.Parse(null!));
        Assert.False(SlaPeriod.TryParse(null, YearConvention.Days365, out _));
    }

    // ---- Equality ----

    [Fact]
    public void Equality_distinguishes_kind_and_start()
    {
        SlaPeriod april = SlaPeriod.CalendarMonth(2026, 4);
        SlaPeriod rolling30 = SlaPeriod.Rolling(TimeSpan.FromDays(30));
        SlaPeriod june = SlaPeriod.CalendarMonth(2026, 6);
        Assert.Equal(april.Length, rolling30.Length);
        Assert.NotEqual(april, rolling30);
        Assert.Equal(april.Length, june.Length);
        Assert.True(april != june);
        Assert.True(april == SlaPeriod.CalendarMonth(2026, 4));
        Assert.Equal(april.GetHashCode(), SlaPeriod.CalendarMonth(2026, 4).GetHashCode());
        Assert.True(april.Equals((object)SlaPeriod.CalendarMonth(2026, 4)));
        Assert.False(april.Equals("2026-04"));
        Assert.Equal(SlaPeriod.Day, SlaPeriod.Rolling(TimeSpan.FromDays(1)));
    }
}
