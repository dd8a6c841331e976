using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>
/// One request on its way through <see cref="RegionFailoverHandler"/>: what it may do, how its attempts are made,
/// and the tokens that stop them. Reused through <see cref="RequestRunPool"/> by requests whose only attempt finished
/// before the handler returned; any other request disposes its run, since an attempt may still hold its token.
/// </summary>
internal sealed class RequestRun : IDisposable
{
    private static readonly Action<object?> CancelRun = static state => ((CancellationTokenSource)state!).Cancel();

    /// <summary>How far from its attempt timeout a run must have ended to be reused; see <see cref="TryReset"/>.</summary>
    internal static readonly TimeSpan ReuseMargin = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _cancel;
    private CancellationTokenRegistration _callerLink;
    private TaskCompletionSource<HttpResponseMessage>? _answer;

    /// <summary>A run whose timers (the one-attempt timeout, the total timeout) run on <paramref name="time"/>.</summary>
    public RequestRun(TimeProvider time)
    {
        // Made with the client's clock, so CancelAfter (the one-attempt timeout) runs on it too. TryReset stops the
        // system clock's timer; it cannot stop another clock's (a test's fake clock), so such runs are never reused.
        _time = time;
        _cancel = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
    }

    public HttpRequestMessage Request { get; private set; } = null!;

    public RegionPlan Plan { get; private set; } = null!;

    public bool Replayable { get; private set; }

    public CancellationToken CallerToken { get; private set; }

    /// <summary>When the request started, as a timestamp of the client's <see cref="TimeProvider"/>: the total timeout counts from here.</summary>
    public long Started { get; private set; }

    /// <summary>The wall-clock time at <see cref="Started"/>; later instants are this plus the timestamps' difference, one clock read fewer.</summary>
    public DateTimeOffset StartedAt { get; private set; }

    public AttemptRequestFactory Factory { get; } = new();

    /// <summary>
    /// Fires when the total timeout has elapsed; <see cref="CancellationToken.None"/> until <see cref="StartTotalTimeout"/>.
    /// It stops the request's waiting, not its attempts: each attempt still running is given up on as a caller's giving up
    /// is (see <see cref="LateAttempt.TryRunOn"/>), so that being cut short by it is never held against a region.
    /// </summary>
    public CancellationToken Total { get; private set; }

    /// <summary>
    /// Fires when the caller cancels (unless the run's attempts outlive the caller; see <see cref="Begin"/>) or the request
    /// cancels its attempts; every attempt listens to it. The first attempt of a
    /// plan without a trial uses it as its own token, so cancelling that attempt cancels this.
    /// </summary>
    public CancellationToken Linked => _cancel.Token;

    public bool TrialStarted { get; set; }

    /// <summary>
    /// Whether the first attempt sends the caller's own request (true unless set otherwise after <see cref="Begin"/>).
    /// A hedged request with a body sends a copy instead: its first attempt may lose the race and finish after the
    /// caller has its answer and has disposed the request, and with it the body.
    /// </summary>
    public bool LendsCallersRequest { get; set; } = true;

    /// <summary>
    /// Whether a first attempt that lost its race still sends the caller's own request, so its URI is put back when
    /// that attempt ends (see <see cref="LateAttempt"/>) rather than when the request does.
    /// </summary>
    public bool CallersRequestOnLoan { get; set; }

    /// <summary>
    /// The attempt timeout <see cref="Linked"/> itself carries (see <see cref="StartAttemptTimeout"/>), or
    /// <see langword="null"/> when attempts are bounded by their region's Polly timeout.
    /// </summary>
    public TimeSpan? OwnAttemptTimeout { get; private set; }

    /// <summary>Whether <see cref="Linked"/> was cancelled by <see cref="StartAttemptTimeout"/>'s timer rather than by the caller.</summary>
    public bool AttemptTimedOut => OwnAttemptTimeout is not null && _cancel.IsCancellationRequested && !CallerToken.IsCancellationRequested;

    /// <summary>
    /// Whether the request is a gRPC stream: sent once, to the best region, with no attempt or total timeout of the
    /// failover's (the caller's deadline bounds it), its time to the first answer no latency sample, and its run never
    /// reused, since the stream may still be sending on its token after the handler returns.
    /// </summary>
    public bool Untimed { get; set; }

    /// <summary>
    /// The request's latency class (<see cref="HttpRegionSet.LatencyClassOf"/>): the window of each region its answers are
    /// learnt in, and that its hedging delay and overdue bound are read from.
    /// </summary>
    public int LatencyClass { get; set; }

    /// <summary>Whether the request is a unary gRPC call, whose status may come in the trailers after its answer's headers.</summary>
    public bool GrpcUnary { get; set; }

