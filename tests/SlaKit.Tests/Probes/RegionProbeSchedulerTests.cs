using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Http;
using SlaKit.Probes;
using SlaKit.Regions;

namespace SlaKit.Tests.Probes;

/// <summary>The scheduler on a fake clock: when probes run, how verdicts move region health, and hung probes.</summary>
public sealed class RegionProbeSchedulerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly FailoverTelemetry _telemetry = new(null);
    private readonly HttpRegionSet _client;
    private readonly SchedulerClock _clock;
    private ProbeStatus _next = ProbeStatus.Healthy;
    private int _probes;

    public RegionProbeSchedulerTests()
    {
        var options = new RegionFailoverOptions { FailbackDelay = TimeSpan.FromSeconds(10) };
        options.Regions.Add(new Region("a", new Uri("http://a.invalid/")));
        options.Regions.Add(new Region("b", new Uri("http://b.invalid/")) { Priority = 1 });
        _client = new HttpRegionSet("payments", options, _time, NullLogger.Instance, _telemetry);
        _clock = new SchedulerClock(_time);
    }

    public void Dispose() => _telemetry.Dispose();

    private static ProbeScheduleOptions EverySecond => new() { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromMilliseconds(400), Jitter = 0 };

    /// <summary>
    /// A scheduler of region a on <see cref="EverySecond"/>, on <see cref="_clock"/>, so that <see cref="AdvanceAsync"/>
    /// can wait for it to finish what each step of the clock started: its probes run on the thread pool.
    /// </summary>
    private RegionProbeScheduler Scheduler(IHealthProbe? probe = null)
    {
        var scheduler = new RegionProbeScheduler(_client.Core, "a", probe ?? new DelegateProbe(_ =>
        {
            Interlocked.Increment(ref _probes);
            return ValueTask.FromResult(new HealthProbeResult(_next, TimeSpan.FromMilliseconds(1), _next.ToString()));
        }), EverySecond, _clock);
        return scheduler;
    }

    private RegionStatus A => _client.Core.GetStatus()[0];

    /// <summary>
    /// Advances the fake clock in steps of 100 ms. After each step it waits (bounded, in real time) until the scheduler
    /// is waiting for its next probe, unless <paramref name="settle"/> is false (a probe left pending on the fake clock
    /// is reported only once the clock reaches its timeout).
    /// </summary>
    private async Task AdvanceAsync(TimeSpan span, bool settle = true)
    {
        for (TimeSpan step = TimeSpan.FromMilliseconds(100); span > TimeSpan.Zero; span -= step)
        {
            _time.Advance(step < span ? step : span);
            await Task.Yield();
            await Task.Delay(1, TestContext.Current.CancellationToken);
            if (settle)
            {
                Assert.True(await Until(() => _clock.IsWaiting), $"the scheduler had not settled {_time.GetUtcNow():HH:mm:ss.fff}");
            }
        }
    }

    /// <summary>Waits (bounded, in real time) until the scheduler has reported its first probe and waits for the next.</summary>
    private Task<bool> FirstReported() => Until(() => _clock.Starts.Length == 1 && _clock.IsWaiting);

    [Fact]
    public async Task Probes_at_once_then_every_interval()
    {
        await using RegionProbeScheduler scheduler = Scheduler();
        scheduler.Start();
        Assert.True(await FirstReported());

        await AdvanceAsync(TimeSpan.FromSeconds(3));

        Assert.Equal(4, _probes);
    }

    [Fact]
    public async Task Two_failed_probes_take_the_region_down_and_two_good_ones_bring_it_back_after_the_failback_delay()
    {
        await using RegionProbeScheduler scheduler = Scheduler();
        _next = ProbeStatus.Unhealthy;
        scheduler.Start();
        Assert.True(await FirstReported());
        Assert.Equal(RegionHealth.Degraded, A.Health);

        await AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(RegionHealth.Unhealthy, A.Health);

        _next = ProbeStatus.Healthy;
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(RegionHealth.Unhealthy, A.Health);
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(new RegionStatus(A.Region, RegionHealth.Healthy, IsStandby: true), A);

        await AdvanceAsync(TimeSpan.FromSeconds(10));
        Assert.False(A.IsStandby);
    }

    [Fact]
    public async Task A_degraded_probe_marks_the_region_degraded()
    {
        await using RegionProbeScheduler scheduler = Scheduler();
        _next = ProbeStatus.Degraded;
        scheduler.Start();

        Assert.True(await Until(() => A.Health == RegionHealth.Degraded));
    }

    [Fact]
    public async Task A_probe_that_blocks_its_thread_holds_up_neither_start_nor_its_timeout()
    {
        using var release = new ManualResetEventSlim();
        var blocking = new DelegateProbe(_ =>
        {
            // Written synchronously, and deaf to its token.
            release.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            return ValueTask.FromResult(HealthProbeResult.Healthy(TimeSpan.Zero, "late"));
        });
        RegionProbeScheduler scheduler = Scheduler(blocking);
        List<HealthProbeResult> results = Results(scheduler);
        try
        {
            await Task.Run(scheduler.Start, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            await AdvanceAsync(TimeSpan.FromMilliseconds(600), settle: false);

            Assert.True(await Until(() => results.Count == 1));
            Assert.Equal((ProbeStatus.Unhealthy, "no answer within 0.4s"), (results[0].Status, results[0].Detail));
        }
        finally
        {
            release.Set();
        }

        await scheduler.DisposeAsync();
    }

    [Fact]
    public async Task A_probe_that_hangs_is_cut_off_at_its_timeout_and_never_overlaps()
    {
        int started = 0;
        var release = new TaskCompletionSource<HealthProbeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var hanging = new DelegateProbe(_ =>
        {
            Interlocked.Increment(ref started);
            return new ValueTask<HealthProbeResult>(release.Task); // ignores its token
        });
        await using RegionProbeScheduler scheduler = Scheduler(hanging);
        List<HealthProbeResult> results = Results(scheduler);
        scheduler.Start();

        await AdvanceAsync(TimeSpan.FromMilliseconds(600), settle: false);
        Assert.True(await Until(() => results.Count == 1));
        Assert.Equal(ProbeStatus.Unhealthy, results[0].Status);
        Assert.Contains("no answer within", results[0].Detail, StringComparison.Ordinal);

        await AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(1, started);
        Assert.Equal(RegionHealth.Unhealthy, A.Health);
        Assert.Contains(results, r => r.Detail == "the previous probe has not returned yet");

        release.SetResult(HealthProbeResult.Healthy(TimeSpan.Zero, "late"));
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.True(await Until(() => Volatile.Read(ref started) == 2));
    }

    [Fact]
    public async Task A_probe_still_unwinding_from_its_timeout_counts_once_when_the_timeout_is_as_long_as_the_interval()
    {
        // Interval and timeout both 1 s: after the timeout there is nothing left to wait before the next probe.
        int started = 0;
        var unwound = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowToUnwind = new DelegateProbe(async token =>
        {
            if (Interlocked.Increment(ref started) > 1)
            {
                return HealthProbeResult.Healthy(TimeSpan.FromMilliseconds(1), "200");
            }

            // Honours its token, but returns only moments after it fires, as a socket's cancellation does.
            var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (token.Register(() => cancelled.TrySetResult()))
            {
                await cancelled.Task;
            }

            await unwound.Task;
            throw new OperationCanceledException(token);
        });
        var options = new ProbeScheduleOptions { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(1), Jitter = 0 };
        await using var scheduler = new RegionProbeScheduler(_client.Core, "a", slowToUnwind, options, _clock);
        List<HealthProbeResult> results = Results(scheduler);
        scheduler.Start();

        await AdvanceAsync(TimeSpan.FromSeconds(1), settle: false);
        Assert.True(await Until(() => _clock.IsWaiting && Volatile.Read(ref started) == 1));

        // One timeout, one failure: FailuresToMarkDown (2) is not reached by it alone.
        Assert.Equal((ProbeStatus.Unhealthy, "no answer within 1s"), (Assert.Single(results).Status, results[0].Detail));
        Assert.Equal(RegionHealth.Degraded, A.Health);

        unwound.SetResult();
        Assert.True(await Until(() => results.Count == 2));
        Assert.Equal(ProbeStatus.Healthy, results[1].Status);
        Assert.Equal(RegionHealth.Healthy, A.Health);
    }

    [Fact]
    public async Task A_probe_that_throws_counts_as_unhealthy_and_probing_goes_on()
    {
        var throwing = new DelegateProbe(_ => throw new InvalidOperationException("bug"));
        await using RegionProbeScheduler scheduler = Scheduler(throwing);
        List<HealthProbeResult> results = Results(scheduler);
        scheduler.Start();

        await AdvanceAsync(TimeSpan.FromSeconds(1));

        Assert.True(await Until(() => results.Count >= 2));
        Assert.All(results, r => Assert.Contains("InvalidOperationException: bug", r.Detail, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_probe_that_gives_up_on_its_token_before_its_first_await_counts_as_no_answer_and_probing_goes_on()
    {
        // A synchronous probe whose HttpClient timed out: the cancellation is thrown before anything is awaited.
        var cancelled = new DelegateProbe(_ => throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout."));
        RegionProbeScheduler scheduler = Scheduler(cancelled);
        List<HealthProbeResult> results = Results(scheduler);
        scheduler.Start();

        await AdvanceAsync(TimeSpan.FromSeconds(2));

        Assert.True(await Until(() => results.Count >= 3));
        Assert.All(results, static r => Assert.Equal((ProbeStatus.Unhealthy, "no answer within 0.4s"), (r.Status, r.Detail)));
        Assert.Equal(RegionHealth.Unhealthy, A.Health);
        await scheduler.DisposeAsync();
        Assert.False(_client.Core.IsActivelyProbed);
    }

    [Fact]
    public async Task A_handler_of_a_completed_probe_that_throws_is_logged_and_probing_goes_on()
    {
        var logger = new FakeLogger();
        RegionProbeScheduler scheduler = new(_client.Core, "a", new DelegateProbe(_ =>
        {
            Interlocked.Increment(ref _probes);
            return ValueTask.FromResult(HealthProbeResult.Healthy(TimeSpan.Zero, "ok"));
        }), EverySecond, _time, logger);
        scheduler.ProbeCompleted += (_, _) => throw new InvalidOperationException("handler bug");
        scheduler.Start();

        await AdvanceAsync(TimeSpan.FromSeconds(2));

        Assert.True(await Until(() => _probes >= 3));
        FakeLogRecord record = logger.Collector.GetSnapshot()[0];
        Assert.Equal((LogLevel.Error, "ProbeListenerThrew"), (record.Level, record.Id.Name));
        Assert.Equal("Client payments: a ProbeCompleted handler threw on a probe of region a; probing goes on.", record.Message);
        Assert.Equal("handler bug", record.Exception?.Message);
        await scheduler.DisposeAsync();
        Assert.False(_client.Core.IsActivelyProbed);
    }

    [Fact]
    public async Task The_longest_interval_stretched_by_its_jitter_waits_the_longest_time_a_timer_takes()
    {
        var longest = new ProbeScheduleOptions { Interval = TimerDuration.Maximum, Timeout = TimeSpan.FromSeconds(1), Jitter = 0.5 };
        longest.Validate();

        // Half the draws stretch the interval past what a timer takes; twenty schedulers all wait, and stop quietly.
        for (int i = 0; i < 20; i++)
        {
            int probes = 0;
            var scheduler = new RegionProbeScheduler(_client.Core, "a", new DelegateProbe(_ =>
            {
                Interlocked.Increment(ref probes);
                return ValueTask.FromResult(HealthProbeResult.Healthy(TimeSpan.Zero, "ok"));
            }), longest, _time);
            scheduler.Start();
            await AdvanceAsync(TimeSpan.FromSeconds(1));
            Assert.True(await Until(() => Volatile.Read(ref probes) == 1));

            await scheduler.DisposeAsync();
            Assert.Equal(1, probes);
        }

        Assert.False(_client.Core.IsActivelyProbed);
    }

    [Fact]
    public async Task While_probes_run_callers_requests_are_not_used_as_trials()
    {
        foreach (TrackedRegion region in _client.Regions.Where(static r => r.Region.Name == "a"))
        {
            region.RecordFailure(_time.GetUtcNow(), "x");
            region.RecordFailure(_time.GetUtcNow(), "x");
        }

        _time.Advance(TimeSpan.FromSeconds(10));
        await using RegionProbeScheduler scheduler = Scheduler();
        _next = ProbeStatus.Unhealthy;
        scheduler.Start();
        Assert.True(await Until(() => _client.Core.IsActivelyProbed));

        Assert.False(_client.Plan(allowTrial: true).IsTrial);

        await scheduler.StopAsync();
        Assert.False(_client.Core.IsActivelyProbed);
    }

    [Fact]
    public async Task A_probe_of_one_region_leaves_callers_requests_as_trials_of_the_others()
    {
        TrackedRegion a = _client.Regions[0];
        a.RecordFailure(_time.GetUtcNow(), "x");
        a.RecordFailure(_time.GetUtcNow(), "x");
        _time.Advance(TimeSpan.FromSeconds(10));
        await using var scheduler = new RegionProbeScheduler(_client.Core, "b", new DelegateProbe(static _ => ValueTask.FromResult(HealthProbeResult.Healthy(TimeSpan.Zero, "ok"))), EverySecond, _time);
        scheduler.Start();
        Assert.True(await Until(() => _client.Core.IsActivelyProbed));

        // Only b is watched: a, down and past its break, has nothing but a trial to bring it back.
        RegionPlan plan = _client.Plan(allowTrial: true);
        Assert.True(plan.IsTrial);
        Assert.Equal(["a", "b"], plan.Order.Select(static r => r.Region.Name));
        a.EndTrial();
    }

    [Fact]
    public async Task Stop_ends_probing()
    {
        RegionProbeScheduler scheduler = Scheduler();
        scheduler.Start();
        Assert.True(await FirstReported());

        await scheduler.DisposeAsync();
        await AdvanceAsync(TimeSpan.FromSeconds(3));

        Assert.Equal(1, _probes);
        Assert.Throws<InvalidOperationException>(scheduler.Start);
    }

    [Fact]
    public async Task Stopping_while_a_probe_is_in_flight_ends_quietly_when_the_probe_gives_up_on_the_stopping_token()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var honest = new DelegateProbe(async token =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            return HealthProbeResult.Healthy(TimeSpan.Zero, "never");
        });
        RegionProbeScheduler scheduler = Scheduler(honest);
        scheduler.Start();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        await scheduler.StopAsync();

        Assert.Equal(RegionHealth.Healthy, A.Health);
        await scheduler.DisposeAsync();
    }

    [Fact]
    public async Task A_probe_that_gives_up_on_its_token_at_the_timeout_is_reported_as_no_answer()
    {
        var honest = new DelegateProbe(async token =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, token);
            return HealthProbeResult.Healthy(TimeSpan.Zero, "never");
        });
        await using RegionProbeScheduler scheduler = Scheduler(honest);
        List<HealthProbeResult> results = Results(scheduler);
        scheduler.Start();

        await AdvanceAsync(TimeSpan.FromMilliseconds(600), settle: false);

        Assert.True(await Until(() => results.Count == 1));
        Assert.Equal(ProbeStatus.Unhealthy, results[0].Status);
        Assert.Equal("no answer within 0.4s", results[0].Detail);
    }

    [Fact]
    public async Task A_probe_that_throws_is_logged_as_a_warning_naming_client_and_region()
    {
        var logger = new FakeLogger();
        await using var scheduler = new RegionProbeScheduler(_client.Core, "a", new DelegateProbe(_ => throw new InvalidOperationException("bug")), EverySecond, _time, logger);
        scheduler.Start();

        Assert.True(await Until(() => logger.Collector.Count > 0));
        FakeLogRecord record = logger.Collector.GetSnapshot()[0];
        Assert.Equal((LogLevel.Warning, "ProbeThrew"), (record.Level, record.Id.Name));
        Assert.Equal("Client payments: the probe of region a threw; counted as Unhealthy.", record.Message);
        Assert.Equal("bug", record.Exception?.Message);
    }

    [Fact]
    public async Task Stop_returns_only_once_a_report_under_way_has_finished()
    {
        using var gate = new ManualResetEventSlim();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RegionProbeScheduler scheduler = Scheduler();
        int reports = 0;
        scheduler.ProbeCompleted += (_, _) =>
        {
            // The second report holds the probing loop until the test lets it go.
            if (Interlocked.Increment(ref reports) == 2)
            {
                entered.TrySetResult();
                gate.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            }
        };
        scheduler.Start();
        _ = Task.Run(() => _time.Advance(TimeSpan.FromSeconds(1)), TestContext.Current.CancellationToken);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // Given time to return, it must not: the report is still under way.
        Task stopping = scheduler.StopAsync();
        bool waited = await Task.WhenAny(stopping, Task.Delay(200, TestContext.Current.CancellationToken)) != stopping;
        gate.Set();
        await stopping;

        Assert.True(waited);
        Assert.False(_client.Core.IsActivelyProbed);
    }

    [Fact]
    public async Task Jitter_spreads_the_intervals_around_the_configured_one_within_its_bounds()
    {
        // Each probe's start is read where the scheduler starts it (it arms the probe's timeout): the probe itself runs
        // on the thread pool, and could read the fake clock after the steps below had moved it on.
        var clock = new SchedulerClock(_time);
        var probe = new DelegateProbe(_ => ValueTask.FromResult(HealthProbeResult.Healthy(TimeSpan.Zero, "ok")));
        var jittered = new ProbeScheduleOptions { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromMilliseconds(400), Jitter = 0.5 };
        await using var scheduler = new RegionProbeScheduler(_client.Core, "a", probe, jittered, clock);
        List<HealthProbeResult> results = Results(scheduler);
        scheduler.Start();
        Assert.True(await Until(() => results.Count == 1));

        // Steps of 10 ms, each followed by the scheduler settling: each interval is seen to within one step.
        for (int i = 0; i < 8000 && clock.Starts.Length < 41; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Yield();
            Assert.True(await Until(() => clock.IsWaiting), $"probe {clock.Starts.Length} did not settle");
        }

        DateTimeOffset[] starts = clock.Starts;
        double[] gaps = [.. starts.Zip(starts.Skip(1), static (a, b) => (b - a).TotalSeconds)];
        Assert.True(gaps.Length >= 40, $"{gaps.Length} intervals");
        Assert.True(gaps.All(gap => gap is >= 0.5 and <= 1.51), clock.Dump());
        Assert.Contains(gaps, static gap => gap < 0.9);
        Assert.Contains(gaps, static gap => gap > 1.1);
    }

    [Fact]
    public async Task Started_twice_is_refused()
    {
        await using RegionProbeScheduler scheduler = Scheduler();
        scheduler.Start();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(scheduler.Start);
        Assert.Equal("The probe scheduler has already been started.", error.Message);
    }

    [Fact]
    public async Task Starting_a_stopped_or_disposed_scheduler_is_refused_and_leaves_the_region_to_callers_trials()
    {
        RegionProbeScheduler stopped = Scheduler();
        await stopped.StopAsync();
        RegionProbeScheduler disposed = Scheduler();
        await disposed.DisposeAsync();

        foreach (RegionProbeScheduler scheduler in new[] { stopped, disposed })
        {
            InvalidOperationException error = Assert.Throws<InvalidOperationException>(scheduler.Start);
            Assert.Equal("The probe scheduler has been stopped; a new one is needed to probe again.", error.Message);
            Assert.False(_client.Core.IsActivelyProbed);
        }

        await stopped.DisposeAsync();
    }

    [Fact]
    public async Task A_scheduler_stopped_while_it_starts_never_leaves_its_region_marked_as_probed()
    {
        // A host stopping while it starts: Start and StopAsync at the same moment, many times over.
        var probe = new DelegateProbe(static _ => ValueTask.FromResult(HealthProbeResult.Healthy(TimeSpan.Zero, "ok")));
        for (int i = 0; i < 2000; i++)
        {
            var scheduler = new RegionProbeScheduler(_client.Core, "a", probe, EverySecond, _time);
            using var go = new Barrier(2);
            Task start = Task.Run(
                () =>
                {
                    go.SignalAndWait(TestContext.Current.CancellationToken);
                    try
                    {
                        scheduler.Start();
                    }
                    catch (InvalidOperationException)
                    {
                        // Stopped first: refused, as it should be.
                    }
                },
                TestContext.Current.CancellationToken);
            Task stop = Task.Run(
                async () =>
                {
                    go.SignalAndWait(TestContext.Current.CancellationToken);
                    await scheduler.StopAsync();
                },
                TestContext.Current.CancellationToken);

            await Task.WhenAll(start, stop).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            await scheduler.DisposeAsync();
            Assert.False(_client.Core.IsActivelyProbed, $"left marked as probed at attempt {i}");
        }
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        var probe = new DelegateProbe(_ => ValueTask.FromResult(HealthProbeResult.Healthy(TimeSpan.Zero, "")));
        Assert.Equal("monitor", Assert.Throws<ArgumentNullException>(() => new RegionProbeScheduler(null!, "a", probe)).ParamName);
        Assert.Equal("regionName", Assert.Throws<ArgumentNullException>(() => new RegionProbeScheduler(_client.Core, null!, probe)).ParamName);
        Assert.Equal("regionName", Assert.Throws<ArgumentException>(() => new RegionProbeScheduler(_client.Core, "", probe)).ParamName);
        Assert.Equal("probe", Assert.Throws<ArgumentNullException>(() => new RegionProbeScheduler(_client.Core, "a", null!)).ParamName);
        ArgumentException unknown = Assert.Throws<ArgumentException>(() => new RegionProbeScheduler(_client.Core, "nowhere", probe));
        Assert.StartsWith("Client 'payments' has no region named 'nowhere'.", unknown.Message, StringComparison.Ordinal);
        Assert.Equal("Interval", Assert.Throws<ArgumentOutOfRangeException>(() => new RegionProbeScheduler(_client.Core, "a", probe, new ProbeScheduleOptions { Interval = TimeSpan.Zero })).ParamName);
        Assert.Equal("Timeout", Assert.Throws<ArgumentOutOfRangeException>(() => new RegionProbeScheduler(_client.Core, "a", probe, new ProbeScheduleOptions { Timeout = TimeSpan.Zero })).ParamName);
        Assert.Equal("Jitter", Assert.Throws<ArgumentOutOfRangeException>(() => new RegionProbeScheduler(_client.Core, "a", probe, new ProbeScheduleOptions { Jitter = 0.9 })).ParamName);
    }

    /// <summary>The results <paramref name="scheduler"/> reports from now on, as they come.</summary>
    private static List<HealthProbeResult> Results(RegionProbeScheduler scheduler)
    {
        var results = new List<HealthProbeResult>();
        scheduler.ProbeCompleted += (_, e) => { lock (results) { results.Add(e.Result); } };
        return results;
    }

    /// <summary>
    /// The fake clock as a scheduler sees it, noting the timers it arms: a probe's timeout (a cancellation source's
    /// timer) when it starts a probe, and its wait for the next probe (a delay's timer) once it has reported one.
    /// </summary>
    private sealed class SchedulerClock(FakeTimeProvider inner) : TimeProvider
    {
        private readonly List<Armed> _timers = [];

        /// <summary>The fake time at which each probe started.</summary>
        public DateTimeOffset[] Starts
        {
            get
            {
                lock (_timers)
                {
                    return [.. _timers.Where(static t => t.IsProbeTimeout).Select(static t => t.At)];
                }
            }
        }

        /// <summary>
        /// Whether the scheduler has nothing left to do before the clock moves on: it waits for its next probe (or has
        /// armed nothing yet, or has stopped waiting because it stopped).
        /// </summary>
        public bool IsWaiting
        {
            get
            {
                lock (_timers)
                {
                    return _timers.Count == 0 || _timers[^1] is { IsProbeTimeout: false, Fired: false };
                }
            }
        }

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var armed = new Armed(inner.GetUtcNow(), state is CancellationTokenSource) { Due = dueTime };
            lock (_timers)
            {
                _timers.Add(armed);
            }

            return inner.CreateTimer(
                s =>
                {
                    lock (_timers)
                    {
                        armed.Fired = true;
                    }

                    callback(s);
                },
                state,
                dueTime,
                period);
        }

        public string Dump()
        {
            lock (_timers)
            {
                return string.Join("\n", _timers.Select(t => $"{t.At:ss.fff} {(t.IsProbeTimeout ? "T" : "W")} {t.Due.TotalMilliseconds} {t.Fired}"));
            }
        }

        private sealed class Armed(DateTimeOffset at, bool isProbeTimeout)
        {
            public DateTimeOffset At { get; } = at;

            public bool IsProbeTimeout { get; } = isProbeTimeout;

            public bool Fired { get; set; }

            public TimeSpan Due { get; set; }
        }
    }

    /// <summary>Waits (bounded, in real time) for work already due on the fake clock to run.</summary>
    private static async Task<bool> Until(Func<bool> condition)
    {
        for (int i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        return condition();
    }
}
