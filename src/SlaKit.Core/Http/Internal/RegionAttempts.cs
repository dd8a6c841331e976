using System.Diagnostics;
using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using SlaKit.Probes;
using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>
/// Makes single attempts of a <see cref="RegionFailoverHandler"/>: one request to one region through that region's
/// Polly pipeline, and what its outcome means for the region. Where attempts go and how many run at once is decided
/// by the handler and <see cref="HedgedRace"/>.
/// </summary>
/// <param name="client">The client's shared state.</param>
/// <param name="send">Sends a request through the handlers below the failover handler.</param>
internal sealed class RegionAttempts(HttpRegionSet client, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send)
{
    private readonly HttpRegionSet _client = client;
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _send = send;

    /// <summary>One attempt of <paramref name="run"/> against <paramref name="region"/>, starting now (the first attempt: as the request started).</summary>
    public ValueTask<AttemptResult> AttemptAsync(RequestRun run, int index, TrackedRegion region, CancellationToken token) =>
        AttemptAsync(run, index, region, index == 0 ? run.Started : _client.Time.GetTimestamp(), token);

    /// <summary>
    /// One attempt of <paramref name="run"/> against <paramref name="region"/>, started at the <see cref="TimeProvider"/>
    /// timestamp <paramref name="started"/>: sent through the region's pipeline, its outcome recorded in the region's
    /// state (a latency sample and a success, or the failure), counted and traced. It never throws for the region's
    /// failures, only for the caller's cancellation.
    /// </summary>
    public async ValueTask<AttemptResult> AttemptAsync(RequestRun run, int index, TrackedRegion region, long started, CancellationToken token)
    {
        bool trial = run.IsTrialAttempt(index);
        if (trial)
        {
            run.TrialStarted = true;
        }

        TimeProvider time = _client.Time;

        // A failure of this attempt, other than its timeout, counts only if no other failure of the region counted
        // between its start and its end (see TrackedRegion).
        long failuresCounted = region.FailuresCounted;

        try
        {
            // A small answer is read whole inside the attempt (see SmallAnswer), but never a stream's, whose body is the
            // call itself, nor a gRPC call's, whose status is judged from its trailers.
            bool smallReadWhole = !run.Untimed && !run.GrpcUnary;
            using Activity? activity = _client.Telemetry.ActivitySource.StartActivity("slakit.failover.attempt");
            HttpResponseMessage? response = null;
            Exception? error = null;
            RegionAttemptOutcomeKind kind;
            RegionLane lane = _client.LaneFor(region);

            // Whether the attempt's success is still to be told to the region's circuit breaker (see below).
            bool tellSuccess = false;
            try
            {
                // A trial may outlive the request, so it never sends the caller's own request object.
                HttpRequestMessage attempt = run.Factory.Create(lane.RegionUri(region.Region.Endpoint, run.Factory.OriginalUri), useCallersRequest: !trial && index == 0 && run.LendsCallersRequest, previousAttempts: index);
                activity?.SetTag("slakit.client", _client.ClientName);
                activity?.SetTag("slakit.region", region.Region.Name);
                activity?.SetTag("http.request.method", attempt.Method.Method);
                // An attempt whose token carries its own timeout (the request's only one) goes through the circuit
                // breaker alone, and reports that timeout to it as Polly's own timeout would be (see AsOutcome). While
                // the breaker is closed it lets every attempt through and only counts outcomes, so such an attempt is
                // sent straight away and its outcome told to the breaker afterwards: a failure at once, before it is
                // judged here (the breaker may open on it), and a success once the caller has its answer (see
                // RequestRun.AnswerEarly). The caller thus waits on none of the breaker's work, which with caches cold
                // costs more than the rest of the attempt. An open or half-open circuit is left to Polly: it refuses the
                // attempt, or lets it through as its trial.
                bool ownTimeout = run.OwnAttemptTimeout is not null;
                var sending = new Sending(_send, attempt, index == 0 && !trial ? run : null, run.ReadsWholeReply, smallReadWhole ? run.Request.Method : null, ownTimeout ? run : null);
                for (bool first = true; ; first = false)
                {
                    try
                    {
                        Outcome<HttpResponseMessage> outcome;
                        if (ownTimeout && lane.IsClosed)
                        {
                            // A caller who has already given up sends nothing, as Polly would not call back for it.
                            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                            outcome = token.IsCancellationRequested
                                ? Outcome.FromException<HttpResponseMessage>(new OperationCanceledException(token))
                                : await SendOnce(sending, token).ConfigureAwait(false);
                            tellSuccess = outcome.Exception is null && !_client.IsRegionFailure(outcome.Result!);
                            if (!tellSuccess)
                            {
                                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                                await TellBreakerAsync(lane, outcome, token).ConfigureAwait(false);
                            }
                        }
                        else
                        {
                            ResilienceContext context = ResilienceContextPool.Shared.Get(token);
                            try
                            {
                                // A stream has no attempt timeout: it goes through the circuit breaker alone.
                                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                                outcome = await (ownTimeout || run.Untimed ? lane.Breaker : lane.Pipeline).ExecuteOutcomeAsync(
                                    static (context, sending) => SendOnce(sending, context.CancellationToken), context, sending).ConfigureAwait(false);
                            }
                            finally
                            {
                                ResilienceContextPool.Shared.Return(context);
                            }
                        }

                        outcome.ThrowIfException();
                        response = outcome.Result!;
                        break;
                    }
                    catch (HttpRequestException exception) when (first && run.Factory.BodyReplays && FailoverClosedConnectionException.ClosedBefore(exception, started))
                    {
                        // .NET's handler gave the request an HTTP/2 connection this failover had closed before the attempt
                        // began (silent; see Http2ConnectionStream) and had not yet dropped: nothing of it left, and the
                        // region had no say. It goes once more, on a new connection, as the handler itself retries a
                        // request refused by a connection shutting down (RFC 9113 §8.7); a body not buffered may have
                        // been read already, and is not. Polly's breaker has counted the first try as a failure.
                        attempt = run.Factory.Again(attempt, index);
                        sending = sending with { Attempt = attempt };
                    }
                }

                // A success still to be told to the breaker has been judged one already.
                kind = tellSuccess || !_client.IsRegionFailure(response) ? RegionAttemptOutcomeKind.Success : RegionAttemptOutcomeKind.TransientStatus;
            }
            catch (BrokenCircuitException exception)
            {
                (kind, error) = (RegionAttemptOutcomeKind.CircuitOpen, exception);
            }
            catch (TimeoutRejectedException exception)
            {
                (kind, error) = (RegionAttemptOutcomeKind.Timeout, exception);
            }
            catch (HttpRequestException exception) when ((run.CallerToken.IsCancellationRequested || run.Total.IsCancellationRequested) && run.Factory.IsBodyDisposedIn(exception))
            {
                // Left running after its request gave up on it, it found the caller's body disposed before writing it:
                // that says nothing of the region.
                (kind, error) = (RegionAttemptOutcomeKind.Cancelled, exception);
            }
            catch (HttpRequestException exception)
            {
                (kind, error) = (RegionAttemptOutcomeKind.TransportError, exception);
            }
            catch (OperationCanceledException exception) when (!token.IsCancellationRequested)
            {
                // Nobody above asked for this: a handler below gave up on its own, and the region is to blame.
                // SocketsHttpHandler does so when its ConnectTimeout runs out (a TimeoutException inside), before a
                // byte of the request was sent: a connection error, like a refused one. Any other handler's may come
                // after the request went, so a request not safe to repeat stays where it was.
                (kind, error) = (RegionAttemptOutcomeKind.TransportError, IsConnectTimeout(exception)
                    ? new HttpRequestException(HttpRequestError.ConnectionError, exception.InnerException!.Message, exception)
                    : exception);
            }
            catch (OperationCanceledException exception) when (!run.CallerToken.IsCancellationRequested)
            {
                (kind, error) = (RegionAttemptOutcomeKind.Cancelled, exception);
            }

            long ended = time.GetTimestamp();
            TimeSpan elapsed = time.GetElapsedTime(started, ended);
            DateTimeOffset now = run.StartedAt + time.GetElapsedTime(run.Started, ended);
            bool onTime = false;
            bool counted = false;
            switch (kind)
            {
                case RegionAttemptOutcomeKind.Success:
                    // A stream's headers may come whenever its service first writes, so their time says nothing of the region.
                    if (!run.Untimed)
                    {
                        // Judged before it is learnt: once in the window, a slow answer can be the p99 it is compared with.
                        // Both by the request's own latency class, so a slow endpoint is compared with itself.
                        onTime = elapsed <= _client.OverdueBound(region, run.LatencyClass);
                        region.RecordLatency(elapsed, run.LatencyClass);
                    }

                    // Read off the run first: any other request's answer is spared the look at its headers.
                    if (run.GrpcUnary && GrpcStatus.ComesInTrailers(response!))
                    {
                        // A unary gRPC answer that goes to the caller as it comes: its status follows its body, in the
                        // trailers (PROTOCOL-HTTP2.md), so the region is judged, and the attempt counted, when the caller
                        // has read it, not at its headers. A success now and a failure then would never make
                        // FailuresToMarkDown in a row. An answer the caller leaves before its end counts as a success.
                        response!.Content = new JudgedAnswer(_client, region, response!, statusInTrailers: true, started, failuresCounted, run.CallerToken);
                        counted = true;
                    }
                    else if (!run.Untimed && WatchedContent.MayBreakOff(response!, run.Request.Method) &&
                        !(smallReadWhole && SmallAnswer.IsSmall(response!)))
                    {
                        // An answer whose body is still to come may break off after good headers (a stream reset, a
                        // connection lost, a proxy that cuts it short), and its caller then gets an exception: it is
                        // judged, and counted, when its body ends, as the gRPC answer above, so that a region that cuts
                        // every answer short makes FailuresToMarkDown in a row. One the caller leaves unread is a success,
                        // and one still flowing past the attempt timeout when it breaks off is a stream whose path cut it
                        // (see JudgedAnswer).
                        response!.Content = new JudgedAnswer(_client, region, response!, statusInTrailers: false, started, failuresCounted, run.CallerToken);
                        counted = true;
                    }
                    else
                    {
                        region.RecordSuccess(now);
                    }

                    break;
                case RegionAttemptOutcomeKind.TransientStatus:
                    HttpResponseMessage failed = response!;
                    region.RecordFailure(
                        now,
                        GrpcStatus.Of(failed) is { } grpc ? $"it answered gRPC status {grpc}" : $"it answered {(int)failed.StatusCode} {failed.StatusCode}",
                        failuresCounted);
                    if (RetryAfter(failed, now) is { } delay)
                    {
                        region.RecordRetryAfter(now, delay);
                    }

                    break;
                case RegionAttemptOutcomeKind.TransportError:
                    if (FailoverClosedConnectionException.IsIn(error))
                    {
                        // The failover closed the connection because nothing came in on it while another attempt timed
                        // out: this attempt waited on that silence too, which counts as its own timeout would.
                        region.RecordFailure(now, $"a transport error: {error!.Message}");
                    }
                    else
                    {
                        region.RecordFailure(now, $"a transport error: {error!.Message}", failuresCounted);
                    }

                    break;
                case RegionAttemptOutcomeKind.Timeout:
                    // Always counted: each attempt waited out its own timeout, so two in flight together are two
                    // observations of a silent region, not one event.
                    region.RecordFailure(now, "it did not answer within the attempt timeout");

                    // Over HTTP/1.1 the timed-out request's connection is closed with it; over HTTP/2 it is shared and
                    // stays: closed here if nothing at all came in on it while this attempt waited (RFC 9113 §9.1). A
                    // connection opened since, with its server's first frames still on the way, is given the region's
                    // usual latency to show them: that of its default class, since those frames come whatever the
                    // requests on the connection are.
                    _client.LaneFor(region).AbortSilentConnections(started, _client.OverdueBound(region));
                    break;
            }

            if (!counted)
            {
                _client.CountAttempt(region, kind);
            }

            activity?.SetTag("slakit.outcome", kind.ToString());
            if (response is not null)
            {
                activity?.SetTag("http.response.status_code", (int)response.StatusCode);
            }

            if (kind != RegionAttemptOutcomeKind.Success)
            {
                activity?.SetStatus(ActivityStatusCode.Error, kind.ToString());
            }

            var result = new AttemptResult(region, kind, response, error, elapsed, CertainlyNotSent(kind, error), onTime);
            if (tellSuccess)
            {
                // Everything the caller may look at is recorded: its answer goes to it now, and the breaker counts the
                // success after. The answer is the caller's from here on, so the breaker is not shown it: no answer at all
                // is a success to it, as this one was.
                activity?.Stop();
                run.AnswerEarly(result);
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                await TellBreakerAsync(lane, Outcome.FromResult<HttpResponseMessage>(null!), token).ConfigureAwait(false);
            }

            return result;
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
    /// The body of an answer whose region is judged once it is known how the body ended (see <see cref="WatchedContent"/>):
    /// a gRPC status of <see cref="RegionFailoverOptions.GrpcFailoverStatuses"/> in the trailers, or none at all (the answer
    /// broke off), is a failure of the region; any other, the service's own answer, or the end of a body whose status
    /// came in its headers, a success. An answer the caller gives up on counts as a success; its region's health is
    /// unchanged by a gRPC one, whose status is then unknown, and taken as answered by any other, whose status is known.
    /// An answer that breaks off (or ends without a status) while still flowing past
    /// <see cref="RegionFailoverOptions.AttemptTimeout"/> after its attempt started at the <see cref="TimeProvider"/>
    /// timestamp <paramref name="started"/> (read from within that timeout, with data reaching the caller after it) is a
    /// stream cut on its way, and leaves its region's health as it was (see <see cref="WasFlowingStream"/>).
    /// </summary>
    private sealed class JudgedAnswer(
        HttpRegionSet client, TrackedRegion region, HttpResponseMessage response, bool statusInTrailers, long started, long failuresCounted, CancellationToken callCancellation)
        : WatchedContent(response, statusInTrailers, callCancellation)
    {
        // When the caller began to read the body, and when part of it last reached the caller: TimeProvider timestamps,
        // NotYet before. Reads follow one another, so plain fields suffice.
        private const long NotYet = long.MinValue;
        private long _readingSince = NotYet;
        private long _flowedAt = NotYet;

        protected override void ReadingStarted()
        {
            if (_readingSince == NotYet)
            {
                _readingSince = client.Time.GetTimestamp();
            }
        }

        protected override void BodyFlowed() => _flowedAt = client.Time.GetTimestamp();

        protected override void Judge(int? status)
        {
            DateTimeOffset now = client.Time.GetUtcNow();
            if (status is null && WasFlowingStream())
            {
                // The answer was still flowing when the client would have given up on any one attempt, so it is a stream
                // (server-sent events, a long poll, a download streamed for minutes), and streams are routinely cut on
                // their way: a load balancer's idle or maximum-duration timeout, a server draining for a graceful
                // shutdown (a GOAWAY, RFC 9113 §6.8, then the streams still open reset or the connection closed). The
                // HTML standard expects it of event streams: their clients reconnect (§9.2.3), and its authoring notes
                // warn of proxies that drop idle connections (§9.2.7). Such a cut says nothing of the region, which
                // answered well long before, so it is not held against it. Nor is it a success now: the region proved
                // itself when the answer came, and a region that dies cuts its streams at that very moment, when
                // successes would hide the failures of the attempts sent to it then.
                //
                // The bound is the attempt timeout, not the region's overdue bound: that one is how long the region's
                // headers usually take (3 × its p99, as little as the hedging delay) and moves with it, which says
                // nothing of how long a body may flow; a proxy that resets large downloads a few hundred milliseconds
                // in would pass it. Every other break still counts, so a region that cuts every answer short (a proxy
                // truncating bodies, streams reset right after their headers) is still marked down after
                // FailuresToMarkDown answers, while an intermediary's own timeouts (60 s and up) lie far past the
                // attempt timeout (5 s by default). The attempt is counted a success, as a gRPC server stream's is at
                // its headers: the region answered, and the answer was served.
                client.CountAttempt(region, RegionAttemptOutcomeKind.Success);
            }
            else if (status is not { } code)
            {
                client.CountAttempt(region, RegionAttemptOutcomeKind.TransportError);
                region.RecordFailure(now, StatusInTrailers ? "its gRPC answer ended without a status" : "a transport error: its answer broke off after its headers", failuresCounted);
            }
            else if (StatusInTrailers && client.IsRegionFailure(code))
            {
                client.CountAttempt(region, RegionAttemptOutcomeKind.TransientStatus);
                region.RecordFailure(now, $"it answered gRPC status {code} after its headers", failuresCounted);
            }
            else
            {
                client.CountAttempt(region, RegionAttemptOutcomeKind.Success);
                region.RecordSuccess(now);
            }
        }

        /// <summary>
        /// Whether the body was a stream that flowed past the attempt timeout: read from within that timeout of its
        /// attempt's start, and still delivering later than it. A body that stalled after its first bytes until
        /// something cut it (a backend hung mid-answer, an idle timeout then resetting it) delivered nothing past the
        /// timeout, and one first read after it (a caller that came back to it late) was no stream being followed:
        /// either break counts against the region as any other.
        /// </summary>
        private bool WasFlowingStream()
        {
            TimeSpan limit = client.Options.AttemptTimeout;
            return _readingSince != NotYet && _flowedAt != NotYet &&
                client.Time.GetElapsedTime(started, _readingSince) <= limit &&
                client.Time.GetElapsedTime(started, _flowedAt) > limit;
        }

        protected override void GaveUp()
        {
            client.CountAttempt(region, RegionAttemptOutcomeKind.Success);
            if (!StatusInTrailers)
            {
                region.RecordSuccess(client.Time.GetUtcNow());
            }
        }
    }

    /// <summary>
    /// Sends one warm-up request straight to <paramref name="region"/> through the handlers below the failover handler (so
    /// over the client's own connection pool), bypassing selection and the region's pipeline; returns how long the answer took,
    /// whatever its status, having recorded it as a latency sample of the region's default latency class. Failures reach
    /// the caller as thrown.
    /// </summary>
    public async Task<TimeSpan> WarmUpAsync(TrackedRegion region, string path, CancellationToken cancellationToken)
    {
        TimeProvider time = _client.Time;
        Version version = _client.Options.WarmUpVersion;
        using var request = new HttpRequestMessage(HttpMethod.Head, AttemptRequestFactory.RegionUri(region.Region.Endpoint, new Uri(path, UriKind.Relative)))
        {
            Version = version,
            VersionPolicy = HttpVersions.PolicyFor(version),
        };
        long started = time.GetTimestamp();
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        using HttpResponseMessage response = await _send(request, cancellationToken).ConfigureAwait(false);
        TimeSpan elapsed = time.GetElapsedTime(started);
        region.Latency.Record(elapsed);
        return elapsed;
    }

    /// <summary>
    /// Sends <paramref name="sending"/>'s request once through the handlers below, its answer read as the attempt needs it
    /// (a gRPC reply whole, a small answer's body), and returns the outcome; what a handler below throws at once is an
    /// outcome too.
    /// </summary>
    private static ValueTask<Outcome<HttpResponseMessage>> SendOnce(Sending sending, CancellationToken token)
    {
        ValueTask<HttpResponseMessage> answer;
        try
        {
            Task<HttpResponseMessage> sent = sending.Send(sending.Attempt, token);
            if (sending.Capture is { } run)
            {
                run.FirstInnerTask = sent;
            }

            answer = sending.ReadWhole ? GrpcStatus.ReadWholeAsync(sent, token)
                : sending.Small is { } method ? SmallAnswer.ReadAsync(sent, method, token)
                : new ValueTask<HttpResponseMessage>(sent);
        }
        catch (Exception exception)
        {
            answer = ValueTask.FromException<HttpResponseMessage>(exception);
        }

        return AsOutcome(answer, sending.Timed);
    }

    /// <summary>
    /// Tells <paramref name="lane"/>'s circuit breaker the outcome of an attempt sent without it (see
    /// <see cref="AttemptAsync(RequestRun, int, TrackedRegion, long, CancellationToken)"/>), so that it counts it as one it
    /// had let through itself, while its circuit is still closed. Once the circuit has opened the outcome is not told:
    /// an attempt sent before that is no trial of the region, and Polly would take whatever it is told after the break
    /// as the half-open circuit's trial.
    /// </summary>
    /// <param name="lane">The attempt's region.</param>
    /// <param name="outcome">The attempt's outcome.</param>
    /// <param name="token">The attempt's token: a cancellation on it was asked for above, which the breaker counts as
    /// Polly does one it let through (no failure), and any other as a failure (a handler below giving up).</param>
    private static async ValueTask TellBreakerAsync(RegionLane lane, Outcome<HttpResponseMessage> outcome, CancellationToken token)
    {
        // Told with no token of the attempt's: Polly runs nothing for a context whose token is cancelled, and the attempt's
        // is once its own timeout or its caller has cancelled it.
        if (outcome.Exception is OperationCanceledException && token.IsCancellationRequested)
        {
            outcome = Outcome.FromResult<HttpResponseMessage>(null!);
        }

        if (!lane.IsClosed)
        {
            return;
        }

        ResilienceContext context = ResilienceContextPool.Shared.Get(CancellationToken.None);
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await lane.Breaker.ExecuteOutcomeAsync(static (_, outcome) => new ValueTask<Outcome<HttpResponseMessage>>(outcome), context, outcome).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// The answer as Polly's outcome: a failure is handed to the circuit breaker as a value, not thrown through it, and
    /// an answer already there costs no state machine. When <paramref name="timed"/> is the run whose token carries this
    /// attempt's own timeout, a cancellation by that timeout is reported as a <see cref="TimeoutRejectedException"/>,
    /// the timeout Polly's own strategy reports, so that the circuit breaker counts it and the caller's cancellation apart.
    /// </summary>
    private static ValueTask<Outcome<HttpResponseMessage>> AsOutcome(ValueTask<HttpResponseMessage> answer, RequestRun? timed)
    {
        if (answer.IsCompletedSuccessfully)
        {
            return new ValueTask<Outcome<HttpResponseMessage>>(Outcome.FromResult(answer.Result));
        }

        return Awaited(answer, timed);

        static async ValueTask<Outcome<HttpResponseMessage>> Awaited(ValueTask<HttpResponseMessage> answer, RequestRun? timed)
        {
            try
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                return Outcome.FromResult(await answer.ConfigureAwait(false));
            }
            catch (OperationCanceledException exception) when (timed is { AttemptTimedOut: true })
            {
                TimeSpan timeout = timed.OwnAttemptTimeout!.Value;
                return Outcome.FromException<HttpResponseMessage>(
                    new TimeoutRejectedException($"The attempt did not complete within the attempt timeout of {DurationText.Format(timeout)}.", timeout, exception));
            }
            catch (Exception exception)
            {
                return Outcome.FromException<HttpResponseMessage>(exception);
            }
        }
    }

    /// <summary>What one send of an attempt needs; see <see cref="SendOnce"/>.</summary>
    /// <param name="Send">Sends a request through the handlers below the failover handler.</param>
    /// <param name="Attempt">The attempt's request.</param>
    /// <param name="Capture">The run that keeps the inner handler's task of its first attempt (see <see cref="RequestRun.FirstInnerTask"/>), if this is that attempt.</param>
    /// <param name="ReadWhole">Whether a gRPC reply is read whole (see <see cref="RequestRun.ReadsWholeReply"/>).</param>
    /// <param name="Small">The request's method when a small answer is read whole (see <see cref="SmallAnswer"/>); otherwise <see langword="null"/>.</param>
    /// <param name="Timed">The run whose token carries the attempt's own timeout, if it does (see <see cref="AsOutcome"/>).</param>
    private readonly record struct Sending(
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Send,
        HttpRequestMessage Attempt,
        RequestRun? Capture,
        bool ReadWhole,
        HttpMethod? Small,
        RequestRun? Timed);

    /// <summary>
    /// Whether an attempt certainly never reached a server, so even a request that is not safe to repeat may go
    /// elsewhere: the circuit was open (nothing sent), or the connection itself could not be made (refused, not made
    /// within the handler's ConnectTimeout, its TLS handshake failed, or the HTTP proxy refused the tunnel to it: a proxy
    /// passes nothing of the request before it answers the CONNECT with 200, RFC 9110 §9.3.6).
    /// </summary>
    private static bool CertainlyNotSent(RegionAttemptOutcomeKind kind, Exception? error) => kind switch
    {
        RegionAttemptOutcomeKind.CircuitOpen => true,
        RegionAttemptOutcomeKind.TransportError => error is HttpRequestException
        {
            HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError
                or HttpRequestError.ProxyTunnelError,
        },
        _ => false,
    };

    /// <summary>
    /// Whether <paramref name="exception"/> is .NET's own handler giving up on a connection at its ConnectTimeout: a
    /// TimeoutException inside, made by System.Net.Http (where it was made, not only what it says, since a handler of the
    /// application's may throw the same shape after its request was sent). The first frame of its stack outside the core
    /// library tells; without the metadata to tell (a trimmed application), it is not taken for one.
    /// </summary>
    private static bool IsConnectTimeout(OperationCanceledException exception)
    {
        if (exception.InnerException is not TimeoutException)
        {
            return false;
        }

        System.Reflection.Assembly core = typeof(object).Assembly;
        foreach (StackFrame frame in new StackTrace(exception, fNeedFileInfo: false).GetFrames())
        {
            System.Reflection.Assembly? made = frame.GetMethod()?.DeclaringType?.Assembly;
            if (made != core)
            {
                return made == typeof(SocketsHttpHandler).Assembly;
            }
        }

        return false;
    }

    /// <summary>RFC 9110 §10.2.3: Retry-After is a delay in seconds or an HTTP date; honoured on 503 and 429.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (GrpcStatus.Pushback(response) is { } pushback)
        {
            return pushback;
        }

        if (response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests) ||
            response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        TimeSpan? delay = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - now : null);
        return delay > TimeSpan.Zero ? delay : null;
    }
}
