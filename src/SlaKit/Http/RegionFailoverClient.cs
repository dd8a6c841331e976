using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using SlaKit.Regions;
using SlaKit.Telemetry;

namespace SlaKit.Http;

/// <summary>
/// Everything one failover client keeps across requests: its regions' health, each region's Polly pipeline
/// (circuit breaker and attempt timeout), and its telemetry. One per client name, shared by every handler
/// instance <see cref="IHttpClientFactory"/> creates for it.
/// </summary>
internal sealed class RegionFailoverClient : IRegionHealthMonitor, IActivelyProbed
{
    private readonly ILogger _logger;
    private readonly FailoverTelemetry _telemetry;
    private readonly RegionState[] _regions;
    private readonly Dictionary<RegionState, RegionLane> _lanes = [];
    private readonly RegionPlan? _steadyPlan;
    private CachedPlan? _lastPlan;
    private readonly RequestRunPool _runs;
    private readonly KeyValuePair<string, object?> _clientTag;
    private RegionState? _active;
    private int _activeProbes;

    public RegionFailoverClient(string name, RegionFailoverOptions options, TimeProvider timeProvider, ILogger logger, FailoverTelemetry telemetry)
    {
        ClientName = name;
        Options = options;
        Time = timeProvider;
        _runs = new RequestRunPool(timeProvider);
        _logger = logger;
        _telemetry = telemetry;
        _clientTag = new("client", name);
        MaxAttempts = options.MaxAttempts ?? options.Regions.Count;

        var policy = new RegionHealthPolicy(options.FailuresToMarkDown, options.SuccessesToMarkUp, options.BreakDuration, options.FailbackDelay, options.MaxRetryAfter);
        _regions = new RegionState[options.Regions.Count];
        for (int i = 0; i < _regions.Length; i++)
        {
            var state = new RegionState(options.Regions[i], policy, OnHealthChanged);
            _regions[i] = state;
            ResiliencePipeline<HttpResponseMessage> breaker = BuildBreaker(state, options, timeProvider);
            _lanes[state] = new RegionLane(breaker, BuildTimed(breaker, state, options, timeProvider));
        }

        _steadyPlan = RegionSelector.SteadyPlan(_regions, MaxAttempts);
    }

    /// <inheritdoc/>
    public event EventHandler<RegionHealthChangedEventArgs>? HealthChanged;

    /// <inheritdoc/>
    public string ClientName { get; }

    public RegionFailoverOptions Options { get; }

    public TimeProvider Time { get; }

    public int MaxAttempts { get; }

    public IReadOnlyList<RegionState> Regions => _regions;

    public FailoverTelemetry Telemetry => _telemetry;

    public ILogger Logger => _logger;

    /// <summary>What each attempt against <paramref name="region"/> uses: its Polly pipeline and its URI cache.</summary>
    public RegionLane LaneFor(RegionState region) => _lanes[region];

    /// <summary>Pooled per-request state, reused by requests that ended with nothing left running.</summary>
    public RequestRunPool Runs => _runs;

    /// <summary>Whether probes watch this client's regions, so callers' requests are not used as trials.</summary>
    public bool IsActivelyProbed => Volatile.Read(ref _activeProbes) > 0;

    /// <summary>Orders the regions for one request; a request may be a trial only while no probe watches the regions.</summary>
    public RegionPlan Plan(bool allowTrial) => Plan(Time.GetUtcNow(), allowTrial);

    /// <summary>Orders the regions for one request made at <paramref name="now"/>.</summary>
    /// <remarks>
    /// With distinct priorities a plan depends only on which regions are down or on standby, so while that stays the
    /// same (all regions up, or one region out for minutes) requests reuse one plan instead of sorting afresh.
    /// </remarks>
    public RegionPlan Plan(DateTimeOffset now, bool allowTrial)
    {
        allowTrial &= !IsActivelyProbed;
        if (_steadyPlan is null || RegionSelector.PlanKey(_regions, now, allowTrial) is not { } key)
        {
            return RegionSelector.Plan(_regions, now, allowTrial, Options.Selection, MaxAttempts, Random.Shared);
        }

        if (key == 0)
        {
            return _steadyPlan;
        }

        CachedPlan? last = Volatile.Read(ref _lastPlan);
        if (last is not null && last.Key == key)
        {
            return last.Plan;
        }

        RegionPlan plan = RegionSelector.Plan(_regions, now, allowTrial, Options.Selection, MaxAttempts, Random.Shared);
        if (!plan.IsTrial)
        {
            Volatile.Write(ref _lastPlan, new CachedPlan(key, plan));
        }

        return plan;
    }

    void IActivelyProbed.ProbeStarted() => Interlocked.Increment(ref _activeProbes);

    void IActivelyProbed.ProbeStopped() => Interlocked.Decrement(ref _activeProbes);

    /// <inheritdoc/>
    public IReadOnlyList<RegionStatus> GetStatus() => RegionStates.StatusAt(_regions, Time.GetUtcNow());

    /// <inheritdoc/>
    public void ReportProbeResult(string regionName, RegionHealth observed, string? detail = null)
    {
        RegionState region = _regions[RegionStates.IndexForProbe(_regions, regionName, observed, $"Client '{ClientName}'")];
        region.RecordProbe(Time.GetUtcNow(), observed, detail ?? observed.ToString());
    }

