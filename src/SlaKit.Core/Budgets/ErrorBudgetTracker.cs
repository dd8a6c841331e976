using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SlaKit.Budgets;

/// <summary>
/// Counts good and bad events against an <see cref="Slo"/> and tells how its error budget stands: the
/// budget left, burn rates over any window, and burn-rate alerts that start and end as the SRE workbook's
/// multi-window policy says.
/// </summary>
/// <remarks>
/// <para>
/// Recording (<see cref="RecordSuccess"/>, <see cref="RecordFailure"/>, <see cref="Record(long, long)"/>,
/// <see cref="RecordLatency(TimeSpan, bool)"/>) is safe from any number of threads, lock-free and allocation-free,
/// and does not read the clock: it adds to a per-processor running total. A timer on the
/// <see cref="TimeProvider"/> seals those totals into one-minute buckets at each minute boundary, so an
/// event belongs to the minute in which it was recorded, give or take the timer's delay.
/// </para>
/// <para>
/// Minutes follow the wall clock (<see cref="TimeProvider.GetUtcNow"/>) but never go back. When the wall clock steps
/// back, the tracker does not: it carries on from the latest time it reached by elapsed time
/// (<see cref="TimeProvider.GetTimestamp"/>), a sixtieth slow (a minute every 61 seconds), until the wall clock catches
/// up, so an hour's step is made up in 60 hours. When the wall clock steps forward (a minute or more beyond the elapsed
/// time), the tracker follows it: the minutes skipped are sealed empty, as minutes without traffic (no events; for a
/// time-slice SLO, good slices, as any slice without events), and the events recorded since the last minute was sealed
/// count in the minute it stepped to, so that none lands in a calendar month already over. Snapshots are timed by
/// this clock.
/// </para>
/// <para>
/// Memory is bounded whatever the traffic: one-minute buckets for the last 6 hours, ten-minute buckets
/// back to 3 days, hourly buckets beyond — about 24 KiB for a 30-day window.
/// </para>
/// <para>
/// Once a minute the tracker evaluates its <see cref="AlertPolicy"/> and raises <see cref="AlertStarted"/>
/// and <see cref="AlertEnded"/>. Dispose the tracker to stop its timer.
/// </para>
/// </remarks>
public sealed class ErrorBudgetTracker : IDisposable
{
    // Recording touches only these two read-only fields; everything the timer and readers change lives
    // in other objects, so recording threads never contend for those cache lines.
    private readonly EventStripes _stripes;
    private readonly long _latencyThresholdTicks;

    private readonly TimeProvider _timeProvider;
    private readonly TrackerClock _clock;
    private readonly Lock _gate = new();
    private readonly Lock _saving = new();
    private readonly BucketHistory _history;
    private readonly ITimer _timer;
    private readonly ErrorBudgetInstruments _instruments;
    private readonly ILogger _logger;

    private readonly BurnRateAlertNotifier _alerts;

    private volatile bool _disposed;

