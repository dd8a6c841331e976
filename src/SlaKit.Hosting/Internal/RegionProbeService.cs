using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlaKit.Probes;
using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>Starts one <see cref="RegionProbeScheduler"/> per region of every client with probes when the host starts, and stops them with it.</summary>
internal sealed class RegionProbeService : IHostedService, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly IHttpMessageHandlerFactory _handlers;
    private readonly HttpRegionSets _registry;
    private readonly IOptionsMonitor<RegionProbeOptions> _options;
    private readonly IEnumerable<RegionProbeRegistration> _registrations;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly List<RegionProbeScheduler> _schedulers = [];
    private readonly List<IHealthProbe> _ownedProbes = [];

    public RegionProbeService(
        IServiceProvider services,
        IHttpMessageHandlerFactory handlers,
        HttpRegionSets registry,
        IOptionsMonitor<RegionProbeOptions> options,
        IEnumerable<RegionProbeRegistration> registrations,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        _services = services;
        _handlers = handlers;
        _registry = registry;
        _options = options;
        _registrations = registrations;
        _time = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (string client in _registrations.Select(static r => r.ClientName).Distinct(StringComparer.Ordinal))
        {
            RegionProbeOptions options = _options.Get(client);
            HttpRegionSet failover = _registry.GetClient(client);
            ILogger logger = _loggerFactory.CreateLogger($"SlaKit.Probes.{client}");
            foreach (TrackedRegion region in failover.Regions)
            {
                IHealthProbe probe;
                if (options.ProbeFactory is { } factory)
                {
                    // Made for this service alone, so it is this service's to dispose (a gRPC or SIP probe holds sockets).
                    probe = factory(_services, region.Region);
                    _ownedProbes.Add(probe);
                }
                else
                {
                    probe = CreateHttpProbe(client, region.Region, options);
                }

                var scheduler = new RegionProbeScheduler(failover.Core, region.Region.Name, probe, options, _time, logger);
                _schedulers.Add(scheduler);
                scheduler.Start();
            }
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (RegionProbeScheduler scheduler in _schedulers)
        {
            await scheduler.StopAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (RegionProbeScheduler scheduler in _schedulers)
        {
            await scheduler.DisposeAsync().ConfigureAwait(false);
        }

        foreach (IHealthProbe probe in _ownedProbes)
        {
            await ProbeDisposal.DisposeAsync(probe).ConfigureAwait(false);
        }
    }

    private HttpProbe CreateHttpProbe(string client, Region region, RegionProbeOptions options)
    {
        var http = new HttpProbeOptions
        {
            Timeout = options.Timeout,
            DegradedLatency = options.Http.DegradedLatency,
            MaxRedirects = options.Http.MaxRedirects,

            // The version the client's regions are known to speak: a region that speaks HTTP/2 alone (a gRPC service's
            // cleartext endpoint) refuses an HTTP/1.1 probe, and would be held down by its own probe.
            Version = options.Http.Version ?? _registry.GetClient(client).Options.WarmUpVersion,
        };
        foreach (int code in options.Http.ExpectedStatusCodes)
        {
            http.ExpectedStatusCodes.Add(code);
        }

        // Sent the way the client sends, so a region reached over a private CA or with a client certificate is probed
        // as its requests reach it.
        var probe = new HttpProbe(
            AttemptRequestFactory.RegionUri(region.Endpoint, new Uri(options.HttpPath, UriKind.Relative)), new ClientChainHandler(_handlers, client), disposeHandler: true, http, _time);
        _ownedProbes.Add(probe);
        return probe;
    }
}
