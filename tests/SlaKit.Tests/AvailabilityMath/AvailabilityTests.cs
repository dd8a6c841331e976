using System.Globalization;
using CsCheck;

namespace SlaKit.Tests.AvailabilityMath;

public class AvailabilityTests
{
    private static SlaPeriod PeriodNamed(string name) => name switch
    {
        "day" => SlaPeriod.Day,
        "week" => SlaPeriod.Week,
        "30d" => SlaPeriod.Rolling(TimeSpan.FromDays(30)),
        "year365" => SlaPeriod.Year(),
        "month365" => SlaPeriod.Month(),
        "month-greg" => SlaPeriod.Month(YearConvention.Gregorian),
        "year-greg" => SlaPeriod.Year(YearConvention.Gregorian),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown period in test data"),
    };

    private static TimeSpan Seconds(string seconds) =>
        TimeSpan.FromTicks((long)(decimal.Parse(seconds, CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond));

    // Expected downtimes were worked out by hand: (100 - p) / 100 × the period's length in seconds.
    public static TheoryData<string, double, string, string> DowntimeTable => new()
    {
        // One day, 86,400 s.
        { "day", 99, "864", "14m 24s" },
        { "day", 99.9, "86.4", "1m 26.4s" },
        { "day", 99.95, "43.2", "43.2s" },
        { "day", 99.99, "8.64", "8.64s" },
        { "day", 99.999, "0.864", "0.864s" },

        // One week, 604,800 s.
        { "week", 99, "6048", "1h 40m 48s" },
        { "week", 99.9, "604.8", "10m 4.8s" },
        { "week", 99.95, "302.4", "5m 2.4s" },
        { "week", 99.99, "60.48", "1m 0.48s" },
        { "week", 99.999, "6.048", "6.048s" },

        // A rolling 30-day month, 2,592,000 s.
        { "30d", 99, "25920", "7h 12m" },
        { "30d", 99.9, "2592", "43m 12s" },
        { "30d", 99.95, "1296", "21m 36s" },
        { "30d", 99.99, "259.2", "4m 19.2s" },
        { "30d", 99.999, "25.92", "25.92s" },

        // A 365-day year, 31,536,000 s.
        { "year365", 99, "315360", "3d 15h 36m" },
        { "year365", 99.9, "31536", "8h 45m 36s" },
        { "year365", 99.95, "15768", "4h 22m 48s" },
        { "year365", 99.99, "3153.6", "52m 33.6s" },
        { "year365", 99.999, "315.36", "5m 15.36s" },

        // A twelfth of a 365-day year, 2,628,000 s.
        { "month365", 99.9, "2628", "43m 48s" },
        { "month365", 99.99, "262.8", "4m 22.8s" },

        // A twelfth of a Gregorian-average year, 2,629,746 s.
        { "month-greg", 99, "26297.46", "7h 18m 17.46s" },
        { "month-greg", 99.9, "2629.746", "43m 49.746s" },
        { "month-greg", 99.95, "1314.873", "21m 54.873s" },
        { "month-greg", 99.99, "262.9746", "4m 22.9746s" },
        { "month-greg", 99.999, "26.29746", "26.29746s" },

        // A Gregorian-average year, 31,556,952 s.
        { "year-greg", 99, "315569.52", "3d 15h 39m 29.52s" },
        { "year-greg", 99.9, "31556.952", "8h 45m 56.952s" },
        { "year-greg", 99.95, "15778.476", "4h 22m 58.476s" },
        { "year-greg", 99.99, "3155.6952", "52m 35.6952s" },
        { "year-greg", 99.999, "315.56952", "5m 15.56952s" },
    };

    [Theory]
    [MemberData(nameof(DowntimeTable))]
    public void Allowed_downtime_matches_hand_computed_ticks(string period, double percent, string expectedSeconds, string expectedText)
    {
        _ = expectedText;
        TimeSpan allowed = Availability.FromPercent(percent).AllowedDowntime(PeriodNamed(period));
        Assert.Equal(Seconds(expectedSeconds).Ticks, allowed.Ticks);
    }

    [Theory]
    [MemberData(nameof(DowntimeTable))]
    public void Allowed_downtime_formats_as_hand_written_text(string period, double percent, string expectedSeconds, string expectedText)
    {
        _ = expectedSeconds;
        TimeSpan allowed = Availability.FromPercent(percent).AllowedDowntime(PeriodNamed(period));
        Assert.Equal(expectedText, DurationText.Format(allowed));
    }

    [Theory]
    [MemberData(nameof(DowntimeTable))]
    public void From_downtime_is_the_exact_inverse(string period, double percent, string expectedSeconds, string expectedText)
    {
        _ = expectedText;
        SlaKit.Availability back = Availability.FromDowntime(Seconds(expectedSeconds), PeriodNamed(period));
        Assert.Equal(Availability.FromPercent(percent), back);
        Assert.Equal(percent, back.Percent);
    }

    [Fact]
    public void Allowed_downtime_of_perfect_and_zero_is_nothing_and_everything()
    {
        Assert.Equal(TimeSpan.Zero, Availability.Perfect.AllowedDowntime(SlaPeriod.Year()));
        Assert.Equal(TimeSpan.FromDays(365), Availability.Zero.AllowedDowntime(SlaPeriod.Year()));
        Assert.Equal(TimeSpan.FromDays(31), Availability.Zero.AllowedDowntime(SlaPeriod.CalendarMonth(2026, 1)));
    }

    [Fact]
    public void From_downtime_whole_period_and_nothing_are_zero_and_perfect()
    {
        Assert.Equal(Availability.Zero, Availability.FromDowntime(TimeSpan.FromDays(1), SlaPeriod.Day));
        Assert.Equal(Availability.Perfect, Availability.FromDowntime(TimeSpan.Zero, SlaPeriod.Day));
    }

    [Fact]
    public void From_downtime_then_allowed_downtime_round_trips_to_the_tick()
    {
        SlaPeriod year = SlaPeriod.Year(YearConvention.Gregorian);
        Gen.Long[0, year.Length.Ticks].Sample(ticks =>
        {
            TimeSpan downtime = TimeSpan.FromTicks(ticks);
            Assert.Equal(downtime, Availability.FromDowntime(downtime, year).AllowedDowntime(year));
        }, iter: 2000);
    }

    // ---- Formatting without float artifacts ----

    [Theory]
    [InlineData(99.9, "99.9%")]
    [InlineData(99.99, "99.99%")]
    [InlineData(99.95, "99.95%")]
    [InlineData(99.999, "99.999%")]
    [InlineData(99.9999, "99.9999%")]
    [InlineData(99, "99%")]
    [InlineData(99.5, "99.5%")]
    [InlineData(95, "95%")]
    [InlineData(50, "50%")]
    [InlineData(100, "100%")]
    [InlineData(0, "0%")]
    [InlineData(0.5, "0.5%")]
    [InlineData(0.0125, "0.0125%")]
    [InlineData(0.0000000001, "0.0000000001%")]
    public void To_string_prints_the_value_without_artifacts(double percent, string expected)
    {
        SlaKit.Availability availability = Availability.FromPercent(percent);
        Assert.Equal(expected, availability.ToString());
        Assert.Equal(expected, availability.ToString(null, CultureInfo.InvariantCulture));
        Assert.Equal(expected, availability.ToString("G", null));
    }

    [Theory]
    [InlineData("0.0000000001", "0.0000000001%")]
    [InlineData("0.00000000000000000000000001", "0.00000000000000000000000001%")]
    [InlineData("0.123456", "0.1235%")]
    public void A_percentage_under_1_keeps_four_significant_digits_of_its_own(string percent, string expected) =>
        Assert.Equal(expected, Availability.FromPercentExact(decimal.Parse(percent, CultureInfo.InvariantCulture)).ToString());

    [Theory]
    [InlineData(99.9)]
    [InlineData(99.99)]
    [InlineData(99.95)]
    [InlineData(99.999)]
    [InlineData(99)]
    [InlineData(100)]
    [InlineData(0)]
    [InlineData(12.345)]
    public void Percent_returns_exactly_the_double_given(double percent)
    {
        Assert.Equal(percent, Availability.FromPercent(percent).Percent);
    }

    [Fact]
    public void Ratio_and_unavailability_are_the_nearest_doubles()
    {
        SlaKit.Availability a = Availability.FromPercent(99.9);
        Assert.Equal(0.999, a.Ratio);
        Assert.Equal(0.001, a.Unavailability);

        SlaKit.Availability b = Availability.FromPercent(99.99);
        Assert.Equal(0.9999, b.Ratio);
        Assert.Equal(0.0001, b.Unavailability);
    }

    [Fact]
    public void From_ratio_reads_fifteen_significant_digits()
    {
        // 0.1 + 0.2 is 0.30000000000000004 as a double; read to 15 digits it is 0.3.
        Assert.Equal(Availability.FromRatio(0.3), Availability.FromRatio(0.1 + 0.2));
        Assert.Equal(Availability.FromPercent(99.95), Availability.FromRatio(0.9995));
        Assert.Equal("99.95%", Availability.FromRatio(0.9995).ToString());
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(1, 90.0)]
    [InlineData(2, 99.0)]
    [InlineData(3, 99.9)]
    [InlineData(4, 99.99)]
    [InlineData(5, 99.999)]
    public void From_nines_whole_numbers_are_exact(double nines, double percent)
    {
        Assert.Equal(Availability.FromPercent(percent), Availability.FromNines(nines));
    }

    [Fact]
    public void Nines_known_values()
    {
        Assert.Equal(3.0, Availability.FromPercent(99.9).Nines, 12);
        Assert.Equal(4.0, Availability.FromPercent(99.99).Nines, 12);
        Assert.Equal(3.3010299956639813, Availability.FromPercent(99.95).Nines, 12);
        Assert.Equal(0.0, Availability.Zero.Nines, 12);
        Assert.Equal(double.PositiveInfinity, Availability.Perfect.Nines);
        Assert.Equal(double.PositiveInfinity, Availability.FromPercent(100).Nines);
    }

    [Fact]
    public void From_nines_fractional_is_ten_to_the_minus_nines()
    {
        SlaKit.Availability a = Availability.FromNines(3.5);
        Assert.Equal(3.5, a.Nines, 12);
        Assert.Equal(0.000316227766016838, a.Unavailability, 15);
    }

    [Fact]
    public void Serial_of_two_999_prints_998001()
    {
        SlaKit.Availability a = Availability.FromPercent(99.9);
        SlaKit.Availability serial = Availability.Serial(a, a);
        Assert.Equal("99.8001%", serial.ToString());
        Assert.Equal(Availability.FromPercent(99.8001), serial);
        Assert.Equal(99.8001, serial.Percent);
    }

    [Fact]
    public void From_mtbf_mttr_prints_four_significant_digits_of_the_unavailability()
    {
        // 15 min / (720 h + 15 min) = 1/2881 = 0.0347101700...% down, so 99.96528983...% up;
        // four significant digits of 0.03471% down give 99.96529%.
        SlaKit.Availability a = Availability.FromMtbfMttr(TimeSpan.FromHours(720), TimeSpan.FromMinutes(15));
        string text = a.ToString();
        Assert.Equal("99.96529%", text);
        double parsed = double.Parse(text.TrimEnd('%'), CultureInfo.InvariantCulture);
        Assert.Equal(100 * 720 / 720.25, parsed, 0.000005);
    }

    [Fact]
    public void To_string_with_numeric_format_applies_it_to_the_percentage()
    {
        SlaKit.Availability a = Availability.FromMtbfMttr(TimeSpan.FromHours(720), TimeSpan.FromMinutes(15));
        Assert.Equal("99.97%", a.ToString("F2", CultureInfo.InvariantCulture));
        Assert.Equal("99.900%", Availability.FromPercent(99.9).ToString("F3", null));
    }

    // ---- Equality and ordering ----

    [Fact]
    public void Default_is_perfect()
    {
        Assert.Equal(Availability.Perfect, default);
        Assert.Equal(100.0, default(SlaKit.Availability).Percent);
        Assert.Equal("100%", default(SlaKit.Availability).ToString());
        Assert.Equal(0.0, Availability.Zero.Ratio);
    }

    [Fact]
    public void Equal_values_built_differently_are_equal_with_equal_hashes()
    {
        SlaKit.Availability a = Availability.FromNines(3);
        SlaKit.Availability b = Availability.FromPercent(99.9);
        SlaKit.Availability c = Availability.FromRatio(0.999);
        Assert.True(a == b);
        Assert.False(a != c);
        Assert.True(a.Equals((object)c));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a.GetHashCode(), c.GetHashCode());
        Assert.False(a.Equals("99.9%"));
    }

