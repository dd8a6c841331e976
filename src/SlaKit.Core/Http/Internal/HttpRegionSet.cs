using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>
/// The HTTP side of one failover client, shared by every handler instance <c>IHttpClientFactory</c> creates for it:
/// the protocol-neutral <see cref="RegionSet"/> (health, plans, probes, logs, metrics), each region's Polly pipeline
/// (circuit breaker and attempt timeout) and URI cache, the client's options and its pool of request runs.
/// </summary>
internal sealed class HttpRegionSet
{
    private readonly RegionLane[] _lanes;
    private readonly int _grpcFailures;

    public HttpRegionSet(string name, RegionFailoverOptions options, TimeProvider timeProvider, ILogger logger, FailoverTelemetry telemetry)
    {
        Options = options;
        _grpcFailures = GrpcStatus.FailureMask(options.GrpcFailoverStatuses);
        Runs = new RequestRunPool(timeProvider);
        Core = new RegionSet(name, options, options.Selection, options.MaxAttempts ?? options.Regions.Count, timeProvider, logger, telemetry, Random.Shared) { HedgedTrials = true };
        Classes = new LatencyClasses(name, logger);
        _lanes = new RegionLane[Core.Regions.Count];
        foreach (TrackedRegion state in Core.Regions)
        {
            var circuit = new CircuitBreakerStateProvider();
            ResiliencePipeline<HttpResponseMessage> breaker = BuildBreaker(state, options, timeProvider, circuit);
            _lanes[state.Position] = new RegionLane(breaker, BuildTimed(breaker, state, options, timeProvider), circuit);
        }
    }

    /// <summary>The protocol-neutral core: the client's monitor, its plans and its telemetry.</summary>
    public RegionSet Core { get; }

    /// <summary>The client's name.</summary>
    public string ClientName => Core.ClientName;

    public RegionFailoverOptions Options { get; }

    public TimeProvider Time => Core.Time;

    public IReadOnlyList<TrackedRegion> Regions => Core.Regions;

    public FailoverTelemetry Telemetry => Core.Telemetry;

    public ILogger Logger => Core.Logger;

    /// <summary>The client's latency classes, by which each region learns the latency of each kind of request apart.</summary>
    public LatencyClasses Classes { get; }

    /// <summary>
    /// The latency class of <paramref name="request"/>, a <paramref name="call"/> to gRPC or not: the one its
    /// <see cref="RegionFailoverRequestOptions.LatencyClass"/> names; else, for a unary gRPC call, its method; else the default.
    /// </summary>
    /// <remarks>
    /// A gRPC client calls the methods of one service, which the service's definition fixes, and they differ as much as
    /// endpoints do (a lookup beside a report), so each method learns its own latency. A stream's answer time is no sample
    /// (its service writes its headers when it likes), so a stream is classed by nothing and takes no place of the limit.
    /// </remarks>
    public int LatencyClassOf(HttpRequestMessage request, GrpcCall call)
    {
        if (request.Options.TryGetValue(RegionFailoverRequestOptions.LatencyClass, out string? named) && !string.IsNullOrWhiteSpace(named))
        {
            return Classes.IndexOf(named);
        }

        return call is GrpcCall.Unary or GrpcCall.DeclaredIdempotent && request.RequestUri is { } uri
            ? Classes.IndexOf(AttemptRequestFactory.RequestPath(uri))
            : LatencyClasses.Default;
    }

    /// <summary>What each attempt against <paramref name="region"/> uses: its Polly pipeline and its URI cache.</summary>
    public RegionLane LaneFor(TrackedRegion region) => _lanes[region.Position];

    /// <summary>
    /// The stream a <see cref="SocketsHttpHandler"/> of this client is to use for a new connection (its
    /// <see cref="SocketsHttpHandler.PlaintextStreamFilter"/>): an HTTP/2 connection to a region is watched
    /// (<see cref="Http2ConnectionStream"/>), any other is <paramref name="plaintext"/> itself.
    /// </summary>
    public Stream WatchConnection(SocketsHttpPlaintextStreamFilterContext context, Stream plaintext)
    {
        if (context.NegotiatedHttpVersion.Major != 2 || context.InitialRequestMessage.RequestUri is not { IsAbsoluteUri: true } uri)
        {
            return plaintext;
        }

        List<RegionLane>? lanes = null;
        foreach (TrackedRegion region in Regions)
        {
            if (SharesConnections(region, uri))
            {
                (lanes ??= []).Add(_lanes[region.Position]);
            }
        }

        return lanes is null ? plaintext : new Http2ConnectionStream(plaintext, Time, [.. lanes]);
    }

