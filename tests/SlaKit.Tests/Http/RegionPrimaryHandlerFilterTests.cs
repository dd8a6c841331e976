using Microsoft.Extensions.DependencyInjection;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>
/// What a failover client's primary handler is made to do (no redirects, no gRPC balancing, watched connections) reaches
/// the handler that makes the connections, also when the primary handler wraps it.
/// </summary>
public sealed class RegionPrimaryHandlerFilterTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_sockets_handler_under_delegating_primary_handlers_is_configured_as_a_bare_one_is(int wrappers)
    {
        var sockets = new SocketsHttpHandler { AllowAutoRedirect = true };
        await using ServiceProvider provider = Container(builder => builder.ConfigurePrimaryHttpMessageHandler(() => Wrap(sockets, wrappers)));

        using HttpMessageHandler handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("payments");

        Assert.False(sockets.AllowAutoRedirect);
        Assert.Equal(true, sockets.Properties[RegionPrimaryHandlerFilter.GrpcLoadBalancingDisabled]);
        Assert.Equal(true, sockets.Properties[RegionPrimaryHandlerFilter.ConnectionsWatched]);
        Assert.NotNull(sockets.PlaintextStreamFilter);
    }

    [Theory]
    [InlineData(null, 2000)]   // .NET's default, no timeout at all: the cold-start allowance (2 s), under the attempt timeout (5 s)
    [InlineData(10_000, 10_000)] // the application's own is kept
    public async Task A_sockets_handler_without_a_connect_timeout_gets_the_cold_start_allowance_and_one_with_its_own_keeps_it(int? ownMs, int expectedMs)
    {
        var sockets = new SocketsHttpHandler();
        if (ownMs is { } own)
        {
            sockets.ConnectTimeout = TimeSpan.FromMilliseconds(own);
        }

        await using ServiceProvider provider = Container(builder => builder.ConfigurePrimaryHttpMessageHandler(() => sockets));

        using HttpMessageHandler handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("payments");

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), sockets.ConnectTimeout);
    }

    [Fact]
    public async Task An_http_client_handler_under_a_delegating_primary_handler_stops_following_redirects()
    {
        using var inner = new HttpClientHandler { AllowAutoRedirect = true };
        await using ServiceProvider provider = Container(builder => builder.ConfigurePrimaryHttpMessageHandler(() => new PassThrough(inner)));

        using HttpMessageHandler handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("payments");

        Assert.False(inner.AllowAutoRedirect);
    }

    [Fact]
    public async Task A_client_without_failover_keeps_its_wrapped_handler_as_configured()
    {
        var sockets = new SocketsHttpHandler { AllowAutoRedirect = true };
        await using ServiceProvider provider = Container(
            payments => payments.ConfigurePrimaryHttpMessageHandler(() => new PassThrough(new SocketsHttpHandler())),
            services => services.AddHttpClient("plain").ConfigurePrimaryHttpMessageHandler(() => new PassThrough(sockets)));

        using HttpMessageHandler handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("plain");

        Assert.True(sockets.AllowAutoRedirect);
        Assert.Empty(sockets.Properties);
        Assert.Null(sockets.PlaintextStreamFilter);
    }

    /// <summary>A container with the failover client "payments", its builder adjusted by <paramref name="payments"/>.</summary>
    private static ServiceProvider Container(Action<IHttpClientBuilder> payments, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        payments(services.AddHttpClient("payments").AddRegionFailover(o =>
        {
            o.WarmUp = false;
            o.Regions.Add(new Region("eu", new Uri("http://eu.payments.invalid/")));
        }));
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private static HttpMessageHandler Wrap(HttpMessageHandler handler, int wrappers)
    {
        for (int i = 0; i < wrappers; i++)
        {
            handler = new PassThrough(handler);
        }

        return handler;
    }

    /// <summary>A primary handler made of another, as a <c>GrpcWebHandler</c> or a logging handler is.</summary>
    private sealed class PassThrough(HttpMessageHandler inner) : DelegatingHandler(inner);
}
