using System.ComponentModel;
using System.Globalization;
using CsCheck;
using SlaKit.Budgets;
using SlaKit.Probes;

namespace SlaKit.Tests.AvailabilityMath;

/// <summary>
/// Hostile numbers given to the public API (the decisions per kind of input are in <see cref="HostileNumbers"/>).
/// </summary>
/// <remarks>
/// Where a person's number enters the library, and what guards it:
/// <list type="bullet">
/// <item>Text parsers, <see cref="FormatException"/> (or the reader's own exception) on a bad number:
/// the <see cref="Availability"/> type converter (configuration: <c>"99.99"</c>, <c>"99.99%"</c>, and a region's
/// Availability through it), <see cref="DurationText.Parse"/>/<see cref="DurationText.TryParse(string?, out TimeSpan)"/>,
/// <see cref="SlaPeriod.Parse"/>/<see cref="SlaPeriod.TryParse"/>, <see cref="CreditSchedule.Parse"/> (thresholds and
/// credits), <see cref="IncidentCsv.Read"/> (the weight column; <see cref="IncidentCsvException"/>), and
/// <c>SloDocument.Read</c> (targets, windows, slices, thresholds; tested in <c>SloDocumentNumberTests</c>).</item>
/// <item>Factories and constructors taking a double or a count, <see cref="ArgumentOutOfRangeException"/> naming the
/// parameter: <see cref="Availability.FromPercent"/>, <see cref="Availability.FromRatio"/>,
/// <see cref="Availability.FromNines"/>, <see cref="CreditTier"/> (creditPercent), <see cref="Incident"/> (weight),
/// <see cref="SlaTargetAttribute"/> (percent), <see cref="VoiceQuality.Estimate"/> and
/// <see cref="VoiceQualityProbe.ReportSample"/> (lossPercent), <see cref="VoiceQualityProbe"/> (degradedMos),
/// <see cref="BurnRateAlertRule"/> (burnRate), <see cref="ErrorBudget.FromEvents"/> (event counts).</item>
/// <item>Options validated at start-up: a region's Weight and Priority and RegionFailoverOptions'
/// AdaptiveHedgingMultiplier (in <c>RegionFailoverOptionsValidatorTests</c>).</item>
/// </list>
/// </remarks>
public sealed class HostileNumberTests
{
    private static readonly TypeConverter Converter = TypeDescriptor.GetConverter(typeof(SlaKit.Availability));

    public static TheoryData<string> NotNumbers => [.. HostileNumbers.NotNumbers];

    // ---- The Availability type converter ----

    [Theory]
    [MemberData(nameof(NotNumbers))]
    public void The_converter_refuses_what_is_not_a_number(string text)
    {
        Assert.Throws<FormatException>(() => Converter.ConvertFromInvariantString(text));
        Assert.Throws<FormatException>(() => Converter.ConvertFromInvariantString(text + "%"));
    }

    [Theory]
    [InlineData("99.99", "99.99")]
    [InlineData(" 99.99 ", "99.99")]
    [InlineData("99.99%", "99.99")]
    [InlineData(" 99.99 % ", "99.99")]
    [InlineData("0.0000000001", "0.0000000001")]
    [InlineData("99.99999999999999999999999", "99.99999999999999999999999")]
    [InlineData("99.99999999999999999999999999", "99.99999999999999999999999999")]
    [InlineData("099.900", "99.9")]
    [InlineData(".5", "0.5")]
    [InlineData("100", "100")]
    [InlineData("0", "0")]
    public void The_converter_reads_a_percentage_exactly(string text, string percent)
    {
        var availability = (SlaKit.Availability)Converter.ConvertFromInvariantString(text)!;

        Assert.Equal(decimal.Parse(percent, CultureInfo.InvariantCulture), availability.PercentExact);
    }