    /// <summary>
    /// A probe of the region at <paramref name="uri"/>, sent at <paramref name="started"/> (a <see cref="TimeProvider"/>
    /// timestamp) over this client's connections, was given up on (its timeout): the region's HTTP/2 connections on which
    /// nothing has come in for an attempt timeout, the silence that closes them when an attempt times out (see
    /// <see cref="RegionLane.AbortSilentConnections"/>), are closed. Otherwise a region only probed (a standby that gets no
    /// traffic) would be probed on its dead connection again and again, and held down until the client's handler rotation,
    /// or TCP itself, dropped it. The probe's own timeout, a second by default, is no such evidence: a quiet stream on a
    /// live connection (server-sent events, a gRPC server stream between messages) easily outlasts it, as a slow health
    /// endpoint does. A probe given up on sooner than the region's usual answer (its p99 × the hedging multiplier, or the
    /// hedging delay while it has none: a host stopping) says nothing of its connections.
    /// </summary>
    public void ProbeGotNoAnswer(Uri? uri, long started)
    {
        if (uri is not { IsAbsoluteUri: true })
        {
            return;
        }

        long now = Time.GetTimestamp();
        TimeSpan waited = Time.GetElapsedTime(started, now);
        long silentSince = Math.Min(started, now - (long)(Options.AttemptTimeout.TotalSeconds * Time.TimestampFrequency));
        // A probe is none of the client's requests, so it is held against the region's default latency class, as
        // AbortSilentConnections's grace (a new connection's first frames, whatever its requests) is.
        foreach (TrackedRegion region in Regions)
        {
            if (SharesConnections(region, uri) &&
                waited > (region.UsualLatencyBound(Options.HedgingDelay, Options.AdaptiveHedgingMultiplier) ?? Options.HedgingDelay))
            {
                _lanes[region.Position].AbortSilentConnections(silentSince, OverdueBound(region));
            }
        }
    }

