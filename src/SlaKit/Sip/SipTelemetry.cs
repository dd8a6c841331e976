using System.Diagnostics;
using System.Diagnostics.Metrics;
using SlaKit.Telemetry;

namespace SlaKit.Sip;

/// <summary>The SIP failover instruments on the <c>SlaKit</c> meter: <c>slakit.sip.attempts</c>, and one activity per attempt.</summary>
internal sealed class SipTelemetry : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public SipTelemetry(IMeterFactory? meterFactory)
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

        Attempts = _meter.CreateCounter<long>("slakit.sip.attempts", "{attempt}",
            "SIP requests sent to a region, by client, region, method and outcome.");
        ActivitySource = new ActivitySource(SlaKitInstrumentation.ActivitySourceName);
    }

    /// <summary><c>slakit.sip.attempts</c>: tags <c>client</c>, <c>region</c>, <c>method</c>, <c>outcome</c>.</summary>
    public Counter<long> Attempts { get; }

    /// <summary>The source of one <c>slakit.sip.attempt</c> activity per attempt.</summary>
    public ActivitySource ActivitySource { get; }

    public static string OutcomeTag(SipAttemptOutcomeKind kind) => kind switch
    {
        SipAttemptOutcomeKind.Answered => "answered",
        SipAttemptOutcomeKind.ServiceUnavailable => "service_unavailable",
        SipAttemptOutcomeKind.Timeout => "timeout",
        _ => "transport_error",
    };

    public void Dispose()
    {
        ActivitySource.Dispose();
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
