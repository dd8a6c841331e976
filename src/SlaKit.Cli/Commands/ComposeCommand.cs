using System.CommandLine;

namespace SlaKit.Cli.Commands;

/// <summary><c>slakit compose serial|parallel|kofn</c>: the availability of a system from its parts.</summary>
internal static class ComposeCommand
{
    public static Command Create()
    {
        var command = new Command("compose", "The availability of a system built from components that fail independently.")
        {
            Series("serial", "Up only when every component is up: A = Π Aᵢ.", Availability.Serial),
            Series("parallel", "Up when any component is up (redundancy): A = 1 − Π (1 − Aᵢ).", Availability.Parallel),
            KOfN(),
        };
        return command;
    }

    private static Command Series(string name, string description, Func<IEnumerable<Availability>, Availability> compose)
    {
        var percents = new Argument<string[]>("percent") { Description = "Component availabilities in (0, 100].", Arity = ArgumentArity.OneOrMore };
        Option<string> yearDays = PeriodOptions.YearDaysOption();
        var command = new Command(name, description) { percents, yearDays };
        command.SetAnswer(parse =>
        {
            Availability[] parts = parse.GetValue(percents)!.Select(text => CliInput.Percent(text, "percent")).ToArray();
            return Composed(compose(parts), $"{name} of {string.Join(", ", parts)}", CliInput.YearDays(parse.GetValue(yearDays)!));
        });
        return command;
    }

    private static Command KOfN()
    {
        var k = new Argument<string>("k") { Description = "How many components must be up." };
        var n = new Argument<string>("n") { Description = "How many components there are (at most 1000)." };
        var percent = new Argument<string>("percent") { Description = "Each component's availability in (0, 100]." };
        Option<string> yearDays = PeriodOptions.YearDaysOption();
        var command = new Command("kofn", "Up when at least k of n identical components are up.") { k, n, percent, yearDays };
        command.SetAnswer(parse =>
        {
            int count = CliInput.Count(parse.GetValue(n)!, "n", 1, 1000);
            int needed = CliInput.Count(parse.GetValue(k)!, "k", 1, count);
            Availability each = CliInput.Percent(parse.GetValue(percent)!, "percent");
            return Composed(Availability.KOfN(needed, count, each), $"{needed} of {count} at {each}", CliInput.YearDays(parse.GetValue(yearDays)!));
        });
        return command;
    }

    private static Answer Composed(Availability system, string what, YearConvention convention)
    {
        SlaPeriod year = SlaPeriod.Year(convention);
        TimeSpan perYear = system.AllowedDowntime(year);
        return new Answer()
            .Set("availabilityPercent", system.Percent)
            .Set("allowedDowntimeSecondsPerYear", CliInput.Seconds(perYear))
            .Set("allowedDowntimePerYear", DurationText.Format(perYear))
            .Line($"{what}: {system}, which allows {DurationText.Format(perYear)} of downtime over {DowntimeCommand.Describe(year)}.");
    }
}
