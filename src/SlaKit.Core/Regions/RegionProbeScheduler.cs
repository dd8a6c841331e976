using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SlaKit.Probes;

namespace SlaKit.Regions;

/// <summary>
/// Runs one region's probe on a schedule and feeds each verdict into the client's region health, where the same
/// hysteresis as for requests applies (by default 2 failures down, 2 successes up). With a 1-second interval and
/// timeout, a region that stops answering is out of rotation within about interval × failures + timeout = 3 s.
/// </summary>
/// <remarks>
/// While a failover client has running probes, its Unhealthy regions are brought back by probes rather than by
/// trying callers' requests on them. Each probe runs on the thread pool, so one that blocks its thread holds up
/// neither <see cref="Start"/> (a host starting) nor its own timeout. A probe that ignores cancellation is cut off at
/// its timeout (reported Unhealthy) and not started again until it returns, so probes of one region never overlap.
/// </remarks>
public sealed class RegionProbeScheduler : IAsyncDisposable
{
    private readonly IRegionHealthMonitor _monitor;
    private readonly IHealthProbe _probe;
    private readonly ProbeScheduleOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lifecycle = new();
    private readonly TaskCompletionSource<Task> _loop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _started;
    private bool _stopping;

    /// <summary>Creates a scheduler; call <see cref="Start"/> to begin.</summary>
    /// <param name="monitor">The client whose region health the verdicts feed.</param>
    /// <param name="regionName">The region probed; one of the client's regions.</param>
    /// <param name="probe">The probe to run.</param>
    /// <param name="options">Interval, timeout and jitter; the defaults (1 s, 1 s, ±10%) when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Where probe failures are logged; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="regionName"/> is not one of the client's regions.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public RegionProbeScheduler(IRegionHealthMonitor monitor, string regionName, IHealthProbe probe, ProbeScheduleOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentException.ThrowIfNullOrEmpty(regionName);
        ArgumentNullException.ThrowIfNull(probe);
        if (!monitor.GetStatus().Any(s => string.Equals(s.Region.Name, regionName, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"Client '{monitor.ClientName}' has no region named '{regionName}'.", nameof(regionName));
        }

        _options = options ?? new ProbeScheduleOptions();
        _options.Validate();
        _monitor = monitor;
        RegionName = regionName;
        _probe = probe;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Raised after each probe, once its verdict has been fed into the region's health.</summary>
    public event EventHandler<ProbeCompletedEventArgs>? ProbeCompleted;

    /// <summary>The region probed.</summary>
    public string RegionName { get; }

    /// <summary>Starts probing now, then every interval.</summary>
    /// <exception cref="InvalidOperationException">The scheduler was already started, or has been stopped or disposed.</exception>
    public void Start()
    {
        // Decided under one lock with StopAsync: a scheduler stopped while it starts either never claims its region, or
        // is stopped once its loop is running, and the loop's end gives the region back. The loop starts outside the lock:
        // its first probe may report at once, to handlers that may stop the scheduler.
        lock (_lifecycle)
        {
            // Checked before the region is claimed: a scheduler that cannot run must not leave its region marked as probed,
            // which would keep callers' requests from ever trying it again.
            if (_stopping)
            {
                throw new InvalidOperationException("The probe scheduler has been stopped; a new one is needed to probe again.");
            }

            if (_started)
            {
                throw new InvalidOperationException("The probe scheduler has already been started.");
            }

            _started = true;
            if (_monitor is IActivelyProbed probed)
            {
                probed.ProbeStarted(RegionName);
            }
        }

        _loop.SetResult(RunAsync(_stop.Token));
    }

    /// <summary>
    /// Stops probing and waits for the probing loop to end: a report under way (and its <see cref="ProbeCompleted"/>
    /// handlers) finishes first. A probe still running is told to stop through its token, and is not waited for.
    /// </summary>
    /// <returns>A task that completes when the scheduler has stopped.</returns>
    public async Task StopAsync()
    {
        bool started;
        lock (_lifecycle)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            started = _started;
        }

        // Stryker disable Boolean : equivalent; ConfigureAwait(true) differs only under a synchronization context, which nothing here needs.
        await _stop.CancelAsync().ConfigureAwait(false);
        if (started)
        {
            try
            {
                Task loop = await _loop.Task.ConfigureAwait(false);
                await loop.ConfigureAwait(false);
            }
            finally
            {
                // Whatever ended the loop, the client no longer has this probe deciding for it.
                if (_monitor is IActivelyProbed probed)
                {
                    probed.ProbeStopped(RegionName);
                }
            }
        }
    }

    /// <summary>Stops probing.</summary>
    /// <returns>A task that completes when the scheduler has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);

