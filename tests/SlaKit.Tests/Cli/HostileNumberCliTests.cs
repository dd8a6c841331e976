using System.Globalization;
using CsCheck;
using SlaKit.Cli;

namespace SlaKit.Tests.Cli;

/// <summary>
/// Hostile numbers on the command line (the decisions per kind of input are in <see cref="HostileNumbers"/>): each ends
/// in an answer computed from the exact number, or in one line on stderr and exit 2; never a stack trace, never a figure
/// read from another number.
/// </summary>
/// <remarks>
/// Every place the command line takes a number from a person, and the reader behind it:
/// <list type="bullet">
/// <item>Percentages, <c>CliInput.Percent</c>: <c>downtime &lt;percent&gt;</c>, <c>compose serial|parallel
/// &lt;percent&gt;...</c>, <c>compose kofn ... &lt;percent&gt;</c>, <c>credit --measured</c>, <c>measure --sla</c>,
/// <c>report --sla</c>, and <c>budget --target</c> (below 100).</item>
/// <item>Whole numbers, <c>CliInput.Count</c> and the budget's counts: <c>compose kofn &lt;k&gt; &lt;n&gt;</c>,
/// <c>probe --count</c>, <c>budget --total</c>, <c>budget --failed</c>.</item>
/// <item>Durations, <c>CliInput.Duration</c> (<see cref="DurationText"/>): <c>nines &lt;downtime&gt;</c>,
/// <c>mtbf --mtbf/--mttr</c>, <c>budget --window</c>, <c>probe --timeout/--interval</c>, <c>call
/// --hold/--provisional-timeout</c>.</item>
/// <item>Periods, <c>CliInput.Period</c>/<c>CliInput.Month</c> (<see cref="SlaPeriod"/>): <c>downtime/nines
/// --period</c>, <c>measure --month</c>, <c>report --from/--to</c>; and <c>--year-days</c>
/// (<c>CliInput.YearDays</c>).</item>
/// <item>Credit tiers, <c>CliInput.Tiers</c> (<see cref="CreditSchedule"/>): <c>credit/measure/report --tiers</c>.</item>
/// <item>Latency, jitter and loss, <c>CliInput.Number</c>: <c>mos --latency/--jitter/--loss</c>.</item>
/// <item>Numbers in files: incident weights (<c>measure/report --incidents</c>, <see cref="IncidentCsv"/>) and SLO
/// targets, windows and thresholds (<c>rules --slo</c>, <c>SloDocument</c>).</item>
/// </list>
/// </remarks>
public sealed class HostileNumberCliTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("slakit-numbers-");

    public void Dispose() => _directory.Delete(recursive: true);

    /// <summary>Each option or argument that takes a number: the command line with <c>{0}</c> where the number goes, and the name its error gives.</summary>
    private static readonly (string[] Args, string Named)[] Slots =
    [
        (["downtime", "{0}"], "percent '"),
        (["downtime", "99.9", "--period", "{0}"], "--period '"),
        (["downtime", "99.9", "--year-days", "{0}"], "--year-days '"),
        (["nines", "{0}"], "downtime '"),
        (["nines", "8h", "--period", "{0}"], "--period '"),
        (["compose", "serial", "99.9", "{0}"], "percent '"),
        (["compose", "parallel", "{0}", "99.9"], "percent '"),
        (["compose", "kofn", "{0}", "3", "99.9"], "k '"),
        (["compose", "kofn", "2", "{0}", "99.9"], "n '"),
        (["compose", "kofn", "2", "3", "{0}"], "percent '"),
        (["mtbf", "--mtbf", "{0}", "--mttr", "15m"], "--mtbf '"),
        (["mtbf", "--mtbf", "720h", "--mttr", "{0}"], "--mttr '"),
        (["credit", "--measured", "{0}", "--tiers", "99.9:10"], "--measured '"),
        (["credit", "--measured", "99.5", "--tiers", "{0}:10"], "--tiers: '"),
        (["credit", "--measured", "99.5", "--tiers", "99.9:{0}"], "--tiers: '"),
        (["measure", "--incidents", "x.csv", "--month", "{0}"], "--month '"),
        (["measure", "--incidents", "x.csv", "--month", "2026-02", "--sla", "{0}"], "--sla '"),
        (["mos", "--latency", "{0}", "--jitter", "10", "--loss", "1"], "--latency '"),
        (["mos", "--latency", "100", "--jitter", "{0}", "--loss", "1"], "--jitter '"),
        (["mos", "--latency", "100", "--jitter", "10", "--loss", "{0}"], "--loss '"),
        (["budget", "--target", "{0}", "--total", "100", "--failed", "1"], "--target '"),
        (["budget", "--target", "99.9", "--window", "{0}", "--total", "100", "--failed", "1"], "--window '"),
        (["budget", "--target", "99.9", "--total", "{0}", "--failed", "1"], "--total '"),
        (["budget", "--target", "99.9", "--total", "100", "--failed", "{0}"], "--failed '"),
        (["probe", "tcp://127.0.0.1:9", "--timeout", "{0}"], "--timeout '"),
        (["probe", "tcp://127.0.0.1:9", "--count", "{0}"], "--count '"),
        (["probe", "tcp://127.0.0.1:9", "--count", "2", "--interval", "{0}"], "--interval '"),
        (["call", "sip:bob@127.0.0.1", "--trunk", "sip:127.0.0.1:9", "--hold", "{0}"], "--hold '"),
        (["call", "sip:bob@127.0.0.1", "--trunk", "sip:127.0.0.1:9", "--provisional-timeout", "{0}"], "--provisional-timeout '"),
        (["report", "--incidents", "x.csv", "--sla", "{0}", "--from", "2026-01"], "--sla '"),
        (["report", "--incidents", "x.csv", "--sla", "99.9", "--from", "{0}"], "--from '"),
        (["report", "--incidents", "x.csv", "--sla", "99.9", "--from", "2026-01", "--to", "{0}"], "--to '"),
    ];

    private static string[] Fill(string[] args, string value) =>
        [.. args.Select(arg => arg.Replace("{0}", value, StringComparison.Ordinal))];

    public static TheoryData<int, string> EveryHostileNumberInEverySlot()
    {
        var data = new TheoryData<int, string>();
        for (int slot = 0; slot < Slots.Length; slot++)
        {
            foreach (string text in HostileNumbers.NotNumbers)
            {
                data.Add(slot, text);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryHostileNumberInEverySlot))]
    public void A_hostile_number_anywhere_gets_one_line_naming_it_and_exit_2(int slot, string text)
    {
        (string[] args, string named) = Slots[slot];

        CliRun run = CliRun.Of(Fill(args, text));

        run.AssertBadInput(named);
    }

    [Theory]
    [InlineData("downtime", "99.999999999999999999999999999")] // 27 decimal places: 1 − p/100 would lose the last
    [InlineData("downtime", "99.9999999999999999999999999999999999999999")]
    [InlineData("downtime", "0.0000000000000000000000000001")]
    [InlineData("budget", "99.99999999999999999999999999999")] // used to be "not in (0, 100)": it rounded to 100
    [InlineData("credit", "99.999999999999999999999999999")]
    [InlineData("mos", "100.00000000000000000000000000001")]
    public void A_number_with_more_digits_than_counted_is_named_so_not_rounded(string command, string number)
    {
        string[] args = command switch
        {
            "downtime" => ["downtime", number],
            "budget" => ["budget", "--target", number, "--total", "100", "--failed", "1"],
            "credit" => ["credit", "--measured", number, "--tiers", "99:10"],
            _ => ["mos", "--latency", "100", "--jitter", "10", "--loss", number],
        };

        CliRun.Of(args).AssertBadInput($"'{number}' has more digits than SlaKit counts with");
    }

    [Theory]
    [InlineData("nines", "1.0000000000000000000000000000000000000000000000000000000000001s", "more than 60 digits")]
    [InlineData("nines", "99999999999999999999999999999d", "too long a duration")]
    [InlineData("downtime", "1e-30", "is not a percentage in (0, 100]")]
    [InlineData("downtime", "0", "is not a percentage in (0, 100]")]
    [InlineData("downtime", "0.000", "is not a percentage in (0, 100]")]
    [InlineData("downtime", "100.0000000000000000000000001", "is not a percentage in (0, 100]")]
    [InlineData("budget", "100", "is not a percentage in (0, 100)")]
    [InlineData("budget", "100.000", "is not a percentage in (0, 100)")]
    public void A_number_on_a_bound_or_past_it_is_refused(string command, string number, string named)
    {
        string[] args = command switch
        {
            "nines" => ["nines", number],
            "downtime" => ["downtime", number],
            _ => ["budget", "--target", number, "--total", "100", "--failed", "1"],
        };

        CliRun.Of(args).AssertBadInput(named);
    }

    [Fact]
    public void A_tiny_percentage_is_computed_exactly()
    {
        var json = CliRun.Json("downtime", "0.0000000001", "--period", "day");

        Assert.Equal("1E-10", CliRun.Raw(json, "availabilityPercent"));
        // A day less 1e-12 of it: 86,399.9999999136 s, to the tick.
        Assert.Equal("86399.9999999", CliRun.Raw(json, "allowedDowntimeSeconds"));
    }

    [Fact]
    public void The_lowest_budget_target_spends_its_budget_without_dividing_by_zero()
    {
        var json = CliRun.Json("budget", "--target", "1", "--total", "100", "--failed", "100");

        Assert.Equal(100 / 99.0, json.GetProperty("burnRate").GetDouble(), 12);
    }

    [Fact]
    public void A_tiny_budget_target_is_refused_as_a_ratio()
    {
        CliRun.Of("budget", "--target", "0.0000000001", "--total", "100", "--failed", "100")
            .AssertBadInput("--target '0.0000000001' is a ratio; write the target as a percent, e.g. 0.00000001");
    }

    [Theory]
    [InlineData("downtime", " 99.9 ")]
    [InlineData("downtime", "\t99.9\u00a0")]
    [InlineData("downtime", "099.900")]
    [InlineData("downtime", "99.9", "--period", " year ")]
    [InlineData("downtime", "99.9", "--year-days", " 365.0 ")]
    [InlineData("compose", "kofn", " 1 ", " 1 ", " 99.9 ")]
    [InlineData("mos", "--latency", " 100 ", "--jitter", "10.0", "--loss", "1.000")]
    [InlineData("budget", "--target", " 99.9 ", "--total", " 100 ", "--failed", " 007 ")]
    [InlineData("credit", "--measured", " 99.5 ", "--tiers", " 99.9 : 10 ")]
    public void White_space_around_a_number_and_zeros_that_change_nothing_are_ignored(params string[] args)
    {
        string[] plain = [.. args.Select(static arg => arg.Trim() switch
        {
            "099.900" => "99.9",
            "365.0" => "365",
            "10.0" => "10",
            "1.000" => "1",
            "007" => "7",
            "99.9 : 10" => "99.9:10",
            var trimmed => trimmed,
        })];

        CliRun spaced = CliRun.Of(args);
        CliRun expected = CliRun.Of(plain);

        Assert.Equal(0, expected.ExitCode);
        Assert.Equal(expected, spaced);
    }

    /// <summary>Valid command lines covering every command that reads a number; files are made in the test's folder.</summary>
    private string[][] ValidCommands()
    {
        string incidents = Path.Combine(_directory.FullName, "incidents.csv");
        File.WriteAllText(incidents, "start,end,weight\n2026-02-10T10:00:00Z,2026-02-10T10:30:00Z,0.5\n2026-02-12T08:00:00Z,2026-02-12T08:07:30Z,1\n");
        string slo = Path.Combine(_directory.FullName, "slo.yaml");
        File.WriteAllText(slo, "version: 1\nslos:\n  - {name: a, target: 99.95, window: 28d, budgeting: time-slices, sliceLength: 5m, sliceTarget: 99.5, latencyThreshold: 0.25s}\n");
        return
        [
            ["downtime", "99.95", "--period", "2026-02"],
            ["downtime", "99.99999999999999999999999", "--period", "30.5d", "--year-days", "365.2425"],
            ["nines", "52m 33.6s", "--period", "year"],
            ["nines", "1.5h", "--period", "2026-Q1"],
            ["compose", "serial", "99.9", "99.95", "99.5"],
            ["compose", "parallel", "99.9", "98.5"],
            ["compose", "kofn", "2", "3", "99.9"],
            ["mtbf", "--mtbf", "720h", "--mttr", "15.5m"],
            ["credit", "--measured", "99.5", "--tiers", "99.99:10,99:25.5,95:100"],
            ["measure", "--incidents", incidents, "--month", "2026-02", "--sla", "99.95", "--tiers", "99.99:10,99:25"],
            ["mos", "--latency", "100.5", "--jitter", "10.25", "--loss", "1.5"],
            ["budget", "--target", "99.9", "--window", "28d", "--total", "1234567", "--failed", "890"],
            ["report", "--incidents", incidents, "--sla", "99.95", "--from", "2026-01", "--to", "2026-03", "--tiers", "99.99:10.5,99:25"],
            ["report", "--incidents", incidents, "--sla", "99.95", "--from", "2026-01", "--to", "2026-03", "--format", "html"],
            ["rules", "--slo", slo],
        ];
    }

    [Fact]
    public void The_current_culture_does_not_change_any_answer()
    {
        foreach (string[] args in ValidCommands())
        {
            foreach (string[] line in args.Contains("--format") ? [args] : (string[][])[args, [.. args, "--json"]])
            {
                CliRun invariant = HostileNumbers.InCulture(CultureInfo.InvariantCulture, () => CliRun.Of(line));
                Assert.True(invariant.ExitCode == 0, $"{string.Join(" ", line)}: {invariant.Error}");
                foreach (CultureInfo culture in HostileNumbers.ForeignCultures())
                {
                    CliRun foreign = HostileNumbers.InCulture(culture, () => CliRun.Of(line));
                    Assert.True(invariant == foreign, $"{string.Join(" ", line)} in a culture writing {culture.NumberFormat.NumberDecimalSeparator}: {foreign.Output}{foreign.Error}");
                }
            }
        }
    }

    [Theory]
    [InlineData("downtime", "99,9")]
    [InlineData("downtime", "99٫9")]
    [InlineData("downtime", "٩٩.٩")]
    [InlineData("budget", "1.000")]
    [InlineData("budget", "1\u202f000")]
    public void A_number_in_the_current_cultures_own_writing_is_still_refused(string command, string number)
    {
        foreach (CultureInfo culture in HostileNumbers.ForeignCultures())
        {
            CliRun run = HostileNumbers.InCulture(culture, () => command == "downtime"
                ? CliRun.Of("downtime", number)
                : CliRun.Of("budget", "--target", "99.9", "--total", number, "--failed", "1"));

            if (command == "budget" && number == "1.000")
            {
                // Not a whole number, whatever a culture's group separator is.
                run.AssertBadInput("--total '1.000' is not a whole number");
            }
            else
            {
                run.AssertBadInput($"'{number}'");
            }
        }
    }

    // ---- Property tests: the readers, and whole command lines ----

    [Fact]
    public void Property_cli_percent_is_the_exact_number_or_a_usage_error()
    {
        HostileNumbers.Text.Sample(text =>
        {
            decimal? exact = HostileNumbers.Exact(text);
            bool valid = exact is { } p && p > 0m && p <= 100m && (p / 1.000000000000000000000000000000000m).Scale <= 26;
            if (valid)
            {
                Assert.Equal(exact, CliInput.Percent(text, "percent").PercentExact);
                Assert.Equal(exact < 100m, Succeeds(() => CliInput.Percent(text, "--target", below100: true)));
            }
            else
            {
                Assert.Throws<CliUsageException>(() => CliInput.Percent(text, "percent"));
                Assert.Throws<CliUsageException>(() => CliInput.Percent(text, "--target", below100: true));
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Property_cli_numbers_and_counts_are_exact_or_a_usage_error()
    {
        HostileNumbers.Text.Sample(text =>
        {
            decimal? exact = HostileNumbers.Exact(text);
            if (exact is { } n && n <= 100m)
            {
                Assert.Equal(n, CliInput.Number(text, "--loss", 100m));
            }
            else
            {
                Assert.Throws<CliUsageException>(() => CliInput.Number(text, "--loss", 100m));
            }

            string trimmed = text.Trim();
            if (trimmed.Length > 0 && trimmed.All(char.IsAsciiDigit) &&
                decimal.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out decimal count) && count is >= 1 and <= 1000)
            {
                Assert.Equal((int)count, CliInput.Count(text, "n", 1, 1000));
            }
            else
            {
                Assert.Throws<CliUsageException>(() => CliInput.Count(text, "n", 1, 1000));
            }

            YearConvention? year = exact switch
            {
                365m => YearConvention.Days365,
                365.2425m => YearConvention.Gregorian,
                _ => null,
            };
            if (year is { } convention)
            {
                Assert.Equal(convention, CliInput.YearDays(text));
            }
            else
            {
                Assert.Throws<CliUsageException>(() => CliInput.YearDays(text));
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Property_cli_durations_periods_and_tiers_are_what_the_library_reads_or_a_usage_error()
    {
        Gen.Select(HostileNumbers.Text, Gen.OneOf<string>("s", "ms", "m", "h", "d", "", ":10", "-02", " 5m"), static (n, suffix) => n + suffix).Sample(text =>
        {
            AssertSame(() => DurationText.Parse(text), () => CliInput.Duration(text, "--window"));
            AssertSame(() => SlaPeriod.Parse(text), () => CliInput.Period(text, YearConvention.Days365));
            AssertSame(() => CreditSchedule.Parse(text).ToString(), () => CliInput.Tiers(text).ToString());
        }, iter: 20_000);
    }

    /// <summary>The CLI reader answers as the library does, or gives a usage error where the library throws a FormatException.</summary>
    private static void AssertSame<T>(Func<T> library, Func<T> cli)
    {
        T expected;
        try
        {
            expected = library();
        }
        catch (FormatException)
        {
            Assert.Throws<CliUsageException>(() => cli());
            return;
        }

        Assert.Equal(expected, cli());
    }

    private static bool Succeeds(Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (CliUsageException)
        {
            return false;
        }
    }

    [Fact]
    public void Property_any_number_on_any_command_line_gets_an_answer_or_one_line_and_exit_2()
    {
        Gen.Select(Gen.Int[0, Slots.Length - 1], HostileNumbers.Text)
            .Where(static input => Slots[input.Item1].Args[0] is not ("probe" or "call" or "measure" or "report"))
            .Sample((slot, text) =>
            {
                CliRun run = CliRun.Of(Fill(Slots[slot].Args, text));
                if (run.ExitCode == 0)
                {
                    Assert.Equal("", run.Error);
                    Assert.NotEqual("", run.Output);
                }
                else
                {
                    run.AssertBadInput("slakit: ");
                }
            }, iter: 5_000);
    }
}
