using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SlaKit.Regions;

/// <summary>
/// The latency classes of one client: the names its requests are classed by, each given a small index under which every
/// region keeps the class's own latency window (<see cref="TrackedRegion.LatencyOf"/>). Requests of no class share
/// <see cref="Default"/>. Safe from any number of threads; finding a class already seen takes no lock and allocates nothing.
/// </summary>
/// <remarks>
/// At most <see cref="Limit"/> named classes per client: each costs every region a window of
/// <see cref="LatencyWindow.Capacity"/> samples, and a name that changes with every request (an identifier put in it by
/// mistake) must not make a window per request. A name past the limit is left in the default class, and the first such
/// name is logged as a warning, once for the client.
/// </remarks>
internal sealed class LatencyClasses
{
    /// <summary>The index of the default class: requests of no class of their own, and the warm-up.</summary>
    public const int Default = 0;

    /// <summary>How many named classes one client may have; any further name shares the default class.</summary>
    public const int Limit = 32;

    private readonly ConcurrentDictionary<string, int> _indexes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly string _client;
    private readonly ILogger _logger;

    // Set, under the lock, by the first name that found every place taken; read without it to spare later names the lock.
    private volatile bool _full;

    public LatencyClasses(string client, ILogger logger)
    {
        _client = client;
        _logger = logger;
    }

    /// <summary>How many named classes the client has so far.</summary>
    public int Count => _indexes.Count;

    /// <summary>
    /// The index of the class named <paramref name="name"/> (compared ordinally), given it on first use; the default class
    /// for no name, an empty or white-space one, or a new name once <see cref="Limit"/> classes have been given out.
    /// </summary>
    public int IndexOf(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return Default;
        }

        if (_indexes.TryGetValue(name, out int index))
        {
            return index;
        }

        return _full ? Default : Add(name);
    }

    private int Add(string name)
    {
        lock (_gate)
        {
            if (_indexes.TryGetValue(name, out int index))
            {
                return index;
            }

            if (_indexes.Count < Limit)
            {
                // Indexes are given out under the lock, one after another, so each class has its own and no window is shared.
                index = _indexes.Count + 1;
                _indexes[name] = index;
                return index;
            }

            if (_full)
            {
                return Default;
            }

            _full = true;
        }

        FailoverLog.LatencyClassLimitReached(_logger, _client, Limit, name);
        return Default;
    }
}
