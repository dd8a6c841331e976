using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SlaKit.Budgets;
using SlaKit.Probes;
using SlaKit.Regions;

namespace SlaKit.Sip;

/// <summary>
/// Sends non-INVITE SIP requests (OPTIONS, REGISTER, MESSAGE, …) to the best of several regions and moves to the next
/// when one fails: on a transaction timeout, a 503, or a transport error the same request goes to the next region with
/// a new Via branch (RFC 3263 §4.3). Regions that probes or earlier requests found down are skipped up front.
/// </summary>
/// <remarks>
/// <para>Order and health follow <see cref="SipRegionSelector"/>: priority first, then RFC 2782 weighted choice; a 503
/// with <c>Retry-After</c> keeps its region out for that long, and one shorter than
/// <see cref="RegionSetOptions.BreakDuration"/> (zero included) counts as a failure too. Failures of requests and calls
/// in flight together on a region count once toward <see cref="RegionSetOptions.FailuresToMarkDown"/>: a failure counts
/// only when no other has counted since its attempt began, so one closed connection that fails every request and call on
/// it, or one opening of a connection that is refused or does not open in time (a transport error, as over HTTP), is one
/// failure. A timeout always counts, each attempt having waited out its own.</para>
/// <para>A bare transaction waits Timer F (64·T1, 32 s) before it gives up on a silent server. Feed probe results
/// (<see cref="ReportProbeResult(string, HealthProbeResult)"/>, for example from <see cref="CreateProbe"/> run every
/// second) and a silent region leaves the rotation within a few seconds, before requests wait on it.</para>
/// <para>Without probe results, an Unhealthy region is sent one OPTIONS in the background after
/// <see cref="RegionSetOptions.BreakDuration"/>; no request waits on it. A region a <see cref="RegionProbeScheduler"/>
/// watches gets none while the scheduler runs, and gets them again once it stops.</para>
/// The client keeps one UDP socket or TCP connection per server; dispose it to close them. A TCP or TLS connection that
/// brought nothing back while a request on it timed out is closed, and the next request opens a new one, once no other
/// request on it is still within its own time (slower is not dead: those are not failed for it); the socket or
/// connection of a server DNS no longer lists is closed once nothing uses it. Thread-safe.
/// </remarks>
public sealed class SipFailoverClient : IRegionHealthMonitor, IActivelyProbed, IAsyncDisposable, IDisposable
{
    private readonly SipRegionSelector _selector;
    private readonly SipTimerSettings _timers;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeSpan? _attemptTimeout;
    private readonly Func<SipTarget, SipConnection> _connectionFactory;
    private readonly Dictionary<ServerKey, SipTransactionLayer> _layers = [];
    private readonly SipServiceResolver _resolver;
    private readonly ConcurrentDictionary<ServerKey, DateTimeOffset> _addressesOut = new();
    private readonly IReadOnlyList<SipTarget>?[] _listed;
    private readonly RegionHealthPolicy _policy;
    private readonly HashSet<Task> _background = [];
    private readonly SipTrunk[] _trunks;
    private readonly SipCallTimers _callTimers;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly FailoverTelemetry _telemetry;
    private readonly bool _ownsTelemetry;
    private bool _disposed;
    private bool _unlistedBusy;

    /// <summary>Creates a client.</summary>
    /// <param name="name">The client's name, for logs, metrics and events.</param>
    /// <param name="options">The regions, timers and health thresholds; validated here.</param>
    /// <param name="timeProvider">The clock for transaction timers and health; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where health changes and failovers are logged; nowhere when <see langword="null"/>.</param>
    /// <param name="meterFactory">
    /// Where <c>slakit.failover.attempts</c>, <c>slakit.failover.switches</c> and <c>slakit.region.health</c> are published;
    /// the process's own <c>SlaKit</c> meter when <see langword="null"/>.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or <paramref name="options"/> are invalid (the message names each problem).</exception>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public SipFailoverClient(string name, SipFailoverOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : this(name, options, timeProvider, loggerFactory, meterFactory is null ? null : new FailoverTelemetry(meterFactory), ownsTelemetry: meterFactory is not null, null, Random.Shared)
    {
    }

    /// <summary>Creates a client on <paramref name="telemetry"/>: the container's, or <see cref="FailoverTelemetry.Shared"/> when <see langword="null"/>.</summary>
    internal SipFailoverClient(
        string name,
        SipFailoverOptions options,
        TimeProvider? timeProvider,
        ILoggerFactory? loggerFactory,
        FailoverTelemetry? telemetry,
        bool ownsTelemetry,
        Func<SipTarget, SipConnection>? connectionFactory,
        Random random)
    {
        _telemetry = telemetry ?? FailoverTelemetry.Shared;
        _ownsTelemetry = ownsTelemetry;
        _selector = new SipRegionSelector(name, options, timeProvider, loggerFactory, random, _telemetry);
        _telemetry.Track(_selector.Core);
        _timers = options.Timers;
        _attemptTimeout = options.AttemptTimeout;
        _connectionFactory = connectionFactory ??
            SipConnectionFactory.Create((loggerFactory ?? NullLoggerFactory.Instance).CreateLogger($"SlaKit.Sip.SipFailover.{name}"), options.Tls);
        _resolver = new SipServiceResolver(SipFailoverOptionsValidator.DnsServers(options), Time, random);
        _policy = options.HealthPolicy;
        _connectTimeout = options.ConnectTimeout;
        _callTimers = new SipCallTimers(
            options.ProvisionalTimeout, options.RingTimeout, _timers.TimerB, new HashSet<int>(options.CallFailoverStatusCodes), options.AttemptTimeout, options.ProgressTimeout);
        var rules = new SipTrunkRules(options.NerWindow, options.NerMaxAge, options.MinimumNer);
        _trunks = new SipTrunk[_selector.States.Count];
        _listed = new IReadOnlyList<SipTarget>?[_selector.States.Count];
        foreach (TrackedRegion region in _selector.States)
        {
            _trunks[region.Position] = new SipTrunk(region, options.MaxConcurrentCalls.TryGetValue(region.Region.Name, out int limit) ? limit : null, rules);
        }

        _telemetry.TrackTrunks(this, name, _trunks);
    }