    [Fact]
    public void Ordering_follows_availability()
    {
        SlaKit.Availability low = Availability.FromPercent(99);
        SlaKit.Availability high = Availability.FromPercent(99.9);
        Assert.True(low < high);
        Assert.True(high > low);
        Assert.True(low <= high);
        Assert.True(high >= low);
        Assert.True(high >= Availability.FromNines(3));
        Assert.False(low > high);
        Assert.True(low.CompareTo(high) < 0);
        Assert.True(high.CompareTo((object)low) > 0);
        Assert.Equal(1, low.CompareTo(null));
        ArgumentException ex = Assert.Throws<ArgumentException>(() => low.CompareTo("99%"));
        Assert.Equal("obj", ex.ParamName);
    }

    // ---- Composition: known answers ----

    [Fact]
    public void Parallel_of_two_99_is_exactly_four_nines()
    {
        SlaKit.Availability a = Availability.FromPercent(99);
        Assert.Equal(Availability.FromPercent(99.99), Availability.Parallel(a, a));
        Assert.Equal("99.99%", Availability.Parallel(a, a).ToString());
    }

    [Fact]
    public void Two_of_three_99_is_exactly_999702()
    {
        // 3 × 0.99² × 0.01 + 0.99³ = 0.029403 + 0.970299 = 0.999702.
        SlaKit.Availability a = Availability.FromPercent(99);
        SlaKit.Availability twoOfThree = Availability.KOfN(2, 3, a);
        Assert.Equal(Availability.FromPercent(99.9702), twoOfThree);
        Assert.Equal("99.9702%", twoOfThree.ToString());
        Assert.Equal(twoOfThree, Availability.KOfN(2, a, a, a));
    }

