using Microsoft.Extensions.DependencyInjection;
using SlaKit.Http;

namespace SlaKit.IntegrationTests.Infrastructure;

/// <summary>A service provider with one failover client named <c>payments</c>, built the way an application builds it.</summary>
public sealed class FailoverClient : IAsyncDisposable
{
    public const string Name = "payments";

    private readonly ServiceProvider _services;

    public FailoverClient(Action<RegionFailoverOptions> configure, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        collection.AddHttpClient(Name, client => client.BaseAddress = new Uri("http://payments.invalid/"))
            .AddRegionFailover(configure);
        _services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Http = _services.GetRequiredService<IHttpClientFactory>().CreateClient(Name);
    }

    public HttpClient Http { get; }

    public IServiceProvider Services => _services;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _services.DisposeAsync();
    }
}
