using Microsoft.Extensions.Time.Testing;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>A pooled request run carrying its own attempt timeout: it fires on the client's clock, and a run is reused only when its timer is surely stopped.</summary>
public sealed class RequestRunTests : IDisposable
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly RequestRun _run;
    private readonly HttpRequestMessage _request = new(HttpMethod.Get, "http://payments.invalid/x");

    public RequestRunTests()
    {
        _run = new RequestRun(_time);
        Begin(_run, _time, AttemptTimeout);
    }

    public void Dispose()
    {
        _run.Dispose();
        _request.Dispose();
    }

    private void Begin(RequestRun run, TimeProvider time, TimeSpan attemptTimeout)
    {
        var plan = new RegionPlan([new TrackedRegion(new Region("a", new Uri("http://a.invalid/")), new RegionHealthPolicy(2, 2, TimeSpan.FromSeconds(5), TimeSpan.Zero, TimeSpan.FromMinutes(1)))], IsTrial: false);
        run.Begin(_request, plan, replayable: true, content: null, time.GetUtcNow(), time.GetTimestamp(), CancellationToken.None);
        run.StartAttemptTimeout(attemptTimeout);
    }

    [Fact]
    public void The_attempt_timeout_fires_on_the_clients_clock_and_is_told_from_the_callers_cancellation()
    {
        _time.Advance(AttemptTimeout - TimeSpan.FromTicks(1));
        Assert.False(_run.Linked.IsCancellationRequested);

        _time.Advance(TimeSpan.FromTicks(1));

        Assert.True(_run.Linked.IsCancellationRequested);
        Assert.True(_run.AttemptTimedOut);
        Assert.False(_run.TryReset());
    }

    [Fact]
    public void On_the_system_clock_a_run_reset_well_before_its_timeout_is_reused()
    {
        using var run = new RequestRun(TimeProvider.System);
        Begin(run, TimeProvider.System, TimeSpan.FromMinutes(5));

        Assert.True(run.TryReset());
        Assert.Null(run.OwnAttemptTimeout);
        Assert.False(run.Linked.IsCancellationRequested);
        Assert.False(run.AttemptTimedOut);
    }

    [Fact]
    public void On_the_system_clock_a_run_whose_timeout_may_be_firing_is_not_reused()
    {
        using var run = new RequestRun(TimeProvider.System);
        Begin(run, TimeProvider.System, RequestRun.ReuseMargin - TimeSpan.FromMilliseconds(1));

        Assert.False(run.TryReset());
    }

    [Fact]
    public void On_another_clock_a_run_is_never_reused_since_its_timer_cannot_be_stopped()
    {
        Assert.False(_run.TryReset());
    }
}
