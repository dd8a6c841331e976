using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SlaKit.Probes;
using SlaKit.Regions;

namespace SlaKit.Sip;

/// <summary>
/// Region choice for applications with their own SIP stack: ask which regions to try for a request, in order, and
/// report how each attempt went. Health follows the same rules as in <see cref="SipFailoverClient"/> (which uses one).
/// </summary>
/// <remarks>
/// <para>Order: lowest <see cref="Region.Priority"/> first; within a priority, a random order weighted by
/// <see cref="Region.Weight"/>, so a region comes first with probability weight / total weight, as RFC 2782 shares SRV
/// targets. Healthy regions come before Degraded ones of the same priority; Unhealthy regions and regions inside a 503's
/// <c>Retry-After</c> are left out, unless every region is, in which case all are returned in priority order.</para>
/// <para>Reporting: a final response other than 503 is a success; a 503 with a <c>Retry-After</c> of at least
/// <see cref="RegionSetOptions.BreakDuration"/> keeps the region out for that long (RFC 3261 §21.5.4) and is no failure; a
/// 503 with a shorter one (zero included) or none, a timeout or a transport error is a failure, and a shorter
/// <c>Retry-After</c> still keeps the region out for its delay.
/// <see cref="RegionSetOptions.FailuresToMarkDown"/> failures in a row mark the region Unhealthy. Each failure reported
/// here counts: the selector cannot tell which attempts were in flight together, as <see cref="SipFailoverClient"/>
/// does for its own.</para>
/// <para>Without probes, an Unhealthy region is offered first again after <see cref="RegionSetOptions.BreakDuration"/>, to
/// one request at a time, until that attempt is reported (or Timer F passes). While a <see cref="RegionProbeScheduler"/>
/// watches a region, only its probes bring the region back; once the scheduler stops, the region gets its trials again.
/// Once probe results are reported by hand with <see cref="ReportProbeResult(string, HealthProbeResult)"/>, only probes
/// bring that region back.</para>
/// Thread-safe.
/// </remarks>
public sealed class SipRegionSelector : IRegionHealthMonitor, IActivelyProbed
{
    private readonly RegionSet _core;
    private readonly IReadOnlyList<TrackedRegion> _regions;
    private readonly SipTarget[] _targets;
    private readonly Region[] _configured;
    private readonly TimeProvider _time;
    private readonly Lock _trialGate = new();
    private readonly DateTimeOffset?[] _trialUntil;
    private readonly TimeSpan _trialHold;
    private readonly RegionHealthPolicy _policy;
    private readonly int[] _probed;
    private readonly int[] _schedulers;

    /// <summary>Creates a selector.</summary>
    /// <param name="name">The name of the client or trunk, for logs and events.</param>
    /// <param name="options">The regions and health thresholds; validated here.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where health changes are logged; nowhere when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or <paramref name="options"/> are invalid (the message names each problem).</exception>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public SipRegionSelector(string name, SipFailoverOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(name, options, timeProvider, loggerFactory, Random.Shared, FailoverTelemetry.Shared)
    {
    }

    internal SipRegionSelector(string name, SipFailoverOptions options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory, Random random, FailoverTelemetry telemetry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        SipFailoverOptionsValidator.ThrowIfInvalid(name, options, nameof(options));
        _time = timeProvider ?? TimeProvider.System;
        ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger($"SlaKit.Sip.SipFailover.{name}");
        _trialHold = options.AttemptTimeout ?? options.Timers.TimerF;
        _policy = options.HealthPolicy;

        _configured = [.. options.Regions];
        _core = new RegionSet(name, options, RegionSelectionMode.PriorityWeighted, _configured.Length, _time, logger, telemetry, random);
        _regions = _core.Regions;
        _targets = new SipTarget[_configured.Length];
        _trialUntil = new DateTimeOffset?[_configured.Length];
        _probed = new int[_configured.Length];
        _schedulers = new int[_configured.Length];
        for (int i = 0; i < _configured.Length; i++)
        {
            SipTarget.TryParse(_configured[i].Endpoint.OriginalString, options.Transport, out SipTarget? target, out _);
            _targets[i] = target!;
        }
    }

