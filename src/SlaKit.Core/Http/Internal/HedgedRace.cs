using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>
/// The hedged race of a request that is safe to repeat: attempts against the plan's regions, each started after the
/// previous one's hedging delay, the first good answer served, the losers settled (see <see cref="SettleLosers"/>).
/// </summary>
/// <param name="client">The client's shared state.</param>
/// <param name="attempts">Makes each attempt.</param>
internal sealed class HedgedRace(HttpRegionSet client, RegionAttempts attempts)
{
    private readonly HttpRegionSet _client = client;
    private readonly RegionAttempts _attempts = attempts;

    /// <summary>
    /// Runs <paramref name="run"/>'s plan as a race: each next region is also asked when the last has not answered
    /// within its hedging delay, or at once when an attempt fails; the first success is served. <paramref name="first"/>
    /// is the first attempt if the handler already started it.
    /// </summary>
    /// <exception cref="RegionFailoverException">Every region failed, or the total timeout elapsed.</exception>
    public async Task<HttpResponseMessage> RunAsync(RequestRun run, ValueTask<AttemptResult>? first)
    {
        IReadOnlyList<TrackedRegion> order = run.Plan.Order;
        var outcomes = new List<RegionAttemptOutcome>(order.Count);
        var running = new List<RunningAttempt>(order.Count);
        int next = 0;

        if (first is { } started)
        {
            // Started with the run's own token: cancelling it cancels the run, which only happens when every
            // attempt still running is being cancelled anyway (a plan without a trial).
            running.Add(new RunningAttempt(started.AsTask(), Cancel: null, order[0], 0, run.Started));
            next = 1;
        }
        else
        {
            StartNext(run, order, running, ref next);
        }

        try
        {
            while (running.Count > 0)
            {
                // The wake-up: at the hedge, if another region is to be asked, and at the total timeout, which stops the
                // waiting, not the attempts: they are given up on when it comes (see GiveUpAsync).
                using var wakeCancel = CancellationTokenSource.CreateLinkedTokenSource(run.Linked, run.Total);
                TimeSpan? delay = next < order.Count ? HedgingDelay(run, running[^1]) : null;
                Task? wake = delay is null && !run.Total.CanBeCanceled
                    ? null
                    : Task.Delay(delay ?? Timeout.InfiniteTimeSpan, _client.Time, wakeCancel.Token);

                var waits = new Task[running.Count + (wake is null ? 0 : 1)];
                for (int i = 0; i < running.Count; i++)
                {
                    waits[i] = running[i].Task;
                }

                if (wake is not null)
                {
                    waits[^1] = wake;
                }

                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                Task completed = await Task.WhenAny(waits).ConfigureAwait(false);

                // Synchronously: the only thing to stop is the wake-up's timer, and CancelAsync would queue that to the
                // thread pool and make every request wait for a thread-pool hop.
                wakeCancel.Cancel();
                run.CallerToken.ThrowIfCancellationRequested();

                int doneAt = IndexOf(running, completed);
                if (doneAt < 0)
                {
                    if (run.Total.IsCancellationRequested)
                    {
                        break;
                    }

                    StartNext(run, order, running, ref next);
                    continue;
                }

                RunningAttempt done = running[doneAt];
                running.RemoveAt(doneAt);
                done.Cancel?.Dispose();
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                AttemptResult result = await done.Task.ConfigureAwait(false);
                outcomes.Add(result.ToOutcome());
                if (result.Kind == RegionAttemptOutcomeKind.Success)
                {
                    SettleLosers(run, running, done, result.OnTime);
                    return run.Serve(result);
                }

                result.Response?.Dispose();
                if (run.Total.IsCancellationRequested)
                {
                    break;
                }

                // This one failed quickly: move on now rather than at the next hedge.
                if (next < order.Count)
                {
                    StartNext(run, order, running, ref next);
                }
            }

            // Out of regions, or out of time with attempts still running: those are given up on, and every attempt reported.
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            if (await GiveUpAsync(run, running, outcomes).ConfigureAwait(false) is { } answered)
            {
                return run.Serve(answered.Result);
            }

            throw run.Fail(_client, outcomes);
        }
        finally
        {
            // Only when the race ends by an exception: the caller's cancellation (every attempt is linked to the caller's
            // token, so they end at once), or one no attempt catches, thrown by a handler below. Those still running are
            // stopped as losers beyond the limit are: cancelled, except a first attempt on the run's own token, which ends
            // on its own timeout and keeps the caller's request until then.
            foreach (RunningAttempt attempt in running)
            {
                attempt.Cancel?.Cancel();
                attempt.DisposeWhenDone(_client, run.LendTo(attempt.Index));
            }
        }
    }