    /// <summary>Creates a tracker and starts its once-a-minute timer.</summary>
    /// <param name="slo">The SLO to track.</param>
    /// <param name="timeProvider">The clock and timers; <see langword="null"/> (the default) is <see cref="TimeProvider.System"/>.</param>
    /// <param name="options">Options; <see langword="null"/> (the default) takes every default of <see cref="ErrorBudgetTrackerOptions"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="slo"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="ErrorBudgetTrackerOptions.MetricTags"/> names <c>slo</c>, <c>outcome</c> or <c>window</c>, or has a tag without a name.</exception>
    public ErrorBudgetTracker(Slo slo, TimeProvider? timeProvider = null, ErrorBudgetTrackerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(slo);
        foreach (KeyValuePair<string, object?> tag in options?.MetricTags ?? [])
        {
            if (string.IsNullOrEmpty(tag.Key) || ErrorBudgetInstruments.IsOwnTag(tag.Key))
            {
                throw new ArgumentException($"A metric tag may not be named '{tag.Key}': slo, outcome and window are the tracker's own, and a tag needs a name.", nameof(options));
            }
        }

        Slo = slo;
        _timeProvider = timeProvider ?? TimeProvider.System;
        AlertPolicy = options?.AlertPolicy ?? BurnRateAlertPolicy.ForSlo(slo);
        _stripes = new EventStripes();
        _latencyThresholdTicks = slo.LatencyThreshold?.Ticks ?? 0;

        _clock = new TrackerClock(_timeProvider);
        DateTimeOffset now = _clock.Read();
        TimeSpan span = slo.Window.LongestLength > AlertPolicy.LongestWindow ? slo.Window.LongestLength : AlertPolicy.LongestWindow;
        _history = new BucketHistory(slo, span, BucketHistory.MinuteOf(now));
        _instruments = new ErrorBudgetInstruments(this, AlertPolicy.Windows, options?.MeterFactory, options?.MetricTags);
        ILogger logger = (options?.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SlaKit.Budgets.ErrorBudgetTracker");
        _logger = logger;
        _alerts = new BurnRateAlertNotifier(AlertPolicy.Rules.Count, logger, _instruments.CountAlertHandlerFailure);

        // The timer lives as long as the tracker; it should not carry the creator's async-local values
        // (an Activity, a logging scope) along with it.
        bool suppress = !ExecutionContext.IsFlowSuppressed();
        AsyncFlowControl flow = suppress ? ExecutionContext.SuppressFlow() : default;
        try
        {
            lock (_gate)
            {
                _timer = _timeProvider.CreateTimer(static state => ((ErrorBudgetTracker)state!).OnTimer(), this, _clock.UntilNextMinute(now), Timeout.InfiniteTimeSpan);
            }
        }
        finally
        {
            if (suppress)
            {
                flow.Undo();
            }
        }
    }

    /// <summary>
    /// Raised when an alert of the <see cref="AlertPolicy"/> starts. Raised from <see cref="Evaluate"/>,
    /// which the tracker also calls once a minute on its timer. An exception thrown by a handler during
    /// that timed evaluation cannot stop the tracker or the process: it is logged (through
    /// <see cref="ErrorBudgetTrackerOptions.LoggerFactory"/>) and counted in <c>slakit.error_budget.alert_handler_failures</c>,
    /// and the other handlers still run. During a call of <see cref="Evaluate"/> the other handlers run too, and the
    /// exception reaches that caller afterwards.
    /// </summary>
    public event EventHandler<BurnRateAlertEventArgs>? AlertStarted;

    /// <summary>Raised when an alert of the <see cref="AlertPolicy"/> ends; raised as <see cref="AlertStarted"/> is.</summary>
    public event EventHandler<BurnRateAlertEventArgs>? AlertEnded;

    /// <summary>The SLO being tracked.</summary>
    public Slo Slo { get; }

    /// <summary>The alerting policy: the one in the options, or <see cref="BurnRateAlertPolicy.ForSlo(Slo)"/>.</summary>
    public BurnRateAlertPolicy AlertPolicy { get; }

    internal bool IsDisposed => _disposed;

    /// <summary>The memory the counted history and the running totals take, in bytes.</summary>
    internal int HistoryBytes => _history.Bytes + _stripes.Bytes;

    /// <summary>The bucket lengths of the history, finest first, in minutes.</summary>
    internal IEnumerable<int> BucketMinutes => _history.BucketMinutes;

    /// <summary>Records one good event.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RecordSuccess() => _stripes.AddGood();

    /// <summary>Records one bad event.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RecordFailure() => _stripes.AddBad();

    /// <summary>Records a batch of events, <paramref name="good"/> of <paramref name="total"/> good.</summary>
    /// <param name="good">The good events; from zero to <paramref name="total"/>.</param>
    /// <param name="total">All events; zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or <paramref name="good"/> exceeds <paramref name="total"/>.</exception>
    public void Record(long good, long total)
    {
        if (good < 0 || good > total)
        {
            ThrowBadBatch(good, total);
        }

        _stripes.Add(good, total - good);
    }

    /// <summary>Records a request that succeeded in <paramref name="latency"/>: good when faster than the SLO's <see cref="Slo.LatencyThreshold"/>.</summary>
    /// <param name="latency">How long the request took; not negative.</param>
    /// <exception cref="InvalidOperationException">The SLO has no latency threshold.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="latency"/> is negative.</exception>
    public void RecordLatency(TimeSpan latency) => RecordLatency(latency, succeeded: true);

    /// <summary>
    /// Records a request that took <paramref name="latency"/>: good when it <paramref name="succeeded"/> and was
    /// faster than the SLO's <see cref="Slo.LatencyThreshold"/> (strictly, as the SRE workbook's "&lt; threshold" SLI).
    /// </summary>
    /// <param name="latency">How long the request took; not negative.</param>
    /// <param name="succeeded">Whether the request succeeded; a failed request is bad however fast it was.</param>
    /// <exception cref="InvalidOperationException">The SLO has no latency threshold.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="latency"/> is negative.</exception>
    public void RecordLatency(TimeSpan latency, bool succeeded)
    {
        long threshold = _latencyThresholdTicks;
        if (threshold == 0 || latency.Ticks < 0)
        {
            ThrowBadLatency(latency);
        }

        if (succeeded && latency.Ticks < threshold)
        {
            _stripes.AddGood();
        }
        else
        {
            _stripes.AddBad();
        }
    }

    /// <summary>The error budget as it stands now, with its history copied so it can be queried at leisure.</summary>
    /// <returns>The snapshot.</returns>
    /// <exception cref="ObjectDisposedException">The tracker was disposed.</exception>
    public ErrorBudgetSnapshot GetSnapshot()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            DateTimeOffset now = Roll();
            (long pendingGood, long pendingBad) = Pending();
            return new ErrorBudgetSnapshot(Slo, now, _history.Clone(), pendingGood, pendingBad);
        }
    }

    /// <summary>
    /// Evaluates the <see cref="AlertPolicy"/> now, raising <see cref="AlertStarted"/> and <see cref="AlertEnded"/>
    /// for the alerts that changed since the last evaluation. To read the active alerts without raising anything,
    /// evaluate a snapshot: <c>AlertPolicy.Evaluate(GetSnapshot())</c>.
    /// </summary>
    /// <returns>The active alerts, in the order of the policy's rules; empty when none is.</returns>
    /// <exception cref="ObjectDisposedException">The tracker was disposed.</exception>
    /// <exception cref="Exception">
    /// What a handler of <see cref="AlertStarted"/> or <see cref="AlertEnded"/> threw, once every handler has heard of
    /// every change (an <see cref="AggregateException"/> when several threw).
    /// </exception>
    public IReadOnlyList<BurnRateAlert> Evaluate()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return EvaluateAndNotify(fromTimer: false);
    }

    /// <summary>
    /// Saves the counted history to <paramref name="path"/> as versioned JSON, atomically: the file is
    /// written beside the old one, flushed to disk and renamed over it, so a crash or failure at any point
    /// leaves the previously saved state whole.
    /// </summary>
    /// <param name="path">The state file; its directory must exist.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="IOException">The file could not be written; the old one is untouched.</exception>
    /// <exception cref="ObjectDisposedException">The tracker was disposed.</exception>
    public void SaveState(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ObjectDisposedException.ThrowIf(_disposed, this);
        // One save at a time, written in the order they were taken: two saves at once (a periodic one and one at
        // shutdown) could otherwise rename the older state over the newer.
        lock (_saving)
        {
            byte[] content;
            lock (_gate)
            {
                DateTimeOffset now = Roll();
                (long pendingGood, long pendingBad) = Pending();
                content = ErrorBudgetStateFile.Serialize(Slo, now, _history, pendingGood, pendingBad);
            }

            ErrorBudgetStateFile.WriteAtomically(path, content);
        }
    }

    /// <summary>
    /// Adds the history saved in <paramref name="path"/> by <see cref="SaveState(string)"/> to this tracker's,
    /// so that a restart loses none of it. Load once, right after creating the tracker: loading the same
    /// file twice counts it twice. Saved history older than the tracker keeps is dropped.
    /// </summary>
    /// <param name="path">The state file.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="ErrorBudgetStateException">
    /// The file is corrupt or truncated, was written by a newer SlaKit, or belongs to another SLO; nothing
    /// is loaded and the file is left as it is.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The tracker was disposed.</exception>
    public void LoadState(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ErrorBudgetSavedState state = ErrorBudgetStateFile.Read(path, Slo);
        lock (_gate)
        {
            Roll();
            state.AddTo(_history);
        }
    }

    /// <summary>
    /// Stops the tracker's timer and, unless it came from an <see cref="System.Diagnostics.Metrics.IMeterFactory"/>,
    /// disposes its meter. Recording afterwards does no harm but is no longer sealed into buckets.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                // Stryker disable once Statement : equivalent; disposing the timer and the instruments again does nothing.
                return;
            }

            _disposed = true;
            _timer.Dispose();
        }

        _instruments.Dispose();
    }

    /// <summary>Every event recorded since the tracker was created, good and bad (for the events counter).</summary>
    internal (long Good, long Bad) RecordedTotals() => _stripes.Read();

    /// <summary>The share of the budget left now (for the remaining-budget gauge).</summary>
    internal double RemainingFraction()
    {
        lock (_gate)
        {
            DateTimeOffset now = Roll();
            (long pendingGood, long pendingBad) = Pending();

            // The live history is only read while the lock is held, so no copy is needed.
            return new ErrorBudgetSnapshot(Slo, now, _history, pendingGood, pendingBad).Budget.RemainingFraction;
        }
    }

    /// <summary>The burn rate over each of <paramref name="windows"/> now (for the burn-rate gauge).</summary>
    internal double[] BurnRates(TimeSpan[] windows)
    {
        lock (_gate)
        {
            DateTimeOffset now = Roll();
            (long pendingGood, long pendingBad) = Pending();
            return Array.ConvertAll(windows, window => Sum(now, window, pendingGood, pendingBad).BurnRate(Slo.Target));
        }
    }

    private IReadOnlyList<BurnRateAlert> EvaluateAndNotify(bool fromTimer) =>
        _alerts.Update(
            this,
            () =>
            {
                // Events are raised outside the history lock, so that handlers may take snapshots.
                lock (_gate)
                {
                    DateTimeOffset now = Roll();
                    (long pendingGood, long pendingBad) = Pending();
                    return (now, AlertPolicy.EvaluateEach(window => Sum(now, window, pendingGood, pendingBad), Slo.Target));
                }
            },
            AlertStarted,
            AlertEnded,
            fromTimer);

    /// <summary>
    /// The once-a-minute tick. It runs on a timer thread, where an exception would end the process, so nothing escapes it:
    /// a failure is logged and the tick comes again at the next minute.
    /// </summary>
    private void OnTimer()
    {
        try
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                // Re-armed first, for the next minute boundary from the clock (not with a fixed period, so a late tick
                // does not push every later one), so that a failure below does not stop the ticks.
                _timer.Change(_clock.UntilNextMinute(_clock.Read()), Timeout.InfiniteTimeSpan);
                Roll();
            }

            EvaluateAndNotify(fromTimer: true);
        }
