using Microsoft.Extensions.Time.Testing;
using SlaKit.Probes;

namespace SlaKit.Tests.Probes;

public class VoiceQualityProbeTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reported_rtp_statistics_below_the_threshold_degrade_the_line()
    {
        var probe = new VoiceQualityProbe(inner: null, timeProvider: _time);
        probe.ReportSample(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(60), 5);

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Degraded, result.Status);
        Assert.Contains("below 3.6", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Good_statistics_are_healthy_and_stale_ones_are_ignored()
    {
        var probe = new VoiceQualityProbe(inner: null, sampleLifetime: TimeSpan.FromSeconds(30), timeProvider: _time);
        probe.ReportSample(TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(2), 0);
        Assert.Equal(ProbeStatus.Healthy, (await probe.ProbeAsync(Ct)).Status);

        probe.ReportSample(TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(80), 10);
        Assert.Equal(ProbeStatus.Degraded, (await probe.ProbeAsync(Ct)).Status);

        _time.Advance(TimeSpan.FromSeconds(31));
        HealthProbeResult stale = await probe.ProbeAsync(Ct);
        Assert.Equal(ProbeStatus.Healthy, stale.Status);
        Assert.Equal("no recent voice statistics", stale.Detail);
    }

    [Fact]
    public async Task Without_statistics_the_inner_probes_round_trips_estimate_quality()
    {
        var rtts = new Queue<TimeSpan>([TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(700)]);
        var inner = new DelegateProbe(_ => ValueTask.FromResult(HealthProbeResult.Healthy(rtts.Dequeue(), "200 OK")));
        var probe = new VoiceQualityProbe(inner, timeProvider: _time);

        Assert.Equal(ProbeStatus.Healthy, (await probe.ProbeAsync(Ct)).Status);
        HealthProbeResult slow = await probe.ProbeAsync(Ct);

        // 350 ms one way (+ jitter) puts Le past 360 ms: R < 70, MOS < 3.6.
        Assert.Equal(ProbeStatus.Degraded, slow.Status);
        Assert.Contains("from probe round trips", slow.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recent_statistics_judge_the_sound_but_the_inner_probe_still_has_to_reach_the_line()
    {
        bool reachable = true;
        int probed = 0;
        var inner = new DelegateProbe(_ =>
        {
            probed++;
            return ValueTask.FromResult(reachable ? HealthProbeResult.Healthy(TimeSpan.FromMilliseconds(40), "200 OK") : HealthProbeResult.Unhealthy(TimeSpan.Zero, "refused"));
        });
        var probe = new VoiceQualityProbe(inner, timeProvider: _time);
        probe.ReportSample(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(60), 5);

        HealthProbeResult sounds = await probe.ProbeAsync(Ct);
        Assert.Equal(ProbeStatus.Degraded, sounds.Status);
        Assert.Contains("RTP statistics", sounds.Detail, StringComparison.Ordinal);

        // The line is lost; its last report is still recent, and says nothing of that.
        reachable = false;
        Assert.Equal((ProbeStatus.Unhealthy, "refused"), ((await probe.ProbeAsync(Ct)).Status, (await probe.ProbeAsync(Ct)).Detail));
        Assert.Equal(3, probed);
    }

    [Fact]
    public async Task An_unhealthy_inner_probe_stays_unhealthy()
    {
        var inner = new DelegateProbe(_ => ValueTask.FromResult(HealthProbeResult.Unhealthy(TimeSpan.Zero, "refused")));
        var probe = new VoiceQualityProbe(inner, timeProvider: _time);

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.Equal("refused", result.Detail);
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        Assert.Equal("degradedMos", Assert.Throws<ArgumentOutOfRangeException>(() => new VoiceQualityProbe(null, degradedMos: 5)).ParamName);
        Assert.Equal("sampleLifetime", Assert.Throws<ArgumentOutOfRangeException>(() => new VoiceQualityProbe(null, sampleLifetime: TimeSpan.Zero)).ParamName);
        var probe = new VoiceQualityProbe(null);
        Assert.Equal("lossPercent", Assert.Throws<ArgumentOutOfRangeException>(() => probe.ReportSample(TimeSpan.Zero, TimeSpan.Zero, 101)).ParamName);
    }

    [Fact]
    public async Task Disposing_the_probe_closes_the_http_probe_it_wraps()
    {
        // As a ProbeFactory makes it: the host disposes the voice probe alone, and the HTTP probe's connection pool must go with it.
        var inner = new HttpProbe(new Uri("http://127.0.0.1:9/health"));
        var probe = new VoiceQualityProbe(inner, timeProvider: _time);

        await probe.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await inner.ProbeAsync(Ct));
    }

    [Fact]
    public async Task The_inner_probe_is_disposed_once_whichever_way_either_is_disposed()
    {
        var asynchronous = new AsynchronouslyDisposed();
        var synchronous = new SynchronouslyDisposed();
        var first = new VoiceQualityProbe(asynchronous, timeProvider: _time);
        var second = new VoiceQualityProbe(synchronous, timeProvider: _time);

        first.Dispose();
        await first.DisposeAsync();
        await second.DisposeAsync();
        second.Dispose();

        Assert.Equal(1, asynchronous.Disposals);
        Assert.Equal(1, synchronous.Disposals);
    }

    [Fact]
    public async Task An_inner_probe_held_elsewhere_is_left_open_when_asked()
    {
        var inner = new SynchronouslyDisposed();
        var probe = new VoiceQualityProbe(inner, timeProvider: _time, disposeInner: false);

        await probe.DisposeAsync();
        probe.Dispose();

        Assert.Equal(0, inner.Disposals);
        Assert.Equal(ProbeStatus.Healthy, (await probe.ProbeAsync(Ct)).Status);
    }

    /// <summary>A probe that can be disposed only asynchronously, as a custom probe may be; counts its disposals.</summary>
    private sealed class AsynchronouslyDisposed : IHealthProbe, IAsyncDisposable
    {
        public int Disposals { get; private set; }

        public ValueTask<HealthProbeResult> ProbeAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(HealthProbeResult.Healthy(TimeSpan.FromMilliseconds(20), "200 OK"));

        public ValueTask DisposeAsync()
        {
            Disposals++;
            return default;
        }
    }

    /// <summary>A probe that can be disposed only synchronously, as <see cref="HttpProbe"/> is; counts its disposals.</summary>
    private sealed class SynchronouslyDisposed : IHealthProbe, IDisposable
    {
        public int Disposals { get; private set; }

        public ValueTask<HealthProbeResult> ProbeAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(HealthProbeResult.Healthy(TimeSpan.FromMilliseconds(20), "200 OK"));

        public void Dispose() => Disposals++;
    }
}
