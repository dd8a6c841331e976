namespace SlaKit.Tests.Cli;

public class CreditCommandTests
{
    private const string Tiers = "99.99:10,99:25,95:100";

    [Theory]
    [InlineData("100", "0")]
    [InlineData("99.99", "0")]
    [InlineData("99.989", "10")]
    [InlineData("99", "10")]
    [InlineData("98.999", "25")]
    [InlineData("95", "25")]
    [InlineData("94.9", "100")]
    public void Json_answers_the_credit_at_tier_boundaries(string measured, string credit)
    {
        var json = CliRun.Json("credit", "--measured", measured, "--tiers", Tiers);

        Assert.Equal(credit, CliRun.Raw(json, "creditPercent"));
        Assert.Equal(measured, CliRun.Raw(json, "measuredPercent"));
    }

    [Theory]
    [InlineData("99.99:10,abc", "'abc'")]
    [InlineData("101:10", "'101:10'")]
    [InlineData("99:101", "'99:101'")]
    [InlineData("99.99:25,99:10", "less credit")]
    public void Bad_tiers_are_bad_input(string tiers, string named) =>
        CliRun.Of("credit", "--measured", "99.5", "--tiers", tiers).AssertBadInput(named);

    [Fact]
    public void Bad_measured_percent_is_bad_input() =>
        CliRun.Of("credit", "--measured", "120", "--tiers", Tiers).AssertBadInput("'120'");
}
