using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>
/// An attempt that lost a hedge race, or that its request gave up on (its caller, or the total timeout), left to finish
/// within its attempt timeout.
/// Slower is not dead: the attempt
/// itself records its answer (a latency sample and a success) or its real failure, exactly as a winner would. This
/// watches the lateness: if the attempt is still running once it is past its region's overdue bound
/// (<see cref="HttpRegionSet.OverdueBound(TrackedRegion, int)"/>, in its request's latency class), the region is overdue until it ends
/// (<see cref="TrackedRegion.MarkOverdue"/>, <see cref="TrackedRegion.ResolveOverdue"/>).
/// </summary>
/// <remarks>
/// An attempt ends by its own outcome, bounded by the region's attempt timeout; in case a handler below ignores the
/// cancellation that timeout sends, the watch gives up a second after it: the region then counts the attempt as
/// failed, so that it can be neither overdue nor short of a late place for ever.
/// </remarks>
internal sealed class LateAttempt
{
    /// <summary>How long after its attempt timeout an attempt that has still not ended is given up on.</summary>
    internal static readonly TimeSpan GiveUpMargin = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly HttpRegionSet _client;
    private readonly RunningAttempt _attempt;
    private readonly int _latencyClass;
    private readonly string? _winner;
    private readonly AttemptRequestFactory? _lent;
    private ITimer? _overdueTimer;
    private ITimer? _giveUpTimer;
    private bool _overdue;
    private bool _ended;

    /// <summary>
    /// A loser of a race that <paramref name="winner"/> won, or with <see langword="null"/> an attempt its request gave up
    /// on; its place among its region's late attempts is already claimed. Its lateness is judged by its request's
    /// <paramref name="latencyClass"/>. <paramref name="lent"/>, when given, is the factory whose caller's request this attempt sends: its URI
    /// is put back when the attempt ends.
    /// </summary>
    public LateAttempt(HttpRegionSet client, RunningAttempt attempt, int latencyClass, string? winner, AttemptRequestFactory? lent)
    {
        _client = client;
        _attempt = attempt;
        _latencyClass = latencyClass;
        _winner = winner;
        _lent = lent;
    }

    /// <summary>
    /// Lets <paramref name="attempt"/> of <paramref name="run"/> run on, watched, after the request gave up on it (its
    /// caller did, or the total timeout ended it), when it has already waited past its region's usual latency in the
    /// request's latency class (what its adaptive hedging delay would be: 3 × its p99, at least the hedging delay) and the
    /// region has a late place left
    /// (<see cref="RegionFailoverOptions.MaxLateAttempts"/>). Its real outcome is then recorded, within its attempt timeout:
    /// its answer is a latency sample, its timeout a failure. So a region that has gone silent is found out even when every
    /// request gives up sooner than the attempt timeout, and a slow one is only learnt.
    /// </summary>
    /// <returns>
    /// Whether the attempt runs on; if not (it was given up on sooner, or the region has no late place left), it has not
    /// been touched, and whoever gave up on it cancels it: it may simply have been moved on from, and counts for nothing.
    /// </returns>
    public static bool TryRunOn(HttpRegionSet client, RequestRun run, RunningAttempt attempt)
    {
        RegionFailoverOptions options = client.Options;
        TrackedRegion region = attempt.Region;
        TimeSpan usual = region.UsualLatencyBound(options.HedgingDelay, options.AdaptiveHedgingMultiplier, run.LatencyClass) ?? options.HedgingDelay;
        if (attempt.Task.IsCompleted || client.Time.GetElapsedTime(attempt.Started) < usual || !region.TryBeginLinger(options.MaxLateAttempts))
        {
            return false;
        }

        new LateAttempt(client, attempt, run.LatencyClass, winner: null, run.LendTo(attempt.Index)).Watch(overdueIn: null, client.Time.GetUtcNow());
        return true;
    }

    /// <summary>
    /// Starts watching. <paramref name="overdueIn"/> is how long until the attempt is overdue (zero or less: already),
    /// or <see langword="null"/> when nobody is judged (the winner was slow too, or there was no winner).
    /// </summary>
    public void Watch(TimeSpan? overdueIn, DateTimeOffset now)
    {
        TimeProvider time = _client.Time;
        lock (_gate)
        {
            TimeSpan giveUpIn = TimerDuration.Clamp(_client.Options.AttemptTimeout + GiveUpMargin - time.GetElapsedTime(_attempt.Started));
            _giveUpTimer = time.CreateTimer(static state => ((LateAttempt)state!).End(null), this, giveUpIn, Timeout.InfiniteTimeSpan);

            // An overdue bound past the give-up (a slow region's p99 times a large multiplier, possibly longer than a
            // timer takes) could never be reached: the attempt ends first.
            if (overdueIn is { } due && due > TimeSpan.Zero && due < giveUpIn)
            {
                _overdueTimer = time.CreateTimer(static state => ((LateAttempt)state!).BecomeOverdue(null), this, due, Timeout.InfiniteTimeSpan);
            }
        }

        // Registered before any verdict, so that the end is always seen, whatever a verdict's listeners do.
        _ = _attempt.Task.ContinueWith(
            static (task, state) => ((LateAttempt)state!).End(task),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        if (overdueIn is { } already && already <= TimeSpan.Zero)
        {
            BecomeOverdue(now);
        }
    }

    private void BecomeOverdue(DateTimeOffset? at)
    {
        lock (_gate)
        {
            if (_ended || _overdue)
            {
                return;
            }

            _overdue = true;
            TimeSpan bound = _client.OverdueBound(_attempt.Region, _latencyClass);
            _attempt.Region.MarkOverdue(at ?? _client.Time.GetUtcNow(),
                $"it has not answered within {DurationText.Format(bound)}, well past its usual latency, while region {_winner} did");
        }
    }

    /// <summary>The attempt ended (<paramref name="task"/>), or, with <see langword="null"/>, was given up on.</summary>
    private void End(Task<AttemptResult>? task)
    {
        bool failed = task is null;
        if (task is { IsCompletedSuccessfully: true })
        {
            AttemptResult result = task.Result;
            result.Response?.Dispose();
            failed = result.IsRegionFailure;
        }
        else if (task is not null)
        {
            // Observed here: nobody else awaits a late attempt. An unexpected error is no evidence either way.
            _client.ObserveAbandoned(task, _attempt.Region);
        }

        lock (_gate)
        {
            if (_ended)
            {
                // Given up on before it ended: only its own source is left to release.
                if (task is not null)
                {
                    _attempt.Cancel?.Dispose();
                }

                return;
            }

            _ended = true;
            _overdueTimer?.Dispose();
            _giveUpTimer?.Dispose();
        }

        try
        {
            if (task is not null)
            {
                _attempt.Cancel?.Dispose();
            }

            DateTimeOffset now = _client.Time.GetUtcNow();
            if (task is null)
            {
                // It never ended, so it recorded nothing: what its own timeout would have recorded is recorded here.
                _attempt.Region.RecordFailure(now, $"its attempt did not end within the attempt timeout of {DurationText.Format(_client.Options.AttemptTimeout)}");
            }

            if (_overdue)
            {
                _attempt.Region.ResolveOverdue(now, failed);
            }

            _lent?.TryRestore();
        }
        finally
        {
            // Last, so that whoever sees the place free also sees the region as the attempt left it.
            _attempt.Region.EndLinger();
        }
    }
}