#pragma warning disable CA1031 // A timer callback that throws ends the host; the failure is logged instead.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            BudgetLog.MinuteRollFailed(_logger, Slo.Name, exception);
        }
    }

    /// <summary>Seals the minutes that ended since the last roll; call with the lock held.</summary>
    private DateTimeOffset Roll()
    {
        DateTimeOffset now = _clock.Read();
        (long good, long bad) = _stripes.Read();
        _history.Roll(BucketHistory.MinuteOf(now), good, bad, _clock.TakeForwardStep());
        return now;
    }

    private (long Good, long Bad) Pending()
    {
        (long good, long bad) = _stripes.Read();
        return _history.Pending(good, bad);
    }

    private SloEventCounts Sum(DateTimeOffset now, TimeSpan window, long pendingGood, long pendingBad) =>
        _history.Sum(Math.Max(0, now.UtcTicks - window.Ticks) / TimeSpan.TicksPerMinute, pendingGood, pendingBad);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBadBatch(long good, long total)
    {
        if (total < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(total), total, "The total must not be negative.");
        }

        throw new ArgumentOutOfRangeException(nameof(good), good, $"The good events must be from 0 to the total ({total}).");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowBadLatency(TimeSpan latency)
    {
        if (_latencyThresholdTicks == 0)
        {
            throw new InvalidOperationException($"SLO '{Slo.Name}' has no latency threshold; set Slo.LatencyThreshold to record latencies.");
        }

        throw new ArgumentOutOfRangeException(nameof(latency), latency, "A latency must not be negative.");
    }
}