    /// <inheritdoc/>
    public event EventHandler<RegionHealthChangedEventArgs>? HealthChanged
    {
        add => _selector.HealthChanged += value;
        remove => _selector.HealthChanged -= value;
    }

    /// <summary>
    /// Raised when a call placed with <see cref="InviteAsync"/> has been decided: answered, declined by its callee, or
    /// failed on every trunk (not when its caller cancelled it). <see cref="TrackNetworkEffectiveness"/> uses it.
    /// </summary>
    public event EventHandler<SipCallCompletedEventArgs>? CallCompleted;

    /// <inheritdoc/>
    public string ClientName => _selector.ClientName;

    /// <summary>The regions, in configuration order.</summary>
    public IReadOnlyList<Region> Regions => _selector.Regions;

    private TimeProvider Time => _selector.Time;

    /// <inheritdoc/>
    public IReadOnlyList<RegionStatus> GetStatus() => _selector.GetStatus();

    /// <summary>
    /// Each trunk's call figures since the client started, in configuration order: calls in progress, attempts by outcome
    /// class, ASR, NER overall and over its recent calls, and its health.
    /// </summary>
    /// <returns>One status per region.</returns>
    public IReadOnlyList<SipTrunkStatus> GetTrunkStatus()
    {
        DateTimeOffset now = Time.GetUtcNow();
        var statuses = new SipTrunkStatus[_selector.States.Count];
        for (int i = 0; i < statuses.Length; i++)
        {
            SipTrunk trunk = _trunks[_selector.States[i].Position];
            trunk.Judge(now);
            statuses[i] = trunk.Status(now);
        }

        return statuses;
    }