        // Stryker disable once Statement : equivalent; the source never had a timer, so disposing it frees nothing a test can see.
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        Task<HealthProbeResult>? hung = null;
        while (!stopping.IsCancellationRequested)
        {
            long started = _time.GetTimestamp();
            if (hung is { IsCompleted: false })
            {
                // The probe given up on at its timeout is still unwinding from its token (it usually returns moments
                // later), or it ignores the token. With a timeout as long as the interval the loop is back here at once:
                // the probe gets until the next interval to return, so one timeout is one failure, not two.
                await WaitForHungAsync(hung, stopping).ConfigureAwait(false);
                if (stopping.IsCancellationRequested)
                {
                    break;
                }

                if (hung.IsCompleted)
                {
                    // A new probe starts now, and the next one an interval after it.
                    started = _time.GetTimestamp();
                }
            }

            HealthProbeResult result;
            if (hung is { IsCompleted: false })
            {
                result = HealthProbeResult.Unhealthy(TimeSpan.Zero, "the previous probe has not returned yet");
            }
            else
            {
                try
                {
                    (result, hung) = await ProbeOnceAsync(stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    // Stopped while a probe was in flight: the probe gave up on the stopping token, as it should.
                    break;
                }
            }

            if (stopping.IsCancellationRequested)
            {
                break;
            }

            Report(result);

            // An interval near the longest a timer takes, stretched by its jitter, waits that longest time instead.
            TimeSpan wait = TimerDuration.Clamp(NextInterval() - _time.GetElapsedTime(started));
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Waits until <paramref name="hung"/> returns, the next interval ends, or the scheduler stops, whichever comes first.</summary>
    private async Task WaitForHungAsync(Task<HealthProbeResult> hung, CancellationToken stopping)
    {
        using var interval = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        Task delay = Task.Delay(TimerDuration.Clamp(NextInterval()), _time, interval.Token);
        await Task.WhenAny(hung, delay).ConfigureAwait(false);

        // Ends the delay's timer when the probe returned first; what either task holds (a cancellation, the probe's
        // fault, already observed in ProbeOnceAsync) is not read.
        await interval.CancelAsync().ConfigureAwait(false);
    }

    private async Task<(HealthProbeResult Result, Task<HealthProbeResult>? Hung)> ProbeOnceAsync(CancellationToken stopping)
    {
        long started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        // On the thread pool: a probe written synchronously (blocking on a socket, or on HttpClient.Send) holds neither the
        // thread that started the scheduler (a host starting) nor this loop past its timeout. What it throws before its
        // first await, a cancellation included (a synchronous probe honouring its token, an HttpClient timing out), ends
        // up in the task and is handled below exactly as if it had been thrown after one. The token is read here: the
        // source is disposed when this method returns, which may be before the pool runs the probe.
        CancellationToken token = linked.Token;
        Task<HealthProbeResult> probe = Task.Run(() => _probe.ProbeAsync(token).AsTask(), CancellationToken.None);

        // Completes at the timeout or on stopping: the linked token's timer is the only one.
        var deadline = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using CancellationTokenRegistration onDeadline = linked.Token.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), deadline);
        Task first = await Task.WhenAny(probe, deadline.Task).ConfigureAwait(false);
        // Stryker restore Boolean
        if (first != probe)
        {
            // The probe ignored its token: report it Unhealthy now and keep it from overlapping the next one.
            _ = probe.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return (HealthProbeResult.Unhealthy(_time.GetElapsedTime(started), $"no answer within {DurationText.Format(_options.Timeout)}"), probe);
        }

        try
        {
            return (await probe.ConfigureAwait(false), null);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return (HealthProbeResult.Unhealthy(_time.GetElapsedTime(started), $"no answer within {DurationText.Format(_options.Timeout)}"), null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A probe is user code: its bug must not stop probing, and a probe that cannot tell is no evidence of health.
            FailoverLog.ProbeThrew(_logger, _monitor.ClientName, RegionName, exception);
            return (HealthProbeResult.Unhealthy(_time.GetElapsedTime(started), $"the probe threw {exception.GetType().Name}: {exception.Message}"), null);
        }
    }

    private void Report(HealthProbeResult result)
    {
        RegionHealth observed = result.Status switch
        {
            ProbeStatus.Healthy => RegionHealth.Healthy,
            ProbeStatus.Degraded => RegionHealth.Degraded,
            _ => RegionHealth.Unhealthy,
        };
        _monitor.ReportProbeResult(RegionName, observed, result.Detail);
        try
        {
            ProbeCompleted?.Invoke(this, new ProbeCompletedEventArgs(RegionName, result));
        }
#pragma warning disable CA1031 // A handler is user code: its failure must not stop probing, or a region that is down could never come back.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            FailoverLog.ProbeListenerThrew(_logger, _monitor.ClientName, RegionName, exception);
        }
    }

    private TimeSpan NextInterval()
    {
        // Stryker disable once Block : equivalent; with no jitter the spread below is 0 and the interval the same.
        if (_options.Jitter == 0)
        {
            return _options.Interval;
        }

        double spread = ((Random.Shared.NextDouble() * 2) - 1) * _options.Jitter;
        // Stryker disable once Arithmetic : equivalent; the spread is symmetric around 0, so 1 − spread is drawn as often as 1 + spread.
        return _options.Interval * (1 + spread);
    }
}
