using System.Diagnostics.Metrics;
using SlaKit.Telemetry;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>Records the SIP attempts in <c>slakit.failover.attempts</c> (those with a <c>method</c> tag) of one client, in order: which region, how it ended.</summary>
public sealed class SipAttemptRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Region, string Outcome)> _attempts = [];
    private readonly string _client;

    public SipAttemptRecorder(string client)
    {
        _client = client;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SlaKitInstrumentation.MeterName && instrument.Name == "slakit.failover.attempts")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? client = null, region = null, outcome = null, method = null;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                switch (tag.Key)
                {
                    case "client": client = tag.Value as string; break;
                    case "region": region = tag.Value as string; break;
                    case "outcome": outcome = tag.Value as string; break;
                    case "method": method = tag.Value as string; break;
                }
            }

            if (client == _client && method is not null)
            {
                lock (_attempts)
                {
                    _attempts.Add((region!, outcome!));
                }
            }
        });
        _listener.Start();
    }

    public IReadOnlyList<(string Region, string Outcome)> Attempts
    {
        get
        {
            lock (_attempts)
            {
                return [.. _attempts];
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
