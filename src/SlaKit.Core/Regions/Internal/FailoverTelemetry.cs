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
        ActivitySource = new ActivitySource(SlaKitInstrumentation.ActivitySourceName);
    }

    /// <summary><c>slakit.failover.attempts</c>: tags <c>client</c>, <c>region</c>, <c>outcome</c> (and <c>method</c> for SIP).</summary>
    public Counter<long> Attempts { get; }

    /// <summary><c>slakit.failover.switches</c>: tags <c>client</c>, <c>from</c>, <c>to</c>.</summary>
    public Counter<long> Switches { get; }

    /// <summary><c>slakit.sip.late_answers</c>: tags <c>client</c>, <c>region</c>.</summary>
    public Counter<long> SipLateAnswers { get; }

    /// <summary>The source of one activity per attempt.</summary>
    public ActivitySource ActivitySource { get; }

    /// <summary>Adds a client's regions to the health gauge.</summary>
    public void Track(RegionSet set) => _sets.TryAdd(set, 0);

    /// <summary>Takes a client's regions off the health gauge, as when the client is disposed.</summary>
    public void Untrack(RegionSet set) => _sets.TryRemove(set, out _);

    public void Dispose()
    {
        ActivitySource.Dispose();
        if (_ownsMeter)
        {
            _meter.Dispose();
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
