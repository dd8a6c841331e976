using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>
/// An attempt under way, started at the <see cref="TimeProvider"/> timestamp <see cref="Started"/>;
/// <see cref="Cancel"/> is <see langword="null"/> for a first attempt that uses the run's own token.
/// </summary>
internal sealed record RunningAttempt(Task<AttemptResult> Task, CancellationTokenSource? Cancel, TrackedRegion Region, int Index, long Started)
{
    /// <summary>
    /// The outcome the request reports for <paramref name="attempt"/> when it gave up on it still running (it may run on
    /// in the background): cancelled, after the time it had run.
    /// </summary>
    public static RegionAttemptOutcome GivenUp(HttpRegionSet client, RunningAttempt attempt) =>
        new(attempt.Region.Region, RegionAttemptOutcomeKind.Cancelled, StatusCode: null, Exception: null, client.Time.GetElapsedTime(attempt.Started));

    /// <summary>
    /// Lets the attempt go: when it ends, its answer is disposed, its own source too, and the caller's URI given back when
    /// <paramref name="lent"/> is given (<see cref="RequestRun.LendTo"/>). Its outcome was recorded by the attempt itself.
    /// </summary>
    public void DisposeWhenDone(HttpRegionSet client, AttemptRequestFactory? lent = null)
    {
        _ = Task.ContinueWith(
            static (task, state) =>
            {
                (HttpRegionSet client, TrackedRegion region, CancellationTokenSource? cancel, AttemptRequestFactory? lent) =
                    ((HttpRegionSet, TrackedRegion, CancellationTokenSource?, AttemptRequestFactory?))state!;
                if (task.IsCompletedSuccessfully)
                {
                    task.Result.Response?.Dispose();
                }
                else
                {
                    // Observed here: nobody awaits an abandoned attempt, and its failure is already moot.
                    client.ObserveAbandoned(task, region);
                }

                cancel?.Dispose();
                lent?.TryRestore();
            },
            (client, Region, Cancel, lent),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
