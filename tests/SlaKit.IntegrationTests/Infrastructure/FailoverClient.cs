using Microsoft.Extensions.DependencyInjection;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests.Infrastructure;

/// <summary>A service provider with one failover client named <c>payments</c>, built the way an application builds it.</summary>
public sealed class FailoverClient : IAsyncDisposable
{
    public const string Name = "payments";

    private readonly ServiceProvider _services;

    public FailoverClient(Action<RegionFailoverOptions> configure, Action<IServiceCollection>? services = null, Action<IHttpClientBuilder>? client = null)
    {
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        IHttpClientBuilder builder = collection.AddHttpClient(Name, client => client.BaseAddress = new Uri("http://payments.invalid/"))
            .AddRegionFailover(configure);
        client?.Invoke(builder);
        _services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Http = _services.GetRequiredService<IHttpClientFactory>().CreateClient(Name);
    }

    /// <summary>A client with region <c>a</c> at <paramref name="a"/> (priority 0) and <c>b</c> at <paramref name="b"/> (priority 1), then <paramref name="more"/>.</summary>
    public static FailoverClient ForTwoRegions(Uri a, Uri b, Action<RegionFailoverOptions>? more = null) => new(o =>
    {
        o.Regions.Add(new Region("a", a));
        o.Regions.Add(new Region("b", b) { Priority = 1 });
        more?.Invoke(o);
    });

    public HttpClient Http { get; }

    public IServiceProvider Services => _services;

    /// <summary>The client's region monitor.</summary>
    public IRegionHealthMonitor Monitor => _services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor(Name);

    /// <summary>Every health change of the client's regions from now on, in order.</summary>
    public IReadOnlyList<RegionHealthChangedEventArgs> WatchHealth()
    {
        var changes = new List<RegionHealthChangedEventArgs>();
        Monitor.HealthChanged += (_, e) =>
        {
            lock (changes)
            {
                changes.Add(e);
            }
        };
        return changes;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _services.DisposeAsync();
    }
}
