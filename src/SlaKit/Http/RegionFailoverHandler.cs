using System.Diagnostics;
using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using SlaKit.Regions;
using SlaKit.Telemetry;

namespace SlaKit.Http;

/// <summary>
/// Sends each request to the best region of its client and, when that region fails, to the next —
/// at once for a transient failure, or in parallel after the hedging delay for a request that is safe to repeat.
/// </summary>
/// <remarks>
/// A request is safe to repeat when its method is GET, HEAD, OPTIONS, TRACE, PUT or DELETE, or it carries an
/// <c>Idempotency-Key</c> header or <see cref="RegionFailoverRequestOptions.Idempotent"/>, and its body (if any)
/// fits the replay buffer. Any other request goes to a second region only when the first attempt certainly never
/// reached a server: the connection was refused, the name did not resolve, TLS failed, or the circuit was open.
/// </remarks>
internal sealed class RegionFailoverHandler : DelegatingHandler
{
    private const string IdempotencyKeyHeader = "Idempotency-Key";

    private readonly RegionFailoverClient _client;

    public RegionFailoverHandler(RegionFailoverClient client) => _client = client;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Content is null
            ? SendPlanned(request, content: null, cancellationToken)
            : SendWithContentAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendWithContentAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ReplayableContent content = await ReplayableContent.CreateAsync(request.Content!, _client.Options.ReplayBufferLimit, cancellationToken).ConfigureAwait(false);
        return await SendPlanned(request, content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Plans the request and makes its first attempt. When that attempt has already succeeded by the time it returns
    /// (an in-memory or cached handler below), the answer goes back at once: no total-timeout timer, no hedging timer,
    /// no per-request allocation beyond the caller's own. Anything else continues in <see cref="ContinueAsync"/>.
    /// </summary>
    private Task<HttpResponseMessage> SendPlanned(HttpRequestMessage request, ReplayableContent? content, CancellationToken cancellationToken)
    {
        RegionFailoverOptions options = _client.Options;
        bool replayable = IsIdempotent(request) && (content is null || content.CanReplay);
        TimeProvider time = _client.Time;
        DateTimeOffset now = time.GetUtcNow();
        long started = time.GetTimestamp();
        RegionPlan plan = _client.Plan(now, allowTrial: replayable);

        // A trial is always hedged, whatever the hedging mode: the caller must never wait on a region that was down.
        bool hedged = replayable && (plan.IsTrial || (options.Hedging != HedgingMode.Off && plan.Order.Count > 1));

        // One region and no hedging make one attempt, which its own timeout already bounds: no total-timeout timer.
        // Nothing else shares the run's token, so it carries that timeout itself (one timer on a pooled source) and
        // the attempt needs no Polly timeout of its own. This is every request while the other regions are down.
        bool oneAttempt = !hedged && !plan.IsTrial && plan.Order.Count == 1 && options.AttemptTimeout <= options.TotalTimeout;
        RequestRun run = _client.Runs.Rent();
        run.Begin(request, plan, replayable, content, now, started, cancellationToken);
        run.LendsCallersRequest = !(hedged && content is not null);
        if (oneAttempt)
        {
            run.StartAttemptTimeout(options.AttemptTimeout);
        }

        // A trial's attempt has a token of its own (it may outlive the request), so it starts in ContinueAsync.
        if (plan.IsTrial)
        {
            return ContinueAsync(run, hedged, first: null);
        }

        // Consumed once: read here if it completed, otherwise awaited by whichever of the two continuations below runs.
#pragma warning disable CA2012
        ValueTask<AttemptResult> first = AttemptAsync(run, 0, plan.Order[0], run.Linked);
#pragma warning restore CA2012
        if (first.IsCompletedSuccessfully)
        {
            AttemptResult result = first.Result;
            if (result.Kind == RegionAttemptOutcomeKind.Success)
            {
                HttpResponseMessage response = Serve(run, result, 0);

                // The handler below already made a completed task holding this very response: hand that one back.
                Task<HttpResponseMessage>? inner = run.FirstInnerTask;
                Task<HttpResponseMessage> answer = inner is { IsCompletedSuccessfully: true } && ReferenceEquals(inner.Result, response)
                    ? inner
                    : Task.FromResult(response);
                run.Factory.Restore();
                _client.Runs.Return(run);
                return answer;
            }

            // Read once: a value task is not read twice.
            first = new ValueTask<AttemptResult>(result);
        }

        return oneAttempt
            ? OneAttemptAsync(run, first)
            : ContinueAsync(run, hedged, first);
    }

    /// <summary>Finishes a request whose plan is its first attempt alone; the run goes back to the pool unless the caller cancelled.</summary>
    private async Task<HttpResponseMessage> OneAttemptAsync(RequestRun run, ValueTask<AttemptResult> first)
    {
        bool reusable = false;
        try
        {
            AttemptResult result = await first.ConfigureAwait(false);
            reusable = true;

            // A failed request that is not safe to repeat gets the region's own answer when there is one, as it
            // would with more regions planned; any other failure is reported with its outcome.
            if (result.Kind == RegionAttemptOutcomeKind.Success || (!run.Replayable && !result.CertainlyNotSent && result.Response is not null))
            {
                return Serve(run, result, 0);
            }

            result.Response?.Dispose();
            throw Fail(run, [result.ToOutcome()]);
        }
        finally
        {
            run.Factory.Restore();
            if (reusable)
            {
                _client.Runs.Return(run);
            }
            else
            {
                run.Dispose();
            }
        }
    }

    private async Task<HttpResponseMessage> ContinueAsync(RequestRun run, bool hedged, ValueTask<AttemptResult>? first)
    {
        RegionPlan plan = run.Plan;
        bool reusable = false;
        try
        {
            using CancellationTokenSource total = run.StartTotalTimeout(_client.Options.TotalTimeout, _client.Time);
            try
            {
                if (hedged)
                {
                    return await HedgedAsync(run, first).ConfigureAwait(false);
                }

                HttpResponseMessage response = await SequentialAsync(run, first).ConfigureAwait(false);
                reusable = !plan.IsTrial;
                return response;
            }
            finally
            {
                run.Unlink();
            }
        }
        finally
        {
            run.Factory.Restore();
            if (plan.IsTrial && !run.TrialStarted)
            {
                plan.Order[0].EndTrial();
            }

            // After hedging or a trial an attempt may still hold the run's token (a loser being cancelled, a trial
            // finishing on its own), so the run is not reused. Attempts made one after another have all ended.
            if (reusable)
            {
                _client.Runs.Return(run);
            }
            else
            {
                run.Dispose();
            }
        }
    }

    private async Task<HttpResponseMessage> SequentialAsync(RequestRun run, ValueTask<AttemptResult>? first)
    {
        List<RegionAttemptOutcome>? outcomes = null;
        for (int i = 0; i < run.Plan.Order.Count; i++)
        {
            RegionState region = run.Plan.Order[i];
            AttemptResult result = i == 0 && first is { } started
                ? await started.ConfigureAwait(false)
                : await AttemptAsync(run, i, region, run.Linked).ConfigureAwait(false);
            if (result.Kind == RegionAttemptOutcomeKind.Success)
            {
                return Serve(run, result, i);
            }

            (outcomes ??= new List<RegionAttemptOutcome>(run.Plan.Order.Count)).Add(result.ToOutcome());

            if (run.Total.IsCancellationRequested)
            {
                result.Response?.Dispose();
                break;
            }

            // A request that is not safe to repeat goes on only if this attempt certainly never reached a server;
            // otherwise the caller gets the region's own answer, or the failure.
            if (!run.Replayable && !result.CertainlyNotSent)
            {
                if (result.Response is not null)
                {
                    return Serve(run, result, i);
                }

                break;
            }

            result.Response?.Dispose();
        }

        throw Fail(run, outcomes ?? []);
    }

    private async Task<HttpResponseMessage> HedgedAsync(RequestRun run, ValueTask<AttemptResult>? first)
    {
        IReadOnlyList<RegionState> order = run.Plan.Order;
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
                Task? hedge = null;
                using var hedgeCancel = CancellationTokenSource.CreateLinkedTokenSource(run.Linked);
                if (next < order.Count && HedgingDelay(run, running[^1]) is { } delay)
                {
                    hedge = Task.Delay(delay, _client.Time, hedgeCancel.Token);
                }

                // Every attempt is linked to the total timeout, so waiting on them alone still ends in time.
                var waits = new Task[running.Count + (hedge is null ? 0 : 1)];
                for (int i = 0; i < running.Count; i++)
                {
                    waits[i] = running[i].Task;
                }

                if (hedge is not null)
                {
                    waits[^1] = hedge;
                }

                Task completed = await Task.WhenAny(waits).ConfigureAwait(false);

                // Synchronously: the only thing to stop is the hedge's timer, and CancelAsync would queue that to the
                // thread pool and make every request wait for a thread-pool hop.
                hedgeCancel.Cancel();
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
                AttemptResult result = await done.Task.ConfigureAwait(false);
                outcomes.Add(result.ToOutcome());
                if (result.Kind == RegionAttemptOutcomeKind.Success)
                {
                    SettleLosers(run, running, done, result.Elapsed);
                    return Serve(run, result, done.Index);
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

            // Out of regions or out of time: stop what still runs and report every attempt.
            foreach (RunningAttempt attempt in running)
            {
                await CancelAsync(run, attempt).ConfigureAwait(false);
            }

            foreach (RunningAttempt attempt in running)
            {
                AttemptResult result = await attempt.Task.ConfigureAwait(false);
                result.Response?.Dispose();
                outcomes.Add(result.ToOutcome());
                attempt.Cancel?.Dispose();
            }

            running.Clear();
            throw Fail(run, outcomes);
        }
        finally
        {
            // Only on the caller's cancellation: every attempt is linked to the caller's token, so they end at once.
            foreach (RunningAttempt attempt in running)
            {
                DisposeWhenDone(attempt);
            }
        }
    }

    private void StartNext(RequestRun run, IReadOnlyList<RegionState> order, List<RunningAttempt> running, ref int next)
    {
        RegionState region = order[next];
        var attemptCancel = CancellationTokenSource.CreateLinkedTokenSource(run.Linked);
        long started = _client.Time.GetTimestamp();
        Task<AttemptResult> task = AttemptAsync(run, next, region, started, attemptCancel.Token).AsTask();
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
    /// Settles the attempts still running once <paramref name="winner"/> has answered. Slower is not dead: each loser is
    /// left to finish within its attempt timeout (at most <see cref="RegionFailoverOptions.MaxLateAttempts"/> a region),
    /// so its answer teaches its region's latency and only a real failure counts against it. A loser that has fallen far
    /// behind its region's usual latency while the winner answered within its own makes its region overdue until it
    /// ends (<see cref="RegionState.MarkOverdue"/>): that is how a black-holed region leaves first place at once. A loser
    /// beyond the limit is cancelled and counts for nothing. A trial always finishes on its own.
    /// </summary>
    private void SettleLosers(RequestRun run, List<RunningAttempt> running, RunningAttempt winner, TimeSpan winnerElapsed)
    {
        RegionFailoverOptions options = _client.Options;
        TimeProvider time = _client.Time;
        long answeredAt = time.GetTimestamp();
        DateTimeOffset now = run.StartedAt + time.GetElapsedTime(run.Started, answeredAt);

        // A winner that was itself slow means the request is slow everywhere (a heavy query, a large body): then
        // nobody is judged by the race.
        bool winnerOnTime = winnerElapsed <= _client.OverdueBound(winner.Region);
        foreach (RunningAttempt attempt in running)
        {
            RegionState region = attempt.Region;
            if (IsTrial(run, attempt.Index))
            {
                DisposeWhenDone(attempt);
                continue;
            }

            if (!region.TryBeginLinger(options.MaxLateAttempts))
            {
                if (attempt.Cancel is { } own)
                {
                    own.Cancel();
                }
                else
                {
                    run.Cancel();
                }

                DisposeWhenDone(attempt);
                continue;
            }

            TimeSpan? overdueIn = null;
            if (winnerOnTime)
            {
                overdueIn = _client.OverdueBound(region) - time.GetElapsedTime(attempt.Started, answeredAt);
            }

            new LateAttempt(_client, attempt, winner.Region.Region.Name).Watch(overdueIn, now);
        }

        running.Clear();
    }

    private static bool IsTrial(RequestRun run, int index) => run.Plan.IsTrial && index == 0;

    private static void DisposeWhenDone(RunningAttempt attempt)
    {
        _ = attempt.Task.ContinueWith(
            static (task, state) =>
            {
                if (task.IsCompletedSuccessfully)
                {
                    task.Result.Response?.Dispose();
                }
                else
                {
                    // Observed here: nobody awaits an abandoned attempt, and its failure is already moot.
                    _ = task.Exception;
                }

                ((CancellationTokenSource?)state)?.Dispose();
            },
            attempt.Cancel,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// How long to wait on <paramref name="waitedOn"/> before the next region is also asked; <see langword="null"/> not to hedge.
    /// A trial is hedged as soon as the next region would usually have answered (k × its p99, at most the hedging delay),
    /// so a trial costs the caller next to nothing even when the region is still dead.
    /// </summary>
    private TimeSpan? HedgingDelay(RequestRun run, RunningAttempt waitedOn)
    {
        RegionFailoverOptions options = _client.Options;
        if (IsTrial(run, waitedOn.Index))
        {
            double fallbackP99 = run.Plan.Order[1].Latency.P99Milliseconds;
            if (double.IsNaN(fallbackP99))
            {
                return options.HedgingDelay;
            }

            var quick = TimeSpan.FromMilliseconds(Math.Max(1, fallbackP99 * options.AdaptiveHedgingMultiplier));
            return quick < options.HedgingDelay ? quick : options.HedgingDelay;
        }

        switch (options.Hedging)
        {
            case HedgingMode.Off:
                return null;
            case HedgingMode.Fixed:
                return options.HedgingDelay;
        }

        // Until a second answer gives a p99, the first (connection set-up included) stands in for it: a far region that
        // has answered once is not hedged at the floor again while its next connections are still being opened.
        LatencyWindow latency = waitedOn.Region.Latency;
        double p99 = double.IsNaN(latency.P99Milliseconds) ? latency.FirstMilliseconds : latency.P99Milliseconds;
        if (double.IsNaN(p99))
        {
            return options.HedgingDelay;
        }

        var adaptive = TimeSpan.FromMilliseconds(p99 * options.AdaptiveHedgingMultiplier);
        return adaptive < options.HedgingDelay ? options.HedgingDelay
            : adaptive > options.AttemptTimeout ? options.AttemptTimeout
            : adaptive;
    }

    private ValueTask<AttemptResult> AttemptAsync(RequestRun run, int index, RegionState region, CancellationToken token) =>
        AttemptAsync(run, index, region, index == 0 ? run.Started : _client.Time.GetTimestamp(), token);

    private async ValueTask<AttemptResult> AttemptAsync(RequestRun run, int index, RegionState region, long started, CancellationToken token)
    {
        bool trial = IsTrial(run, index);
        if (trial)
        {
            run.TrialStarted = true;
        }

        TimeProvider time = _client.Time;

        try
        {
            using Activity? activity = _client.Telemetry.ActivitySource.StartActivity("slakit.failover.attempt");
            HttpResponseMessage? response = null;
            Exception? error = null;
            RegionAttemptOutcomeKind kind;
            try
            {
                // A trial may outlive the request, so it never sends the caller's own request object.
                RegionLane lane = _client.LaneFor(region);
                HttpRequestMessage attempt = run.Factory.Create(lane.RegionUri(region.Region.Endpoint, run.Factory.OriginalUri), useCallersRequest: !trial && index == 0 && run.LendsCallersRequest);
                activity?.SetTag("slakit.client", _client.ClientName);
                activity?.SetTag("slakit.region", region.Region.Name);
                activity?.SetTag("http.request.method", attempt.Method.Method);
                // An attempt whose token carries its own timeout (the request's only one) goes through the circuit
                // breaker alone, which reads the run from the context to tell that timeout from the caller's cancellation.
                bool ownTimeout = run.OwnAttemptTimeout is not null;
                ResilienceContext context = ResilienceContextPool.Shared.Get(token);
                try
                {
                    if (ownTimeout)
                    {
                        context.Properties.Set(RegionFailoverClient.RunKey, run);
                    }

                    response = await (ownTimeout ? lane.Breaker : lane.Pipeline).ExecuteAsync(
                        static (context, state) =>
                        {
                            Task<HttpResponseMessage> sent = state.Handler.SendToRegionAsync(state.Attempt, context.CancellationToken);
                            if (state.Capture is { } run)
                            {
                                run.FirstInnerTask = sent;
                            }

                            return new ValueTask<HttpResponseMessage>(sent);
                        },
                        context,
                        (Handler: this, Attempt: attempt, Capture: index == 0 && !trial ? run : null)).ConfigureAwait(false);
                }
                finally
                {
                    ResilienceContextPool.Shared.Return(context);
                }

                kind = RegionFailoverClient.IsTransient(response.StatusCode) ? RegionAttemptOutcomeKind.TransientStatus : RegionAttemptOutcomeKind.Success;
            }
            catch (BrokenCircuitException exception)
            {
                (kind, error) = (RegionAttemptOutcomeKind.CircuitOpen, exception);
            }
            catch (TimeoutRejectedException exception)
            {
                (kind, error) = (RegionAttemptOutcomeKind.Timeout, exception);
            }
            catch (HttpRequestException exception)
            {
                (kind, error) = (RegionAttemptOutcomeKind.TransportError, exception);
            }
            catch (OperationCanceledException exception) when (run.AttemptTimedOut)
            {
                TimeSpan timeout = run.OwnAttemptTimeout!.Value;
                (kind, error) = (RegionAttemptOutcomeKind.Timeout, new TimeoutRejectedException($"The attempt did not complete within the attempt timeout of {DurationText.Format(timeout)}.", timeout, exception));
            }
            catch (OperationCanceledException exception) when (!run.CallerToken.IsCancellationRequested)
            {
                (kind, error) = (RegionAttemptOutcomeKind.Cancelled, exception);
            }

            long ended = time.GetTimestamp();
            TimeSpan elapsed = time.GetElapsedTime(started, ended);
            DateTimeOffset now = run.StartedAt + time.GetElapsedTime(run.Started, ended);
            switch (kind)
            {
                case RegionAttemptOutcomeKind.Success:
                    region.Latency.Record(elapsed);
                    region.RecordSuccess(now);
                    break;
                case RegionAttemptOutcomeKind.TransientStatus:
                    region.RecordFailure(now, $"it answered {(int)response!.StatusCode} {response.StatusCode}");
                    if (RetryAfter(response, now) is { } delay)
                    {
                        region.RecordRetryAfter(now, delay);
                    }

                    break;
                case RegionAttemptOutcomeKind.TransportError:
                    region.RecordFailure(now, $"a transport error: {error!.Message}");
                    break;
                case RegionAttemptOutcomeKind.Timeout:
                    region.RecordFailure(now, "it did not answer within the attempt timeout");
                    break;
                case RegionAttemptOutcomeKind.Cancelled when run.Total.IsCancellationRequested:
                    region.RecordFailure(now, "it did not answer within the total timeout");
                    break;
            }

            _client.CountAttempt(region, kind);
            activity?.SetTag("slakit.outcome", kind.ToString());
            if (response is not null)
            {
                activity?.SetTag("http.response.status_code", (int)response.StatusCode);
            }

            if (kind != RegionAttemptOutcomeKind.Success)
            {
                activity?.SetStatus(ActivityStatusCode.Error, kind.ToString());
            }

            return new AttemptResult(region, kind, response, error, elapsed, CertainlyNotSent(kind, error));
        }
        finally
        {
            // Released only after the outcome is recorded, so no second trial starts before this one has counted.
            if (trial)
            {
                region.EndTrial();
            }
        }
    }

    /// <summary>
    /// Sends one warm-up request straight to <paramref name="region"/> through the handlers below this one (so over the
    /// client's own connection pool), bypassing selection and the region's pipeline; returns how long the answer took,
    /// whatever its status, having recorded it as a latency sample. Failures reach the caller as thrown.
    /// </summary>
    internal async Task<TimeSpan> WarmUpAsync(RegionState region, string path, CancellationToken cancellationToken)
    {
        TimeProvider time = _client.Time;
        using var request = new HttpRequestMessage(HttpMethod.Head, AttemptRequestFactory.RegionUri(region.Region.Endpoint, new Uri(path, UriKind.Relative)));
        long started = time.GetTimestamp();
        using HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        TimeSpan elapsed = time.GetElapsedTime(started);
        region.Latency.Record(elapsed);
        return elapsed;
    }

    private Task<HttpResponseMessage> SendToRegionAsync(HttpRequestMessage attempt, CancellationToken cancellationToken) =>
        base.SendAsync(attempt, cancellationToken);

    private HttpResponseMessage Serve(RequestRun run, AttemptResult result, int index)
    {
        HttpResponseMessage response = result.Response!;
        response.RequestMessage = run.Request;
        run.Request.Options.Set(RegionFailoverRequestOptions.ServedBy, result.Region.Region.Name);
        if (!(run.Plan.IsTrial && index == 0))
        {
            _client.NoteServed(result.Region);
        }

        return response;
    }

    private RegionFailoverException Fail(RequestRun run, List<RegionAttemptOutcome> outcomes)
    {
        string what = run.Total.IsCancellationRequested && !run.CallerToken.IsCancellationRequested
            ? $"did not succeed within the total timeout of {DurationText.Format(_client.Options.TotalTimeout)}"
            : "failed in every region tried";
        string list = outcomes.Count == 0 ? "no attempt completed" : string.Join("; ", outcomes);
        string path = run.Factory.OriginalUri?.IsAbsoluteUri == true ? run.Factory.OriginalUri.AbsolutePath : run.Factory.OriginalUri?.OriginalString ?? "";
        FailoverLog.AllRegionsFailed(_client.Logger, _client.ClientName, run.Request.Method.Method, path, list);

        Exception[] errors = outcomes.Where(static o => o.Exception is not null).Select(static o => o.Exception!).ToArray();
        Exception? inner = errors.Length switch
        {
            0 => run.Total.IsCancellationRequested ? new TimeoutException($"The total timeout of {DurationText.Format(_client.Options.TotalTimeout)} elapsed.") : null,
            _ => new AggregateException(errors),
        };
        return new RegionFailoverException(_client.ClientName, $"{run.Request.Method} {path} via client '{_client.ClientName}' {what}: {list}.", outcomes, inner);
    }

    private static bool IsIdempotent(HttpRequestMessage request)
    {
        HttpMethod method = request.Method;
        if (method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options ||
            method == HttpMethod.Trace || method == HttpMethod.Put || method == HttpMethod.Delete)
        {
            return true;
        }

        return request.Headers.Contains(IdempotencyKeyHeader) ||
            (request.Options.TryGetValue(RegionFailoverRequestOptions.Idempotent, out bool idempotent) && idempotent);
    }

    /// <summary>
    /// Whether an attempt certainly never reached a server, so even a request that is not safe to repeat may go
    /// elsewhere: the circuit was open (nothing sent), or the connection itself could not be made.
    /// </summary>
    private static bool CertainlyNotSent(RegionAttemptOutcomeKind kind, Exception? error) => kind switch
    {
        RegionAttemptOutcomeKind.CircuitOpen => true,
        RegionAttemptOutcomeKind.TransportError => error is HttpRequestException
        {
            HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError,
        },
        _ => false,
    };

    /// <summary>RFC 9110 §10.2.3: Retry-After is a delay in seconds or an HTTP date; honoured on 503 and 429.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests) ||
            response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        TimeSpan? delay = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - now : null);
        return delay > TimeSpan.Zero ? delay : null;
    }
}
