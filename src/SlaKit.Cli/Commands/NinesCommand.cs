using System.CommandLine;

namespace SlaKit.Cli.Commands;

/// <summary><c>slakit nines &lt;downtime&gt;</c>: the availability a downtime over a period amounts to.</summary>
internal static class NinesCommand
{
    public static Command Create()
    {
        var downtime = new Argument<string>("downtime") { Description = "The downtime, as `downtime` prints it: 52m 33.6s, 4m19.2s, 8h." };
        var periodOptions = new PeriodOptions();
        var command = new Command("nines", "The availability that a given downtime over a period amounts to (the inverse of downtime).") { downtime };
        periodOptions.AddTo(command);
        command.SetAnswer(parse =>
        {
            string text = parse.GetValue(downtime)!;
            TimeSpan down = CliInput.Duration(text, "downtime");
            SlaPeriod period = periodOptions.Read(parse);
            if (down > period.Length)
            {
                throw new CliUsageException($"downtime '{text}' is longer than the period {DowntimeCommand.Describe(period)}.");
            }

            Availability availability = Availability.FromDowntime(down, period);
            double nines = Math.Round(availability.Nines, 6);
            return new Answer()
                .Set("availabilityPercent", availability.Percent)
                .Set("nines", double.IsInfinity(nines) ? null : nines)
                .Set("period", period.ToString())
                .Set("periodSeconds", CliInput.Seconds(period.Length))
                .Set("downtimeSeconds", CliInput.Seconds(down))
                .Line($"{DurationText.Format(down)} of downtime over {DowntimeCommand.Describe(period)} is {availability} availability"
                    + (double.IsInfinity(nines) ? "." : $" ({CliInput.Number(nines)} nines)."));
        });
        return command;
    }
}
