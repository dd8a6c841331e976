using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>
/// The container's HTTP failover clients, created on first use from their validated options and kept for the
/// container's lifetime, so region health outlives the handler instances <c>IHttpClientFactory</c> rotates.
/// </summary>
internal sealed class HttpRegionSets
{
    private readonly ConcurrentDictionary<string, Lazy<HttpRegionSet>> _clients = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<RegionFailoverOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly FailoverTelemetry _telemetry;

    public HttpRegionSets(
        IEnumerable<RegionFailoverClientName> names,
        IOptionsMonitor<RegionFailoverOptions> options,
        FailoverTelemetry telemetry,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        ClientNames = names.Select(static n => n.Name).Distinct(StringComparer.Ordinal).ToArray();
        _options = options;
        _telemetry = telemetry;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <summary>The names of the clients that call <c>AddRegionFailover</c>.</summary>
    public IReadOnlyCollection<string> ClientNames { get; }

    /// <summary>The client's shared state; its options are validated here at the latest.</summary>
    public HttpRegionSet GetClient(string name) =>
        _clients.GetOrAdd(name, n => new Lazy<HttpRegionSet>(() => Create(n))).Value;

    /// <summary>Creates a client's state and puts its regions on the health gauge.</summary>
    private HttpRegionSet Create(string name)
    {
        var client = new HttpRegionSet(name, _options.Get(name), _timeProvider, _loggerFactory.CreateLogger($"SlaKit.Http.RegionFailover.{name}"), _telemetry);
        _telemetry.Track(client.Core);
        return client;
    }
}
