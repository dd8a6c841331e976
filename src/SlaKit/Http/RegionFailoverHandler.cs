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

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RegionFailoverOptions options = _client.Options;
        ReplayableContent? content = request.Content is null
            ? null
            : await ReplayableContent.CreateAsync(request.Content, options.ReplayBufferLimit, cancellationToken).ConfigureAwait(false);
        bool replayable = IsIdempotent(request) && (content is null || content.CanReplay);

        RegionPlan plan = _client.Plan(allowTrial: replayable);
        var run = new RequestRun(request, plan, replayable, cancellationToken);
        try
        {
            run.Factory = new AttemptRequestFactory(request, content, moreThanOneAttempt: plan.Order.Count > 1 || plan.IsTrial);
            using var total = new CancellationTokenSource(options.TotalTimeout, _client.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, total.Token);
            run.Total = total.Token;
            run.Linked = linked.Token;

            // A trial is always hedged, whatever the hedging mode: the caller must never wait on a region that was down.
            return replayable && (plan.IsTrial || (options.Hedging != HedgingMode.Off && plan.Order.Count > 1))
                ? await HedgedAsync(run).ConfigureAwait(false)
                : await SequentialAsync(run).ConfigureAwait(false);
        }
        finally
        {
            run.Factory?.Restore();
            if (plan.IsTrial && !run.TrialStarted)
            {
                plan.Order[0].EndTrial();
            }
        }
    }

    private async Task<HttpResponseMessage> SequentialAsync(RequestRun run)
    {
        var outcomes = new List<RegionAttemptOutcome>(run.Plan.Order.Count);
        for (int i = 0; i < run.Plan.Order.Count; i++)
        {
            RegionState region = run.Plan.Order[i];
            AttemptResult result = await AttemptAsync(run, i, region, run.Linked).ConfigureAwait(false);
            outcomes.Add(result.Outcome);
            if (result.Outcome.Kind == RegionAttemptOutcomeKind.Success)
            {
                return Serve(run, result, i);
            }

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

        throw Fail(run, outcomes);
    }

    private async Task<HttpResponseMessage> HedgedAsync(RequestRun run)
    {
        IReadOnlyList<RegionState> order = run.Plan.Order;
        var outcomes = new List<RegionAttemptOutcome>(order.Count);
        var running = new List<RunningAttempt>(order.Count);
        int next = 0;

        void StartNext()
        {
            RegionState region = order[next];
            var attemptCancel = CancellationTokenSource.CreateLinkedTokenSource(run.Linked);
            Task<AttemptResult> task = AttemptAsync(run, next, region, attemptCancel.Token);
            running.Add(new RunningAttempt(task, attemptCancel, region, next));
            next++;
        }

        try
        {
            StartNext();
            while (running.Count > 0)
            {
                Task? hedge = null;
                using var hedgeCancel = CancellationTokenSource.CreateLinkedTokenSource(run.Linked);
                if (next < order.Count && HedgingDelay(run, running[^1]) is { } delay)
                {
                    hedge = Task.Delay(delay, _client.Time, hedgeCancel.Token);
                }

                // Every attempt is linked to the total timeout, so waiting on them alone still ends in time.
                IEnumerable<Task> waits = running.Select(static r => (Task)r.Task);
                Task completed = await Task.WhenAny(hedge is null ? waits : waits.Append(hedge)).ConfigureAwait(false);
                await hedgeCancel.CancelAsync().ConfigureAwait(false);
                run.CallerToken.ThrowIfCancellationRequested();

                if (completed == hedge || !running.Exists(r => r.Task == completed))
                {
                    if (run.Total.IsCancellationRequested)
                    {
                        break;
                    }

                    StartNext();
                    continue;
                }

                RunningAttempt done = running.Find(r => r.Task == completed)!;
                running.Remove(done);
                done.Cancel.Dispose();
                AttemptResult result = await done.Task.ConfigureAwait(false);
                outcomes.Add(result.Outcome);
                if (result.Outcome.Kind == RegionAttemptOutcomeKind.Success)
                {
                    AbandonSlower(run, running, done.Index);
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
                    StartNext();
                }
            }

            // Out of regions or out of time: stop what still runs and report every attempt.
            foreach (RunningAttempt attempt in running)
            {
                await attempt.Cancel.CancelAsync().ConfigureAwait(false);
            }

            foreach (RunningAttempt attempt in running)
            {
                AttemptResult result = await attempt.Task.ConfigureAwait(false);
                result.Response?.Dispose();
                outcomes.Add(result.Outcome);
                attempt.Cancel.Dispose();
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

    /// <summary>
    /// Cancels the attempts still running once one has answered. Those started before the winner had longer and
    /// still did not answer: each counts as a failure of its region, which is how a black-holed region is found.
    /// A trial is left to finish within its attempt timeout, so its own outcome decides whether its region recovers.
    /// </summary>
    private void AbandonSlower(RequestRun run, List<RunningAttempt> running, int winnerIndex)
    {
        DateTimeOffset now = _client.Time.GetUtcNow();
        foreach (RunningAttempt attempt in running)
        {
            if (!IsTrial(run, attempt.Index))
            {
                attempt.Cancel.Cancel();
                if (attempt.Index < winnerIndex)
                {
                    attempt.Region.RecordFailure(now, "it did not answer within the hedging delay while another region did");
                }
            }

            DisposeWhenDone(attempt);
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

                ((CancellationTokenSource)state!).Dispose();
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

        double p99 = waitedOn.Region.Latency.P99Milliseconds;
        if (double.IsNaN(p99))
        {
            return options.HedgingDelay;
        }

        var adaptive = TimeSpan.FromMilliseconds(p99 * options.AdaptiveHedgingMultiplier);
        return adaptive < options.HedgingDelay ? options.HedgingDelay
            : adaptive > options.AttemptTimeout ? options.AttemptTimeout
            : adaptive;
    }

    private async Task<AttemptResult> AttemptAsync(RequestRun run, int index, RegionState region, CancellationToken token)
    {
        bool trial = IsTrial(run, index);
        if (trial)
        {
            run.TrialStarted = true;
        }

        try
        {
            // A trial may outlive the request, so it never sends the caller's own request object.
            HttpRequestMessage attempt = run.Factory!.Create(region.Region, useCallersRequest: !trial && index == 0);
            return await AttemptCoreAsync(run, region, attempt, token).ConfigureAwait(false);
        }
        finally
        {
            if (trial)
            {
                region.EndTrial();
            }
        }
    }

    private async Task<AttemptResult> AttemptCoreAsync(RequestRun run, RegionState region, HttpRequestMessage attempt, CancellationToken token)
    {
        TimeProvider time = _client.Time;
        long started = time.GetTimestamp();
        using Activity? activity = _client.Telemetry.ActivitySource.StartActivity("slakit.failover.attempt");
        activity?.SetTag("slakit.client", _client.ClientName);
        activity?.SetTag("slakit.region", region.Region.Name);
        activity?.SetTag("http.request.method", attempt.Method.Method);

        HttpResponseMessage? response = null;
        Exception? error = null;
        RegionAttemptOutcomeKind kind;
        try
        {
            response = await _client.PipelineFor(region).ExecuteAsync(
                static (state, ct) => new ValueTask<HttpResponseMessage>(state.Handler.SendToRegionAsync(state.Attempt, ct)),
                (Handler: this, Attempt: attempt),
                token).ConfigureAwait(false);
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
        catch (OperationCanceledException exception) when (!run.CallerToken.IsCancellationRequested)
        {
            (kind, error) = (RegionAttemptOutcomeKind.Cancelled, exception);
        }

        TimeSpan elapsed = time.GetElapsedTime(started);
        DateTimeOffset now = time.GetUtcNow();
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

        var outcome = new RegionAttemptOutcome(region.Region, kind, response?.StatusCode, error, elapsed);
        return new AttemptResult(region, outcome, response, CertainlyNotSent(kind, error));
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
        string path = run.Factory!.OriginalUri?.IsAbsoluteUri == true ? run.Factory!.OriginalUri.AbsolutePath : run.Factory!.OriginalUri?.OriginalString ?? "";
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

    /// <summary>One request on its way: what it may do and the tokens that stop it (caller, total timeout, either).</summary>
    private sealed class RequestRun(HttpRequestMessage request, RegionPlan plan, bool replayable, CancellationToken callerToken)
    {
        public HttpRequestMessage Request { get; } = request;

        public RegionPlan Plan { get; } = plan;

        public bool Replayable { get; } = replayable;

        public CancellationToken CallerToken { get; } = callerToken;

        public AttemptRequestFactory? Factory { get; set; }

        public CancellationToken Total { get; set; }

        public CancellationToken Linked { get; set; }

        public bool TrialStarted { get; set; }
    }

    private sealed record RunningAttempt(Task<AttemptResult> Task, CancellationTokenSource Cancel, RegionState Region, int Index);

    private sealed record AttemptResult(RegionState Region, RegionAttemptOutcome Outcome, HttpResponseMessage? Response, bool CertainlyNotSent);
}
