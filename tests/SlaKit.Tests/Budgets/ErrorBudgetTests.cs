using SlaKit.Budgets;

namespace SlaKit.Tests.Budgets;

public class ErrorBudgetTests
{
    private static readonly Availability ThreeNines = Availability.FromPercent(99.9);

    [Fact]
    public void The_budget_is_exact()
    {
        ErrorBudget budget = ErrorBudget.FromEvents(ThreeNines, totalEvents: 1_000_000, badEvents: 250);

        Assert.Equal(1000, budget.BudgetEvents);
        Assert.Equal(250, budget.ConsumedEvents);
        Assert.Equal(999_750, budget.GoodEvents);
        Assert.Equal(750, budget.RemainingEvents);
        Assert.Equal(0.25, budget.ConsumedFraction);
        Assert.Equal(0.75, budget.RemainingFraction);
        Assert.Equal(0.00025, budget.ErrorRatio);
        Assert.Equal(0.25, budget.BurnRate);
        Assert.Equal(ThreeNines, budget.Target);
        Assert.Equal("250 of 1000 spent (25%), 750 left", budget.ToString());
    }

    [Fact]
    public void An_overspent_budget_goes_negative()
    {
        ErrorBudget budget = ErrorBudget.FromEvents(ThreeNines, totalEvents: 1_000_000, badEvents: 2500);

        Assert.Equal(-1500, budget.RemainingEvents);
        Assert.Equal(-1.5, budget.RemainingFraction);
        Assert.Equal(2.5, budget.ConsumedFraction);
        Assert.Equal(2.5, budget.BurnRate);
    }

    [Fact]
    public void No_events_spend_nothing()
    {
        ErrorBudget budget = ErrorBudget.FromEvents(ThreeNines, 0, 0);

        Assert.Equal(0, budget.BudgetEvents);
        Assert.Equal(1, budget.RemainingFraction);
        Assert.Equal(0, budget.ConsumedFraction);
        Assert.Equal(0, budget.ErrorRatio);
        Assert.Equal(0, budget.BurnRate);
    }

    [Fact]
    public void Bad_counts_name_the_parameter()
    {
        Assert.Equal("target", Assert.Throws<ArgumentOutOfRangeException>(() => ErrorBudget.FromEvents(Availability.Perfect, 10, 1)).ParamName);
        Assert.Equal("totalEvents", Assert.Throws<ArgumentOutOfRangeException>(() => ErrorBudget.FromEvents(ThreeNines, -1, 0)).ParamName);
        Assert.Equal("badEvents", Assert.Throws<ArgumentOutOfRangeException>(() => ErrorBudget.FromEvents(ThreeNines, 10, -1)).ParamName);
        Assert.Equal("badEvents", Assert.Throws<ArgumentOutOfRangeException>(() => ErrorBudget.FromEvents(ThreeNines, 10, 11)).ParamName);
    }

    [Fact]
    public void Counts_give_ratios_and_burn_rates()
    {
        var counts = new SloEventCounts(good: 980, bad: 20);

        Assert.Equal(1000, counts.Total);
        Assert.Equal(0.02, counts.ErrorRatio);
        Assert.Equal(20, counts.BurnRate(ThreeNines));
        Assert.Equal(0, default(SloEventCounts).BurnRate(ThreeNines));
        Assert.Equal(0, default(SloEventCounts).ErrorRatio);
        Assert.Equal("20 bad of 1000", counts.ToString());
        Assert.True(counts == new SloEventCounts(980, 20));
        Assert.True(counts != new SloEventCounts(980, 21));
        Assert.Equal("target", Assert.Throws<ArgumentOutOfRangeException>(() => counts.BurnRate(Availability.Perfect)).ParamName);
        Assert.Equal("bad", Assert.Throws<ArgumentOutOfRangeException>(() => new SloEventCounts(1, -1)).ParamName);
    }
}
