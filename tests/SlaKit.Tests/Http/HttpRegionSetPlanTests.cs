using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>How a client reuses its plans: one per set of regions down, never a trial, rebuilt when that set changes.</summary>
public sealed class HttpRegionSetPlanTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly FailoverTelemetry _telemetry = new(null);
    private readonly HttpRegionSet _client;

    public HttpRegionSetPlanTests()
    {
        var options = new RegionFailoverOptions();
        options.Regions.Add(new Region("a", new Uri("http://a.invalid/")));
        options.Regions.Add(new Region("b", new Uri("http://b.invalid/")) { Priority = 1 });
        options.Regions.Add(new Region("c", new Uri("http://c.invalid/")) { Priority = 2 });
        _client = new HttpRegionSet("payments", options, _time, NullLogger.Instance, _telemetry);
    }

    public void Dispose() => _telemetry.Dispose();

    private static string[] Names(RegionPlan plan) => [.. plan.Order.Select(static r => r.Region.Name)];

    private void Down(string name)
    {
        TrackedRegion region = _client.Regions.Single(r => r.Region.Name == name);
        region.RecordFailure(_time.GetUtcNow(), "x");
        region.RecordFailure(_time.GetUtcNow(), "x");
    }

    [Fact]
    public void While_the_same_region_is_down_requests_share_one_plan()
    {
        Down("a");

        RegionPlan first = _client.Plan(allowTrial: true);
        RegionPlan second = _client.Plan(allowTrial: true);

        Assert.Equal(["b", "c"], Names(first));
        Assert.Same(first, second);
    }

    [Fact]
    public void A_plan_is_rebuilt_when_another_region_goes_down()
    {
        Down("a");
        RegionPlan aDown = _client.Plan(allowTrial: true);

        Down("b");
        RegionPlan abDown = _client.Plan(allowTrial: true);

        Assert.Equal(["c"], Names(abDown));
        Assert.NotSame(aDown, abDown);
    }

    [Fact]
    public void A_due_trial_is_never_served_from_the_reused_plan_nor_kept_for_later_requests()
    {
        Down("a");
        RegionPlan reused = _client.Plan(allowTrial: true);
        _time.Advance(TimeSpan.FromSeconds(6));

        RegionPlan trial = _client.Plan(allowTrial: true);
        RegionPlan notSafeToRepeat = _client.Plan(allowTrial: false);

        Assert.True(trial.IsTrial);
        Assert.Equal(["a", "b", "c"], Names(trial));
        Assert.Same(reused, notSafeToRepeat);
    }
}