    /// <inheritdoc/>
    public event EventHandler<RegionHealthChangedEventArgs>? HealthChanged
    {
        add => _core.HealthChanged += value;
        remove => _core.HealthChanged -= value;
    }

    /// <inheritdoc/>
    public string ClientName => _core.ClientName;

    /// <summary>The regions, in configuration order.</summary>
    public IReadOnlyList<Region> Regions => _configured;

    internal IReadOnlyList<TrackedRegion> States => _regions;

    internal TimeProvider Time => _time;

    internal ILogger Logger => _core.Logger;

    /// <summary>The protocol-neutral core: health, plans, logs and metrics.</summary>
    internal RegionSet Core => _core;

    /// <summary>The regions to try for one request, best first; never empty.</summary>
    /// <returns>The regions in the order to try them.</returns>
    public IReadOnlyList<Region> SelectRegions()
    {
        // A region whose probe results are reported is brought back by its probes alone: it takes no trials.
        IReadOnlyList<TrackedRegion> order = Plan(allowTrial: true);
        var regions = new Region[order.Count];
        for (int i = 0; i < regions.Length; i++)
        {
            regions[i] = order[i].Region;
        }

        return regions;
    }

    /// <summary>The region to send one request to: the first of <see cref="SelectRegions"/>.</summary>
    /// <returns>The region.</returns>
    public Region SelectRegion() => SelectRegions()[0];

    /// <summary>The server a region's endpoint names.</summary>
    /// <param name="region">One of <see cref="Regions"/>.</param>
    /// <returns>
    /// Its host, port and transport. For an endpoint naming a host and no port, the port and transport are defaults: DNS
    /// chooses the servers, ports and transport (RFC 3263 §4), as <see cref="SipFailoverClient"/> and its
    /// <see cref="SipFailoverClient.CreateProbe"/> ask it.
    /// </returns>
    /// <exception cref="ArgumentException">The region is not one of this selector's.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="region"/> is <see langword="null"/>.</exception>
    public SipTarget GetTarget(Region region) => _targets[IndexOf(region)];

