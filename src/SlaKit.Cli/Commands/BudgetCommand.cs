using System.CommandLine;
using System.Globalization;
using SlaKit.Budgets;

namespace SlaKit.Cli.Commands;

/// <summary>
/// <c>slakit budget --target &lt;percent&gt; --window 30d --total &lt;N&gt; --failed &lt;M&gt;</c>: the error budget
/// of a window's events, how much of it is spent, and how fast.
/// </summary>
internal static class BudgetCommand
{
    public static Command Create()
    {
        var target = new Option<string>("--target") { Description = "The SLO, a percentage in [1, 100) such as 99.9 (not the ratio 0.999).", Required = true };
        var window = new Option<string>("--window")
        {
            Description = "The SLO's window, a duration such as 30d (the default) or 7d; a burn rate of 1 spends the budget over it.",
            DefaultValueFactory = _ => "30d",
        };
        var total = new Option<string>("--total") { Description = "All events in the window so far, a whole number above 0.", Required = true };
        var failed = new Option<string>("--failed") { Description = "The failed (bad) events among them, a whole number from 0 to --total.", Required = true };
        var command = new Command("budget", "The error budget of a window's events: allowed, spent and left, error ratio and burn rate.") { target, window, total, failed };
        command.SetAnswer(parse =>
        {
            Availability objective = Target(parse.GetValue(target)!);
            TimeSpan length = WindowLength(parse.GetValue(window)!);
            long events = Count(parse.GetValue(total)!, "--total", minimum: 1);
            long bad = Count(parse.GetValue(failed)!, "--failed", minimum: 0);
            if (bad > events)
            {
                throw new CliUsageException($"--failed '{parse.GetValue(failed)}' is more than --total '{parse.GetValue(total)}'.");
            }

            ErrorBudget budget = ErrorBudget.FromEvents(objective, events, bad);

            // At burn rate b a whole budget lasts window ÷ b: the SRE workbook's reading of a burn rate.
            double? lastsSeconds = budget.BurnRate > 0 ? length.TotalSeconds / budget.BurnRate : null;
            string windowText = DurationText.Format(length).Replace(" ", "", StringComparison.Ordinal);
            return new Answer()
                .Set("targetPercent", objective.Percent)
                .Set("window", windowText)
                .Set("windowSeconds", CliInput.Seconds(length))
                .Set("totalEvents", events)
                .Set("failedEvents", bad)
                .Set("budgetEvents", budget.BudgetEvents)
                .Set("consumedEvents", budget.ConsumedEvents)
                .Set("remainingEvents", budget.RemainingEvents)
                .Set("consumedFraction", budget.ConsumedFraction)
                .Set("remainingFraction", budget.RemainingFraction)
                .Set("errorRatio", budget.ErrorRatio)
                .Set("burnRate", budget.BurnRate)
                .Set("budgetLastsSeconds", lastsSeconds)
                .Line($"{objective} of {Number(events)} events over {windowText} allows {CliInput.Number(budget.BudgetEvents)} to fail.")
                .Line($"{Number(bad)} failed: {Percent(budget.ConsumedFraction)} of the budget spent, {Percent(budget.RemainingFraction)} left ({CliInput.Number(budget.RemainingEvents)} events).")
                .Line(lastsSeconds is { } seconds
                    ? $"Burn rate {CliInput.Number(budget.BurnRate)}x: at this rate a whole budget lasts {DurationText.Format(Lasting(seconds))}."
                    : "Burn rate 0x: nothing is being spent.");
        });
        return command;
    }

    // Below 100: a 100% objective allows no failure, so it has no budget to spend or burn.
    private static Availability Target(string text) => CliInput.Target(text, "--target", below100: true);

    private static TimeSpan WindowLength(string text)
    {
        TimeSpan length = CliInput.Duration(text, "--window");
        if (length <= TimeSpan.Zero)
        {
            throw new CliUsageException($"--window '{text}' must be longer than zero.");
        }

        return length;
    }

    private static long Count(string text, string what, long minimum)
    {
        if (!NumberText.TryParseWhole(text, out long value) || value < minimum)
        {
            throw new CliUsageException($"{what} '{text}' is not a whole number of at least {minimum}.");
        }

        return value;
    }

    private static TimeSpan Lasting(double seconds) =>
        seconds >= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(Math.Round(seconds, 3));

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => CliInput.Number(Math.Round(fraction * 100, 4)) + "%";
}
