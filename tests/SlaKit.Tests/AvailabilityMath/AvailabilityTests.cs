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
    public void AllowedDowntime_MatchesHandComputedTicks(string period, double percent, string expectedSeconds, string expectedText)
    {
        _ = expectedText;
        TimeSpan allowed = Availability.FromPercent(percent).AllowedDowntime(PeriodNamed(period));
        Assert.Equal(Seconds(expectedSeconds).Ticks, allowed.Ticks);
    }

    [Theory]
    [MemberData(nameof(DowntimeTable))]
    public void AllowedDowntime_FormatsAsHandWrittenText(string period, double percent, string expectedSeconds, string expectedText)
    {
        _ = expectedSeconds;
        TimeSpan allowed = Availability.FromPercent(percent).AllowedDowntime(PeriodNamed(period));
        Assert.Equal(expectedText, DurationText.Format(allowed));
    }

    [Theory]
    [MemberData(nameof(DowntimeTable))]
    public void FromDowntime_IsTheExactInverse(string period, double percent, string expectedSeconds, string expectedText)
    {
        _ = expectedText;
        SlaKit.Availability back = Availability.FromDowntime(Seconds(expectedSeconds), PeriodNamed(period));
        Assert.Equal(Availability.FromPercent(percent), back);
        Assert.Equal(percent, back.Percent);
    }

    [Fact]
    public void AllowedDowntime_OfPerfectAndZero_IsNothingAndEverything()
    {
        Assert.Equal(TimeSpan.Zero, Availability.Perfect.AllowedDowntime(SlaPeriod.Year()));
        Assert.Equal(TimeSpan.FromDays(365), Availability.Zero.AllowedDowntime(SlaPeriod.Year()));
        Assert.Equal(TimeSpan.FromDays(31), Availability.Zero.AllowedDowntime(SlaPeriod.CalendarMonth(2026, 1)));
    }

    [Fact]
    public void FromDowntime_WholePeriodAndNothing_AreZeroAndPerfect()
    {
        Assert.Equal(Availability.Zero, Availability.FromDowntime(TimeSpan.FromDays(1), SlaPeriod.Day));
        Assert.Equal(Availability.Perfect, Availability.FromDowntime(TimeSpan.Zero, SlaPeriod.Day));
    }

    [Fact]
    public void FromDowntime_ThenAllowedDowntime_RoundTripsToTheTick()
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
    public void ToString_PrintsTheValueWithoutArtifacts(double percent, string expected)
    {
        SlaKit.Availability availability = Availability.FromPercent(percent);
        Assert.Equal(expected, availability.ToString());
        Assert.Equal(expected, availability.ToString(null, CultureInfo.InvariantCulture));
        Assert.Equal(expected, availability.ToString("G", null));
    }

    [Theory]
    [InlineData(99.9)]
    [InlineData(99.99)]
    [InlineData(99.95)]
    [InlineData(99.999)]
    [InlineData(99)]
    [InlineData(100)]
    [InlineData(0)]
    [InlineData(12.345)]
    public void Percent_ReturnsExactlyTheDoubleGiven(double percent)
    {
        Assert.Equal(percent, Availability.FromPercent(percent).Percent);
    }

    [Fact]
    public void RatioAndUnavailability_AreTheNearestDoubles()
    {
        SlaKit.Availability a = Availability.FromPercent(99.9);
        Assert.Equal(0.999, a.Ratio);
        Assert.Equal(0.001, a.Unavailability);

        SlaKit.Availability b = Availability.FromPercent(99.99);
        Assert.Equal(0.9999, b.Ratio);
        Assert.Equal(0.0001, b.Unavailability);
    }

    [Fact]
    public void FromRatio_ReadsFifteenSignificantDigits()
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
    public void FromNines_WholeNumbers_AreExact(double nines, double percent)
    {
        Assert.Equal(Availability.FromPercent(percent), Availability.FromNines(nines));
    }

    [Fact]
    public void Nines_KnownValues()
    {
        Assert.Equal(3.0, Availability.FromPercent(99.9).Nines, 12);
        Assert.Equal(4.0, Availability.FromPercent(99.99).Nines, 12);
        Assert.Equal(3.3010299956639813, Availability.FromPercent(99.95).Nines, 12);
        Assert.Equal(0.0, Availability.Zero.Nines, 12);
        Assert.Equal(double.PositiveInfinity, Availability.Perfect.Nines);
        Assert.Equal(double.PositiveInfinity, Availability.FromPercent(100).Nines);
    }

    [Fact]
    public void FromNines_Fractional_IsTenToTheMinusNines()
    {
        SlaKit.Availability a = Availability.FromNines(3.5);
        Assert.Equal(3.5, a.Nines, 12);
        Assert.Equal(0.000316227766016838, a.Unavailability, 15);
    }

    [Fact]
    public void SerialOfTwo999_Prints998001()
    {
        SlaKit.Availability a = Availability.FromPercent(99.9);
        SlaKit.Availability serial = Availability.Serial(a, a);
        Assert.Equal("99.8001%", serial.ToString());
        Assert.Equal(Availability.FromPercent(99.8001), serial);
        Assert.Equal(99.8001, serial.Percent);
    }

    [Fact]
    public void FromMtbfMttr_PrintsFourSignificantDigitsOfTheUnavailability()
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
    public void ToString_WithNumericFormat_AppliesItToThePercentage()
    {
        SlaKit.Availability a = Availability.FromMtbfMttr(TimeSpan.FromHours(720), TimeSpan.FromMinutes(15));
        Assert.Equal("99.97%", a.ToString("F2", CultureInfo.InvariantCulture));
        Assert.Equal("99.900%", Availability.FromPercent(99.9).ToString("F3", null));
    }

    // ---- Equality and ordering ----

    [Fact]
    public void Default_IsPerfect()
    {
        Assert.Equal(Availability.Perfect, default);
        Assert.Equal(100.0, default(SlaKit.Availability).Percent);
        Assert.Equal("100%", default(SlaKit.Availability).ToString());
        Assert.Equal(0.0, Availability.Zero.Ratio);
    }

    [Fact]
    public void EqualValuesBuiltDifferently_AreEqualWithEqualHashes()
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
    public void Ordering_FollowsAvailability()
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
    public void ParallelOfTwo99_IsExactlyFourNines()
    {
        SlaKit.Availability a = Availability.FromPercent(99);
        Assert.Equal(Availability.FromPercent(99.99), Availability.Parallel(a, a));
        Assert.Equal("99.99%", Availability.Parallel(a, a).ToString());
    }

    [Fact]
    public void TwoOfThree99_IsExactly999702()
    {
        // 3 × 0.99² × 0.01 + 0.99³ = 0.029403 + 0.970299 = 0.999702.
        SlaKit.Availability a = Availability.FromPercent(99);
        SlaKit.Availability twoOfThree = Availability.KOfN(2, 3, a);
        Assert.Equal(Availability.FromPercent(99.9702), twoOfThree);
        Assert.Equal("99.9702%", twoOfThree.ToString());
        Assert.Equal(twoOfThree, Availability.KOfN(2, a, a, a));
    }

    [Fact]
    public void KOfN_DifferentComponents_KnownAnswer()
    {
        // 2 of {90%, 80%, 50%}: P(at least two up) = .9·.8·.5 + .9·.8·.5 + .9·.2·.5 + .1·.8·.5 = .36 + .36 + .09 + .04 = 0.85.
        SlaKit.Availability result = Availability.KOfN(2,
            Availability.FromPercent(90), Availability.FromPercent(80), Availability.FromPercent(50));
        Assert.Equal(Availability.FromPercent(85), result);
    }

    [Fact]
    public void SerialAndParallel_EnumerableOverloads_MatchSpanOverloads()
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
    public void SingleComponent_CompositionsAreIdentity()
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
    public void Serial_IsAtMostTheWeakestComponent()
    {
        Components.Sample(xs =>
        {
            SlaKit.Availability serial = Availability.Serial(xs);
            Assert.True(serial <= xs.Min(), $"{serial} > min {xs.Min()}");
        }, iter: 2000);
    }

    [Fact]
    public void Parallel_IsAtLeastTheStrongestComponent()
    {
        Components.Sample(xs =>
        {
            SlaKit.Availability parallel = Availability.Parallel(xs);
            Assert.True(parallel >= xs.Max(), $"{parallel} < max {xs.Max()}");
        }, iter: 2000);
    }

    [Fact]
    public void OneOfN_IsParallel()
    {
        Components.Sample(xs =>
            Assert.Equal(Availability.Parallel(xs), Availability.KOfN(1, xs)), iter: 2000);
    }

    [Fact]
    public void NOfN_IsSerial()
    {
        Components.Sample(xs =>
        {
            decimal kOfN = Availability.KOfN(xs.Length, xs).UnavailabilityExact;
            decimal serial = Availability.Serial(xs).UnavailabilityExact;
            Assert.True(Math.Abs(kOfN - serial) <= 1e-18m, $"KOfN {kOfN} vs Serial {serial}");
        }, iter: 2000);
    }

    [Fact]
    public void KOfN_IsMonotoneInK()
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
    public void KOfN_IdenticalComponents_EqualsNCopies()
    {
        Gen.Select(Gen.Int[1, 8], Gen.Int[0, 7], Component).Sample((n, kSeed, a) =>
        {
            int k = (kSeed % n) + 1;
            SlaKit.Availability[] copies = Enumerable.Repeat(a, n).ToArray();
            Assert.Equal(Availability.KOfN(k, copies), Availability.KOfN(k, n, a));
        }, iter: 2000);
    }

    [Fact]
    public void NestedCompositions_StayInRange()
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
        }, iter: 2000);
    }

    [Fact]
    public void KOfN_ThousandComponents_IsSupported()
    {
        SlaKit.Availability a = Availability.FromPercent(99);
        Assert.Equal(Availability.Serial(Enumerable.Repeat(a, 1000)).UnavailabilityExact,
            Availability.KOfN(1000, 1000, a).UnavailabilityExact, 18);
        Assert.Equal(Availability.Perfect, Availability.KOfN(1, 1000, a));
    }

    // ---- MTBF / MTTR ----

    [Fact]
    public void FromMtbfMttr_KnownAnswers()
    {
        // 999 h up, 1 h down → 99.9%.
        Assert.Equal(Availability.FromPercent(99.9), Availability.FromMtbfMttr(TimeSpan.FromHours(999), TimeSpan.FromHours(1)));
        // 99 min up, 1 min down → 99%.
        Assert.Equal(Availability.FromPercent(99), Availability.FromMtbfMttr(TimeSpan.FromMinutes(99), TimeSpan.FromMinutes(1)));
        Assert.Equal(720 / 720.25, Availability.FromMtbfMttr(TimeSpan.FromHours(720), TimeSpan.FromMinutes(15)).Ratio, 15);
    }

    [Fact]
    public void FromMtbfMttr_ZeroRepairTime_IsPerfect()
    {
        Assert.Equal(Availability.Perfect, Availability.FromMtbfMttr(TimeSpan.FromHours(1), TimeSpan.Zero));
    }

    [Theory]
    [InlineData(0, 1, "mtbf")]
    [InlineData(-1, 1, "mtbf")]
    [InlineData(1, -1, "mttr")]
    public void FromMtbfMttr_BadArguments_Throw(long mtbfTicks, long mttrTicks, string paramName)
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
    public void FromPercent_OutOfRange_Throws(double percent)
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => Availability.FromPercent(percent));
        Assert.Equal("percent", ex.ParamName);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.PositiveInfinity)]
    public void FromRatio_OutOfRange_Throws(double ratio)
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => Availability.FromRatio(ratio));
        Assert.Equal("ratio", ex.ParamName);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-1)]
    [InlineData(28.5)]
    [InlineData(double.PositiveInfinity)]
    public void FromNines_OutOfRange_Throws(double nines)
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => Availability.FromNines(nines));
        Assert.Equal("nines", ex.ParamName);
    }

    [Fact]
    public void FromNines_TwentyEight_IsTheSmallestDecimalUnavailability()
    {
        Assert.Equal(0.0000000000000000000000000001m, Availability.FromNines(28).UnavailabilityExact);
    }

    [Fact]
    public void FromDowntime_LongerThanPeriodOrNegative_Throws()
    {
        ArgumentOutOfRangeException tooLong = Assert.Throws<ArgumentOutOfRangeException>(
            () => Availability.FromDowntime(TimeSpan.FromDays(1) + TimeSpan.FromTicks(1), SlaPeriod.Day));
        Assert.Equal("downtime", tooLong.ParamName);

        ArgumentOutOfRangeException negative = Assert.Throws<ArgumentOutOfRangeException>(
            () => Availability.FromDowntime(TimeSpan.FromTicks(-1), SlaPeriod.Day));
        Assert.Equal("downtime", negative.ParamName);
    }

    [Fact]
    public void DefaultPeriod_IsRejected()
    {
        ArgumentException allowed = Assert.Throws<ArgumentException>(() => Availability.FromPercent(99.9).AllowedDowntime(default));
        Assert.Equal("period", allowed.ParamName);

        ArgumentException from = Assert.Throws<ArgumentException>(() => Availability.FromDowntime(TimeSpan.Zero, default));
        Assert.Equal("period", from.ParamName);
    }

    [Fact]
    public void EmptyCompositions_Throw()
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
    public void KOfN_OutOfRange_Throws(int k, int n, string paramName)
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => Availability.KOfN(k, n, Availability.FromPercent(99)));
        Assert.Equal(paramName, ex.ParamName);
    }

    [Fact]
    public void KOfN_Components_OutOfRange_Throws()
    {
        SlaKit.Availability a = Availability.FromPercent(99);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => Availability.KOfN(0, a, a)).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => Availability.KOfN(3, a, a)).ParamName);
        Assert.Equal("components", Assert.Throws<ArgumentException>(
            () => Availability.KOfN(1, Enumerable.Repeat(a, 1001))).ParamName);
    }
}
