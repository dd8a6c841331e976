using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>
/// An attempt that lost a hedge race and is left to finish within its attempt timeout. Slower is not dead: the attempt
/// itself records its answer (a latency sample and a success) or its real failure, exactly as a winner would. This
/// watches the lateness: if the attempt is still running once it is past its region's overdue bound
/// (<see cref="RegionFailoverClient.OverdueBound"/>), the region is overdue until it ends
/// (<see cref="RegionState.MarkOverdue"/>, <see cref="RegionState.ResolveOverdue"/>).
/// </summary>
internal sealed class LateAttempt
{
    private readonly Lock _gate = new();
    private readonly RegionFailoverClient _client;
    private readonly RunningAttempt _attempt;
    private readonly string _winner;
    private ITimer? _timer;
    private bool _overdue;
    private bool _ended;

    /// <summary>A loser of a race that <paramref name="winner"/> won; its place among its region's late attempts is already claimed.</summary>
    public LateAttempt(RegionFailoverClient client, RunningAttempt attempt, string winner)
    {
        _client = client;
        _attempt = attempt;
        _winner = winner;
    }

    /// <summary>
    /// Starts watching. <paramref name="overdueIn"/> is how long until the attempt is overdue (zero or less: already),
    /// or <see langword="null"/> when the race judges nobody (the winner was slow too).
    /// </summary>
    public void Watch(TimeSpan? overdueIn, DateTimeOffset now)
    {
        if (overdueIn is { } due)
        {
            if (due <= TimeSpan.Zero)
            {
                BecomeOverdue(now);
            }
            else
            {
                lock (_gate)
                {
                    _timer = _client.Time.CreateTimer(static state => ((LateAttempt)state!).BecomeOverdue(null), this, due, Timeout.InfiniteTimeSpan);
                }
            }
        }

        _ = _attempt.Task.ContinueWith(
            static (task, state) => ((LateAttempt)state!).Ended(task),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
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
            TimeSpan bound = _client.OverdueBound(_attempt.Region);
            _attempt.Region.MarkOverdue(at ?? _client.Time.GetUtcNow(),
                $"it has not answered within {DurationText.Format(bound)}, well past its usual latency, while region {_winner} did");
        }
    }

    private void Ended(Task<AttemptResult> task)
    {
        bool failed = false;
        if (task.IsCompletedSuccessfully)
        {
            AttemptResult result = task.Result;
            result.Response?.Dispose();
            failed = result.IsRegionFailure;
        }
        else
        {
            // Observed here: nobody else awaits a late attempt. An unexpected error is no evidence either way.
            _ = task.Exception;
        }

        _attempt.Cancel?.Dispose();
        lock (_gate)
        {
            _ended = true;
            _timer?.Dispose();
            if (_overdue)
            {
                _attempt.Region.ResolveOverdue(_client.Time.GetUtcNow(), failed);
            }
        }

        // Last, so that whoever sees the place free also sees the region as the attempt left it.
        _attempt.Region.EndLinger();
    }
}