    [Fact]
    public void K_of_n_different_components_known_answer()
    {
        // 2 of {90%, 80%, 50%}: P(at least two up) = .9·.8·.5 + .9·.8·.5 + .9·.2·.5 + .1·.8·.5 = .36 + .36 + .09 + .04 = 0.85.
        SlaKit.Availability result = Availability.KOfN(2,
            Availability.FromPercent(90), Availability.FromPercent(80), Availability.FromPercent(50));
        Assert.Equal(Availability.FromPercent(85), result);
    }

    [Fact]
    public void Serial_and_parallel_enumerable_overloads_match_span_overloads()
    {
        List<SlaKit.Availability> list = [Availability.FromPercent(99.9), Availability.FromPercent(99.5)];
        Assert.Equal(Availability.Serial(list[0], list[1]), Availability.Serial(list));
        Assert.Equal(Availability.Parallel(list[0], list[1]), Availability.Parallel(list));
        Assert.Equal(Availability.KOfN(1, list[0], list[1]), Availability.KOfN(1, list));
        // 0.999 × 0.995 = 0.994005
        Assert.Equal(Availability.FromPercent(99.4005), Availability.Serial(list));
        // 0.001 × 0.005 = 0.000005 down
        Assert.Equal(Availability.FromPercent(99.9995), Availability.Parallel(list));
    }