    /// <summary>
    /// Feeds every call this client decides into <paramref name="tracker"/> as the SLI of a calling SLO: a call the network
    /// delivered (answered, or the callee's own answer) is good, a call no trunk could carry is bad.
    /// </summary>
    /// <param name="tracker">The SLO's tracker.</param>
    /// <returns>Dispose it to stop feeding the tracker.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tracker"/> is <see langword="null"/>.</exception>
    public IDisposable TrackNetworkEffectiveness(ErrorBudgetTracker tracker)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        EventHandler<SipCallCompletedEventArgs> handler = (_, call) =>
        {
            if (call.IsEffective)
            {
                tracker.RecordSuccess();
            }
            else
            {
                tracker.RecordFailure();
            }
        };
        CallCompleted += handler;
        return new Unsubscriber(() => CallCompleted -= handler);
    }

    /// <inheritdoc/>
    public void ReportProbeResult(string regionName, RegionHealth observed, string? detail = null) =>
        _selector.ReportProbeResult(regionName, observed, detail);

    /// <summary>Feeds a probe's result, such as a <see cref="SipOptionsProbe"/>'s, into a region's health.</summary>
    /// <param name="regionName">The region probed.</param>
    /// <param name="result">What the probe found.</param>
    /// <exception cref="ArgumentException">The client has no region of that name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The result's status is unknown.</exception>
    public void ReportProbeResult(string regionName, HealthProbeResult result) => _selector.ReportProbeResult(regionName, result);

    void IActivelyProbed.ProbeStarted(string regionName) => ((IActivelyProbed)_selector).ProbeStarted(regionName);

    void IActivelyProbed.ProbeStopped(string regionName) => ((IActivelyProbed)_selector).ProbeStopped(regionName);

    /// <summary>
    /// Creates an OPTIONS probe of one region's server, with the client's T1 and T2 unless <paramref name="options"/>
    /// say otherwise. Run it on a schedule and pass its results to <see cref="ReportProbeResult(string, HealthProbeResult)"/>.
    /// </summary>
    /// <remarks>
    /// A region named by a host name is probed as requests reach it: before each probe the client's resolver finds its
    /// servers (RFC 3263: without a port NAPTR, SRV, A and AAAA records, with a port the A and AAAA records alone, from
    /// <see cref="SipFailoverOptions.DnsServers"/>), and each server listed is sent an OPTIONS; the region is up when one of
    /// them answers, as a request sent there is carried when one of them answers it (RFC 3263 §4.3).
    /// </remarks>
    /// <param name="regionName">The region to probe.</param>
    /// <param name="options">The probe's options; when <see langword="null"/>, the defaults with the client's T1 and T2.</param>
    /// <returns>The probe, with a socket of its own; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The client has no region of that name, or the options are invalid.</exception>
    public SipOptionsProbe CreateProbe(string regionName, SipOptionsProbeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(regionName);
        Region region = _selector.Regions.FirstOrDefault(r => string.Equals(r.Name, regionName, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"SIP client '{ClientName}' has no region named '{regionName}'.", nameof(regionName));
        options ??= new SipOptionsProbeOptions { T1 = _timers.T1, T2 = _timers.T2 };
        SipTarget target = _selector.GetTarget(region);
        return target.NeedsLookup
            ? new SipOptionsProbe(target, options, Time, _connectionFactory, cancellationToken => _resolver.ResolveAsync(target, cancellationToken))
            : new SipOptionsProbe(target, options, Time, _connectionFactory);
    }

    /// <summary>
    /// Sends a non-INVITE request to the best region, and to the next ones while a region times out, answers 503 or
    /// cannot be reached.
    /// </summary>
    /// <param name="request">
    /// The request, left unchanged. What RFC 3261 §8.1.1 requires and it lacks is filled in on a copy: Max-Forwards 70,
    /// a From with a tag, a To (its Request-URI), a Call-ID and a CSeq. It must not carry a Via: each attempt gets its own.
    /// </param>
    /// <param name="cancellationToken">Stops waiting at once; the transaction in flight is abandoned.</param>
    /// <returns>The first final response other than 503.</returns>
    /// <exception cref="SipFailoverException">Every region tried failed; its outcomes say how.</exception>
    /// <exception cref="ArgumentException">
    /// The request is an INVITE or ACK, carries a Via, or has a CSeq for another method; or it is over 1300 bytes and
    /// every region is configured with <c>transport=udp</c> (see <see cref="InviteAsync"/>); nothing was sent.
    /// </exception>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public async Task<SipResponse> SendAsync(SipRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        SipRequest prepared = SipRequests.Complete(request, nameof(request));
        int? large = TooLargeForUdp(prepared, nameof(request));
        StartBackgroundTrials();

        IReadOnlyList<TrackedRegion> order = _selector.Plan(allowTrial: false);
        var outcomes = new List<SipAttemptOutcome>(order.Count);
        foreach (TrackedRegion region in order)
        {
            if (large is { } size && !CanLeaveUdp(region))
            {
                SkipUdpOnly(region, request.Method, size);
                continue;
            }

            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            (IReadOnlyList<SipTarget> addresses, SipAttemptOutcome? unresolved) = await AddressesAsync(region, request.Method, cancellationToken).ConfigureAwait(false);
            if (unresolved is not null)
            {
                outcomes.Add(unresolved);
                continue;
            }

            for (int i = 0; i < addresses.Count; i++)
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                (SipAttemptOutcome outcome, long failuresCounted) = await AttemptAsync(region, Carrier(addresses[i], large), prepared, cancellationToken).ConfigureAwait(false);
                outcomes.Add(outcome);
                RecordAttempt(region, addresses, i, outcome, failuresCounted);
                if (outcome.Kind == SipAttemptOutcomeKind.Answered)
                {
                    return outcome.Response!;
                }

                LogAttemptFailed(region, request.Method, outcome);
            }
        }

        string summary = Summary(outcomes, large);
        FailoverLog.AllRegionsFailed(_selector.Logger, ClientName, request.Method, request.RequestUri, summary);
        throw new SipFailoverException(ClientName, $"{request.Method} failed in every region of SIP client '{ClientName}': {summary}.", outcomes);
    }

    /// <summary>
    /// Places a call: sends <paramref name="invite"/> to the best trunk, and to the next ones while a trunk cannot carry
    /// it, until one answers. At most one trunk tries the call at a time, and it is never established twice.
    /// </summary>
    /// <param name="invite">
    /// The INVITE, left unchanged: its Request-URI names the callee, its body (the SDP offer, with its
    /// <c>Content-Type</c>) is carried as it is. What RFC 3261 §8.1.1 requires and it lacks is filled in on a copy, as for
    /// <see cref="SendAsync"/>, and a Contact with the address it is sent from. It must not carry a Via. Each trunk gets
    /// it with a new branch and the CSeq number one higher (§8.1.3.5).
    /// </param>
    /// <param name="cancellationToken">
    /// Stops waiting at once. The trunk being tried is abandoned as a silent one is: a provisional it sent, or sends, gets
    /// a CANCEL, and a 2xx an ACK and a BYE. An INVITE whose connection is still opening is not sent.
    /// </param>
    /// <returns>The established call; end it with <see cref="SipCall.ByeAsync"/>.</returns>
    /// <remarks>
    /// <para>A trunk is left for the next on a transport error, on no response at all within
    /// <see cref="SipFailoverOptions.ProvisionalTimeout"/>, on 100 Trying and no sign of the callee within
    /// <see cref="SipFailoverOptions.ProgressTimeout"/> (the INVITE is then cancelled), on 401 or 407 (a challenge for
    /// credentials, which this client does not send), on 408, 503 (with <c>Retry-After</c> it stays out that long),
    /// any other 5xx, or one of <see cref="SipFailoverOptions.CallFailoverStatusCodes"/>; these count against its health,
    /// but for a 503 whose <c>Retry-After</c> is at least <see cref="RegionSetOptions.BreakDuration"/>, which only keeps it out.
    /// A trunk whose <see cref="SipFailoverOptions.MaxConcurrentCalls"/> are in use is skipped.</para>
    /// <para>A request over 1300 bytes (a large SDP offer, say) is sent over TCP to the same host and port where a trunk's
    /// transport is UDP, as RFC 3261 §18.1.1 asks, since its UDP fragments are often dropped on the way; a trunk configured
    /// with <c>transport=udp</c> is passed over for it, with its health unchanged. The same holds for
    /// <see cref="SendAsync"/>.</para>
    /// <para>Any other final response (486, 603, 404, …) is the callee's answer, and so is ringing (180, 183) beyond
    /// <see cref="SipFailoverOptions.RingTimeout"/> (the call is then cancelled): the call ends with
    /// <see cref="SipCallDeclinedException"/>, since another trunk would ring the same person.</para>
    /// </remarks>
    /// <exception cref="SipCallDeclinedException">The callee was reached and did not take the call.</exception>
    /// <exception cref="SipFailoverException">No trunk could carry the call; its outcomes say how each attempt ended.</exception>
    /// <exception cref="ArgumentException">
    /// The request is not an INVITE, carries a Via, has a CSeq for another method, or is too large to send; or it is over
    /// 1300 bytes and every trunk is configured with <c>transport=udp</c>. Nothing was sent, and no trunk's health changed.
    /// </exception>
    /// <exception cref="ArgumentNullException"><paramref name="invite"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public async Task<SipCall> InviteAsync(SipRequest invite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        SipRequest prepared = SipRequests.CompleteInvite(invite, nameof(invite));
        // CompleteInvite has checked the CSeq, or set one.
        long cseq = SipHeaderValues.TryParseCSeq(prepared.Headers[SipHeaderNames.CSeq]!, out long number, out _) ? number : 1;
        string callId = prepared.Headers[SipHeaderNames.CallId]!;
        int? large = TooLargeForUdp(prepared, nameof(invite));
        StartBackgroundTrials();

        DateTimeOffset now = Time.GetUtcNow();
        foreach (SipTrunk trunk in _trunks)
        {
            // A Degraded trunk's old calls age out here, so that it is judged again.
            trunk.Judge(now);
        }

        IReadOnlyList<TrackedRegion> order = _selector.Plan(allowTrial: false);
        var outcomes = new List<SipAttemptOutcome>(order.Count);
        bool first = true;
        foreach (TrackedRegion region in order)
        {
            if (large is { } size && !CanLeaveUdp(region))
            {
                SkipUdpOnly(region, "INVITE", size);
                continue;
            }

            SipTrunk channels = _trunks[region.Position];
            if (!channels.TryTake())
            {
                outcomes.Add(new SipAttemptOutcome(region.Region, SipAttemptOutcomeKind.AtCapacity, null, $"all {channels.Limit} channels in use", TimeSpan.Zero));
                continue;
            }

            bool held = false;
            try
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                (IReadOnlyList<SipTarget> addresses, SipAttemptOutcome? unresolved) = await AddressesAsync(region, "INVITE", cancellationToken).ConfigureAwait(false);
                if (unresolved is not null)
                {
                    outcomes.Add(unresolved);
                    continue;
                }

                for (int i = 0; i < addresses.Count; i++)
                {
                    SipRequest attempt = first ? prepared : SipRequests.WithCSeq(prepared, ++cseq);
                    first = false;
                    // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                    var recorded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    (SipAttemptOutcome outcome, SipDialog? dialog, SipTransactionLayer layer, long failuresCounted) =
                        await CallAttemptAsync(region, Carrier(addresses[i], large), attempt, recorded.Task, cancellationToken).ConfigureAwait(false);
                    outcomes.Add(outcome);
                    RecordAttempt(region, addresses, i, outcome, failuresCounted);
                    recorded.TrySetResult();
                    RecordCallFigures(channels, outcome);
                    switch (outcome.Kind)
                    {
                        case SipAttemptOutcomeKind.Answered:
                            held = true;
                            var call = new SipCall(region.Region, dialog!, outcome.Response!, outcome.PostDialDelay, outcomes, layer, channels.Release);
                            OnCallCompleted(callId, region.Region, outcomes);
                            return call;
                        case SipAttemptOutcomeKind.Declined or SipAttemptOutcomeKind.NoAnswer:
                            string described = outcome.ToString();
                            SipLog.CallDeclined(_selector.Logger, ClientName, callId, region.Region.Name, described);
                            OnCallCompleted(callId, region.Region, outcomes);
                            throw new SipCallDeclinedException(
                                ClientName, $"Call {callId} of SIP client '{ClientName}' reached its callee, who did not take it: {described}.", region.Region, outcome.Response, outcomes);
                    }

                    LogAttemptFailed(region, "INVITE", outcome);
                }
            }
            finally
            {
                if (!held)
                {
                    channels.Release();
                }
            }
        }

        string summary = Summary(outcomes, large);
        FailoverLog.AllRegionsFailed(_selector.Logger, ClientName, "INVITE", invite.RequestUri, summary);
        OnCallCompleted(callId, null, outcomes);
        throw new SipFailoverException(ClientName, $"INVITE failed on every trunk of SIP client '{ClientName}': {summary}.", outcomes);
    }

    /// <summary>
    /// Waits, at most <paramref name="bound"/>, for what runs in the background to end: an abandoned call's CANCEL, or the
    /// ACK and BYE of its late answer (RFC 3261 §9.1, §15), and trials. Disposal stops them at once; a process about to
    /// exit drains first, so that a call it gave up on is not left ringing.
    /// </summary>
    /// <returns>Whether everything ended within the bound.</returns>
    internal async Task<bool> DrainAsync(TimeSpan bound)
    {
        Task[] background;
        lock (_gate)
        {
            background = [.. _background];
        }

        Task all = Task.WhenAll(background);
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        await all.WaitAsync(bound, Time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return all.IsCompleted;
    }

    /// <summary>Closes every socket and connection and stops background trials.</summary>
    /// <returns>A task that completes when they are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        SipTransactionLayer[] layers;
        Task[] background;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            Volatile.Write(ref _disposed, true);
            layers = [.. _layers.Values];
            background = [.. _background];
        }

        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        await _disposing.CancelAsync().ConfigureAwait(false);
        foreach (SipTransactionLayer layer in layers)
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await layer.DisposeAsync().ConfigureAwait(false);
        }

        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        await Task.WhenAll(background).ConfigureAwait(false);
        _disposing.Dispose();
        _telemetry.Untrack(_selector.Core);
        _telemetry.UntrackTrunks(this);
        if (_ownsTelemetry)
        {
            _telemetry.Dispose();
        }
    }

    /// <summary>Closes every socket and connection and stops background trials.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// The size of <paramref name="request"/> when it is too large for UDP (RFC 3261 §18.1.1: over 1300 bytes, the path
    /// MTU being unknown), so that it must go over TCP; <see langword="null"/> when UDP may carry it.
    /// </summary>
    /// <exception cref="ArgumentException">It is too large for UDP, and every region is configured <c>transport=udp</c>.</exception>
    private int? TooLargeForUdp(SipRequest request, string paramName)
    {
        int size = SipTransactionLayer.UdpWireSizeAtMost(request);
        if (size <= SipTransactionLayer.MaxUdpRequestSize)
        {
            return null;
        }

        if (!_selector.States.Any(CanLeaveUdp))
        {
            throw new ArgumentException(
                $"The {request.Method} is up to {size} bytes with its Via: over {SipTransactionLayer.MaxUdpRequestSize}, RFC 3261 §18.1.1 sends it over TCP, " +
                $"and every region of SIP client '{ClientName}' is configured with transport=udp. Nothing was sent.",
                paramName);
        }

        return size;
    }

    /// <summary>
    /// Whether a region may be sent a request over TCP although UDP is its transport: unless its endpoint says
    /// <c>transport=udp</c>. A server that supports UDP supports TCP too (RFC 3261 §18), on the same port by default (§19.1.2).
    /// </summary>
    private bool CanLeaveUdp(TrackedRegion region) =>
        _selector.TargetOf(region) is not { Transport: SipTransportProtocol.Udp, TransportGiven: true };

    /// <summary>
    /// Notes that a region configured <c>transport=udp</c> was passed over for a request too large for UDP: nothing is
    /// sent, and its health is unchanged, as the request says nothing of the region.
    /// </summary>
    private void SkipUdpOnly(TrackedRegion region, string method, int size)
    {
        string described = string.Create(
            CultureInfo.InvariantCulture, $"the request is up to {size} bytes, over the {SipTransactionLayer.MaxUdpRequestSize} RFC 3261 §18.1.1 allows over UDP, and the region is configured with transport=udp");
        LogAttemptFailed(region, method, described);
    }

    /// <summary>
    /// The server an attempt goes to: <paramref name="address"/>, or, for a request too large for UDP, the same host and
    /// port over TCP (RFC 3261 §18.1.1).
    /// </summary>
    private static SipTarget Carrier(SipTarget address, int? large) =>
        large is null || address.Transport != SipTransportProtocol.Udp ? address : OverTcp(address);

    /// <summary>A UDP server's host and port over TCP, checked for the same TLS name (unused for TCP).</summary>
    private static SipTarget OverTcp(SipTarget address) =>
        new(address.Host, address.Port, SipTransportProtocol.Tcp) { TlsName = address.TlsName };

    /// <summary>The outcomes in words; when there are none, because only regions that keep to UDP were left, why.</summary>
    private static string Summary(List<SipAttemptOutcome> outcomes, int? large) => (outcomes.Count, large) switch
    {
        (0, { } size) => string.Create(
            CultureInfo.InvariantCulture,
            $"it is up to {size} bytes, over the {SipTransactionLayer.MaxUdpRequestSize} RFC 3261 §18.1.1 allows over UDP, and only regions configured with transport=udp were available; nothing was sent"),
        // RFC 3261 §21.5.4: a 503 with Retry-After asks for no requests until then; with every region asking, none is tried.
        (0, null) => "every region asked to be left alone (503 with Retry-After); nothing was sent",
        _ => string.Join("; ", outcomes),
    };

    private static string? Reason(SipAttemptOutcome outcome) => outcome.Kind switch
    {
        SipAttemptOutcomeKind.Answered or SipAttemptOutcomeKind.Declined or SipAttemptOutcomeKind.NoAnswer or SipAttemptOutcomeKind.AtCapacity => null,
        SipAttemptOutcomeKind.ServiceUnavailable or SipAttemptOutcomeKind.FailureStatus => $"it answered {outcome.Response!.StatusText}",
        SipAttemptOutcomeKind.Timeout => $"it did not answer within {SipDurations.Format(outcome.Duration)}",
        _ => $"a transport error ({outcome.Error})",
    };

    /// <summary>
    /// One attempt of a non-INVITE request at one server of <paramref name="region"/>: its outcome, and the region's
    /// <see cref="TrackedRegion.FailuresCounted"/> as it began, for <see cref="SipRegionSelector.Record"/>.
    /// </summary>
    private async Task<(SipAttemptOutcome Outcome, long FailuresCounted)> AttemptAsync(TrackedRegion region, SipTarget address, SipRequest request, CancellationToken cancellationToken)
    {
        SipTransactionLayer layer = LayerFor(address);
        using Activity? activity = StartAttempt(region, request.Method);

        // Its failure, other than a timeout, counts only if no other failure of the region counted while it ran. Taken
        // before the connection opens: requests waiting on one opening that is refused or runs out of time fail together.
        long failuresCounted = region.FailuresCounted;
        long started = Time.GetTimestamp();
        SipAttemptOutcome outcome;
        long heard = layer.Connection.Received;
        try
        {
            // The layer bounds the opening by the attempt timeout too, so that a connection that did not open in time
            // comes back as its transport error rather than as this attempt's own timeout.
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            SipTransactionResult result = await layer.SendAsync(request, _attemptTimeout, cancellationToken).ConfigureAwait(false);
            outcome = Outcome(region.Region, result) with { Target = address };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The attempt timeout ran out after the request went, on an open connection.
            TimeSpan waited = Time.GetElapsedTime(started);
            // The region still counts the timeout; a connection that brought nothing back is not used again.
            layer.CloseIfSilentSince(heard, waited);
            outcome = new SipAttemptOutcome(region.Region, SipAttemptOutcomeKind.Timeout, null, $"no answer within the attempt timeout ({SipDurations.Format(waited)})", waited) { Target = address };
        }
        finally
        {
            layer.Leave();
        }

        EndAttempt(region, request.Method, outcome, activity);
        return (outcome, failuresCounted);
    }

    /// <summary>
    /// One trunk's attempt at a call; an abandoned attempt's clean-up runs on in the background until disposal. A trunk
    /// left for not answering at all that answers later is credited with that answer once <paramref name="recorded"/> (the
    /// attempt's own outcome recorded) has completed, so that the credit comes after the failure it answers. Returns the
    /// trunk's <see cref="TrackedRegion.FailuresCounted"/> as the attempt began, for <see cref="SipRegionSelector.Record"/>.
    /// </summary>
    private async Task<(SipAttemptOutcome Outcome, SipDialog? Dialog, SipTransactionLayer Layer, long FailuresCounted)> CallAttemptAsync(
        TrackedRegion region, SipTarget address, SipRequest invite, Task recorded, CancellationToken cancellationToken)
    {
        SipTransactionLayer layer = LayerFor(address);
        using Activity? activity = StartAttempt(region, "INVITE");

        // Taken before the trunk's connection opens, which is part of the attempt: calls waiting on one opening that is
        // refused or runs out of time fail together and count once, as calls ringing on one connection that breaks do.
        long failuresCounted = region.FailuresCounted;

        SipCallAttempt attempt;
        try
        {
            attempt = new SipCallAttempt(
                layer,
                invite,
                _callTimers,
                Time,
                dialog => LateAnswerEnded(region, dialog),
                () => recorded.ContinueWith(
                    static (_, state) =>
                    {
                        (SipFailoverClient client, TrackedRegion late) = ((SipFailoverClient, TrackedRegion))state!;
                        client.AnsweredLate(late);
                    },
                    (this, region),
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default));
        }
        catch
        {
            // No attempt to hold the layer for: let go of it now, or it would never count as unused.
            layer.Leave();
            throw;
        }

        SipCallAttemptResult result;
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            result = await attempt.RunAsync(null, _disposing.Token, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _selector.Core.CountAttempt(region, AttemptOutcomes.Cancelled, "INVITE");
            activity?.SetTag("slakit.outcome", AttemptOutcomes.Cancelled);
            throw;
        }
        finally
        {
            // The layer is held until the abandoned attempt's clean-up is over too.
            Task cleanUp = attempt.CleanUp;
            RunInBackground(cleanUp);
            _ = cleanUp.ContinueWith(
                static (_, held) => ((SipTransactionLayer)held!).Leave(), layer, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        var outcome = new SipAttemptOutcome(region.Region, result.Kind, result.Response, result.Error, result.Elapsed)
        {
            PostDialDelay = result.PostDialDelay,
            Target = address,
        };
        EndAttempt(region, "INVITE", outcome, activity);
        return (outcome, result.Dialog, layer, failuresCounted);
    }

    /// <summary>Counts an attempt that reached its trunk in the trunk's figures and the <c>slakit.sip.*</c> instruments.</summary>
    private void RecordCallFigures(SipTrunk trunk, SipAttemptOutcome outcome)
    {
        SipCallClass outcomeClass = SipCallRules.ClassOf(outcome);
        trunk.Record(outcomeClass, Time.GetUtcNow());
        var client = new KeyValuePair<string, object?>("client", ClientName);
        var region = new KeyValuePair<string, object?>("region", outcome.Region.Name);
        _telemetry.SipCallAttempts.Add(1, client, region, new("class", SipCallRules.Tag(outcomeClass)));
        if (outcome.PostDialDelay is { } pdd)
        {
            _telemetry.SipPostDialDelay.Record(pdd.TotalSeconds, client, region);
        }
    }

    /// <summary>
    /// Raises <see cref="CallCompleted"/>. A handler that throws is logged and does not reach the caller: the call it was
    /// told about is established (or decided) already, and an exception here would leave it without an owner.
    /// </summary>
    private void OnCallCompleted(string callId, Region? trunk, IReadOnlyList<SipAttemptOutcome> attempts)
    {
        if (CallCompleted is not { } handlers)
        {
            return;
        }

        var args = new SipCallCompletedEventArgs(callId, trunk, attempts);
        foreach (EventHandler<SipCallCompletedEventArgs> handler in handlers.GetInvocationList().Cast<EventHandler<SipCallCompletedEventArgs>>())
        {
            try
            {
                handler(this, args);
            }
#pragma warning disable CA1031 // A subscriber's bug must not orphan an established call.
            catch (Exception e)
#pragma warning restore CA1031
            {
                SipLog.CallCompletedHandlerThrew(_selector.Logger, ClientName, callId, e);
            }
        }
    }

    private void LateAnswerEnded(TrackedRegion region, SipDialog dialog)
    {
        SipLog.LateAnswerEnded(_selector.Logger, ClientName, region.Region.Name, dialog.CallId);
        _telemetry.SipLateAnswers.Add(1, new("client", ClientName), new("region", region.Region.Name));
    }

    /// <summary>
    /// A trunk left for not answering a call's INVITE within the provisional timeout answered it after all: a success for
    /// its health, as a late answer is for an HTTP region, so that INVITEs lost on the way (UDP) or a long route do not
    /// mark a working trunk down. The call itself has moved on, and the late answer is cancelled or ended.
    /// </summary>
    private void AnsweredLate(TrackedRegion region)
    {
        if (Volatile.Read(ref _disposed))
        {
            return;
        }

        region.RecordSuccess(Time.GetUtcNow());
        SipLog.TrunkAnsweredLate(_selector.Logger, ClientName, region.Region.Name);
    }

    /// <summary>Keeps <paramref name="task"/> until it ends, so that disposal waits for it.</summary>
    private void RunInBackground(Task task)
    {
        if (task.IsCompleted)
        {
            return;
        }

        lock (_gate)
        {
            _background.Add(task);
        }

        _ = task.ContinueWith(
            t =>
            {
                lock (_gate)
                {
                    _background.Remove(t);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>The activity of one attempt, tagged with the client, the region and the method.</summary>
    private Activity? StartAttempt(TrackedRegion region, string method)
    {
        Activity? activity = _telemetry.ActivitySource.StartActivity("slakit.sip.attempt", ActivityKind.Client);
        activity?.SetTag("slakit.client", ClientName);
        activity?.SetTag("slakit.region", region.Region.Name);
        activity?.SetTag("sip.method", method);
        return activity;
    }

    /// <summary>Counts an attempt's outcome in <c>slakit.failover.attempts</c> and tags its activity with it.</summary>
    private void EndAttempt(TrackedRegion region, string method, SipAttemptOutcome outcome, Activity? activity)
    {
        string tag = OutcomeTag(outcome.Kind);
        _selector.Core.CountAttempt(region, tag, method);
        activity?.SetTag("slakit.outcome", tag);
        if (outcome.Response is { } response)
        {
            activity?.SetTag("sip.status_code", response.StatusCode);
        }
    }

    /// <summary>Logs an attempt that sent the request on to the next address or region.</summary>
    private void LogAttemptFailed(TrackedRegion region, string method, SipAttemptOutcome outcome)
    {
        if (_selector.Logger.IsEnabled(LogLevel.Information))
        {
            LogAttemptFailed(region, method, outcome.ToString());
        }
    }

    /// <summary>Logs why the request went on to the next address or region.</summary>
    private void LogAttemptFailed(TrackedRegion region, string method, string described) =>
        SipLog.AttemptFailed(_selector.Logger, ClientName, method, region.Region.Name, described);

    /// <summary>An outcome as <c>slakit.failover.attempts</c> tags it, in the words every protocol uses.</summary>
    private static string OutcomeTag(SipAttemptOutcomeKind kind) => kind switch
    {
        _ when SipRegionSelector.CarriedToItsEnd(kind) => AttemptOutcomes.Success,
        SipAttemptOutcomeKind.ServiceUnavailable or SipAttemptOutcomeKind.FailureStatus => AttemptOutcomes.TransientStatus,
        SipAttemptOutcomeKind.Timeout => AttemptOutcomes.Timeout,
        _ => AttemptOutcomes.TransportError,
    };

    private static SipAttemptOutcome Outcome(Region region, SipTransactionResult result) => result.Outcome switch
    {
        SipTransactionOutcome.Response => new SipAttemptOutcome(
            region,
            result.Response!.StatusCode == 503 ? SipAttemptOutcomeKind.ServiceUnavailable : SipAttemptOutcomeKind.Answered,
            result.Response,
            null,
            result.Elapsed),
        SipTransactionOutcome.Timeout => new SipAttemptOutcome(
            region, SipAttemptOutcomeKind.Timeout, null, $"no answer within Timer F ({SipDurations.Format(result.Elapsed)})", result.Elapsed),
        _ => new SipAttemptOutcome(region, SipAttemptOutcomeKind.TransportError, null, result.Error?.Message, result.Elapsed),
    };

    /// <summary>The layer of a server, held for the caller until it calls <see cref="SipTransactionLayer.Leave"/>.</summary>
    private SipTransactionLayer LayerFor(SipTarget address)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var key = new ServerKey(address);
            if (!_layers.TryGetValue(key, out SipTransactionLayer? layer))
            {
                layer = new SipTransactionLayer(_connectionFactory(address), _timers, Time, _connectTimeout);
                _layers[key] = layer;

                // DNS may have stopped listing this server since it was resolved for this request: the next look at the
                // servers listed checks it (see NoteListed), rather than only when the list changes again.
                _unlistedBusy = true;
            }

            layer.Enter();
            return layer;
        }
    }

    /// <summary>
    /// Notes the servers DNS now lists for <paramref name="region"/>. When that changed, or a server no longer listed was
    /// still in use when last looked at, the servers no region lists any more lose their standing, and their sockets and
    /// connections are closed once nothing uses them: no attempt, no transaction, no call.
    /// </summary>
    private void NoteListed(TrackedRegion region, IReadOnlyList<SipTarget> found)
    {
        lock (_gate)
        {
            IReadOnlyList<SipTarget>? before = _listed[region.Position];
            bool changed = before is null || before.Count != found.Count || !found.All(before.Contains);
            _listed[region.Position] = found;
            if (_disposed || (!changed && !_unlistedBusy))
            {
                return;
            }

            var listed = new HashSet<ServerKey>();
            foreach (TrackedRegion state in _selector.States)
            {
                SipTarget configured = _selector.TargetOf(state);
                if (!configured.NeedsLookup)
                {
                    listed.Add(new ServerKey(configured));
                    listed.Add(new ServerKey(Carrier(configured, 0)));
                }
                else if (_listed[state.Position] is { } servers)
                {
                    // Each server, and the same over TCP for requests too large for UDP.
                    listed.UnionWith(servers.Select(static s => new ServerKey(s)));
                    listed.UnionWith(servers.Select(static s => new ServerKey(Carrier(s, 0))));
                }
            }

            _unlistedBusy = false;
            List<SipTransactionLayer>? unlisted = null;
            foreach (ServerKey key in _layers.Keys.Where(k => !listed.Contains(k)).ToList())
            {
                SipTransactionLayer layer = _layers[key];
                if (layer.IsIdle)
                {
                    _layers.Remove(key);
                    (unlisted ??= []).Add(layer);
                }
                else
                {
                    _unlistedBusy = true;
                }
            }

            foreach (ServerKey key in _addressesOut.Keys.Where(k => !listed.Contains(k)))
            {
                _addressesOut.TryRemove(key, out _);
            }

            foreach (SipTransactionLayer layer in unlisted ?? [])
            {
                // Closed off this lock, and waited for by the client's disposal.
                RunInBackground(Task.Run(() => layer.DisposeAsync().AsTask(), CancellationToken.None));
            }
        }
    }

    /// <summary>
    /// The servers a region stands for, in the order to try them: its own address; for a host name without a port the
    /// servers RFC 3263 finds in DNS; for a host name with a port each of its addresses on that port (§4.2); those that
    /// failed lately last. When DNS finds none, the failed attempt instead.
    /// </summary>
    private async Task<(IReadOnlyList<SipTarget> Addresses, SipAttemptOutcome? Unresolved)> AddressesAsync(
        TrackedRegion region, string method, CancellationToken cancellationToken)
    {
        SipTarget configured = _selector.TargetOf(region);
        if (!configured.NeedsLookup)
        {
            return ([configured], null);
        }

        // Lookups in flight together that one DNS failure ends count once, as attempts on one connection do.
        long failuresCounted = region.FailuresCounted;
        long started = Time.GetTimestamp();
        IReadOnlyList<SipTarget> found;
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            found = await _resolver.ResolveAsync(configured, cancellationToken).ConfigureAwait(false);
        }
        catch (SipTransportException e)
        {
            var unresolved = new SipAttemptOutcome(region.Region, SipAttemptOutcomeKind.TransportError, null, e.Message, Time.GetElapsedTime(started));
            _selector.Core.CountAttempt(region, AttemptOutcomes.TransportError, method);
            _selector.Record(region, unresolved.Kind, Reason(unresolved), null, failuresCounted);
            return ([], unresolved);
        }

        NoteListed(region, found);
        DateTimeOffset now = Time.GetUtcNow();
        bool IsOut(SipTarget address) => _addressesOut.TryGetValue(new ServerKey(address), out DateTimeOffset until) && now < until;
        return ([.. found.Where(a => !IsOut(a)), .. found.Where(IsOut)], null);
    }

    /// <summary>
    /// Feeds an attempt at the server <paramref name="addresses"/>[<paramref name="index"/>] into its region's health. A
    /// region of one server is judged by each attempt. A region of several (RFC 3263 found them in DNS) is judged by the
    /// request, as §4.3 has the client move on to the next server: a server that fails is left behind the others for the
    /// break duration, or for as long as its 503 asked (RFC 3261 §21.5.4, at most MaxRetryAfter), and the region counts a
    /// failure only when the last of its servers tried fails too. One server's 503 with Retry-After keeps that server out,
    /// not the region its other servers still serve. <paramref name="failuresCounted"/> is the region's
    /// <see cref="TrackedRegion.FailuresCounted"/> as the attempt began: the region's failure is that last attempt's.
    /// </summary>
    private void RecordAttempt(TrackedRegion region, IReadOnlyList<SipTarget> addresses, int index, SipAttemptOutcome outcome, long failuresCounted)
    {
        if (addresses.Count > 1 && !SipRegionSelector.CarriedToItsEnd(outcome.Kind))
        {
            TimeSpan retryAfter = outcome.Kind == SipAttemptOutcomeKind.ServiceUnavailable && outcome.Response?.RetryAfter is { } asked
                ? _policy.CapRetryAfter(asked)
                : TimeSpan.Zero;
            _addressesOut[new ServerKey(addresses[index])] = Time.GetUtcNow() + (retryAfter > _policy.BreakDuration ? retryAfter : _policy.BreakDuration);
            if (index < addresses.Count - 1)
            {
                return;
            }
        }

        _selector.Record(region, outcome.Kind, Reason(outcome), outcome.Response?.RetryAfter, failuresCounted);
    }

    /// <summary>Sends an OPTIONS in the background to each Unhealthy region whose break is over and that no probe watches.</summary>
    private void StartBackgroundTrials()
    {
        DateTimeOffset now = Time.GetUtcNow();
        foreach (TrackedRegion region in _selector.States)
        {
            if (region.ViewAt(now).CanTrial && region.TryBeginTrial(now))
            {
                lock (_gate)
                {
                    if (_disposed)
                    {
                        region.EndTrial();
                        return;
                    }

                    RunInBackground(TrialAsync(region));
                }
            }
        }
    }

    private async Task TrialAsync(TrackedRegion region)
    {
        try
        {
            await Task.Yield();
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            (IReadOnlyList<SipTarget> addresses, SipAttemptOutcome? unresolved) = await AddressesAsync(region, "OPTIONS", _disposing.Token).ConfigureAwait(false);
            if (unresolved is null)
            {
                SipRequest options = SipRequests.Options(addresses[0], "SlaKit");
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                (SipAttemptOutcome outcome, long failuresCounted) = await AttemptAsync(region, addresses[0], options, _disposing.Token).ConfigureAwait(false);
                _selector.Record(region, outcome.Kind, Reason(outcome), outcome.Response?.RetryAfter, failuresCounted);
            }
        }
        catch (OperationCanceledException)
        {
            // The client is being disposed.
        }
        catch (ObjectDisposedException)
        {
            // The client was disposed between the trial's start and its send.
        }
        finally
        {
            region.EndTrial();
        }
    }

    /// <summary>
    /// A server as the client keeps its connection and its standing: the target, and for TLS the name its certificate is
    /// checked for. RFC 5922 §7.2 checks a server for the domain of the URI it was found for, so two regions whose DNS
    /// records lead to one address (one SBC presenting a certificate per domain) each get a connection checked for their
    /// own domain. <see cref="SipTarget"/>'s own equality leaves that name out: it says where requests go.
    /// </summary>
    private readonly record struct ServerKey
    {
        public ServerKey(SipTarget target)
        {
            Target = target;
            // Domain names compare without regard to case (RFC 4343).
            TlsName = target.Transport == SipTransportProtocol.Tls ? target.TlsName.ToUpperInvariant() : "";
        }

        public SipTarget Target { get; }

        public string TlsName { get; }
    }

    /// <summary>Runs an action once, when disposed: the end of a subscription.</summary>
    private sealed class Unsubscriber(Action unsubscribe) : IDisposable
    {
        private Action? _unsubscribe = unsubscribe;

        public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
    }
}