    [Theory]
    [InlineData("99.999999999999999999999999999")] // 27 decimal places: 1 − p/100 would lose the last
    [InlineData("0.0000000000000000000000000001")]
    [InlineData("99.9999999999999999999999999999999999999999")]
    public void The_converter_refuses_a_percentage_it_would_round(string text)
    {
        FormatException exception = Assert.Throws<FormatException>(() => Converter.ConvertFromInvariantString(text));

        Assert.Contains("has more digits than SlaKit counts with", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("100.0000000000000000000000001")]
    [InlineData("101")]
    [InlineData("100000000000000000000000000000000")]
    public void The_converter_refuses_a_percentage_above_100(string text) =>
        Assert.Throws<FormatException>(() => Converter.ConvertFromInvariantString(text));

    [Fact]
    public void The_converter_reads_the_same_in_every_culture()
    {
        foreach (CultureInfo culture in HostileNumbers.ForeignCultures())
        {
            Assert.Equal(Availability.FromPercent(99.95), HostileNumbers.InCulture(culture, () => Converter.ConvertFrom(null, culture, "99.95")));
            Assert.Equal(Availability.FromPercent(99.95), HostileNumbers.InCulture(culture, () => Converter.ConvertFromString("99.95")));
            Assert.Throws<FormatException>(() => HostileNumbers.InCulture(culture, () => Converter.ConvertFrom(null, culture, "99,95")));
            Assert.Throws<FormatException>(() => HostileNumbers.InCulture(culture, () => Converter.ConvertFromString("1.000,5")));
        }
    }

    [Fact]
    public void Property_the_converter_reads_a_plain_percentage_exactly_or_throws_a_format_exception()
    {
        HostileNumbers.Text.Sample(text =>
        {
            string number = text.Trim();
            number = number.EndsWith('%') ? number[..^1] : number;
            decimal? exact = HostileNumbers.Exact(number);
            bool valid = exact is { } p && p <= 100m && (p / 1.000000000000000000000000000000000m).Scale <= 26;
            if (valid)
            {
                Assert.Equal(exact, ((SlaKit.Availability)Converter.ConvertFromInvariantString(text)!).PercentExact);
            }
            else
            {
                Assert.Throws<FormatException>(() => Converter.ConvertFromInvariantString(text));
            }
        }, iter: 20_000);
    }

    // ---- DurationText ----

    [Theory]
    [MemberData(nameof(NotNumbers))]
    public void A_duration_refuses_a_number_that_is_not_one(string number)
    {
        foreach (string unit in (string[])["s", "ms", "m", "h", "d"])
        {
            Assert.Throws<FormatException>(() => DurationText.Parse(number + unit));
            Assert.False(DurationText.TryParse(number + unit, out _));
            Assert.Throws<FormatException>(() => DurationText.Parse("1d " + number + unit));
        }
    }

    [Theory]
    [InlineData("0.00000005s", 1)] // half a tick rounds away from zero
    [InlineData("0.00000004999999999999999999999999999999s", 0)] // the exact value is below half a tick
    [InlineData("0.0000000500000000000000000000000000001s", 1)]
    [InlineData("0.00000000000000000000000000000000000000001s", 0)]
    [InlineData("0.00000003s 0.00000002ms", 0)] // 0.3 + 0.0002 ticks
    [InlineData("0.00000004s 0.00004ms", 1)] // 0.4 + 0.4 ticks: each would round to 0, their sum rounds to 1
    public void A_duration_is_summed_exactly_and_rounded_once(string text, long ticks) =>
        Assert.Equal(TimeSpan.FromTicks(ticks), DurationText.Parse(text));

    [Theory]
    [InlineData(" 52m 33.6s ", "52m 33.6s")]
    [InlineData("\t1d12h\n", "1d 12h")]
    [InlineData("1.000000000000000000000000000000000000000000000000000000000000000000000000000000s", "1s")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000000000001s", "1s")]
    [InlineData("10675199d 2h 48m 5.4775807s", "10675199d 2h 48m 5.4775807s")]
    public void A_duration_ignores_white_space_around_it_and_zeros_that_change_nothing(string text, string formatted) =>
        Assert.Equal(formatted, DurationText.Format(DurationText.Parse(text)));

    [Theory]
    [InlineData("1.0000000000000000000000000000000000000000000000000000000000001s", "more than 60 digits")]
    [InlineData("10675199d 2h 48m 5.4775808s", "too long a duration")]
    [InlineData("99999999999999999999999999999d", "too long a duration")]
    public void A_duration_with_too_many_digits_or_too_long_is_refused_and_named(string text, string problem)
    {
        FormatException exception = Assert.Throws<FormatException>(() => DurationText.Parse(text));

        Assert.Contains(problem, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_duration_names_its_parameter() =>
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => DurationText.Parse(null!)).ParamName);

    private static readonly string[] DurationUnits = ["d", "h", "m", "s", "ms", "", " ", "D", "µs", "ｍ"];

    private static readonly Gen<string> DurationTexts = Gen.OneOf(
        HostileNumbers.Text,
        Gen.Select(HostileNumbers.Text, Gen.OneOf<string>(DurationUnits)).Array[1, 4]
            .Select(static parts => string.Join(" ", parts.Select(static p => p.Item1 + p.Item2))));

    [Fact]
    public void Property_a_duration_parses_to_a_value_that_formats_back_or_throws_a_format_exception()
    {
        DurationTexts.Sample(text =>
        {
            bool parsed = DurationText.TryParse(text, out TimeSpan duration);
            if (parsed)
            {
                Assert.Equal(duration, DurationText.Parse(text));
                Assert.True(duration >= TimeSpan.Zero);
                Assert.Equal(duration, DurationText.Parse(DurationText.Format(duration)));
                Assert.All(text.Trim(), static c => Assert.True(char.IsAsciiDigit(c) || c == '.' || "dhms".Contains(c, StringComparison.Ordinal) || char.IsWhiteSpace(c), $"'{c}' was read"));
            }
            else
            {
                Assert.Throws<FormatException>(() => DurationText.Parse(text));
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Property_a_single_part_duration_is_the_exact_value_rounded_to_the_nearest_tick()
    {
        (string Unit, long Ticks)[] units = [("d", TimeSpan.TicksPerDay), ("h", TimeSpan.TicksPerHour), ("m", TimeSpan.TicksPerMinute), ("s", TimeSpan.TicksPerSecond), ("ms", TimeSpan.TicksPerMillisecond)];
        Gen.Select(Gen.Long[0, 999_999_999_999_999], Gen.Int[0, 15], Gen.Int[0, units.Length - 1]).Sample((digits, scale, unit) =>
        {
            decimal number = digits / (decimal)Math.Pow(10, scale);
            string text = number.ToString(CultureInfo.InvariantCulture) + units[unit].Unit;
            decimal exact = number * units[unit].Ticks;
            if (exact > TimeSpan.MaxValue.Ticks)
            {
                Assert.Throws<FormatException>(() => DurationText.Parse(text));
                return;
            }

            Assert.Equal((long)Math.Round(exact, MidpointRounding.AwayFromZero), DurationText.Parse(text).Ticks);
        }, iter: 20_000);
    }

    // ---- SlaPeriod ----

    [Theory]
    [InlineData("٢٠٢٦")]
    [InlineData("٢٠٢٦-٠٢")]
    [InlineData("２０２６-０２")]
    [InlineData("2026-0٢")]
    [InlineData("-2026")]
    [InlineData("+2026")]
    [InlineData("2,026")]
    [InlineData("2026.0")]
    [InlineData("2026-Q٢")]
    [InlineData("0000")]
    [InlineData("9999")]
    [InlineData("2026-00")]
    [InlineData("2026-13")]
    [InlineData("1e3d")]
    [InlineData("-30d")]
    [InlineData("0d")]
    [InlineData("0.00000000000000001d")] // rounds to no tick: not a period
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("30,5d")]
    [InlineData("2026 - 02")]
    public void A_period_refuses_a_hostile_number(string text)
    {
        Assert.Throws<FormatException>(() => SlaPeriod.Parse(text));
        Assert.False(SlaPeriod.TryParse(text, YearConvention.Days365, out _));
    }

    [Theory]
    [InlineData(" 2026-02 ", "2026-02")]
    [InlineData("\t2026\n", "2026")]
    [InlineData(" 30d ", "30d")]
    [InlineData("0.0000000001d", "0.0000086s")]
    public void A_period_ignores_white_space_around_it(string text, string period) =>
        Assert.Equal(period, SlaPeriod.Parse(text).ToString());

    [Fact]
    public void A_null_period_names_its_parameter() =>
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => SlaPeriod.Parse(null!)).ParamName);

    private static readonly Gen<string> PeriodTexts = Gen.OneOf(
        DurationTexts,
        Gen.Select(Gen.String[Gen.Char["0123456789٠٢９"], 0, 5], Gen.OneOf<string>("", "-", "-Q", "-q", " -", "-0"), Gen.String[Gen.Char["0123456789٠٢９"], 0, 3], static (a, b, c) => a + b + c),
        Gen.OneOf<string>("year", "YEAR", " month ", "quarter", "week", "day", "days", "yeah"));

    [Fact]
    public void Property_a_period_parses_to_a_value_that_reads_back_or_throws_a_format_exception()
    {
        Gen.Select(PeriodTexts, Gen.OneOf<YearConvention>(YearConvention.Days365, YearConvention.Gregorian)).Sample((text, convention) =>
        {
            if (SlaPeriod.TryParse(text, convention, out SlaPeriod period))
            {
                Assert.Equal(period, SlaPeriod.Parse(text, convention));
                Assert.True(period.Length > TimeSpan.Zero);
                Assert.Equal(period, SlaPeriod.Parse(period.ToString(), convention));
                Assert.True(text.Trim().All(static c => char.IsAscii(c) || char.IsWhiteSpace(c)), $"'{text}' was read");
            }
            else
            {
                Assert.Throws<FormatException>(() => SlaPeriod.Parse(text, convention));
            }
        }, iter: 20_000);
    }

    // ---- CreditSchedule and CreditTier ----

    [Theory]
    [MemberData(nameof(NotNumbers))]
    public void A_credit_tier_refuses_a_number_that_is_not_one(string number)
    {
        Assert.Throws<FormatException>(() => CreditSchedule.Parse(number + ":10"));
        Assert.Throws<FormatException>(() => CreditSchedule.Parse("99.9:" + number));
        Assert.Throws<FormatException>(() => CreditSchedule.Parse("99.99:10," + number + ":25"));
    }

    [Theory]
    [InlineData("99.999999999999999999999999999:10", "99.999999999999999999999999999")]
    [InlineData("0.0000000000000000000000000001:10", "0.0000000000000000000000000001")]
    [InlineData("99.9:33.3333333333333333", "15 significant digits for a credit")]
    [InlineData("99.9:0.0000000000000000000000000000000000000000000000000000000000001", "15 significant digits for a credit")]
    public void A_credit_tier_with_more_digits_than_counted_is_refused_not_rounded(string text, string named)
    {
        FormatException exception = Assert.Throws<FormatException>(() => CreditSchedule.Parse(text));

        Assert.Contains("has more digits than SlaKit counts with", exception.Message, StringComparison.Ordinal);
        Assert.Contains(named, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("99.9:100.00000000000001")]
    [InlineData("100.00000000000000000000000001:10")]
    [InlineData("0:10")]
    [InlineData("0.000:10")]
    public void A_credit_tier_on_the_wrong_side_of_a_bound_is_refused(string text) =>
        Assert.Throws<FormatException>(() => CreditSchedule.Parse(text));

    [Theory]
    [InlineData("99.99999999999999999999999:10", "99.99999999999999999999999:10")]
    [InlineData("0.0000000001:100", "0.0000000001:100")]
    [InlineData("99.9:0.00001", "99.9:0.00001")]
    [InlineData("99.9:0.0000000000000000000000000000000000000000000000000000000001", "99.9:0.0000000000000000000000000000000000000000000000000000000001")]
    [InlineData(" 99.9 : 012.50 ", "99.9:12.5")]
    public void A_credit_schedule_prints_what_it_read_and_reads_it_back(string text, string printed)
    {
        CreditSchedule schedule = CreditSchedule.Parse(text);

        Assert.Equal(printed, schedule.ToString());
        Assert.Equal(printed, CreditSchedule.Parse(schedule.ToString()).ToString());
    }

    [Fact]
    public void A_credit_of_negative_zero_is_zero_and_prints_as_one()
    {
        var tier = new CreditTier(Availability.FromPercent(99), -0.0);

        Assert.False(double.IsNegative(tier.CreditPercent));
        Assert.Equal("99:0", tier.ToString());
        Assert.Equal("99:0", CreditSchedule.Parse(new CreditSchedule([tier]).ToString()).ToString());
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(-double.Epsilon)]
    [InlineData(100.00000000000001)]
    public void A_credit_tier_names_a_bad_credit(double credit) =>
        Assert.Equal("creditPercent", Assert.Throws<ArgumentOutOfRangeException>(() => new CreditTier(Availability.FromPercent(99), credit)).ParamName);

    private static readonly Gen<string> TierNumber = Gen.OneOf(
        HostileNumbers.Text,
        Gen.Select(Gen.Int[0, 100], Gen.Int[0, 9999]).Select(static (whole, fraction) => $"{whole}.{fraction}"));

    [Fact]
    public void Property_a_credit_schedule_reads_back_as_it_prints_or_throws_a_format_exception()
    {
        Gen.Select(TierNumber, TierNumber).Array[1, 4].Select(static tiers => string.Join(",", tiers.Select(static t => t.Item1 + ":" + t.Item2))).Sample(text =>
        {
            CreditSchedule schedule;
            try
            {
                schedule = CreditSchedule.Parse(text);
            }
            catch (FormatException)
            {
                return;
            }

            string printed = schedule.ToString();
            Assert.Equal(printed, CreditSchedule.Parse(printed).ToString());
            Assert.All(schedule.Tiers, static tier =>
            {
                Assert.InRange(tier.CreditPercent, 0, 100);
                Assert.True(tier.Below > Availability.Zero);
            });
            Assert.True(text.All(static c => char.IsAscii(c) || char.IsWhiteSpace(c)), $"'{text}' was read");
        }, iter: 20_000);
    }

    // ---- IncidentCsv weights and Incident ----

    private static IncidentCsvException WeightFails(string weight) =>
        Assert.Throws<IncidentCsvException>(() => IncidentCsv.Read(new StringReader($"2026-02-10T10:00:00Z,2026-02-10T11:00:00Z,{weight}\n")));

    private static double Weight(string weight) =>
        IncidentCsv.Read(new StringReader($"2026-02-10T10:00:00Z,2026-02-10T11:00:00Z,{weight}\n")).Single().Weight;

    [Theory]
    [MemberData(nameof(NotNumbers))]
    public void An_incident_weight_refuses_a_number_that_is_not_one(string weight)
    {
        if (weight.Trim().Length > 0)
        {
            WeightFails(weight);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.000")]
    [InlineData("1.000000000000001")]
    [InlineData("2")]
    public void An_incident_weight_outside_0_to_1_is_refused(string weight) =>
        Assert.Contains("is not a weight in (0, 1]", WeightFails(weight).Message, StringComparison.Ordinal);

    [Fact]
    public void An_incident_weight_too_small_for_a_double_is_refused_rather_than_read_as_0() =>
        Assert.Contains("is not a weight in (0, 1]", WeightFails("0." + new string('0', 400) + "1").Message, StringComparison.Ordinal);

    [Theory]
    [InlineData(" 0.5 ", 0.5)]
    [InlineData("0.0000000001", 0.0000000001)]
    [InlineData("0.33333333333333333333333333333333333", 1.0 / 3)]
    [InlineData(".25", 0.25)]
    [InlineData("1.0000000000000000001", 1.0)] // the nearest double is 1
    [InlineData("0.99999999999999999999", 1.0)]
    public void An_incident_weight_is_the_nearest_double(string weight, double expected) =>
        Assert.Equal(expected, Weight(weight));

    [Fact]
    public void Property_an_incident_weight_is_the_nearest_double_in_0_to_1_or_the_line_is_refused()
    {
        HostileNumbers.Text.Where(static t => !t.Contains(',', StringComparison.Ordinal) && !t.Contains('\n', StringComparison.Ordinal)).Sample(weight =>
        {
            string trimmed = weight.Trim();
            bool plain = trimmed.Length > 0 && trimmed.All(static c => char.IsAsciiDigit(c) || c == '.') && trimmed.Count(static c => c == '.') <= 1 && trimmed.Any(char.IsAsciiDigit);
            double nearest = plain ? double.Parse(trimmed, CultureInfo.InvariantCulture) : double.NaN;
            if (plain && nearest is > 0 and <= 1)
            {
                Assert.Equal(nearest, Weight(weight));
            }
            else
            {
                WeightFails(weight);
            }
        }, iter: 20_000);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(0.0)]
    [InlineData(1.0000000000000002)]
    public void An_incident_names_a_bad_weight(double weight) =>
        Assert.Equal("weight", Assert.Throws<ArgumentOutOfRangeException>(() => new Incident(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1), weight)).ParamName);

    // ---- Factories that take a double ----

    private static readonly Gen<double> AnyDouble = Gen.OneOf(
        Gen.Long.Select(BitConverter.Int64BitsToDouble),
        Gen.Double[-1, 101],
        Gen.OneOf<double>(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, double.Epsilon, -double.Epsilon, 1e-30, 1e-10, 100, 100.00000000000001, 99.99999999999999, 1, 0.9999999999999999, 28, 28.000000000000004, double.MaxValue, double.MinValue));

    public static TheoryData<double> BadDoubles => [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -double.Epsilon, -1e-300, 1e300];

    [Theory]
    [MemberData(nameof(BadDoubles))]
    public void Factories_name_the_number_they_refuse(double value)
    {
        Assert.Equal("percent", Assert.Throws<ArgumentOutOfRangeException>(() => Availability.FromPercent(value)).ParamName);
        Assert.Equal("ratio", Assert.Throws<ArgumentOutOfRangeException>(() => Availability.FromRatio(value)).ParamName);
        Assert.Equal("nines", Assert.Throws<ArgumentOutOfRangeException>(() => Availability.FromNines(value)).ParamName);
        Assert.Equal("percent", Assert.Throws<ArgumentOutOfRangeException>(() => new SlaTargetAttribute(value)).ParamName);
        Assert.Equal("lossPercent", Assert.Throws<ArgumentOutOfRangeException>(() => VoiceQuality.Estimate(TimeSpan.Zero, TimeSpan.Zero, value)).ParamName);
        Assert.Equal("lossPercent", Assert.Throws<ArgumentOutOfRangeException>(() => new VoiceQualityProbe(null).ReportSample(TimeSpan.Zero, TimeSpan.Zero, value)).ParamName);
        Assert.Equal("degradedMos", Assert.Throws<ArgumentOutOfRangeException>(() => new VoiceQualityProbe(null, value)).ParamName);
        if (!double.IsFinite(value) || value < 0)
        {
            Assert.Equal("burnRate", Assert.Throws<ArgumentOutOfRangeException>(() => new BurnRateAlertRule(AlertSeverity.Page, value, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5))).ParamName);
        }
    }

    [Fact]
    public void Negative_zero_is_zero()
    {
        Assert.Equal(Availability.Zero, Availability.FromPercent(-0.0));
        Assert.Equal(Availability.Zero, Availability.FromRatio(-0.0));
        Assert.Equal(Availability.Zero, Availability.FromNines(-0.0));
        Assert.Equal(VoiceQuality.Estimate(TimeSpan.Zero, TimeSpan.Zero, 0.0), VoiceQuality.Estimate(TimeSpan.Zero, TimeSpan.Zero, -0.0));
        Assert.Equal("burnRate", Assert.Throws<ArgumentOutOfRangeException>(() => new BurnRateAlertRule(AlertSeverity.Page, -0.0, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5))).ParamName);
        Assert.Equal("percent", Assert.Throws<ArgumentOutOfRangeException>(() => new SlaTargetAttribute(-0.0)).ParamName);
        Assert.Equal("weight", Assert.Throws<ArgumentOutOfRangeException>(() => new Incident(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, -0.0)).ParamName);
    }

    [Theory]
    [InlineData(1e-30)]
    [InlineData(double.Epsilon)]
    [InlineData(1e-27)]
    public void An_sla_target_too_small_to_tell_from_0_percent_is_refused(double percent) =>
        // In (0, 100] as a double, but its Target would be 0%.
        Assert.Equal("percent", Assert.Throws<ArgumentOutOfRangeException>(() => new SlaTargetAttribute(percent)).ParamName);

    [Fact]
    public void An_sla_target_of_1e_minus_10_percent_is_kept()
    {
        var target = new SlaTargetAttribute(1e-10);

        Assert.True(target.Target > Availability.Zero);
    }

    [Fact]
    public void Negative_event_counts_are_named()
    {
        SlaKit.Availability target = Availability.FromPercent(99.9);
        Assert.Equal("totalEvents", Assert.Throws<ArgumentOutOfRangeException>(() => ErrorBudget.FromEvents(target, -1, 0)).ParamName);
        Assert.Equal("badEvents", Assert.Throws<ArgumentOutOfRangeException>(() => ErrorBudget.FromEvents(target, 10, -1)).ParamName);
        Assert.Equal("badEvents", Assert.Throws<ArgumentOutOfRangeException>(() => ErrorBudget.FromEvents(target, 10, 11)).ParamName);
    }

    [Fact]
    public void Property_a_percent_factory_returns_the_percent_to_15_digits_or_names_it()
    {
        AnyDouble.Sample(percent =>
        {
            if (percent is >= 0 and <= 100)
            {
                SlaKit.Availability availability = Availability.FromPercent(percent);
                Assert.InRange(availability.Percent, 0, 100);
                Assert.True(Math.Abs(availability.Percent - percent) <= 1e-12, $"{percent} became {availability.Percent}");
            }
            else
            {
                Assert.Equal("percent", Assert.Throws<ArgumentOutOfRangeException>(() => Availability.FromPercent(percent)).ParamName);
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Property_ratio_and_nines_factories_return_a_value_in_range_or_name_the_argument()
    {
        AnyDouble.Sample(value =>
        {
            if (value is >= 0 and <= 1)
            {
                Assert.True(Math.Abs(Availability.FromRatio(value).Ratio - value) <= 1e-14, $"ratio {value}");
            }
            else
            {
                Assert.Equal("ratio", Assert.Throws<ArgumentOutOfRangeException>(() => Availability.FromRatio(value)).ParamName);
            }

            if (value is >= 0 and <= 28)
            {
                double nines = Availability.FromNines(value).Nines;
                Assert.True(Math.Abs(nines - value) <= 0.5 || value > 27, $"nines {value} became {nines}");
            }
            else
            {
                Assert.Equal("nines", Assert.Throws<ArgumentOutOfRangeException>(() => Availability.FromNines(value)).ParamName);
            }
        }, iter: 20_000);
    }
}