    private void StartNext(RequestRun run, IReadOnlyList<TrackedRegion> order, List<RunningAttempt> running, ref int next)
    {
        TrackedRegion region = order[next];
        var attemptCancel = CancellationTokenSource.CreateLinkedTokenSource(run.Linked);
        long started = _client.Time.GetTimestamp();
        Task<AttemptResult> task = _attempts.AttemptAsync(run, next, region, started, attemptCancel.Token).AsTask();
        running.Add(new RunningAttempt(task, attemptCancel, region, next, started));
        next++;
    }

    private static int IndexOf(List<RunningAttempt> running, Task completed)
    {
        for (int i = 0; i < running.Count; i++)
        {
            if (running[i].Task == completed)
            {
                return i;
            }
        }

        return -1;
    }

    private static Task CancelAsync(RequestRun run, RunningAttempt attempt) =>
        attempt.Cancel is { } own ? own.CancelAsync() : run.CancelAsync();

    /// <summary>
    /// The total timeout ended the race while <paramref name="running"/> still waited for their regions. Being cut short
    /// by it is no evidence against a region, so each is given up on as a caller's giving up is: a trial finishes on its
    /// own; an attempt past its region's usual latency runs on (<see cref="LateAttempt.TryRunOn"/>); any other is cancelled
    /// and waited for, and counts for nothing. Every other attempt listens to the run's own token, so a first attempt on
    /// it is cancelled only when nothing runs on; otherwise it ends on its own timeout, unwatched, as a loser beyond the
    /// limit does. Each attempt's outcome is added to <paramref name="outcomes"/>.
    /// </summary>
    /// <returns>An attempt that answered as the time ran out, which still serves; <see langword="null"/> if none did.</returns>
    private async Task<(RunningAttempt Attempt, AttemptResult Result)?> GiveUpAsync(RequestRun run, List<RunningAttempt> running, List<RegionAttemptOutcome> outcomes)
    {
        var stopped = new List<RunningAttempt>(running.Count);
        RunningAttempt? onRunsToken = null;
        bool runsOn = false;
        foreach (RunningAttempt attempt in running)
        {
            if (run.IsTrialAttempt(attempt.Index) && !attempt.Task.IsCompleted)
            {
                attempt.DisposeWhenDone(_client);
            }
            else if (!LateAttempt.TryRunOn(_client, run, attempt))
            {
                if (attempt.Cancel is null)
                {
                    onRunsToken = attempt;
                }
                else
                {
                    stopped.Add(attempt);
                }

                continue;
            }

            runsOn = true;
            outcomes.Add(RunningAttempt.GivenUp(_client, attempt));
        }

        if (onRunsToken is { } first)
        {
            if (runsOn && !first.Task.IsCompleted)
            {
                first.DisposeWhenDone(_client, run.LendTo(first.Index));
                outcomes.Add(RunningAttempt.GivenUp(_client, first));
            }
            else
            {
                stopped.Add(first);
            }
        }

        // Only those to stop stay on the list, each until it has ended: should the caller give up meanwhile, the race's
        // own clean-up still lets go of the rest.
        running.Clear();
        running.AddRange(stopped);
        foreach (RunningAttempt attempt in stopped)
        {
            // One that has ended needs no cancelling: on the run's own token, that would stop those running on.
            if (!attempt.Task.IsCompleted)
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                await CancelAsync(run, attempt).ConfigureAwait(false);
            }
        }

        (RunningAttempt, AttemptResult)? answered = null;
        try
        {
            while (running.Count > 0)
            {
                RunningAttempt attempt = running[0];
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                AttemptResult result = await attempt.Task.ConfigureAwait(false);
                running.RemoveAt(0);
                attempt.Cancel?.Dispose();
                outcomes.Add(result.ToOutcome());
                if (result.Kind == RegionAttemptOutcomeKind.Success && answered is null)
                {
                    answered = (attempt, result);
                }
                else
                {
                    result.Response?.Dispose();
                }
            }
        }
        catch
        {
            answered?.Item2.Response?.Dispose();
            throw;
        }

