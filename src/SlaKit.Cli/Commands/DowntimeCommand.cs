using System.CommandLine;

namespace SlaKit.Cli.Commands;

/// <summary><c>slakit downtime &lt;percent&gt;</c>: the downtime an availability allows over a period.</summary>
internal static class DowntimeCommand
{
    public static Command Create()
    {
        var percent = new Argument<string>("percent") { Description = "The availability, a percentage in (0, 100], such as 99.99." };
        var periodOptions = new PeriodOptions();
        var command = new Command("downtime", "How much downtime an availability allows over a period.") { percent };
        periodOptions.AddTo(command);
        command.SetAnswer(parse =>
        {
            Availability availability = CliInput.Percent(parse.GetValue(percent)!, "percent");
            SlaPeriod period = periodOptions.Read(parse);
            TimeSpan allowed = availability.AllowedDowntime(period);
            return new Answer()
                .Set("availabilityPercent", availability.Percent)
                .Set("period", period.ToString())
                .Set("periodSeconds", CliInput.Seconds(period.Length))
                .Set("allowedDowntimeSeconds", CliInput.Seconds(allowed))
                .Set("allowedDowntime", DurationText.Format(allowed))
                .Line($"{availability} over {Describe(period)} allows {DurationText.Format(allowed)} of downtime ({CliInput.Number(CliInput.Seconds(allowed))} s).");
        });
        return command;
    }

    /// <summary>A period with its length, such as <c>2026-02 (28d)</c> or <c>year (365d)</c>.</summary>
    public static string Describe(SlaPeriod period) => $"{period} ({DurationText.Format(period.Length)})";
}
