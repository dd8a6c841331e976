using System.CommandLine;

namespace SlaKit.Cli.Commands;

/// <summary><c>slakit credit --measured &lt;percent&gt; --tiers ...</c>: the credit a month earns.</summary>
internal static class CreditCommand
{
    public static Command Create()
    {
        var measured = new Option<string>("--measured") { Description = "The month's measured availability in (0, 100].", Required = true };
        Option<string> tiers = TiersOption(required: true);
        var command = new Command("credit", "The service credit owed for a measured month.") { measured, tiers };
        command.SetAnswer(parse =>
        {
            Availability month = CliInput.Percent(parse.GetValue(measured)!, "--measured");
            CreditSchedule schedule = CliInput.Tiers(parse.GetValue(tiers)!);
            double credit = schedule.CreditFor(month);
            return new Answer()
                .Set("measuredPercent", month.Percent)
                .Set("tiers", schedule.ToString())
                .Set("creditPercent", credit)
                .Line($"A month at {month} earns a credit of {CliInput.Number(credit)}% under {schedule}.");
        });
        return command;
    }

    /// <summary>The <c>--tiers</c> option.</summary>
    public static Option<string> TiersOption(bool required) => new("--tiers")
    {
        Description = "Credit tiers T:C, comma-separated: credit C% when the month is below T%, e.g. 99.99:10,99:25,95:100.",
        Required = required,
    };
}