    /// <summary>Whether each attempt reads a gRPC reply whole, so that a failing status in its trailers is judged before the call moves on.</summary>
    public bool ReadsWholeReply { get; set; }

    /// <summary>
    /// Whether the request's attempts may run on after the request has given up on them (see <see cref="LateAttempt.TryRunOn"/>):
    /// they send no body, a copy of a buffered one, or a unary gRPC call's (whose disposal before it is written is no
    /// evidence). An attempt sending a body too long to buffer, the caller's alone, ends with the request.
    /// </summary>
    public bool MayOutlive { get; set; }

    /// <summary>Whether the caller's cancellation cancels <see cref="Linked"/> itself (see <see cref="Begin"/>).</summary>
    public bool CallerLinked { get; private set; } = true;

    /// <summary>The inner handler's own task for the first attempt, handed back to the caller when it already holds the answer.</summary>
    public Task<HttpResponseMessage>? FirstInnerTask { get; set; }

    /// <summary>Whether <see cref="AnswerEarly"/> has handed the caller its answer.</summary>
    public bool AnsweredEarly { get; private set; }

    /// <summary>
    /// Makes <paramref name="answer"/> the caller's task, which <see cref="AnswerEarly"/> may complete before the attempt
    /// has ended; whoever ends the request completes it otherwise. Set once the first attempt is under way: an attempt
    /// that succeeds before it is set is served as any other.
    /// </summary>
    public void AnswerTo(TaskCompletionSource<HttpResponseMessage> answer) => Volatile.Write(ref _answer, answer);

    /// <summary>
    /// Hands the caller a success whose attempt has recorded everything the caller may look at (the region's health
    /// and latency, the metrics, the region that served), while the attempt still has work left that no caller needs to
    /// wait for (telling its circuit breaker). First the request lets go of the caller as it would on ending: the
    /// caller's URI is put back, the caller's token no longer reaches <see cref="Linked"/>, and the attempt timeout is
    /// stopped, so that nothing the caller does with its answer reaches the attempt. Does nothing when the caller's task
    /// is not <see cref="AnswerTo">in the run's hands</see>.
    /// </summary>
    public void AnswerEarly(AttemptResult result)
    {
        if (Volatile.Read(ref _answer) is not { } answer)
        {
            return;
        }

        AnsweredEarly = true;
        HttpResponseMessage response = Serve(result);
        Factory.Restore();
        Unlink();
        _cancel.CancelAfter(Timeout.InfiniteTimeSpan);
        answer.SetResult(response);
    }

    /// <summary>
    /// Starts the run for <paramref name="request"/>. With <paramref name="linkCaller"/> the caller's cancellation cancels
    /// <see cref="Linked"/>, and with it every attempt; without it, the request's attempts outlive the caller's giving up
    /// until the handler decides otherwise, and a caller already cancelled cancels at once. A <paramref name="grpc"/> call's
    /// copies carry what remains of its <c>grpc-timeout</c> (see <see cref="AttemptRequestFactory"/>).
    /// </summary>
    public void Begin(HttpRequestMessage request, RegionPlan plan, bool replayable, ReplayableContent? content, DateTimeOffset startedAt, long started, CancellationToken callerToken, bool linkCaller = true, bool grpc = false)
    {
        StartedAt = startedAt;
        Request = request;
        Plan = plan;
        Replayable = replayable;
        CallerToken = callerToken;
        Started = started;
        Factory.Begin(request, content, moreThanOneAttempt: plan.Order.Count > 1 || plan.IsTrial, grpc ? _time : null, started);

        // One registration rather than a linked source: the source itself is pooled, the caller's token is not.
        CallerLinked = linkCaller;
        if (!linkCaller)
        {
            if (callerToken.IsCancellationRequested)
            {
                _cancel.Cancel();
            }
        }
        else if (callerToken.CanBeCanceled)
        {
            _callerLink = callerToken.UnsafeRegister(CancelRun, _cancel);
        }
    }