    [Fact]
    public void Single_component_compositions_are_identity()
    {
        SlaKit.Availability a = Availability.FromPercent(99.95);
        Assert.Equal(a, Availability.Serial(a));
        Assert.Equal(a, Availability.Parallel(a));
        Assert.Equal(a, Availability.KOfN(1, 1, a));
    }

    // ---- Composition: properties ----

    private static readonly Gen<SlaKit.Availability> Component = Gen.Double[0.5, 1.0].Select(Availability.FromRatio);
    private static readonly Gen<SlaKit.Availability> AnyComponent = Gen.Double[0.0, 1.0].Select(Availability.FromRatio);
    private static readonly Gen<SlaKit.Availability[]> Components = Component.Array[1, 6];

    [Fact]
    public void Serial_is_at_most_the_weakest_component()
    {
        Components.Sample(xs =>
        {
            SlaKit.Availability serial = Availability.Serial(xs);
            Assert.True(serial <= xs.Min(), $"{serial} > min {xs.Min()}");
        }, iter: 2000);
    }

    [Fact]
    public void Parallel_is_at_least_the_strongest_component()
    {
        Components.Sample(xs =>
        {
            SlaKit.Availability parallel = Availability.Parallel(xs);
            Assert.True(parallel >= xs.Max(), $"{parallel} < max {xs.Max()}");
        }, iter: 2000);
    }

    [Fact]
    public void One_of_n_is_parallel()
    {
        Components.Sample(xs =>
            Assert.Equal(Availability.Parallel(xs), Availability.KOfN(1, xs)), iter: 2000);
    }