    /// <summary>Whether requests to <paramref name="uri"/> share the connection pool of <paramref name="region"/>: the same scheme, host and port.</summary>
    private static bool SharesConnections(TrackedRegion region, Uri uri)
    {
        Uri endpoint = region.Region.Endpoint;
        return endpoint.Port == uri.Port &&
            string.Equals(endpoint.Scheme, uri.Scheme, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(endpoint.IdnHost, uri.IdnHost, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Pooled per-request state, reused by requests that ended with nothing left running.</summary>
    public RequestRunPool Runs { get; }

    /// <summary>Orders the regions for one request; a request may be a trial only of a region no probe watches.</summary>
    public RegionPlan Plan(bool allowTrial) => Core.Plan(allowTrial);

    /// <summary>Orders the regions for one request made at <paramref name="now"/>.</summary>
    public RegionPlan Plan(DateTimeOffset now, bool allowTrial) => Core.Plan(now, allowTrial);

    /// <summary>The overdue bound of <paramref name="region"/> in its default latency class; see <see cref="OverdueBound(TrackedRegion, int)"/>.</summary>
    public TimeSpan OverdueBound(TrackedRegion region) => OverdueBound(region, LatencyClasses.Default);

    /// <summary>
    /// How long an attempt of <paramref name="latencyClass"/> against <paramref name="region"/> may run before it is
    /// overdue, when another region has answered within its own bound: <see cref="RegionFailoverOptions.AdaptiveHedgingMultiplier"/>
    /// × the recent p99 of the region's answers in that class, plus one connection set-up, at least
    /// <see cref="RegionFailoverOptions.HedgingDelay"/>; and <see cref="RegionFailoverOptions.ColdStartAllowance"/> while the
    /// class has no p99 there yet, since its first answers pay for the connection, TLS and JIT, or come from an endpoint
    /// whose latency is not known yet.
    /// </summary>
    /// <remarks>
    /// Connections keep being opened after the first: the pool closes idle ones, the client factory rotates its
    /// handlers, a burst needs more. Each costs TCP, TLS and the request, three or four round trips where the usual
    /// answer takes one: 450–600 ms against a p99 of 150 ms for a region far away, well past 3 × p99, and no evidence of
    /// anything. The set-up is what the region's first answer took beyond its p99, and at most k × p99 more (a few round
    /// trips, each no longer than the p99): a first answer slowed by the process's JIT does not stretch the bound of a
    /// near region, whose set-up the hedging delay's floor covers anyway.
    /// </remarks>
    public TimeSpan OverdueBound(TrackedRegion region, int latencyClass)
    {
        LatencyWindow latency = region.LatencyOf(latencyClass);
        if (latency.UsualBound(Options.HedgingDelay, Options.AdaptiveHedgingMultiplier) is not { } usual)
        {
            return Options.ColdStartAllowance;
        }

        double p99 = latency.P99Milliseconds;
        double roundTrips = p99 * Options.AdaptiveHedgingMultiplier;
        double setUp = Math.Min(latency.FirstMilliseconds - p99, Math.Min(roundTrips, Options.ColdStartAllowance.TotalMilliseconds));
        if (!(setUp > 0))
        {
            return usual;
        }

        var withSetUp = TimeSpan.FromMilliseconds(roundTrips + setUp);
        return withSetUp > usual ? withSetUp : usual;
    }

    /// <summary>
    /// Observes the failure of <paramref name="attempt"/>, an attempt against <paramref name="region"/> that nobody awaits
    /// any more (a loser, or one its request gave up on). An attempt throws only for a cancellation, which is expected
    /// here; anything else is a handler below throwing what no attempt catches, logged, since nothing else would show it.
    /// </summary>
    public void ObserveAbandoned(Task attempt, TrackedRegion region)
    {
        if (attempt.Exception?.InnerException is { } error and not OperationCanceledException)
        {
            FailoverLog.AbandonedAttemptThrew(Logger, ClientName, region.Region.Name, error);
        }
    }

    /// <summary>Counts one attempt.</summary>
    public void CountAttempt(TrackedRegion region, RegionAttemptOutcomeKind outcome) => Core.CountAttempt(region, OutcomeTag(outcome));

    /// <summary>Whether an answer's status is transient: 408, 429 or 5xx.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>
    /// Whether an answer is a failure of its region: a transient status, or a gRPC status of
    /// <see cref="RegionFailoverOptions.GrpcFailoverStatuses"/> (UNAVAILABLE and RESOURCE_EXHAUSTED by default).
    /// </summary>
    public bool IsRegionFailure(HttpResponseMessage response) =>
        IsTransient(response.StatusCode) || GrpcStatus.IsRegionFailure(response, _grpcFailures);

    /// <summary>Whether a gRPC status read after the answer's headers (in its trailers) is a failure of its region; see <see cref="IsRegionFailure(HttpResponseMessage)"/>.</summary>
    public bool IsRegionFailure(int grpcStatus) => GrpcStatus.IsRegionFailure(grpcStatus, _grpcFailures);

    private static string OutcomeTag(RegionAttemptOutcomeKind outcome) => outcome switch
    {
        RegionAttemptOutcomeKind.Success => AttemptOutcomes.Success,
        RegionAttemptOutcomeKind.TransientStatus => AttemptOutcomes.TransientStatus,
        RegionAttemptOutcomeKind.TransportError => AttemptOutcomes.TransportError,
        RegionAttemptOutcomeKind.Timeout => AttemptOutcomes.Timeout,
        RegionAttemptOutcomeKind.CircuitOpen => AttemptOutcomes.CircuitOpen,
        _ => AttemptOutcomes.Cancelled,
    };

    /// <summary>
    /// The region's circuit breaker, which catches a region that fails often but never FailuresToMarkDown times in a
    /// row. It counts transport errors (a handler below cancelling on its own, as at a ConnectTimeout, included),
    /// transient statuses and attempt timeouts (<see cref="TimeoutRejectedException"/>: Polly's, and a request's own, which
    /// the attempt reports as one; see <see cref="RequestRun.AttemptTimedOut"/>), never the caller's cancellation.
    /// <paramref name="circuit"/> reports its state.
    /// </summary>
    private ResiliencePipeline<HttpResponseMessage> BuildBreaker(TrackedRegion state, RegionFailoverOptions options, TimeProvider timeProvider, CircuitBreakerStateProvider circuit) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider, Name = $"slakit:{Core.ClientName}:{state.Region.Name}" }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = options.CircuitBreakerFailureRatio,
                MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                SamplingDuration = options.CircuitBreakerSamplingDuration,
                BreakDuration = options.BreakDuration,
                StateProvider = circuit,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException } => true,
                    // A cancellation nobody above asked for is a handler below giving up (a ConnectTimeout): the region's failure.
                    { Exception: OperationCanceledException } => !args.Context.CancellationToken.IsCancellationRequested,
                    { Result: { } response } => IsRegionFailure(response),
                    _ => false,
                }),
                OnOpened = args =>
                {
                    state.MarkDown(timeProvider.GetUtcNow(), "its circuit breaker opened");
                    return default;
                },
            })
            .Build();

    /// <summary>The region's circuit breaker around Polly's attempt timeout: what an attempt uses when its request may make more than one.</summary>
    private ResiliencePipeline<HttpResponseMessage> BuildTimed(ResiliencePipeline<HttpResponseMessage> breaker, TrackedRegion state, RegionFailoverOptions options, TimeProvider timeProvider) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider, Name = $"slakit:{Core.ClientName}:{state.Region.Name}:timed" }
            .AddPipeline(breaker)
            .AddTimeout(options.AttemptTimeout)
            .Build();
}
