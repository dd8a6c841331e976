namespace SlaKit.Tests.Cli;

public class BudgetCommandTests
{
    [Fact]
    public void Json_writes_counts_past_two_to_the_53_to_the_last_digit()
    {
        var json = CliRun.Json("budget", "--target", "99.9", "--window", "30d", "--total", "9007199254740993", "--failed", "1000000000000001");

        Assert.Equal("9007199254740993", CliRun.Raw(json, "totalEvents"));
        Assert.Equal("1000000000000001", CliRun.Raw(json, "failedEvents"));
        Assert.Equal("1000000000000001", CliRun.Raw(json, "consumedEvents"));
    }

    [Fact]
    public void Json_answers_the_budget_exactly()
    {
        var json = CliRun.Json("budget", "--target", "99.9", "--window", "30d", "--total", "1000000", "--failed", "250");

        Assert.Equal("1000", CliRun.Raw(json, "budgetEvents"));
        Assert.Equal("250", CliRun.Raw(json, "consumedEvents"));
        Assert.Equal("750", CliRun.Raw(json, "remainingEvents"));
        Assert.Equal("0.75", CliRun.Raw(json, "remainingFraction"));
        Assert.Equal("0.25", CliRun.Raw(json, "consumedFraction"));
        Assert.Equal("0.00025", CliRun.Raw(json, "errorRatio"));
        Assert.Equal("0.25", CliRun.Raw(json, "burnRate"));
        Assert.Equal("99.9", CliRun.Raw(json, "targetPercent"));
        Assert.Equal("\"30d\"", CliRun.Raw(json, "window"));
        Assert.Equal("2592000", CliRun.Raw(json, "windowSeconds"));
        Assert.Equal("1000000", CliRun.Raw(json, "totalEvents"));
        Assert.Equal("250", CliRun.Raw(json, "failedEvents"));

        // At 0.25x a whole 30-day budget lasts 120 days.
        Assert.Equal("10368000", CliRun.Raw(json, "budgetLastsSeconds"));
    }

    [Fact]
    public void An_overspent_budget_goes_negative()
    {
        var json = CliRun.Json("budget", "--target", "99.9", "--total", "1000000", "--failed", "2500");

        Assert.Equal("-1.5", CliRun.Raw(json, "remainingFraction"));
        Assert.Equal("-1500", CliRun.Raw(json, "remainingEvents"));
        Assert.Equal("2.5", CliRun.Raw(json, "burnRate"));
    }

    [Fact]
    public void Nothing_failed_means_nothing_burns()
    {
        var json = CliRun.Json("budget", "--target", "99.95", "--window", "7d", "--total", "20000", "--failed", "0");

        Assert.Equal("10", CliRun.Raw(json, "budgetEvents"));
        Assert.Equal("1", CliRun.Raw(json, "remainingFraction"));
        Assert.Equal("0", CliRun.Raw(json, "burnRate"));
        Assert.Equal("null", CliRun.Raw(json, "budgetLastsSeconds"));
        Assert.Equal("\"7d\"", CliRun.Raw(json, "window"));
    }

    [Theory]
    [InlineData("99.9", "1000000", "1000")]
    [InlineData("99.99", "1000000", "100")]
    [InlineData("99", "12345", "123.45")]
    [InlineData("95.5", "1000", "45")]
    public void The_budget_is_one_minus_the_target_times_the_total(string target, string total, string budget) =>
        Assert.Equal(budget, CliRun.Raw(CliRun.Json("budget", "--target", target, "--total", total, "--failed", "0"), "budgetEvents"));

    [Fact]
    public void The_readable_answer_says_what_is_left_and_how_fast_it_goes()
    {
        CliRun run = CliRun.Of("budget", "--target", "99.9", "--window", "30d", "--total", "1000000", "--failed", "250");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            "99.9% of 1000000 events over 30d allows 1000 to fail.\n" +
            "250 failed: 25% of the budget spent, 75% left (750 events).\n" +
            "Burn rate 0.25x: at this rate a whole budget lasts 120d.\n",
            run.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_budget_spent_exactly_leaves_zero_events_not_negative_zero()
    {
        CliRun run = CliRun.Of("budget", "--target", "99.9", "--window", "30d", "--total", "1000", "--failed", "1");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("1 failed: 100% of the budget spent, 0% left (0 events).\n", run.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal("0", CliRun.Raw(CliRun.Json("budget", "--target", "99.9", "--total", "1000", "--failed", "1"), "remainingEvents"));
    }

    [Theory]
    [InlineData("99.9", "1000", "1001", "--failed '1001'")]
    [InlineData("99.9", "1000", "-5", "--failed '-5'")]
    [InlineData("99.9", "-1000", "5", "--total '-1000'")]
    [InlineData("99.9", "0", "0", "--total '0'")]
    [InlineData("99.9", "1e6", "0", "--total '1e6'")]
    [InlineData("99.9", "1000", "2.5", "--failed '2.5'")]
    [InlineData("100", "1000", "1", "--target '100'")]
    [InlineData("0", "1000", "1", "--target '0'")]
    [InlineData("101", "1000", "1", "--target '101'")]
    [InlineData("-99", "1000", "1", "--target '-99'")]
    [InlineData("nines", "1000", "1", "--target 'nines'")]
    public void Bad_numbers_are_bad_input(string target, string total, string failed, string named) =>
        CliRun.Of("budget", "--target", target, "--total", total, "--failed", failed).AssertBadInput(named);

    [Theory]
    [InlineData("0.999", "99.9")]
    [InlineData("0.9995", "99.95")]
    [InlineData(" 0.99 ", "99")]
    public void A_target_written_as_a_ratio_is_bad_input_suggesting_the_percentage(string target, string percent) =>
        CliRun.Of("budget", "--target", target, "--total", "1000", "--failed", "500")
            .AssertBadInput($"--target '{target.Trim()}' is a ratio; write the target as a percent, e.g. {percent}.");

    [Theory]
    [InlineData("30 days", "--window '30 days'")]
    [InlineData("0", "--window '0'")]
    public void A_bad_window_is_bad_input(string window, string named) =>
        CliRun.Of("budget", "--target", "99.9", "--window", window, "--total", "10", "--failed", "1").AssertBadInput(named);

    [Fact]
    public void Missing_option_is_bad_input() =>
        CliRun.Of("budget", "--target", "99.9", "--total", "10").AssertBadInput("--failed");
}
