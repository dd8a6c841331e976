using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Benchmarks.Overhead;

/// <summary>
/// The clients the overhead suites compare, configured alike in both: each built by <see cref="IHttpClientFactory"/>
/// over its own terminal handler with the factory's logging handlers removed, so only the handler under test differs.
/// </summary>
internal static class OverheadClients
{
    public static readonly Uri RequestUri = new("http://payments.example/api/balance/42");
    public static readonly Uri PrimaryUri = new("http://eu-west.payments.example/");
    public static readonly Uri SecondaryUri = new("http://eu-central.payments.example/");

    /// <summary>A client named <paramref name="name"/> over the handler <paramref name="terminal"/> makes, and nothing else.</summary>
    public static IHttpClientBuilder Plain(IServiceCollection services, string name, Func<HttpMessageHandler> terminal) =>
        services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(terminal).RemoveAllLoggers();

    /// <summary>SlaKit's failover between the primary (priority 0) and the secondary (priority 1), default options unless <paramref name="configure"/> changes them.</summary>
    public static IHttpClientBuilder WithRegionFailover(this IHttpClientBuilder builder, Action<RegionFailoverOptions>? configure = null) =>
        builder.AddRegionFailover(options =>
        {
            options.Regions.Add(new Region("eu-west", PrimaryUri) { Priority = 0 });
            options.Regions.Add(new Region("eu-central", SecondaryUri) { Priority = 1 });
            configure?.Invoke(options);
        });

    /// <summary>The standard hedging handler with the primary and the secondary as two ordered endpoint groups.</summary>
    public static IHttpClientBuilder WithStandardHedging(this IHttpClientBuilder builder)
    {
        builder.AddStandardHedgingHandler(static routing => routing.ConfigureOrderedGroups(static groups =>
        {
            groups.Groups.Add(new UriEndpointGroup { Endpoints = { new WeightedUriEndpoint { Uri = PrimaryUri } } });
            groups.Groups.Add(new UriEndpointGroup { Endpoints = { new WeightedUriEndpoint { Uri = SecondaryUri } } });
        }));
        return builder;
    }
}
