using SlaKit.Regions;

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
/// A gRPC call is safe to repeat when its method is in <see cref="RegionFailoverOptions.IdempotentMethods"/>. A gRPC
/// stream has no attempt or total timeout: the caller's deadline bounds it. It is never hedged, and goes to a second region
/// only when it certainly never reached the first, or when it is a server stream declared safe to repeat whose region
/// failed it before its answer's headers.
/// </remarks>
internal sealed class RegionFailoverHandler : DelegatingHandler
{
    private const string IdempotencyKeyHeader = "Idempotency-Key";

    private readonly HttpRegionSet _client;
    private readonly RegionAttempts _attempts;
    private readonly HedgedRace _race;

    public RegionFailoverHandler(HttpRegionSet client)
    {
        _client = client;
        _attempts = new RegionAttempts(client, SendToRegionAsync);
        _race = new HedgedRace(client, _attempts);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Stryker disable once Statement : equivalent as reached; HttpMessageInvoker and DelegatingHandler refuse a null request first.
        ArgumentNullException.ThrowIfNull(request);
        return request.Content is null
            ? SendPlanned(request, content: null, GrpcCall.None, cancellationToken)
            : SendWithContentAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendWithContentAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        GrpcCall call = GrpcMethod.Classify(request, _client.Options.IdempotentMethods, _client.Options.StreamingMethods);
        RegionPlan? planned = null;
        ReplayableContent content;
        try
        {
            bool buffered = false;
            if (call is GrpcCall.DeclaredIdempotent or GrpcCall.DeclaredIdempotentStream)
            {
                // Planned first: with one region to try and no trial, the call has nowhere else to go and needs no copy.
                // A stream is never a trial: a trial is hedged, and a stream goes to one region at a time.
                planned = _client.Plan(allowTrial: call == GrpcCall.DeclaredIdempotent);
                if (planned.Order.Count > 1 || planned.IsTrial)
                {
                    // A gRPC call's body has no length until it is serialized. The call will be serialized anyway; doing it
                    // once here gives it a length, so that copies can go to other regions, and marks the call safe to repeat.
                    // A server stream's body is its one request message, written the same way.
                    // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                    await request.Content!.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
                    request.Options.Set(RegionFailoverRequestOptions.Idempotent, true);
                    buffered = true;
                }
            }

            // A stream's body is written while the call runs: it is never read ahead (its length is unknown in any case),
            // unless it is a server stream's one message, buffered above to go to the next region.
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            content = call == GrpcCall.Streaming || (call == GrpcCall.DeclaredIdempotentStream && !buffered)
                ? ReplayableContent.OneShot(request.Content!)
                : await ReplayableContent.CreateAsync(request.Content!, _client.Options.ReplayBufferLimit, cancellationToken).ConfigureAwait(false);
        }
        catch when (planned is { IsTrial: true })
        {
            // The body could not be read (the caller cancelled, or the message would not serialize): the trial this call
            // claimed never starts, so its region's trial slot is given back for the next request.
            planned.Order[0].EndTrial();
            throw;
        }

        if (planned is { IsTrial: true } && !content.CanReplay)
        {
            // A trial is always hedged, and this body is too large to copy: no trial for this call.
            planned.Order[0].EndTrial();
            planned = _client.Plan(allowTrial: false);
        }

        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            return await SendPlanned(request, content, call, cancellationToken, planned).ConfigureAwait(false);
        }
        catch (RegionFailoverException exception) when (call != GrpcCall.None)
        {
            // A gRPC client reads an exception from below as INTERNAL unless a socket or IO error is inside it; every
            // region failing is UNAVAILABLE, the status that tells the caller to try again, or DEADLINE_EXCEEDED when the
            // call ran out of time where it may have been carried out (see GrpcStatus.ForFailover).
            return GrpcStatus.Answer(request, GrpcStatus.ForFailover(exception), exception.Message);
        }
    }

    /// <summary>
    /// Plans the request (unless <paramref name="planned"/> already is its plan) and makes its first attempt. When that
    /// attempt has already succeeded by the time it returns (an in-memory or cached handler below), the answer goes back
    /// at once: no total-timeout timer, no hedging timer, no per-request allocation beyond the caller's own. Anything
    /// else continues in <see cref="ContinueAsync"/>.
    /// </summary>
    private Task<HttpResponseMessage> SendPlanned(
        HttpRequestMessage request, ReplayableContent? content, GrpcCall call, CancellationToken cancellationToken, RegionPlan? planned = null)
    {
        RegionFailoverOptions options = _client.Options;
        bool stream = call is GrpcCall.Streaming or GrpcCall.DeclaredIdempotentStream;

        // A server stream declared safe to repeat goes to the next region while its region fails it before its answer's
        // headers: nothing of it has reached the caller yet (gRFC A6 calls the call committed only once they come). It
        // is never hedged: it goes to one region at a time.
        bool replayable = (!stream || call == GrpcCall.DeclaredIdempotentStream) && IsIdempotent(request) && (content is null || content.CanReplay);
        TimeProvider time = _client.Time;
        DateTimeOffset now = time.GetUtcNow();
        long started = time.GetTimestamp();
        RegionPlan plan = planned ?? _client.Plan(now, allowTrial: replayable && !stream);
        if (plan.Order.Count == 0)
        {
            return Task.FromException<HttpResponseMessage>(EveryRegionAskedToWait(request, now));
        }

        // A trial is always hedged, whatever the hedging mode: the caller must never wait on a region that was down.
        bool hedged = replayable && !stream && (plan.IsTrial || (options.Hedging != HedgingMode.Off && plan.Order.Count > 1));

        // One region and no hedging make one attempt, which its own timeout already bounds: no total-timeout timer.
        // Nothing else shares the run's token, so it carries that timeout itself (one timer on a pooled source) and
        // the attempt needs no Polly timeout of its own. This is every request while the other regions are down.
        bool oneAttempt = !stream && !hedged && !plan.IsTrial && plan.Order.Count == 1 && options.AttemptTimeout <= options.TotalTimeout;
        // An attempt the request gives up on (its caller did, or the total timeout ended it) may run on, so that being cut
        // short is never held against its region, and a region that has gone silent is still found out when every
        // caller's own timeout is shorter than the attempt timeout (see LateAttempt.TryRunOn). The caller may dispose its
        // body once it has its answer or its cancellation, so only an attempt with a body it may lose may outlive it:
        // none, a buffered one, or a unary gRPC call's (one message), whose disposal before it is written is no evidence
        // (see RegionAttempts). A longer body is the caller's alone, and its attempt ends with the request.
        bool mayOutlive = !stream && !oneAttempt && (content is null || content.CanReplay || call == GrpcCall.Unary);
        // A hedged race's attempts stay linked to the caller: the race starts its next attempt at once after a failure,
        // so a caller's giving up on it ends it all. Attempts made one after another each outlive the caller's giving up.
        bool outlivesCaller = mayOutlive && !hedged && cancellationToken.CanBeCanceled;
        RequestRun run = _client.Runs.Rent();
        run.Begin(request, plan, replayable, content, now, started, cancellationToken, linkCaller: !outlivesCaller, grpc: call != GrpcCall.None);
        run.MayOutlive = mayOutlive;

        // An attempt that may finish after the caller has its answer, or its cancellation, sends a copy of a buffered body.
        // Otherwise the first attempt sends the caller's own: it ends by its own timeout, before the total timeout could
        // give up on it. A later attempt sends a copy of a buffered body; a unary gRPC call's body, the caller's own, may
        // run on with it, and its disposal before it is written is no evidence.
        run.LendsCallersRequest = !((hedged || outlivesCaller) && content is { CanReplay: true });
        run.Untimed = stream;
        run.GrpcUnary = call is GrpcCall.Unary or GrpcCall.DeclaredIdempotent;
        run.LatencyClass = _client.LatencyClassOf(request, call);

        // A unary gRPC call that may move on is judged by its whole answer: a failing status may come in the trailers.
        // With one region to try there is nowhere to move on to, and the answer streams to the caller as it comes.
        run.ReadsWholeReply = replayable && !stream && call != GrpcCall.None && (plan.Order.Count > 1 || plan.IsTrial);
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
        ValueTask<AttemptResult> first = _attempts.AttemptAsync(run, 0, plan.Order[0], run.Linked);
#pragma warning restore CA2012
        if (first.IsCompletedSuccessfully && !stream)
        {
            AttemptResult result = first.Result;
            if (result.Kind == RegionAttemptOutcomeKind.Success)
            {
                HttpResponseMessage response = run.Serve(result);

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

        if (oneAttempt)
        {
            // The caller's task is the run's to complete, so that a success can go to the caller before its attempt has
            // ended (see RequestRun.AnswerEarly); OneAttemptAsync completes it otherwise.
            var answer = new TaskCompletionSource<HttpResponseMessage>();
            run.AnswerTo(answer);
            _ = OneAttemptAsync(run, first, answer);
            return answer.Task;
        }

        return ContinueAsync(run, hedged, first);
    }

    /// <summary>
    /// The failure of a request that no region would take: each is out for the <c>Retry-After</c> it answered with (a 503 or
    /// 429, RFC 9110 §10.2.3), so nothing was sent. <see cref="RegionFailoverException.RetryAfter"/> says when the first
    /// of them takes requests again.
    /// </summary>
    private RegionFailoverException EveryRegionAskedToWait(HttpRequestMessage request, DateTimeOffset now)
    {
        DateTimeOffset? soonest = null;
        foreach (TrackedRegion region in _client.Regions)
        {
            if (region.WaitingUntil(now) is { } until && (soonest is null || until < soonest))
            {
                soonest = until;
            }
        }

        TimeSpan wait = soonest is { } end ? end - now : TimeSpan.Zero;
        string path = request.RequestUri is { } uri ? AttemptRequestFactory.RequestPath(uri) : "";
        string why = $"every region asked to be left alone (Retry-After), the first for {DurationText.Format(wait)} more; nothing was sent";
        FailoverLog.AllRegionsFailed(_client.Logger, _client.ClientName, request.Method.Method, path, why);
        return new RegionFailoverException(_client.ClientName, $"{request.Method} {path} via client '{_client.ClientName}' failed: {why}.", [], innerException: null)
        {
            RetryAfter = wait,
        };
    }

    /// <summary>
    /// Finishes a request whose plan is its first attempt alone, completing <paramref name="answer"/>, the caller's task,
    /// unless the attempt has already served its success (<see cref="RequestRun.AnswerEarly"/>); never throws. The run goes
    /// back to the pool unless the caller cancelled.
    /// </summary>
    private async Task OneAttemptAsync(RequestRun run, ValueTask<AttemptResult> first, TaskCompletionSource<HttpResponseMessage> answer)
    {
        AttemptResult result;
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            result = await first.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The caller's cancellation (the attempt throws nothing else): the caller's task is cancelled with the token
            // that cancelled it, and the run, whose token may be cancelled, is not reused.
            if (!run.AnsweredEarly)
            {
                run.Factory.Restore();
                _ = exception is OperationCanceledException cancelled
                    ? answer.TrySetCanceled(cancelled.CancellationToken)
                    : answer.TrySetException(exception);
            }

            run.Dispose();
            return;
        }

        if (!run.AnsweredEarly)
        {
            // The caller's URI is put back before the caller has its answer, which runs the caller's code.
            run.Factory.Restore();
            try
            {
                // A failed request that is not safe to repeat gets the region's own answer when there is one, as it
                // would with more regions planned; any other failure is reported with its outcome.
                if (result.Kind == RegionAttemptOutcomeKind.Success || (!run.Replayable && !result.CertainlyNotSent && result.Response is not null))
                {
                    answer.SetResult(run.Serve(result));
                }
                else
                {
                    result.Response?.Dispose();
                    answer.SetException(run.Fail(_client, [result.ToOutcome()]));
                }
            }
            catch (Exception exception) when (!answer.Task.IsCompleted)
            {
                answer.SetException(exception);
            }
        }

        _client.Runs.Return(run);
    }

    private async Task<HttpResponseMessage> ContinueAsync(RequestRun run, bool hedged, ValueTask<AttemptResult>? first)
    {
        RegionPlan plan = run.Plan;
        bool reusable = false;
        try
        {
            using CancellationTokenSource? total = run.Untimed ? null : run.StartTotalTimeout(_client.Options.TotalTimeout, _client.Time);
            try
            {
                if (hedged)
                {
                    // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                    return await _race.RunAsync(run, first).ConfigureAwait(false);
                }

                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                HttpResponseMessage response = await SequentialAsync(run, first).ConfigureAwait(false);
                reusable = !plan.IsTrial && !run.Untimed;
                return response;
            }
            finally
            {
                run.Unlink();
            }
        }
        finally
        {
            if (!run.CallersRequestOnLoan)
            {
                run.Factory.Restore();
            }

            if (plan.IsTrial && !run.TrialStarted)
            {
                plan.Order[0].EndTrial();
            }

            // After hedging or a trial an attempt may still hold the run's token (a loser running on, a trial
            // finishing on its own), so the run is not reused. A request served by attempts made one after another has
            // none left running.
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
        // What stops the waiting on an attempt that may outlast the total timeout: that timeout, and the caller when its
        // giving up does not cancel the attempt itself. Made when such an attempt is first waited on.
        CancellationTokenSource? callerOrTotal = null;
        try
        {
            for (int i = 0; i < run.Plan.Order.Count; i++)
            {
                TrackedRegion region = run.Plan.Order[i];
                long started = run.Started;
                ValueTask<AttemptResult> attempt;
                if (i == 0 && first is { } made)
                {
                    attempt = made;
                }
                else
                {
                    // A caller who gave up after the last attempt ended is not linked to the next one's token, nor is the
                    // total timeout: nothing more is sent once either has come.
                    run.CallerToken.ThrowIfCancellationRequested();
                    if (run.Total.IsCancellationRequested)
                    {
                        break;
                    }

                    started = _client.Time.GetTimestamp();
                    attempt = _attempts.AttemptAsync(run, i, region, started, run.Linked);
                }

                // An attempt ends by its own timeout; only one that started late enough can outlast the total timeout
                // (never the first: AttemptTimeout is at most TotalTimeout).
                bool mayOutlastTotal = run.Total.CanBeCanceled &&
                    _client.Time.GetElapsedTime(run.Started, started) + _client.Options.AttemptTimeout > _client.Options.TotalTimeout;
                AttemptResult result;
                if (attempt.IsCompleted || (run.CallerLinked && !mayOutlastTotal))
                {
                    // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                    result = await attempt.ConfigureAwait(false);
                }
                else
                {
                    CancellationToken stop = !mayOutlastTotal ? run.CallerToken
                        : run.CallerLinked ? run.Total
                        : (callerOrTotal ??= CancellationTokenSource.CreateLinkedTokenSource(run.CallerToken, run.Total)).Token;
                    Task<AttemptResult> running = attempt.AsTask();
                    try
                    {
                        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                        result = await running.WaitAsync(stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        var given = new RunningAttempt(running, Cancel: null, region, i, started);
                        if (run.CallerToken.IsCancellationRequested)
                        {
                            LeaveRunning(run, given);
                            throw;
                        }

                        // Out of time: the attempt is given up on, not failed. It runs on if it may; otherwise it is cancelled
                        // and waited for, so that it counts for nothing and no longer sends the caller's body. One that
                        // answered as the time ran out still serves.
                        if (run.MayOutlive && LateAttempt.TryRunOn(_client, run, given))
                        {
                            (outcomes ??= new List<RegionAttemptOutcome>(run.Plan.Order.Count)).Add(RunningAttempt.GivenUp(_client, given));
                            break;
                        }

                        if (!running.IsCompleted)
                        {
                            run.Cancel();
                        }

                        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                        result = await running.ConfigureAwait(false);
                    }
                }

                if (result.Kind == RegionAttemptOutcomeKind.Success)
                {
                    return run.Serve(result);
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
                        return run.Serve(result);
                    }

                    break;
                }

                result.Response?.Dispose();
            }
        }
        finally
        {
            callerOrTotal?.Dispose();
        }

        throw run.Fail(_client, outcomes ?? []);
    }

    /// <summary>
    /// The caller gave up on <paramref name="run"/> while <paramref name="attempt"/> was still waiting for its region: past
    /// its region's usual latency it runs on (<see cref="LateAttempt.TryRunOn"/>), otherwise it is cancelled (at the server
    /// too) and counts for nothing.
    /// </summary>
    private void LeaveRunning(RequestRun run, RunningAttempt attempt)
    {
        if (!LateAttempt.TryRunOn(_client, run, attempt))
        {
            run.Cancel();
            attempt.DisposeWhenDone(_client, run.LendTo(attempt.Index));
        }
    }

    /// <summary>One warm-up request straight to <paramref name="region"/>; see <see cref="RegionAttempts.WarmUpAsync"/>.</summary>
    internal Task<TimeSpan> WarmUpAsync(TrackedRegion region, string path, CancellationToken cancellationToken) =>
        _attempts.WarmUpAsync(region, path, cancellationToken);

    /// <summary>
    /// Sends <paramref name="request"/>, already addressed to a region, through the handlers below this one as they are,
    /// with no failover: the client's own connections, TLS settings and handlers (a probe's request). A probe that gets
    /// no answer before its token ends (its timeout) closes the region's HTTP/2 connections that have been silent for an
    /// attempt timeout (<see cref="HttpRegionSet.ProbeGotNoAnswer"/>), so that a later probe finds out over a new one.
    /// </summary>
    internal async Task<HttpResponseMessage> SendBelowAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        long started = _client.Time.GetTimestamp();
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _client.ProbeGotNoAnswer(request.RequestUri, started);
            throw;
        }
    }

    private Task<HttpResponseMessage> SendToRegionAsync(HttpRequestMessage attempt, CancellationToken cancellationToken) =>
        base.SendAsync(attempt, cancellationToken);

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
}