    [Fact]
    public void N_of_n_is_serial()
    {
        Components.Sample(xs =>
        {
            decimal kOfN = Availability.KOfN(xs.Length, xs).UnavailabilityExact;
            decimal serial = Availability.Serial(xs).UnavailabilityExact;
            Assert.True(Math.Abs(kOfN - serial) <= 1e-18m, $"KOfN {kOfN} vs Serial {serial}");
        }, iter: 2000);
    }

    [Fact]
    public void K_of_n_is_monotone_in_k()
    {
        Components.Sample(xs =>
        {
            for (int k = 1; k < xs.Length; k++)
            {
                Assert.True(Availability.KOfN(k, xs) >= Availability.KOfN(k + 1, xs));
            }
        }, iter: 1000);
    }

    [Fact]
    public void K_of_n_identical_components_equals_n_copies()
    {
        Gen.Select(Gen.Int[1, 8], Gen.Int[0, 7], Component).Sample((n, kSeed, a) =>
        {
            int k = (kSeed % n) + 1;
            SlaKit.Availability[] copies = Enumerable.Repeat(a, n).ToArray();
            Assert.Equal(Availability.KOfN(k, copies), Availability.KOfN(k, n, a));
        }, iter: 2000);
    }

    [Fact]
    public void Nested_compositions_stay_in_range() => NestedCompositionsStayInRange(seed: null);

    /// <summary>
    /// The case that once failed: a percent a hair below 100 came out of decimal as the double 100.00000000000001, since
    /// that conversion is not correctly rounded; the doubles are now clamped to their range.
    /// </summary>
    [Fact]
    public void Nested_compositions_stay_in_range_where_decimal_to_double_once_rounded_past_100() => NestedCompositionsStayInRange(seed: "1pgg1JOrR001");

    private static void NestedCompositionsStayInRange(string? seed)
    {
        Gen.Select(AnyComponent, AnyComponent, AnyComponent).Sample((a, b, c) =>
        {
            SlaKit.Availability[] nested =
            [
                Availability.Serial(Availability.Parallel(a, b), c),
                Availability.Parallel(Availability.Serial(a, b), c),
                Availability.KOfN(2, Availability.Parallel(a, b), Availability.Serial(b, c), a),
                Availability.Serial(Availability.KOfN(2, 3, a), Availability.Parallel(b, c, a)),
            ];
            foreach (SlaKit.Availability x in nested)
            {
                Assert.InRange(x.UnavailabilityExact, 0m, 1m);
                Assert.InRange(x.Ratio, 0.0, 1.0);
                Assert.InRange(x.Percent, 0.0, 100.0);
                Assert.EndsWith("%", x.ToString(), StringComparison.Ordinal);
            }

            // Redundancy never hurts and chaining never helps.
            Assert.True(Availability.Parallel(Availability.Serial(a, b), c) >= Availability.Serial(a, b));
            Assert.True(Availability.Serial(Availability.Parallel(a, b), c) <= Availability.Parallel(a, b));
        }, iter: 2000, seed: seed);
    }

    [Fact]
    public void K_of_n_thousand_components_is_supported()
    {
        SlaKit.Availability a = Availability.FromPercent(99);
        Assert.Equal(Availability.Serial(Enumerable.Repeat(a, 1000)).UnavailabilityExact,
            Availability.KOfN(1000, 1000, a).UnavailabilityExact, 18);
        Assert.Equal(Availability.Perfect, Availability.KOfN(1, 1000, a));
    }

    // ---- MTBF / MTTR ----

    [Fact]
    public void From_mtbf_mttr_known_answers()
    {
        // 999 h up, 1 h down → 99.9%.
        Assert.Equal(Availability.FromPercent(99.9), Availability.FromMtbfMttr(TimeSpan.FromHours(999), TimeSpan.FromHours(1)));
        // 99 min up, 1 min down → 99%.
        Assert.Equal(Availability.FromPercent(99), Availability.FromMtbfMttr(TimeSpan.FromMinutes(99), TimeSpan.FromMinutes(1)));
        Assert.Equal(720 / 720.25, Availability.FromMtbfMttr(TimeSpan.FromHours(720), TimeSpan.FromMinutes(15)).Ratio, 15);
    }

    [Fact]
    public void From_mtbf_mttr_zero_repair_time_is_perfect()
    {
        Assert.Equal(Availability.Perfect, Availability.FromMtbfMttr(TimeSpan.FromHours(1), TimeSpan.Zero));
    }

