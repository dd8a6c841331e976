using SlaKit.Probes;
using SlaKit.Regions;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>
/// Probes each region of a SIP client with OPTIONS through the library's <see cref="RegionProbeScheduler"/>, as the HTTP
/// probes are scheduled: the SIP probe plugs into the same scheduler.
/// </summary>
public sealed class ProbeLoop : IAsyncDisposable
{
    private readonly List<RegionProbeScheduler> _schedulers = [];
    private readonly List<SipOptionsProbe> _probes = [];

    public ProbeLoop(SipFailoverClient client, TimeSpan interval, TimeSpan timeout)
    {
        var schedule = new ProbeScheduleOptions { Interval = interval, Timeout = timeout + TimeSpan.FromMilliseconds(100), Jitter = 0 };
        foreach (string region in client.Regions.Select(r => r.Name))
        {
            SipOptionsProbe probe = client.CreateProbe(region, new SipOptionsProbeOptions { Timeout = timeout });
            _probes.Add(probe);
            var scheduler = new RegionProbeScheduler(client, region, probe, schedule);
            _schedulers.Add(scheduler);
            scheduler.Start();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (RegionProbeScheduler scheduler in _schedulers)
        {
            await scheduler.DisposeAsync();
        }

        foreach (SipOptionsProbe probe in _probes)
        {
            await probe.DisposeAsync();
        }
    }
}
