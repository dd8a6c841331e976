using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using SlaKit.Probes;

namespace SlaKit.Regions;

/// <summary>
/// The protocol-neutral core of one failover client: its regions' health, the order each request tries them in, probe
/// verdicts, health-change and switch logs, attempt and switch metrics and the health gauge. HTTP and SIP clients are
/// adapters around one: each sends an attempt its own way, classifies the result and records it here.
/// </summary>
/// <remarks>Thread-safe; one per client, shared by all its requests.</remarks>
internal sealed class RegionSet : IRegionHealthMonitor, IActivelyProbed
{
    private readonly TrackedRegion[] _regions;
    private readonly RegionPlan? _steadyPlan;
    private readonly RegionSelectionMode _selection;
    private readonly Random _random;
    private readonly KeyValuePair<string, object?> _clientTag;
    private CachedPlan? _lastPlan;
    private TrackedRegion? _active;

    /// <summary>Creates the core of a client named <paramref name="clientName"/> over already validated options.</summary>
    /// <param name="clientName">The client's name, for logs, metrics and events.</param>
    /// <param name="options">The regions and health thresholds.</param>
    /// <param name="selection">How regions of one priority share requests.</param>
    /// <param name="maxAttempts">The most regions one plan holds.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where health changes and switches are logged.</param>
    /// <param name="telemetry">The instruments; the owner adds the set to their health gauge (<see cref="FailoverTelemetry.Track"/>).</param>
    /// <param name="random">Draws the weighted order within a priority.</param>
    public RegionSet(string clientName, RegionSetOptions options, RegionSelectionMode selection, int maxAttempts, TimeProvider time, ILogger logger, FailoverTelemetry telemetry, Random random)
    {
        ClientName = clientName;
        Time = time;
        Logger = logger;
        Telemetry = telemetry;
        MaxAttempts = maxAttempts;
        _selection = selection;
        _random = random;
        _clientTag = new("client", clientName);

        RegionHealthPolicy policy = options.HealthPolicy;
        _regions = new TrackedRegion[options.Regions.Count];
        for (int i = 0; i < _regions.Length; i++)
        {
            _regions[i] = new TrackedRegion(options.Regions[i], policy, OnHealthChanged) { Position = i };
        }

        _steadyPlan = RegionSelector.SteadyPlan(_regions, maxAttempts);
    }

    /// <inheritdoc/>
    public event EventHandler<RegionHealthChangedEventArgs>? HealthChanged;

    /// <inheritdoc/>
    public string ClientName { get; }

    /// <summary>The regions' states, in configuration order.</summary>
    public IReadOnlyList<TrackedRegion> Regions => _regions;

    /// <summary>
    /// Whether the owner hedges a trial at once to the regions after it (HTTP), so that any region that was down may get
    /// one; otherwise only a region better than every available one does (see <see cref="RegionSelector.Plan(IReadOnlyList{TrackedRegion}, DateTimeOffset, bool, RegionSelectionMode, int, Random, bool)"/>).
    /// </summary>
    public bool HedgedTrials { get; init; }

    /// <summary>The clock every state change and timer reads.</summary>
    public TimeProvider Time { get; }

    /// <summary>The client's logger.</summary>
    public ILogger Logger { get; }

    /// <summary>The container's instruments.</summary>
    public FailoverTelemetry Telemetry { get; }

    /// <summary>The most regions one request tries.</summary>
    public int MaxAttempts { get; }

    /// <summary>Whether probe schedulers watch any of these regions; the regions they watch take no callers' requests as trials.</summary>
    public bool IsActivelyProbed => _regions.Any(static r => r.IsProbed);

    /// <summary>The region's health a probe's status stands for.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The status is unknown.</exception>
    public static RegionHealth HealthOf(ProbeStatus status) => status switch
    {
        ProbeStatus.Healthy => RegionHealth.Healthy,
        ProbeStatus.Degraded => RegionHealth.Degraded,
        ProbeStatus.Unhealthy => RegionHealth.Unhealthy,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown probe status."),
    };

