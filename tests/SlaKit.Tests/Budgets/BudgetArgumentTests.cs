using Microsoft.Extensions.Time.Testing;
using SlaKit.Budgets;
using SlaKit.Tests.Infrastructure;

namespace SlaKit.Tests.Budgets;

/// <summary>
/// Every argument the budget types refuse is refused with its parameter's name and a message that says what was
/// wrong, not only with the right exception type: a caller reading the error must learn what to fix.
/// </summary>
public sealed class BudgetArgumentTests
{
    private static readonly Slo Checkout = Traffic.Slo(99.9, name: "checkout");
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    public static TheoryData<string, string, string> Refusals => new()
    {
        { "rule severity", "severity", "Unknown alert severity" },
        { "rule burn rate", "burnRate", "positive and finite" },
        { "rule long window", "longWindow", "from one minute to 366 days" },
        { "rule short window", "shortWindow", "shorter than the long window" },
        { "policy without rules", "rules", "at least one rule" },
        { "policy with a null rule", "rules", "rules cannot be null" },
        { "budget bad above total", "badEvents", "cannot exceed the total (10)" },
        { "budget target 100%", "target", "leaves no error budget" },
        { "counts target 100%", "target", "no error budget to burn" },
        { "slo name with a control character", "name", "control characters" },
        { "slo target 100%", "target", "above 0% and below 100%" },
        { "slo latency threshold zero", "value", "must be positive" },
        { "slice of 61 minutes", "sliceLength", "whole number of minutes from 1 to 60" },
        { "slice target 0%", "sliceTarget", "every slice as good" },
        { "rolling window of 367 days", "length", "from one hour to 366 days" },
        { "snapshot window of 367 days", "window", "positive and at most 366 days" },
        { "record a negative total", "total", "must not be negative" },
        { "record more good than total", "good", "from 0 to the total (5)" },
        { "record a negative latency", "latency", "must not be negative" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_refused_argument_names_itself_and_says_why(string refusal, string parameter, string because)
    {
        Refusal.Assert(Refuse(refusal), parameter, because);
    }

    private static Action Refuse(string refusal) => refusal switch
    {
        "rule severity" => () => _ = new BurnRateAlertRule((AlertSeverity)99, 14.4, Hour, TimeSpan.FromMinutes(5)),
        "rule burn rate" => () => _ = new BurnRateAlertRule(AlertSeverity.Page, 0, Hour, TimeSpan.FromMinutes(5)),
        "rule long window" => () => _ = new BurnRateAlertRule(AlertSeverity.Page, 14.4, TimeSpan.FromDays(367), TimeSpan.FromMinutes(5)),
        "rule short window" => () => _ = new BurnRateAlertRule(AlertSeverity.Page, 14.4, Hour, Hour),
        "policy without rules" => () => _ = new BurnRateAlertPolicy([], 0),
        "policy with a null rule" => () => _ = new BurnRateAlertPolicy([null!], 0),
        "budget bad above total" => () => ErrorBudget.FromEvents(Checkout.Target, 10, 11),
        "budget target 100%" => () => ErrorBudget.FromEvents(Availability.Perfect, 10, 1),
        "counts target 100%" => () => new SloEventCounts(9, 1).BurnRate(Availability.Perfect),
        "slo name with a control character" => () => _ = new Slo("check\tout", Checkout.Target, Checkout.Window),
        "slo target 100%" => () => _ = new Slo("checkout", Availability.Perfect, Checkout.Window),
        "slo latency threshold zero" => () => _ = new Slo("checkout", Checkout.Target, Checkout.Window) { LatencyThreshold = TimeSpan.Zero },
        "slice of 61 minutes" => () => SloBudgetingMethod.TimeSlices(TimeSpan.FromMinutes(61), Availability.FromPercent(95)),
        "slice target 0%" => () => SloBudgetingMethod.TimeSlices(TimeSpan.FromMinutes(1), Availability.Zero),
        "rolling window of 367 days" => () => SloWindow.Rolling(TimeSpan.FromDays(367)),
        "snapshot window of 367 days" => () => Tracker().GetSnapshot().CountsOver(TimeSpan.FromDays(367)),
        "record a negative total" => () => Tracker().Record(good: 0, total: -1),
        "record more good than total" => () => Tracker().Record(good: 6, total: 5),
        "record a negative latency" => () => Tracker(latency: true).RecordLatency(TimeSpan.FromTicks(-1)),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, "no such refusal in this test"),
    };

    private static ErrorBudgetTracker Tracker(bool latency = false)
    {
        var slo = new Slo("checkout", Checkout.Target, Checkout.Window) { LatencyThreshold = latency ? TimeSpan.FromMilliseconds(300) : null };
        return new ErrorBudgetTracker(slo, new FakeTimeProvider(Traffic.Start));
    }

    [Fact]
    public void A_window_of_exactly_366_days_is_accepted_by_a_snapshot()
    {
        using ErrorBudgetTracker tracker = Tracker();
        tracker.Record(good: 9, total: 10);

        SloEventCounts counts = tracker.GetSnapshot().CountsOver(SloWindow.MaximumLength);

        Assert.Equal(new SloEventCounts(9, 1), counts);
    }

    [Fact]
    public void A_slice_of_exactly_an_hour_is_accepted()
    {
        SloBudgetingMethod method = SloBudgetingMethod.TimeSlices(TimeSpan.FromHours(1), Availability.FromPercent(95));

        Assert.Equal(60, method.SliceMinutes);
    }

    [Fact]
    public void A_record_with_a_total_of_zero_is_accepted_and_counts_nothing()
    {
        using ErrorBudgetTracker tracker = Tracker();

        tracker.Record(good: 0, total: 0);

        Assert.Equal(0, tracker.GetSnapshot().Budget.TotalEvents);
    }

    [Fact]
    public void Null_arguments_are_named()
    {
        using ErrorBudgetTracker tracker = Tracker();
        tracker.RecordFailure();
        BurnRateAlert alert = new BurnRateAlertPolicy([new BurnRateAlertRule(AlertSeverity.Page, 1, Hour, TimeSpan.FromMinutes(5))], 0)
            .Evaluate(tracker.GetSnapshot()).Single();

        Assert.Equal("slo", Assert.Throws<ArgumentNullException>(() => new BurnRateAlertEventArgs(null!, alert, Traffic.Start)).ParamName);
        Assert.Equal("alert", Assert.Throws<ArgumentNullException>(() => new BurnRateAlertEventArgs(Checkout, null!, Traffic.Start)).ParamName);
        Assert.Equal("snapshot", Assert.Throws<ArgumentNullException>(() => BurnRateAlertPolicy.ForSlo(Checkout).Evaluate(null!)).ParamName);
    }

    [Fact]
    public void Saving_and_loading_refuse_a_blank_path_and_a_disposed_tracker()
    {
        ErrorBudgetTracker tracker = Tracker();

        Assert.Equal("path", Assert.Throws<ArgumentException>(() => tracker.SaveState(" ")).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => tracker.LoadState(" ")).ParamName);
        tracker.Dispose();
        string path = Path.Combine(Path.GetTempPath(), $"slakit-disposed-{Guid.NewGuid():N}.json");
        Assert.Throws<ObjectDisposedException>(() => tracker.SaveState(path));
        Assert.Throws<ObjectDisposedException>(() => tracker.LoadState(path));
        Assert.False(File.Exists(path));
    }
}
