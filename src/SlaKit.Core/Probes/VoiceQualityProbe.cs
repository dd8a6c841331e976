namespace SlaKit.Probes;

/// <summary>
/// Marks a line Degraded when its estimated voice quality (MOS) falls below a threshold, before callers complain.
/// Quality comes from RTP statistics the application reports (<see cref="ReportSample"/>), or — when none is
/// recent — from an inner probe's round trips: half the RTT as one-way latency and the RFC 3550 §6.4.1
/// interarrival-jitter estimator over successive round trips.
/// </summary>
public sealed class VoiceQualityProbe : IHealthProbe
{
    private readonly IHealthProbe? _inner;
    private readonly double _degradedMos;
    private readonly TimeSpan _sampleLifetime;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private (TimeSpan Latency, TimeSpan Jitter, double Loss, DateTimeOffset At)? _sample;
    private TimeSpan? _lastRoundTrip;
    private double _jitterMilliseconds;

    /// <summary>Creates the probe.</summary>
    /// <param name="inner">A network probe whose round trips estimate latency and jitter when no RTP statistics are recent; may be <see langword="null"/>.</param>
    /// <param name="degradedMos">The MOS under which the line is Degraded, in [1, 4.5]; 3.6 by default.</param>
    /// <param name="sampleLifetime">How long a reported sample stays current; positive. 30 seconds when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="degradedMos"/> or <paramref name="sampleLifetime"/> is out of range.</exception>
    public VoiceQualityProbe(IHealthProbe? inner, double degradedMos = VoiceQuality.DefaultDegradedMos, TimeSpan? sampleLifetime = null, TimeProvider? timeProvider = null)
    {
        if (double.IsNaN(degradedMos) || degradedMos < 1 || degradedMos > 4.5)
        {
            throw new ArgumentOutOfRangeException(nameof(degradedMos), degradedMos, "The MOS threshold must be in [1, 4.5].");
        }

        _sampleLifetime = sampleLifetime ?? TimeSpan.FromSeconds(30);
        if (_sampleLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleLifetime), sampleLifetime, "The sample lifetime must be positive.");
        }

        _inner = inner;
        _degradedMos = degradedMos;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Reports RTP statistics measured on the line (for example from RTCP receiver reports).</summary>
    /// <param name="oneWayLatency">One-way latency, 0 to 10 s.</param>
    /// <param name="jitter">Interarrival jitter, 0 to 10 s.</param>
    /// <param name="lossPercent">Packet loss, 0 to 100 percent.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void ReportSample(TimeSpan oneWayLatency, TimeSpan jitter, double lossPercent)
    {
        _ = VoiceQuality.Estimate(oneWayLatency, jitter, lossPercent); // validates, naming the bad argument
        lock (_gate)
        {
            _sample = (oneWayLatency, jitter, lossPercent, _time.GetUtcNow());
        }
    }

    /// <inheritdoc/>
    public async ValueTask<HealthProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        (TimeSpan Latency, TimeSpan Jitter, double Loss, DateTimeOffset At)? sample;
        lock (_gate)
        {
            sample = _sample;
        }

        if (sample is { } s && now - s.At <= _sampleLifetime)
        {
            return Judge(VoiceQuality.Estimate(s.Latency, s.Jitter, s.Loss), s.Latency * 2, "RTP statistics");
        }

        if (_inner is null)
        {
            return HealthProbeResult.Healthy(TimeSpan.Zero, "no recent voice statistics");
        }

        HealthProbeResult network = await _inner.ProbeAsync(cancellationToken).ConfigureAwait(false);
        if (network.Status == ProbeStatus.Unhealthy)
        {
            return network;
        }

        TimeSpan oneWay = network.Latency / 2;
        double jitter;
        lock (_gate)
        {
            // RFC 3550 §6.4.1: J += (|D| − J) / 16, D the change in transit time between packets.
            if (_lastRoundTrip is { } previous)
            {
                double difference = Math.Abs((network.Latency - previous).TotalMilliseconds) / 2;
                _jitterMilliseconds += (difference - _jitterMilliseconds) / 16;
            }

            _lastRoundTrip = network.Latency;
            jitter = _jitterMilliseconds;
        }

        var limit = TimeSpan.FromSeconds(10);
        VoiceQualityEstimate estimate = VoiceQuality.Estimate(
            oneWay > limit ? limit : oneWay,
            TimeSpan.FromMilliseconds(Math.Min(jitter, limit.TotalMilliseconds)),
            0);
        HealthProbeResult judged = Judge(estimate, network.Latency, "probe round trips");
        return network.Status == ProbeStatus.Degraded && judged.Status == ProbeStatus.Healthy ? network : judged;
    }

    private HealthProbeResult Judge(VoiceQualityEstimate estimate, TimeSpan latency, string source)
    {
        string detail = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"MOS {estimate.Mos:0.00} (R {estimate.RFactor:0.#}, {estimate.Band}) from {source}");
        return estimate.Mos < _degradedMos
            ? HealthProbeResult.Degraded(latency, $"{detail}, below {_degradedMos.ToString(System.Globalization.CultureInfo.InvariantCulture)}")
            : HealthProbeResult.Healthy(latency, detail);
    }
}
