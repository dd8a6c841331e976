using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Http;
using SlaKit.Probes;
using SlaKit.Regions;

namespace SlaKit.Tests.Regions;

/// <summary>The protocol-neutral core of a client: what it counts, what it logs, and the arguments it refuses.</summary>
public sealed class RegionSetTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger _logger = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FailoverTelemetry _telemetry;
    private readonly RegionSet _set;

    public RegionSetTests()
    {
        _telemetry = new FailoverTelemetry(Meters);
        _set = Set(("eu", 0), ("us", 1), ("eu2", 0));
    }

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    private TrackedRegion Eu => _set.Regions[0];

    private TrackedRegion Us => _set.Regions[1];

    private TrackedRegion Eu2 => _set.Regions[2];

    public void Dispose()
    {
        _telemetry.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void Each_region_knows_its_place_in_the_configuration_order()
    {
        Assert.Equal([0, 1, 2], _set.Regions.Select(static r => r.Position));
        Assert.Equal(["eu", "us", "eu2"], _set.Regions.Select(static r => r.Region.Name));
    }

    [Fact]
    public void A_switch_is_counted_and_logged_once_each_way_when_plans_start_at_a_region_of_another_priority()
    {
        using var switches = new MetricCollector<long>(Meters, "SlaKit", "slakit.failover.switches");
        RegionSet set = Set(("a", 0), ("b", 1));
        TrackedRegion a = set.Regions[0];
        Assert.Equal("a", set.Plan(allowTrial: false).Order[0].Region.Name);

        // One failure leaves a first: no switch.
        a.RecordFailure(_time.GetUtcNow(), "it answered 503 ServiceUnavailable");
        Assert.Equal("a", set.Plan(allowTrial: false).Order[0].Region.Name);
        Assert.Empty(switches.GetMeasurementSnapshot());

        // Down, a is left out: plans start at b, one switch however many plans.
        a.RecordFailure(_time.GetUtcNow(), "it answered 503 ServiceUnavailable");
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("b", set.Plan(allowTrial: false).Order[0].Region.Name);
        }

        // Back after its break, two successes and its failback delay.
        _time.Advance(TimeSpan.FromSeconds(5));
        a.RecordSuccess(_time.GetUtcNow());
        a.RecordSuccess(_time.GetUtcNow());
        Assert.Equal("b", set.Plan(allowTrial: false).Order[0].Region.Name);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("a", set.Plan(allowTrial: false).Order[0].Region.Name);
        Assert.Equal("a", set.Plan(allowTrial: false).Order[0].Region.Name);

        IReadOnlyList<CollectedMeasurement<long>> counted = switches.GetMeasurementSnapshot();
        Assert.Equal(2, counted.Count);
        Assert.Equal(("payments", "a", "b"), Tags(counted[0]));
        Assert.Equal(("payments", "b", "a"), Tags(counted[1]));
        Assert.Equal(
            ["Client payments: traffic switched from region a to region b.", "Client payments: traffic switched from region b to region a."],
            Logged("RegionSwitched", LogLevel.Warning));
    }

    [Fact]
    public void Plans_that_start_at_one_region_or_another_of_the_same_priority_are_no_switch()
    {
        using var switches = new MetricCollector<long>(Meters, "SlaKit", "slakit.failover.switches");

        var heads = new HashSet<string>();
        for (int i = 0; i < 50; i++)
        {
            heads.Add(_set.Plan(allowTrial: false).Order[0].Region.Name);
        }

        Assert.Equal(["eu", "eu2"], heads.Order());
        Assert.Empty(switches.GetMeasurementSnapshot());
        Assert.Empty(Logged("RegionSwitched", LogLevel.Warning));
    }

    [Fact]
    public void One_failure_of_an_active_active_peer_leaves_it_a_share_of_the_requests_whose_next_success_heals_it()
    {
        RegionSet set = Set(("a", 0), ("b", 0));
        TrackedRegion a = set.Regions[0];
        DateTimeOffset now = _time.GetUtcNow();
        a.RecordFailure(now, "it answered 503 ServiceUnavailable");

        // Each request goes to the head of its plan, which answers.
        var served = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0 };
        for (int i = 0; i < 200; i++)
        {
            TrackedRegion head = set.Plan(allowTrial: false).Order[0];
            served[head.Region.Name]++;
            head.RecordSuccess(now);
        }

        Assert.Equal(RegionHealth.Healthy, a.HealthAt(now));

        // Once healed, a takes its half again: 200 draws put 70–130 far beyond chance.
        Assert.InRange(served["a"], 70, 130);
    }

    [Fact]
    public void Attempts_are_counted_with_their_region_outcome_and_method()
    {
        using var attempts = new MetricCollector<long>(Meters, "SlaKit", "slakit.failover.attempts");

        _set.CountAttempt(Us, "Timeout");
        _set.CountAttempt(Eu, "Success", "INVITE");

        IReadOnlyList<CollectedMeasurement<long>> counted = attempts.GetMeasurementSnapshot();
        Assert.Equal(2, counted.Count);
        Assert.Equal(1, counted[0].Value);
        Assert.Equal(
            new Dictionary<string, object?> { ["client"] = "payments", ["region"] = "us", ["outcome"] = "Timeout" },
            counted[0].Tags);
        Assert.Equal(
            new Dictionary<string, object?> { ["client"] = "payments", ["region"] = "eu", ["outcome"] = "Success", ["method"] = "INVITE" },
            counted[1].Tags);
    }

    [Fact]
    public void A_region_going_down_is_a_warning_coming_back_information_and_a_change_between_healthy_and_degraded_debug()
    {
        DateTimeOffset now = _time.GetUtcNow();
        Eu.RecordFailure(now, "a transport error");
        Eu.RecordSuccess(now);
        Eu.RecordRetryAfter(now, TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        now = _time.GetUtcNow();
        _ = Eu.ViewAt(now);
        Eu.RecordFailure(now, "a transport error");
        Eu.RecordFailure(now, "a transport error");

        Assert.Equal(
            [
                "Client payments: region eu is now Degraded (was Healthy) because a transport error.",
                "Client payments: region eu is now Healthy (was Degraded) because it answered.",
                "Client payments: region eu is now Degraded (was Healthy) because a transport error.",
            ],
            Logged("RegionHealthChanged", LogLevel.Debug));
        Assert.Equal(
            [
                "Client payments: region eu is now Unhealthy (was Healthy) because it asked to be left alone for 1s (Retry-After).",
                "Client payments: region eu is now Unhealthy (was Degraded) because a transport error.",
            ],
            Logged("RegionUnhealthy", LogLevel.Warning));
        Assert.Equal(
            ["Client payments: region eu is now Healthy (was Unhealthy) because its Retry-After period ended."],
            Logged("RegionHealthChanged", LogLevel.Information));
    }

    [Fact]
    public void A_listener_that_throws_is_logged_and_the_change_stands()
    {
        var seen = new List<RegionHealth>();
        _set.HealthChanged += (_, e) =>
        {
            seen.Add(e.Current);
            throw new InvalidOperationException("listener bug");
        };

        Eu.RecordFailure(_time.GetUtcNow(), "a transport error");

        Assert.Equal([RegionHealth.Degraded], seen);
        Assert.Equal(RegionHealth.Degraded, Eu.HealthAt(_time.GetUtcNow()));
        FakeLogRecord record = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Name == "HealthListenerThrew");
        Assert.Equal(LogLevel.Error, record.Level);
        Assert.Equal("listener bug", record.Exception?.Message);
    }

    [Fact]
    public void A_probe_result_without_detail_gives_the_health_as_its_reason()
    {
        var reasons = new List<string>();
        _set.HealthChanged += (_, e) => reasons.Add(e.Reason);

        _set.ReportProbeResult("US", RegionHealth.Unhealthy);

        Assert.Equal(["a probe failed: Unhealthy"], reasons);

        _set.ReportProbeResult("eu", RegionHealth.Unhealthy, "no answer within 1s");
        Assert.Equal("a probe failed: no answer within 1s", reasons[^1]);
    }

    [Fact]
    public void Probe_results_for_no_region_or_no_health_are_refused_by_name()
    {
        Assert.Equal("regionName", Assert.Throws<ArgumentNullException>(() => _set.ReportProbeResult(null!, RegionHealth.Healthy)).ParamName);
        Assert.Equal("regionName", Assert.Throws<ArgumentException>(() => _set.ReportProbeResult("", RegionHealth.Healthy)).ParamName);

        ArgumentException unknown = Assert.Throws<ArgumentException>(() => _set.ReportProbeResult("asia", RegionHealth.Healthy));
        Assert.Equal("regionName", unknown.ParamName);
        Assert.StartsWith("Client 'payments' has no region named 'asia'.", unknown.Message, StringComparison.Ordinal);

        ArgumentOutOfRangeException health = Assert.Throws<ArgumentOutOfRangeException>(() => _set.ReportProbeResult("eu", (RegionHealth)7));
        Assert.Equal("observed", health.ParamName);
        Assert.StartsWith("Unknown region health.", health.Message, StringComparison.Ordinal);

        ArgumentOutOfRangeException status = Assert.Throws<ArgumentOutOfRangeException>(() => RegionSet.HealthOf((ProbeStatus)7));
        Assert.Equal("status", status.ParamName);
        Assert.StartsWith("Unknown probe status.", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plan_is_cached_under_the_key_of_the_states_it_was_built_from_even_when_a_region_changes_while_it_is_built()
    {
        RegionSet set = Set(("a", 0), ("b", 1), ("c", 2));
        TrackedRegion a = set.Regions[0], b = set.Regions[1], c = set.Regions[2];
        a.RecordFailure(_time.GetUtcNow(), "down");
        a.RecordFailure(_time.GetUtcNow(), "down");
        c.RecordRetryAfter(_time.GetUtcNow(), TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));

        // Reading c finds its Retry-After over, and tells the listeners so; one of them stands for another request's
        // thread making b overdue just after b was read.
        set.HealthChanged += (_, e) =>
        {
            if (e.Region.Name == "c" && e.Current == RegionHealth.Healthy)
            {
                b.MarkOverdue(_time.GetUtcNow(), "slow");
            }
        };

        // Built from the reading that saw b well.
        Assert.Equal(["b", "c"], set.Plan(allowTrial: false).Order.Select(static r => r.Region.Name));
        Assert.True(b.ViewAt(_time.GetUtcNow()).IsOverdue);
        Assert.Equal(["c"], set.Plan(allowTrial: false).Order.Select(static r => r.Region.Name));

        // b answers after all: the plan for "a down" again holds b.
        b.ResolveOverdue(_time.GetUtcNow(), failed: false);
        Assert.Equal(["b", "c"], set.Plan(allowTrial: false).Order.Select(static r => r.Region.Name));
    }

    [Fact]
    public async Task Listeners_of_two_regions_that_each_change_the_other_while_both_are_heard_do_not_wait_on_each_other()
    {
        RegionSet set = Set(("r1", 0), ("r2", 1));
        TrackedRegion r1 = set.Regions[0], r2 = set.Regions[1];
        using var bothHeard = new Barrier(2);
        var heard = new System.Collections.Concurrent.ConcurrentQueue<(string Region, RegionHealth Health)>();
        int crossed = 0;
        set.HealthChanged += (_, e) =>
        {
            heard.Enqueue((e.Region.Name, e.Current));
            if (e.Current == RegionHealth.Degraded && Interlocked.Increment(ref crossed) <= 2)
            {
                // Both regions' changes are being heard on two threads at once; each listener now fails the other region.
                Assert.True(bothHeard.SignalAndWait(TimeSpan.FromSeconds(10)), "the other region's change was not heard");
                (e.Region.Name == "r1" ? r2 : r1).RecordFailure(_time.GetUtcNow(), "its neighbour failed");
            }
        };

        Task first = Task.Run(() => r1.RecordFailure(_time.GetUtcNow(), "down"), TestContext.Current.CancellationToken);
        Task second = Task.Run(() => r2.RecordFailure(_time.GetUtcNow(), "down"), TestContext.Current.CancellationToken);
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        // Every change is heard, each region's in order.
        Assert.Equal([RegionHealth.Degraded, RegionHealth.Unhealthy], heard.Where(static h => h.Region == "r1").Select(static h => h.Health));
        Assert.Equal([RegionHealth.Degraded, RegionHealth.Unhealthy], heard.Where(static h => h.Region == "r2").Select(static h => h.Health));
    }

    [Fact]
    public void A_request_that_may_not_be_a_trial_is_not_made_one()
    {
        RegionSet set = Set(("eu", 0), ("us", 1));
        DateTimeOffset now = _time.GetUtcNow();
        set.Regions[0].RecordFailure(now, "x");
        set.Regions[0].RecordFailure(now, "x");
        _time.Advance(TimeSpan.FromMinutes(1));

        RegionPlan refused = set.Plan(allowTrial: false);
        RegionPlan allowed = set.Plan(allowTrial: true);

        Assert.False(refused.IsTrial);
        Assert.Equal(["us"], refused.Order.Select(static r => r.Region.Name));
        Assert.True(allowed.IsTrial);
    }

    [Fact]
    public void Telemetry_with_a_meter_of_its_own_ends_its_instruments_and_activities_when_disposed()
    {
        var own = new FailoverTelemetry(null);
        var borrowed = new FailoverTelemetry(Meters);
        var ended = new List<Instrument>();
        using var meters = new MeterListener
        {
            InstrumentPublished = static (instrument, listener) => listener.EnableMeasurementEvents(instrument),
            MeasurementsCompleted = (instrument, _) => { lock (ended) { ended.Add(instrument); } },
        };
        meters.Start();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source == own.ActivitySource,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(activities);
        using (Activity? before = own.ActivitySource.StartActivity("before"))
        {
            Assert.NotNull(before);
        }

        own.Dispose();
        borrowed.Dispose();

        lock (ended)
        {
            Assert.Contains(own.Attempts, ended);
            Assert.DoesNotContain(borrowed.Attempts, ended);
        }

        Assert.Null(own.ActivitySource.StartActivity("after"));
    }

    private RegionSet Set(params (string Name, int Priority)[] regions)
    {
        var options = new RegionFailoverOptions();
        foreach ((string name, int priority) in regions)
        {
            options.Regions.Add(new Region(name, new Uri($"http://{name}.invalid/")) { Priority = priority });
        }

        return new RegionSet("payments", options, options.Selection, regions.Length, _time, _logger, _telemetry, new Random(1));
    }

    private static (object? Client, object? From, object? To) Tags(CollectedMeasurement<long> measurement) =>
        (measurement.Tags["client"], measurement.Tags["from"], measurement.Tags["to"]);

    private List<string> Logged(string eventName, LogLevel level) =>
        [.. _logger.Collector.GetSnapshot().Where(r => r.Id.Name == eventName && r.Level == level).Select(static r => r.Message)];
}
