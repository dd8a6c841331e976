using Microsoft.Extensions.Logging.Abstractions;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>The watch over an attempt that lost a race, on the system clock, where a timer has a longest wait.</summary>
public sealed class LateAttemptTests : IDisposable
{
    private readonly FailoverTelemetry _telemetry = new(null);

    public void Dispose() => _telemetry.Dispose();

    [Fact]
    public void An_overdue_bound_longer_than_a_timer_takes_and_past_the_give_up_is_never_armed()
    {
        var options = new RegionFailoverOptions { AttemptTimeout = TimeSpan.FromHours(1), TotalTimeout = TimeSpan.FromHours(1) };
        options.Regions.Add(new Region("a", new Uri("http://a.invalid/")));
        options.Regions.Add(new Region("b", new Uri("http://b.invalid/")) { Priority = 1 });
        var client = new HttpRegionSet("payments", options, TimeProvider.System, NullLogger.Instance, _telemetry);
        TrackedRegion a = client.Regions[0];
        Assert.True(a.TryBeginLinger(1));
        var answer = new TaskCompletionSource<AttemptResult>();
        var late = new LateAttempt(client, new RunningAttempt(answer.Task, null, a, 0, TimeProvider.System.GetTimestamp()), LatencyClasses.Default, "b", null);

        // A slow region's p99 times a large multiplier: 60 days, longer than any timer waits, and long after the attempt
        // is given up (its hour and a second).
        late.Watch(TimeSpan.FromDays(60), DateTimeOffset.UtcNow);

        Assert.False(a.ViewAt(DateTimeOffset.UtcNow).IsOverdue);
        answer.SetException(new HttpRequestException("reset"));
        Assert.Equal(0, a.Lingering);
    }
}