    void IActivelyProbed.ProbeStarted(string regionName) => _regions[IndexOf(regionName)].ProbeStarted();

    void IActivelyProbed.ProbeStopped(string regionName) => _regions[IndexOf(regionName)].ProbeStopped();

    /// <summary>Orders the regions for one request made now; a request may be a trial only of a region no probe watches.</summary>
    public RegionPlan Plan(bool allowTrial) => Plan(Time.GetUtcNow(), allowTrial);

    /// <summary>
    /// Orders the regions for one request made at <paramref name="now"/>, counting and logging a switch when the plan
    /// starts at a region of another priority than the last plan did (see <see cref="NoteHead"/>).
    /// </summary>
    public RegionPlan Plan(DateTimeOffset now, bool allowTrial)
    {
        RegionPlan plan = Build(now, allowTrial);
        NoteHead(plan);
        return plan;
    }

    /// <remarks>
    /// With distinct priorities a plan depends only on which regions are down or on standby, so while that stays the
    /// same (all regions up, or one region out for minutes) requests reuse one plan instead of sorting afresh.
    /// </remarks>
    private RegionPlan Build(DateTimeOffset now, bool allowTrial)
    {
        if (_steadyPlan is null || _regions.Length > RegionSelector.MaxKeyedRegions)
        {
            return RegionSelector.Plan(_regions, now, allowTrial, _selection, MaxAttempts, _random, HedgedTrials);
        }

        // One reading of the regions for both the key and the plan cached under it (see RegionSelector.Plan).
        Span<SelectionView> views = stackalloc SelectionView[_regions.Length];
        RegionSelector.Read(_regions, now, views);
        if (RegionSelector.PlanKey(views, allowTrial) is not { } key)
        {
            return RegionSelector.Plan(_regions, views, now, allowTrial, _selection, MaxAttempts, _random, HedgedTrials);
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

        RegionPlan plan = RegionSelector.Plan(_regions, views, now, allowTrial, _selection, MaxAttempts, _random, HedgedTrials);
        if (!plan.IsTrial)
        {
            Volatile.Write(ref _lastPlan, new CachedPlan(key, plan));
        }

        return plan;
    }

    /// <inheritdoc/>
    public IReadOnlyList<RegionStatus> GetStatus()
    {
        DateTimeOffset now = Time.GetUtcNow();
        var statuses = new RegionStatus[_regions.Length];
        for (int i = 0; i < _regions.Length; i++)
        {
            SelectionView view = _regions[i].ViewAt(now);
            statuses[i] = new RegionStatus(_regions[i].Region, view.Health, view.IsStandby);
        }

        return statuses;
    }

    /// <inheritdoc/>
    public void ReportProbeResult(string regionName, RegionHealth observed, string? detail = null) =>
        _regions[IndexForProbe(regionName, observed)].RecordProbe(Time.GetUtcNow(), observed, detail ?? observed.ToString());

    /// <summary>
    /// Checks a probe result's arguments, as <see cref="IRegionHealthMonitor.ReportProbeResult"/> takes them, and finds
    /// the region named (case-insensitively).
    /// </summary>
    /// <returns>The region's index in <see cref="Regions"/>.</returns>
    /// <exception cref="ArgumentException">The client has no region of that name.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="observed"/> is unknown.</exception>
    public int IndexForProbe(string regionName, RegionHealth observed)
    {
        ArgumentException.ThrowIfNullOrEmpty(regionName);
        if (!Enum.IsDefined(observed))
        {
            throw new ArgumentOutOfRangeException(nameof(observed), observed, "Unknown region health.");
        }

        return IndexOf(regionName);
    }

    /// <summary>The index in <see cref="Regions"/> of the region named <paramref name="regionName"/> (case-insensitively).</summary>
    /// <exception cref="ArgumentException">The client has no region of that name.</exception>
    public int IndexOf(string regionName)
    {
        int index = Array.FindIndex(_regions, r => string.Equals(r.Region.Name, regionName, StringComparison.OrdinalIgnoreCase));
        return index >= 0
            ? index
            : throw new ArgumentException($"Client '{ClientName}' has no region named '{regionName}'.", nameof(regionName));
    }

    /// <summary>Counts one attempt against <paramref name="region"/> in <c>slakit.failover.attempts</c>.</summary>
    public void CountAttempt(TrackedRegion region, string outcome) =>
        Telemetry.Attempts.Add(1, _clientTag, new("region", region.Region.Name), new("outcome", outcome));

    /// <summary>Counts one attempt of a protocol whose requests have methods (SIP), with the method as a tag.</summary>
    public void CountAttempt(TrackedRegion region, string outcome, string method) =>
        Telemetry.Attempts.Add(1, _clientTag, new("region", region.Region.Name), new("outcome", outcome), new("method", method));

    /// <summary>
    /// Notes the region <paramref name="plan"/> sends its request to first (after a trial, which rides beside it), counting
    /// and logging a switch when the last plan started at a region of another priority. A request that one region fails
    /// and the next serves is no switch: the plan after it still starts where traffic goes.
    /// </summary>
    private void NoteHead(RegionPlan plan)
    {
        int first = plan.IsTrial ? 1 : 0;
        if (plan.Order.Count <= first)
        {
            return;
        }

        TrackedRegion head = plan.Order[first];

        // The same region as last time is the common case; it changes nothing, so it needs no atomic exchange.
        // Stryker disable once Block : equivalent; the exchange below finds the same region and changes nothing.
        if (Volatile.Read(ref _active) == head)
        {
            // Stryker disable once Statement : equivalent; as above.
            return;
        }

        TrackedRegion? previous = Interlocked.Exchange(ref _active, head);
        if (previous is not null && previous != head && previous.Region.Priority != head.Region.Priority)
        {
            Telemetry.Switches.Add(1, _clientTag, new("from", previous.Region.Name), new("to", head.Region.Name));
            FailoverLog.RegionSwitched(Logger, ClientName, previous.Region.Name, head.Region.Name);
        }
    }

    /// <summary>The health gauge's measurements: 2 healthy, 1 degraded, 0 unhealthy.</summary>
    public IEnumerable<Measurement<int>> ObserveHealth()
    {
        DateTimeOffset now = Time.GetUtcNow();
        foreach (TrackedRegion region in _regions)
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

    private void OnHealthChanged(TrackedRegion region, RegionHealth previous, RegionHealth current, string reason)
    {
        if (current == RegionHealth.Unhealthy)
        {
            FailoverLog.RegionUnhealthy(Logger, ClientName, region.Region.Name, current, previous, reason);
        }
        else
        {
            // Between Healthy and Degraded a region may move with every lone failure and the success after it: worth a
            // debug line, not a flood of information. Coming back from Unhealthy is news.
            LogLevel level = previous == RegionHealth.Unhealthy ? LogLevel.Information : LogLevel.Debug;
            FailoverLog.RegionHealthChanged(Logger, level, ClientName, region.Region.Name, current, previous, reason);
        }

        try
        {
            HealthChanged?.Invoke(this, new RegionHealthChangedEventArgs(ClientName, region.Region, previous, current, reason));
        }
#pragma warning disable CA1031 // A listener's failure must not reach the request, the timer or the probe that changed the health.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            FailoverLog.HealthListenerThrew(Logger, ClientName, region.Region.Name, exception);
        }
    }

    /// <summary>The plan last built for a <see cref="RegionSelector.PlanKey(ReadOnlySpan{SelectionView}, bool)"/> other than 0.</summary>
    private sealed record CachedPlan(ulong Key, RegionPlan Plan);
}
