using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlaKit.Regions;
using SlaKit.Telemetry;

namespace SlaKit.Http;

/// <summary>
/// The container's failover clients, created on first use from their validated options and kept for the
/// container's lifetime, so region health outlives the handler instances <see cref="IHttpClientFactory"/> rotates.
/// </summary>
internal sealed class RegionFailoverRegistry : IRegionHealthMonitorRegistry, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<RegionFailoverClient>> _clients = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<RegionFailoverOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly FailoverTelemetry _telemetry;
    private readonly string[] _names;

    public RegionFailoverRegistry(
        IEnumerable<RegionFailoverClientName> names,
        IOptionsMonitor<RegionFailoverOptions> options,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        _names = names.Select(static n => n.Name).Distinct(StringComparer.Ordinal).ToArray();
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _telemetry = new FailoverTelemetry(meterFactory, ObserveHealth);
    }

    public IReadOnlyCollection<string> ClientNames => _names;

    public IRegionHealthMonitor GetMonitor(string clientName)
    {
        ArgumentNullException.ThrowIfNull(clientName);
        if (!_names.Contains(clientName, StringComparer.Ordinal))
        {
            throw new ArgumentException($"No client named '{clientName}' fails over between regions.", nameof(clientName));
        }

        return GetClient(clientName);
    }

    /// <summary>The client's shared state; its options are validated here at the latest.</summary>
    public RegionFailoverClient GetClient(string name) =>
        _clients.GetOrAdd(name, n => new Lazy<RegionFailoverClient>(() => new RegionFailoverClient(
            n,
            _options.Get(n),
            _timeProvider,
            _loggerFactory.CreateLogger($"SlaKit.Http.RegionFailover.{n}"),
            _telemetry))).Value;

    public void Dispose() => _telemetry.Dispose();

    private IEnumerable<Measurement<int>> ObserveHealth()
    {
        foreach (Lazy<RegionFailoverClient> client in _clients.Values)
        {
            if (client.IsValueCreated)
            {
                foreach (Measurement<int> measurement in client.Value.ObserveHealth())
                {
                    yield return measurement;
                }
            }
        }
    }
}