    /// <summary>
    /// Starts the total timeout for a request that needs more than a first attempt that finished at once; it
    /// counts from <see cref="Started"/>, so it ends when it would have if started with the request. It cancels
    /// <see cref="Total"/> alone: whoever waits on the attempts listens to it.
    /// </summary>
    /// <returns>The timeout's source, for the caller to dispose when the request ends.</returns>
    public CancellationTokenSource StartTotalTimeout(TimeSpan totalTimeout, TimeProvider time)
    {
        TimeSpan remaining = totalTimeout - time.GetElapsedTime(Started);
        var total = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, time);
        Total = total.Token;
        return total;
    }

    /// <summary>
    /// Bounds a request's only attempt by cancelling <see cref="Linked"/> after <paramref name="timeout"/>: one timer
    /// on the pooled source instead of a timeout strategy's own source linked to it.
    /// </summary>
    public void StartAttemptTimeout(TimeSpan timeout)
    {
        OwnAttemptTimeout = timeout;
        _cancel.CancelAfter(timeout);
    }

    /// <summary>Cancels every attempt that uses <see cref="Linked"/>.</summary>
    public Task CancelAsync() => _cancel.CancelAsync();

    /// <summary>Cancels every attempt that uses <see cref="Linked"/>.</summary>
    public void Cancel() => _cancel.Cancel();

    /// <summary>Stops listening to the caller; waits for a cancellation already under way to finish.</summary>
    public void Unlink()
    {
        _callerLink.Dispose();
        _callerLink = default;
    }

    /// <summary>Forgets the request, ready for the next one; false when the run cannot be reused: its token was cancelled, or its attempt timeout was close enough to be firing.</summary>
    public bool TryReset()
    {
        // CancellationTokenSource.TryReset stops a timer that has not fired, but not one whose callback is already on
        // its way (reset and cancellation must not race), which would cancel the next request's attempt at once. The
        // timer cannot fire before the attempt timeout, so a run that ended well before it is safe to reuse.
        bool timerMayFire = OwnAttemptTimeout is { } timeout && _time.GetElapsedTime(Started) > timeout - ReuseMargin;
        Unlink();
        Factory.Clear();
        Request = null!;
        Plan = null!;
        CallerToken = default;
        Total = default;
        TrialStarted = false;
        LendsCallersRequest = true;
        CallersRequestOnLoan = false;
        FirstInnerTask = null;
        _answer = null;
        AnsweredEarly = false;
        OwnAttemptTimeout = null;
        Untimed = false;
        ReadsWholeReply = false;
        GrpcUnary = false;
        MayOutlive = false;
        LatencyClass = LatencyClasses.Default;

        // Also stops the attempt timeout's timer, if it has not fired.
        return !timerMayFire && _cancel.TryReset();
    }

    /// <summary>
    /// The factory whose caller's request the attempt at <paramref name="index"/> sends, when that is the first attempt
    /// and it sends the caller's own request, marked on loan: the caller gets its URI back only when that attempt has
    /// ended (see <see cref="RunningAttempt.DisposeWhenDone"/>), since a socket handler reads it again to retry on a
    /// fresh connection. <see langword="null"/> for any other attempt.
    /// </summary>
    public AttemptRequestFactory? LendTo(int index)
    {
        if (index != 0 || !LendsCallersRequest)
        {
            return null;
        }

        CallersRequestOnLoan = true;
        return Factory;
    }

    /// <summary>Whether the attempt at <paramref name="index"/> of the plan is a trial of a region that was down.</summary>
    public bool IsTrialAttempt(int index) => Plan.IsTrial && index == 0;

    /// <summary>Hands <paramref name="result"/>'s answer to the caller as the request's own, noting the region that served it.</summary>
    public HttpResponseMessage Serve(AttemptResult result)
    {
        HttpResponseMessage response = result.Response!;
        response.RequestMessage = Request;
        Request.Options.Set(RegionFailoverRequestOptions.ServedBy, result.Region.Region.Name);
        return response;
    }

    /// <summary>The exception that ends the request when no region succeeded, its outcomes logged.</summary>
    public RegionFailoverException Fail(HttpRegionSet client, List<RegionAttemptOutcome> outcomes)
    {
        bool totalTimeout = Total.IsCancellationRequested && !CallerToken.IsCancellationRequested;
        string what = totalTimeout
            ? $"did not succeed within the total timeout of {DurationText.Format(client.Options.TotalTimeout)}"
            : "failed in every region tried";
        string list = outcomes.Count == 0 ? "no attempt completed" : string.Join("; ", outcomes);
        // The path alone, relative or not: a query may carry what a log must not.
        string path = Factory.OriginalUri is { } uri ? AttemptRequestFactory.RequestPath(uri) : "";
        FailoverLog.AllRegionsFailed(client.Logger, client.ClientName, Request.Method.Method, path, list);

        Exception[] errors = outcomes.Where(static o => o.Exception is not null).Select(static o => o.Exception!).ToArray();
        Exception? inner = errors.Length switch
        {
            0 => Total.IsCancellationRequested ? new TimeoutException($"The total timeout of {DurationText.Format(client.Options.TotalTimeout)} elapsed.") : null,
            _ => new AggregateException(errors),
        };
        return new RegionFailoverException(client.ClientName, $"{Request.Method} {path} via client '{client.ClientName}' {what}: {list}.", outcomes, inner)
        {
            TotalTimeoutElapsed = totalTimeout,
        };
    }

    public void Dispose()
    {
        Unlink();
        _cancel.Dispose();
    }
}