        return answered;
    }

    /// <summary>
    /// Settles the attempts still running once <paramref name="winner"/> has answered. Slower is not dead: each loser is
    /// left to finish within its attempt timeout (at most <see cref="RegionFailoverOptions.MaxLateAttempts"/> a region),
    /// so its answer teaches its region's latency and only a real failure counts against it. A loser that has fallen far
    /// behind its region's usual latency while the winner answered within its own makes its region overdue until it
    /// ends (<see cref="TrackedRegion.MarkOverdue"/>): that is how a black-holed region leaves first place at once. A loser
    /// beyond the limit is cancelled and counts for nothing (the first attempt runs on unwatched; see the comment
    /// below). A trial always finishes on its own.
    /// </summary>
    private void SettleLosers(RequestRun run, List<RunningAttempt> running, RunningAttempt winner, bool winnerOnTime)
    {
        RegionFailoverOptions options = _client.Options;
        TimeProvider time = _client.Time;
        long answeredAt = time.GetTimestamp();
        DateTimeOffset now = run.StartedAt + time.GetElapsedTime(run.Started, answeredAt);

        // A winner that was itself slow (by its region's latency before this answer) means the request is slow
        // everywhere (a heavy query, a large body): then nobody is judged by the race.
        foreach (RunningAttempt attempt in running)
        {
            TrackedRegion region = attempt.Region;

            // A trial finishes on its own; an attempt that has just ended has recorded its own outcome already.
            if (run.IsTrialAttempt(attempt.Index) || attempt.Task.IsCompleted)
            {
                attempt.DisposeWhenDone(_client);
                continue;
            }

            if (!region.TryBeginLinger(options.MaxLateAttempts))
            {
                // Beyond the limit: cancelled, and counts for nothing. The first attempt listens to the run's own token,
                // which every other attempt is linked to, so it is left to end on its own timeout instead of cancelling
                // the rest with it; its outcome is recorded as any attempt's is, but nobody judges its lateness. Running
                // on, it may still be sending the caller's own request: the caller gets its URI back when it ends.
                attempt.Cancel?.Cancel();
                attempt.DisposeWhenDone(_client, run.LendTo(attempt.Index));
                continue;
            }

            TimeSpan? overdueIn = null;
            if (winnerOnTime)
            {
                overdueIn = _client.OverdueBound(region, run.LatencyClass) - time.GetElapsedTime(attempt.Started, answeredAt);
            }

            new LateAttempt(_client, attempt, run.LatencyClass, winner.Region.Region.Name, run.LendTo(attempt.Index)).Watch(overdueIn, now);
        }

        running.Clear();
    }

    /// <summary>
    /// How long to wait on <paramref name="waitedOn"/> before the next region is also asked; <see langword="null"/> not to hedge.
    /// Every latency it goes by is of the request's own latency class.
    /// A trial is hedged as soon as the next region would usually have answered (k × its p99, at most the hedging delay),
    /// so a trial costs the caller next to nothing even when the region is still dead; and at once when the region on
    /// trial usually takes longer than that itself (a far region), since it could not answer in time anyway.
    /// </summary>
    private TimeSpan? HedgingDelay(RequestRun run, RunningAttempt waitedOn)
    {
        RegionFailoverOptions options = _client.Options;
        if (run.IsTrialAttempt(waitedOn.Index))
        {
            double fallbackP99 = run.Plan.Order[1].LatencyOf(run.LatencyClass).P99Milliseconds;
            TimeSpan trialDelay = double.IsNaN(fallbackP99)
                ? options.HedgingDelay
                : TimeSpan.FromMilliseconds(Math.Min(Math.Max(1, fallbackP99 * options.AdaptiveHedgingMultiplier), options.HedgingDelay.TotalMilliseconds));

            // What the region on trial took before it went down: its p99, or its first answer if that is all it gave.
            LatencyWindow trialLatency = waitedOn.Region.LatencyOf(run.LatencyClass);
            double took = double.IsNaN(trialLatency.P99Milliseconds) ? trialLatency.FirstMilliseconds : trialLatency.P99Milliseconds;
            return took > trialDelay.TotalMilliseconds ? TimeSpan.Zero : trialDelay;
        }

        switch (options.Hedging)
        {
            case HedgingMode.Off:
                return null;
            case HedgingMode.Fixed:
                return options.HedgingDelay;
        }

        // The region's usual bound, k × its p99 at least the floor, as the overdue rule reads it; at most the attempt timeout.
        LatencyWindow latency = waitedOn.Region.LatencyOf(run.LatencyClass);
        if (latency.UsualBound(options.HedgingDelay, options.AdaptiveHedgingMultiplier) is { } usual)
        {
            return usual > options.AttemptTimeout ? options.AttemptTimeout : usual;
        }

        // Until a second answer gives a p99, the first (connection set-up included) stands in for it: a far region that
        // has answered once is not hedged at the floor again while its next connections are still being opened. It is
        // capped at the cold-start allowance, the longest silence a region without a p99 is allowed before it is overdue.
        double first = latency.FirstMilliseconds;
        if (double.IsNaN(first))
        {
            return options.HedgingDelay;
        }

        var provisional = TimeSpan.FromMilliseconds(first * options.AdaptiveHedgingMultiplier);
        TimeSpan cap = options.ColdStartAllowance > options.HedgingDelay ? options.ColdStartAllowance : options.HedgingDelay;
        return provisional < options.HedgingDelay ? options.HedgingDelay : provisional > cap ? cap : provisional;
    }
}