    /// <summary>Reports a final response from a region.</summary>
    /// <param name="region">The region that answered.</param>
    /// <param name="statusCode">The final status code, 200 to 699.</param>
    /// <param name="retryAfter">The response's <c>Retry-After</c>, if it had one.</param>
    /// <exception cref="ArgumentOutOfRangeException">The status code is not final, or <paramref name="retryAfter"/> is negative.</exception>
    /// <exception cref="ArgumentException">The region is not one of this selector's.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="region"/> is <see langword="null"/>.</exception>
    public void ReportResponse(Region region, int statusCode, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 200);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        if (retryAfter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, "Retry-After must not be negative.");
        }

        TrackedRegion state = _regions[IndexOf(region)];
        if (statusCode == 503)
        {
            Record(state, SipAttemptOutcomeKind.ServiceUnavailable, $"it answered {statusCode}", retryAfter, failuresCountedAtStart: null);
        }
        else
        {
            Record(state, SipAttemptOutcomeKind.Answered, null, null, failuresCountedAtStart: null);
        }
    }

    /// <summary>Reports a final response from a region, reading its status code and <c>Retry-After</c>.</summary>
    /// <param name="region">The region that answered.</param>
    /// <param name="response">The final response.</param>
    /// <exception cref="ArgumentOutOfRangeException">The response is provisional (1xx).</exception>
    /// <exception cref="ArgumentException">The region is not one of this selector's.</exception>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public void ReportResponse(Region region, SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        ReportResponse(region, response.StatusCode, response.RetryAfter);
    }

    /// <summary>Reports that a region did not answer within the transaction timeout (Timer F).</summary>
    /// <param name="region">The region.</param>
    /// <exception cref="ArgumentException">The region is not one of this selector's.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="region"/> is <see langword="null"/>.</exception>
    public void ReportTimeout(Region region) =>
        Record(_regions[IndexOf(region)], SipAttemptOutcomeKind.Timeout, "it did not answer within the transaction timeout", null, failuresCountedAtStart: null);

    /// <summary>Reports that a region could not be reached: ICMP port unreachable, a refused or broken connection.</summary>
    /// <param name="region">The region.</param>
    /// <param name="detail">What happened, for logs.</param>
    /// <exception cref="ArgumentException">The region is not one of this selector's.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="region"/> is <see langword="null"/>.</exception>
    public void ReportTransportError(Region region, string? detail = null) =>
        Record(_regions[IndexOf(region)], SipAttemptOutcomeKind.TransportError, $"a transport error ({detail ?? "unreachable"})", null, failuresCountedAtStart: null);

    /// <inheritdoc/>
    public IReadOnlyList<RegionStatus> GetStatus() => _core.GetStatus();

    /// <inheritdoc/>
    public void ReportProbeResult(string regionName, RegionHealth observed, string? detail = null)
    {
        _core.ReportProbeResult(regionName, observed, detail);
        int index = _core.IndexForProbe(regionName, observed);
        if (Volatile.Read(ref _schedulers[index]) == 0 && Interlocked.Exchange(ref _probed[index], 1) == 0)
        {
            // Results reported by hand, with no scheduler that says when probing stops: from the first on, probes alone
            // bring this region back, and no request is a trial of it. A scheduler's own results claim nothing for good.
            _regions[index].ProbeStarted();
        }
    }

    /// <summary>A probe scheduler starts to watch a region: while it runs, its probes alone bring the region back.</summary>
    void IActivelyProbed.ProbeStarted(string regionName)
    {
        int index = _core.IndexOf(regionName);
        Interlocked.Increment(ref _schedulers[index]);
        _regions[index].ProbeStarted();
    }

    /// <summary>A probe scheduler has stopped: once none watches it, the region gets trials again when it is down.</summary>
    void IActivelyProbed.ProbeStopped(string regionName)
    {
        int index = _core.IndexOf(regionName);
        _regions[index].ProbeStopped();
        Interlocked.Decrement(ref _schedulers[index]);
    }

    /// <summary>Feeds a probe's result, such as a <see cref="SipOptionsProbe"/>'s, into a region's health.</summary>
    /// <param name="regionName">The region probed.</param>
    /// <param name="result">What the probe found.</param>
    /// <exception cref="ArgumentException">The client has no region of that name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The result's status is unknown.</exception>
    public void ReportProbeResult(string regionName, HealthProbeResult result) =>
        ReportProbeResult(regionName, RegionSet.HealthOf(result.Status), result.Detail);

    /// <summary>Orders the regions for one request; a trial region, when one is due and allowed, comes first.</summary>
    internal IReadOnlyList<TrackedRegion> Plan(bool allowTrial)
    {
        DateTimeOffset now = _time.GetUtcNow();
        ReleaseExpiredTrials(now);
        RegionPlan plan = _core.Plan(now, allowTrial);
        if (plan.IsTrial)
        {
            lock (_trialGate)
            {
                _trialUntil[IndexOf(plan.Order[0])] = now + _trialHold;
            }
        }

        return plan.Order;
    }

    internal SipTarget TargetOf(TrackedRegion state) => _targets[IndexOf(state)];

    /// <summary>
    /// Whether the trunk carried a request to its end: answered, or the callee declined or did not answer, which says
    /// nothing of the trunk. Every other outcome is the trunk's failure.
    /// </summary>
    internal static bool CarriedToItsEnd(SipAttemptOutcomeKind kind) =>
        kind is SipAttemptOutcomeKind.Answered or SipAttemptOutcomeKind.Declined or SipAttemptOutcomeKind.NoAnswer;

    /// <summary>
    /// Feeds one attempt's outcome into its region's health. <paramref name="failuresCountedAtStart"/> is the region's
    /// <see cref="TrackedRegion.FailuresCounted"/> as the attempt began, for an attempt of this library's own; an outcome
    /// an application reports, with no attempt start known, passes <see langword="null"/> and always counts.
    /// </summary>
    internal void Record(TrackedRegion state, SipAttemptOutcomeKind kind, string? reason, TimeSpan? retryAfter, long? failuresCountedAtStart)
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (CarriedToItsEnd(kind))
        {
            state.RecordSuccess(now);
        }
        else if (kind == SipAttemptOutcomeKind.ServiceUnavailable && retryAfter is { } delay && _policy.CapRetryAfter(delay) >= _policy.BreakDuration)
        {
            // RFC 3261 §21.5.4: the server is alive but asks not to be sent requests for this long.
            state.RecordRetryAfter(now, delay);
        }
        else
        {
            // One event can fail many attempts in flight together on a trunk: an SBC that closes its TCP or TLS connection
            // once, to rotate or restart, fails every INVITE and request waiting on it with a transport error, although it
            // takes the next connection; and twenty calls placed at once wait on one opening of the connection, so a SYN
            // a firewall drops or a TLS handshake never answered fails them all with a transport error too. That is one
            // observation of the trunk, so such a failure counts only if no other failure of the region counted since
            // its attempt began (see TrackedRegion), as for HTTP, whose connect timeout is a transport error as well. A
            // timeout always counts: each attempt waited out its own on an open connection (Timer B or F, the
            // provisional or progress timeout, the attempt timeout), so two that time out together are two observations
            // of a silent trunk.
            if (failuresCountedAtStart is { } atStart && kind != SipAttemptOutcomeKind.Timeout)
            {
                state.RecordFailure(now, reason ?? kind.ToString(), atStart);
            }
            else
            {
                state.RecordFailure(now, reason ?? kind.ToString());
            }

            if (kind == SipAttemptOutcomeKind.ServiceUnavailable && retryAfter > TimeSpan.Zero)
            {
                // A rest shorter than the break a failing region sits out (Retry-After: 0 asks for none at all, §20.33)
                // counts as the failure the 503 also is, or a server refusing every request that way would never be
                // marked down and every request would pay its round trip; the delay it asked for is kept all the same.
                state.RecordRetryAfter(now, retryAfter.Value);
            }
        }

        EndTrial(state);
    }

    private void EndTrial(TrackedRegion state)
    {
        int index = IndexOf(state);
        lock (_trialGate)
        {
            if (_trialUntil[index] is null)
            {
                return;
            }

            _trialUntil[index] = null;
        }

        state.EndTrial();
    }

    private void ReleaseExpiredTrials(DateTimeOffset now)
    {
        for (int i = 0; i < _regions.Count; i++)
        {
            bool expired;
            lock (_trialGate)
            {
                expired = _trialUntil[i] is { } until && now >= until;
                if (expired)
                {
                    _trialUntil[i] = null;
                }
            }

            if (expired)
            {
                // Nobody reported the trial: free the slot so that another request may try.
                _regions[i].EndTrial();
            }
        }
    }

    private int IndexOf(Region region)
    {
        ArgumentNullException.ThrowIfNull(region);
        int index = Array.IndexOf(_configured, region);
        return index >= 0 ? index : throw new ArgumentException($"Region '{region.Name}' is not one of SIP client '{ClientName}'s regions.", nameof(region));
    }

    private int IndexOf(TrackedRegion state)
    {
        for (int i = 0; i < _regions.Count; i++)
        {
            if (_regions[i] == state)
            {
                return i;
            }
        }

        return -1;
    }
}
