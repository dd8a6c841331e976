using System.CommandLine;

namespace SlaKit.Cli.Commands;

/// <summary><c>slakit mtbf --mtbf &lt;duration&gt; --mttr &lt;duration&gt;</c>: steady-state availability.</summary>
internal static class MtbfCommand
{
    public static Command Create()
    {
        var mtbf = new Option<string>("--mtbf") { Description = "Mean time between failures, such as 720h or 30d.", Required = true };
        var mttr = new Option<string>("--mttr") { Description = "Mean time to repair, such as 15m.", Required = true };
        var command = new Command("mtbf", "Steady-state availability from MTBF and MTTR: MTBF / (MTBF + MTTR).") { mtbf, mttr };
        command.SetAnswer(parse =>
        {
            TimeSpan between = CliInput.Duration(parse.GetValue(mtbf)!, "--mtbf");
            TimeSpan repair = CliInput.Duration(parse.GetValue(mttr)!, "--mttr");
            if (between <= TimeSpan.Zero)
            {
                throw new CliUsageException($"--mtbf '{parse.GetValue(mtbf)}' must be longer than zero.");
            }

            Availability availability = Availability.FromMtbfMttr(between, repair);
            TimeSpan perYear = availability.AllowedDowntime(SlaPeriod.Year());
            return new Answer()
                .Set("availabilityPercent", availability.Percent)
                .Set("mtbfSeconds", CliInput.Seconds(between))
                .Set("mttrSeconds", CliInput.Seconds(repair))
                .Set("allowedDowntimeSecondsPerYear", CliInput.Seconds(perYear))
                .Line($"MTBF {DurationText.Format(between)} and MTTR {DurationText.Format(repair)} give {availability}, which allows {DurationText.Format(perYear)} of downtime over year (365d).");
        });
        return command;
    }
}
