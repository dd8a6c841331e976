namespace SlaKit.Probes;

/// <summary>
/// Marks a line Degraded when its estimated voice quality (MOS) falls below a threshold, before callers complain.
/// Quality comes from RTP statistics the application reports (<see cref="ReportSample"/>), or — when none is
/// recent — from an inner probe's round trips: half the RTT as one-way latency and the RFC 3550 §6.4.1
/// interarrival-jitter estimator over successive round trips. Whether the line answers at all is always the inner
/// probe's to say: with recent statistics it is still probed, and its failure is the verdict.
/// </summary>
/// <remarks>
/// The probe owns its inner probe unless told otherwise: disposing it disposes the inner one
/// (<see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>), so an <see cref="HttpProbe"/> wrapped in a
/// <c>RegionProbeOptions.ProbeFactory</c> closes its connections with the host. Pass <c>disposeInner: false</c> for an
/// inner probe that is also held elsewhere (one the container or another probe owns).
/// </remarks>
public sealed class VoiceQualityProbe : IHealthProbe, IAsyncDisposable, IDisposable
{
    private readonly IHealthProbe? _inner;
    private readonly bool _disposeInner;
    private readonly double _degradedMos;
    private readonly TimeSpan _sampleLifetime;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private (TimeSpan Latency, TimeSpan Jitter, double Loss, DateTimeOffset At)? _sample;
    private TimeSpan? _lastRoundTrip;
    private double _jitterMilliseconds;
    private int _disposed;

    /// <summary>Creates the probe.</summary>
    /// <param name="inner">A network probe whose round trips estimate latency and jitter when no RTP statistics are recent; may be <see langword="null"/>.</param>
    /// <param name="degradedMos">The MOS under which the line is Degraded, in [1, 4.5]; 3.6 by default.</param>
    /// <param name="sampleLifetime">How long a reported sample stays current; positive. 30 seconds when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="disposeInner">Whether disposing this probe disposes <paramref name="inner"/>; <see langword="true"/> by default.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="degradedMos"/> or <paramref name="sampleLifetime"/> is out of range.</exception>
    public VoiceQualityProbe(IHealthProbe? inner, double degradedMos = VoiceQuality.DefaultDegradedMos, TimeSpan? sampleLifetime = null, TimeProvider? timeProvider = null, bool disposeInner = true)
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
        _disposeInner = disposeInner;
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
            // The statistics say how the line sounds, not that it still answers: a line lost since its last report would
            // otherwise be judged by that report until it ages out, each verdict an answer that never came. The inner
            // probe, when there is one, still has to reach it.
            if (_inner is not null)
            {
                HealthProbeResult reached = await _inner.ProbeAsync(cancellationToken).ConfigureAwait(false);
                if (reached.Status == ProbeStatus.Unhealthy)
                {
                    return reached;
                }
            }

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

    /// <summary>Disposes the inner probe when this probe owns it; nothing else is held.</summary>
    /// <returns>A task that completes when the inner probe is disposed.</returns>
    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 && _disposeInner && _inner is not null
            ? ProbeDisposal.DisposeAsync(_inner)
            : default;

    /// <summary>Disposes the inner probe when this probe owns it; nothing else is held.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _disposeInner && _inner is not null)
        {
            ProbeDisposal.Dispose(_inner);
        }
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