    [Theory]
    [InlineData(0, 1, "mtbf")]
    [InlineData(-1, 1, "mtbf")]
    [InlineData(1, -1, "mttr")]
    public void From_mtbf_mttr_bad_arguments_throw(long mtbfTicks, long mttrTicks, string paramName)
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => Availability.FromMtbfMttr(TimeSpan.FromTicks(mtbfTicks), TimeSpan.FromTicks(mttrTicks)));
        Assert.Equal(paramName, ex.ParamName);
    }

    // ---- Bad input ----

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-1)]
    [InlineData(-0.0001)]
    [InlineData(100.5)]
    [InlineData(100.0000001)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void From_percent_out_of_range_throws(double percent)
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => Availability.FromPercent(percent));
        Assert.Equal("percent", ex.ParamName);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.PositiveInfinity)]
    public void From_ratio_out_of_range_throws(double ratio)
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => Availability.FromRatio(ratio));
        Assert.Equal("ratio", ex.ParamName);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-1)]
    [InlineData(28.5)]
    [InlineData(double.PositiveInfinity)]
    public void From_nines_out_of_range_throws(double nines)
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => Availability.FromNines(nines));
        Assert.Equal("nines", ex.ParamName);
    }

    [Fact]
    public void From_nines_twenty_eight_is_the_smallest_decimal_unavailability()
    {
        Assert.Equal(0.0000000000000000000000000001m, Availability.FromNines(28).UnavailabilityExact);
    }

    [Fact]
    public void From_downtime_longer_than_period_or_negative_throws()
    {
        ArgumentOutOfRangeException tooLong = Assert.Throws<ArgumentOutOfRangeException>(
            () => Availability.FromDowntime(TimeSpan.FromDays(1) + TimeSpan.FromTicks(1), SlaPeriod.Day));
        Assert.Equal("downtime", tooLong.ParamName);

        ArgumentOutOfRangeException negative = Assert.Throws<ArgumentOutOfRangeException>(
            () => Availability.FromDowntime(TimeSpan.FromTicks(-1), SlaPeriod.Day));
        Assert.Equal("downtime", negative.ParamName);
    }

    [Fact]
    public void Default_period_is_rejected()
    {
        ArgumentException allowed = Assert.Throws<ArgumentException>(() => Availability.FromPercent(99.9).AllowedDowntime(default));
        Assert.Equal("period", allowed.ParamName);

        ArgumentException from = Assert.Throws<ArgumentException>(() => Availability.FromDowntime(TimeSpan.Zero, default));
        Assert.Equal("period", from.ParamName);
    }

    [Fact]
    public void Empty_compositions_throw()
    {
        Assert.Equal("components", Assert.Throws<ArgumentException>(() => Availability.Serial()).ParamName);
        Assert.Equal("components", Assert.Throws<ArgumentException>(() => Availability.Parallel()).ParamName);
        Assert.Equal("components", Assert.Throws<ArgumentException>(() => Availability.Serial(new List<SlaKit.Availability>())).ParamName);
        Assert.Equal("components", Assert.Throws<ArgumentException>(() => Availability.Parallel(new List<SlaKit.Availability>())).ParamName);
        Assert.Equal("components", Assert.Throws<ArgumentException>(() => Availability.KOfN(1)).ParamName);
        Assert.Throws<ArgumentNullException>(() => Availability.Serial((IEnumerable<SlaKit.Availability>)null!));
    }

    [Theory]
    [InlineData(0, 3, "k")]
    [InlineData(-1, 3, "k")]
    [InlineData(4, 3, "k")]
    [InlineData(1, 0, "n")]
    [InlineData(1, 1001, "n")]
    public void K_of_n_out_of_range_throws(int k, int n, string paramName)
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => Availability.KOfN(k, n, Availability.FromPercent(99)));
        Assert.Equal(paramName, ex.ParamName);
    }

    [Fact]
    public void K_of_n_components_out_of_range_throws()
    {
        SlaKit.Availability a = Availability.FromPercent(99);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => Availability.KOfN(0, a, a)).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => Availability.KOfN(3, a, a)).ParamName);
        Assert.Equal("components", Assert.Throws<ArgumentException>(
            () => Availability.KOfN(1, Enumerable.Repeat(a, 1001))).ParamName);
    }
}