    /// <summary>
    /// How long an attempt against <paramref name="region"/> may run before it is overdue, when another region has
    /// answered within its own bound: <see cref="RegionFailoverOptions.AdaptiveHedgingMultiplier"/> × the region's recent
    /// p99, at least <see cref="RegionFailoverOptions.HedgingDelay"/>; and <see cref="RegionFailoverOptions.ColdStartAllowance"/>
    /// while the region has no p99 yet, since its first answers pay for the connection, TLS and JIT.
    /// </summary>
    public TimeSpan OverdueBound(RegionState region) =>
        region.UsualLatencyBound(Options.HedgingDelay, Options.AdaptiveHedgingMultiplier) ?? Options.ColdStartAllowance;

    /// <summary>The <see cref="ResilienceContext"/> property through which the circuit breaker learns whether a cancelled attempt timed out.</summary>
    public static readonly ResiliencePropertyKey<RequestRun> RunKey = new("slakit.run");

    /// <summary>Counts one attempt.</summary>
    public void CountAttempt(RegionState region, RegionAttemptOutcomeKind outcome) =>
        _telemetry.Attempts.Add(1, _clientTag, new("region", region.Region.Name), new("outcome", OutcomeTag(outcome)));

    /// <summary>Notes which region served a request, counting and logging a switch to another priority.</summary>
    public void NoteServed(RegionState served)
    {
        // The same region as last time is the common case; it changes nothing, so it needs no atomic exchange.
        if (Volatile.Read(ref _active) == served)
        {
            return;
        }

        RegionState? previous = Interlocked.Exchange(ref _active, served);
        if (previous is not null && previous != served && previous.Region.Priority != served.Region.Priority)
        {
            _telemetry.Switches.Add(1, _clientTag, new("from", previous.Region.Name), new("to", served.Region.Name));
            FailoverLog.RegionSwitched(_logger, ClientName, previous.Region.Name, served.Region.Name);
        }
    }

    /// <summary>The health gauge's measurements: 2 healthy, 1 degraded, 0 unhealthy.</summary>
    public IEnumerable<Measurement<int>> ObserveHealth()
    {
        DateTimeOffset now = Time.GetUtcNow();
        foreach (RegionState region in _regions)
        {
            int value = region.HealthAt(now) switch
            {
                RegionHealth.Healthy => 2,
                RegionHealth.Degraded => 1,
                _ => 0,
            };
            yield return new Measurement<int>(value, _clientTag, new("region", region.Region.Name));
        }
    }

    /// <summary>Whether an answer's status is transient: 408, 429 or 5xx.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static string OutcomeTag(RegionAttemptOutcomeKind outcome) => outcome switch
    {
        RegionAttemptOutcomeKind.Success => "success",
        RegionAttemptOutcomeKind.TransientStatus => "transient_status",
        RegionAttemptOutcomeKind.TransportError => "transport_error",
        RegionAttemptOutcomeKind.Timeout => "timeout",
        RegionAttemptOutcomeKind.CircuitOpen => "circuit_open",
        _ => "cancelled",
    };

    /// <summary>
    /// The region's circuit breaker, which catches a region that fails often but never FailuresToMarkDown times in a
    /// row. It counts transport errors, transient statuses and attempt timeouts: Polly's (<see cref="TimeoutRejectedException"/>)
    /// and a request's own (<see cref="RequestRun.AttemptTimedOut"/>), never the caller's cancellation.
    /// </summary>
    private ResiliencePipeline<HttpResponseMessage> BuildBreaker(RegionState state, RegionFailoverOptions options, TimeProvider timeProvider) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider, Name = $"slakit:{ClientName}:{state.Region.Name}" }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = options.CircuitBreakerFailureRatio,
                MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                SamplingDuration = options.CircuitBreakerSamplingDuration,
                BreakDuration = options.BreakDuration,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException } => true,
                    { Exception: OperationCanceledException } => args.Context.Properties.TryGetValue(RunKey, out RequestRun? run) && run.AttemptTimedOut,
                    { Result: { } response } => IsTransient(response.StatusCode),
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
    private ResiliencePipeline<HttpResponseMessage> BuildTimed(ResiliencePipeline<HttpResponseMessage> breaker, RegionState state, RegionFailoverOptions options, TimeProvider timeProvider) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider, Name = $"slakit:{ClientName}:{state.Region.Name}:timed" }
            .AddPipeline(breaker)
            .AddTimeout(options.AttemptTimeout)
            .Build();

    private void OnHealthChanged(RegionState region, RegionHealth previous, RegionHealth current, string reason)
    {
        if (current == RegionHealth.Unhealthy)
        {
            FailoverLog.RegionUnhealthy(_logger, ClientName, region.Region.Name, current, previous, reason);
        }
        else
        {
            FailoverLog.RegionHealthChanged(_logger, ClientName, region.Region.Name, current, previous, reason);
        }

        try
        {
            HealthChanged?.Invoke(this, new RegionHealthChangedEventArgs(ClientName, region.Region, previous, current, reason));
        }
#pragma warning disable CA1031 // A listener's failure must not reach the request, the timer or the probe that changed the health.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            FailoverLog.HealthListenerThrew(_logger, ClientName, region.Region.Name, exception);
        }
    }

    /// <summary>The plan last built for a <see cref="RegionSelector.PlanKey"/> other than 0.</summary>
    private sealed record CachedPlan(ulong Key, RegionPlan Plan);
}
