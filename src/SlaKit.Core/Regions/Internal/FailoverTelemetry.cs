using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using SlaKit.Telemetry;

namespace SlaKit.Regions;

/// <summary>
/// The failover instruments on the <c>SlaKit</c> meter and the activity source, shared by every protocol's clients in one
/// container: <c>slakit.failover.attempts</c>, <c>slakit.failover.switches</c> and <c>slakit.region.health</c>, which
/// observes every <see cref="RegionSet"/> tracked here (by its owner, who untracks it when disposed).
/// </summary>
internal sealed class FailoverTelemetry : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly ConcurrentDictionary<RegionSet, byte> _sets = new();
    private readonly ConcurrentDictionary<object, (string Client, IReadOnlyCollection<Sip.SipTrunk> Trunks)> _trunks = new();

    /// <summary>
    /// The instruments of clients made outside a container, on one <c>SlaKit</c> meter for the process, so that clients
    /// made and dropped by the thousand do not each leave a meter behind.
    /// </summary>
    public static FailoverTelemetry Shared { get; } = new(null);

    /// <summary>Creates the instruments on the factory's <c>SlaKit</c> meter, or on a meter of their own when there is no factory.</summary>
    public FailoverTelemetry(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(SlaKitInstrumentation.MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(SlaKitInstrumentation.MeterName);
        }

        Attempts = _meter.CreateCounter<long>("slakit.failover.attempts", "{attempt}",
            "Attempts made against a region, by client, region and outcome (and method, for SIP).");
        Switches = _meter.CreateCounter<long>("slakit.failover.switches", "{switch}",
            "Times a client's traffic moved to a region of another priority.");
        _meter.CreateObservableGauge("slakit.region.health", ObserveHealth, "{health}",
            "A region's health as its client sees it: 2 healthy, 1 degraded, 0 unhealthy.");
        SipLateAnswers = _meter.CreateCounter<long>("slakit.sip.late_answers", "{answer}",
            "Answers (2xx) a SIP trunk gave a call that had already left it, each ACKed and ended with a BYE so that no call is established twice.");
        SipCallAttempts = _meter.CreateCounter<long>("slakit.sip.call_attempts", "{attempt}",
            "Call attempts on a SIP trunk by outcome class (answered, user_busy, no_answer, declined, network_failure): ASR is answered / all, NER all but network_failure / all.");
        SipPostDialDelay = _meter.CreateHistogram(
            "slakit.sip.post_dial_delay", "s", "Post-dial delay on a SIP trunk: from a call's INVITE to its first 180 or 183.", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20] });
        _meter.CreateObservableUpDownCounter("slakit.sip.active_calls", ObserveCalls, "{call}",
            "Calls being set up or in progress on a SIP trunk.");
        ActivitySource = new ActivitySource(SlaKitInstrumentation.ActivitySourceName);
    }

    /// <summary><c>slakit.failover.attempts</c>: tags <c>client</c>, <c>region</c>, <c>outcome</c> (and <c>method</c> for SIP).</summary>
    public Counter<long> Attempts { get; }

    /// <summary><c>slakit.failover.switches</c>: tags <c>client</c>, <c>from</c>, <c>to</c>.</summary>
    public Counter<long> Switches { get; }

    /// <summary><c>slakit.sip.late_answers</c>: tags <c>client</c>, <c>region</c>.</summary>
    public Counter<long> SipLateAnswers { get; }

    /// <summary><c>slakit.sip.call_attempts</c>: tags <c>client</c>, <c>region</c>, <c>class</c>.</summary>
    public Counter<long> SipCallAttempts { get; }

    /// <summary><c>slakit.sip.post_dial_delay</c>: tags <c>client</c>, <c>region</c>.</summary>
    public Histogram<double> SipPostDialDelay { get; }

    /// <summary>The source of one activity per attempt.</summary>
    public ActivitySource ActivitySource { get; }

    /// <summary>Adds a client's regions to the health gauge.</summary>
    public void Track(RegionSet set) => _sets.TryAdd(set, 0);

    /// <summary>Takes a client's regions off the health gauge, as when the client is disposed.</summary>
    public void Untrack(RegionSet set) => _sets.TryRemove(set, out _);

    /// <summary>Adds a SIP client's trunks to <c>slakit.sip.active_calls</c>, until <see cref="UntrackTrunks"/>.</summary>
    public void TrackTrunks(object owner, string client, IReadOnlyCollection<Sip.SipTrunk> trunks) => _trunks[owner] = (client, trunks);

    /// <summary>Takes a SIP client's trunks off <c>slakit.sip.active_calls</c>, as when the client is disposed.</summary>
    public void UntrackTrunks(object owner) => _trunks.TryRemove(owner, out _);

    public void Dispose()
    {
        ActivitySource.Dispose();
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private IEnumerable<Measurement<int>> ObserveCalls()
    {
        foreach ((string client, IReadOnlyCollection<Sip.SipTrunk> trunks) in _trunks.Values)
        {
            foreach (Sip.SipTrunk trunk in trunks)
            {
                yield return new Measurement<int>(trunk.InUse, new("client", client), new("region", trunk.Region.Region.Name));
            }
        }
    }

    private IEnumerable<Measurement<int>> ObserveHealth()
    {
        foreach (RegionSet set in _sets.Keys)
        {
            foreach (Measurement<int> measurement in set.ObserveHealth())
            {
                yield return measurement;
            }
        }
    }
}
