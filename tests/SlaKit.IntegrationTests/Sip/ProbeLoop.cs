using SlaKit.Probes;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>
/// Probes each region of a client with OPTIONS on a <see cref="PeriodicTimer"/> and feeds the results to the client:
/// the simplest scheduler, enough to measure how fast probes take a silent region out of rotation.
/// </summary>
public sealed class ProbeLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly List<SipOptionsProbe> _probes = [];

    public ProbeLoop(SipFailoverClient client, TimeSpan interval, TimeSpan timeout)
    {
        foreach (string region in client.Regions.Select(r => r.Name))
        {
            SipOptionsProbe probe = client.CreateProbe(region, new SipOptionsProbeOptions { Timeout = timeout });
            _probes.Add(probe);
            _loops.Add(RunAsync(client, region, probe, interval));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        foreach (SipOptionsProbe probe in _probes)
        {
            await probe.DisposeAsync();
        }

        _stop.Dispose();
    }

    private async Task RunAsync(SipFailoverClient client, string region, SipOptionsProbe probe, TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval, TimeProvider.System);
        try
        {
            do
            {
                HealthProbeResult result = await probe.ProbeAsync(_stop.Token);
                if (!_stop.IsCancellationRequested)
                {
                    client.ReportProbeResult(region, result);
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }
}
