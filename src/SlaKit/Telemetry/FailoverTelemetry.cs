using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SlaKit.Telemetry;

/// <summary>
/// The failover instruments on the <c>SlaKit</c> meter and the activity source, owned by one container:
/// <c>slakit.failover.attempts</c>, <c>slakit.failover.switches</c> and <c>slakit.region.health</c>.
/// </summary>
internal sealed class FailoverTelemetry : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public FailoverTelemetry(IMeterFactory? meterFactory, Func<IEnumerable<Measurement<int>>> observeHealth)
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
            "Attempts made against a region, by client, region and outcome.");
        Switches = _meter.CreateCounter<long>("slakit.failover.switches", "{switch}",
            "Times a client's traffic moved to a region of another priority.");
        _meter.CreateObservableGauge("slakit.region.health", observeHealth, "{health}",
            "A region's health as its client sees it: 2 healthy, 1 degraded, 0 unhealthy.");
        ActivitySource = new ActivitySource(SlaKitInstrumentation.ActivitySourceName);
    }

    /// <summary><c>slakit.failover.attempts</c>: tags <c>client</c>, <c>region</c>, <c>outcome</c>.</summary>
    public Counter<long> Attempts { get; }

    /// <summary><c>slakit.failover.switches</c>: tags <c>client</c>, <c>from</c>, <c>to</c>.</summary>
    public Counter<long> Switches { get; }

    /// <summary>The source of one activity per attempt.</summary>
    public ActivitySource ActivitySource { get; }

    public void Dispose()
    {
        ActivitySource.Dispose();
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
