using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>Where each attempt goes: the region's scheme, host, port and base path, the request's own path and query, and nowhere else.</summary>
public sealed class RoutingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("region-a/", "region-b", "api/orders/7?expand=lines&x=1", "/region-a/api/orders/7?expand=lines&x=1", "/region-b/api/orders/7?expand=lines&x=1")]
    [InlineData("", "deep/base/", "/api/orders?q=a%20b&r=%C3%A9", "/api/orders?q=a%20b&r=%C3%A9", "/deep/base/api/orders?q=a%20b&r=%C3%A9")]
    [InlineData("v1", "v2/", "items/a%2Fb", "/v1/items/a%2Fb", "/v2/items/a%2Fb")]
    public async Task Every_attempt_keeps_path_and_query_under_its_regions_base_path(string baseA, string baseB, string requestUri, string expectedA, string expectedB)
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", new Uri(a.BaseUri, baseA)));
            o.Regions.Add(new Region("b", new Uri(b.BaseUri, baseB)) { Priority = 1 });

            // One attempt after the other: a's 503 sends the request on to b. Hedged, a first connection to a slower
            // than the hedging delay (a loaded machine) lets b answer before a's attempt has even reached a.
            o.Hedging = HedgingMode.Off;
        });

        using var request = new HttpRequestMessage(HttpMethod.Get, requestUri);
        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectedA, Assert.Single(a.Received).PathAndQuery);
        Assert.Equal(expectedB, Assert.Single(b.Received).PathAndQuery);
        // The caller's request still names the address it asked for.
        Assert.Equal(new Uri(client.Http.BaseAddress!, requestUri), request.RequestUri);
        Assert.Same(request, response.RequestMessage);
    }

    [Fact]
    public async Task A_hedged_copy_keeps_path_query_and_headers()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Slow(TimeSpan.FromSeconds(10));
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", new Uri(a.BaseUri, "east/")));
            o.Regions.Add(new Region("b", new Uri(b.BaseUri, "west/")) { Priority = 1 });
        });

        using var request = new HttpRequestMessage(HttpMethod.Get, "api/search?q=fibre+cut&page=2");
        request.Headers.Add("X-Correlation", "c-1");
        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        Assert.Equal("b", request.GetServedRegion());
        ReceivedRequest atB = Assert.Single(b.Received);
        Assert.Equal("/west/api/search?q=fibre+cut&page=2", atB.PathAndQuery);
        Assert.Equal("c-1", atB.Headers["X-Correlation"]);
        Assert.Equal("/east/api/search?q=fibre+cut&page=2", Assert.Single(a.Received).PathAndQuery);
    }

    [Fact]
    public async Task A_request_addressed_to_another_host_still_goes_only_to_configured_regions()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using RegionServer elsewhere = await RegionServer.StartAsync("elsewhere");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        b.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
        });

        // Even when every configured region fails, the address in the request is never contacted.
        await Assert.ThrowsAsync<RegionFailoverException>(() => client.Http.GetAsync(new Uri(elsewhere.BaseUri, "steal?x=1"), Ct));
        a.Behaviour = RegionServer.Healthy;
        using (HttpResponseMessage response = await client.Http.GetAsync(new Uri(elsewhere.BaseUri, "steal?x=1"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("a", response.Headers.GetValues("X-Region").Single());
        }

        Assert.Equal(0, elsewhere.Count);
        Assert.All(a.Received, r => Assert.Equal("/steal?x=1", r.PathAndQuery));
        Assert.All(b.Received, r => Assert.Equal("/steal?x=1", r.PathAndQuery));
        Assert.Equal(2, a.Count);
        Assert.Equal(1, b.Count);
    }

    private static Func<HttpContext, Task> RedirectTo(Uri target) => context =>
    {
        context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
        context.Response.Headers.Location = target.ToString();
        return Task.CompletedTask;
    };

    [Fact]
    public async Task A_region_that_redirects_elsewhere_does_not_send_the_client_there()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using RegionServer elsewhere = await RegionServer.StartAsync("elsewhere");
        a.Behaviour = RedirectTo(new Uri(elsewhere.BaseUri, "collect"));
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });

            // The GET's first answer pays for a cold connection; on a loaded machine that is past the hedging delay,
            // and a hedge to b would say nothing about redirects.
            o.Hedging = HedgingMode.Off;
        });

        using HttpResponseMessage get = await client.Http.GetAsync("pay", Ct);
        using HttpResponseMessage post = await client.Http.PostAsync("pay", new StringContent("card=4111"), Ct);

        // The redirect is the region's answer: the caller sees it, and nothing reaches the other host.
        Assert.Equal(HttpStatusCode.TemporaryRedirect, get.StatusCode);
        Assert.Equal(new Uri(elsewhere.BaseUri, "collect"), get.Headers.Location);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, post.StatusCode);
        Assert.Equal(0, elsewhere.Count);
        Assert.Equal(2, a.Count);
        Assert.Equal(0, b.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // as ConfigurePrimaryHttpMessageHandler(() => new GrpcWebHandler(new SocketsHttpHandler())) makes it
    public async Task Redirects_stay_off_with_a_primary_handler_configured_after_failover_and_other_clients_keep_theirs(bool wrapped)
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer elsewhere = await RegionServer.StartAsync("elsewhere");
        a.Behaviour = RedirectTo(new Uri(elsewhere.BaseUri, "collect"));
        var services = new ServiceCollection();
        services.AddHttpClient("payments", c => c.BaseAddress = new Uri("http://payments.invalid/"))
            .AddRegionFailover(o => o.Regions.Add(new Region("a", a.BaseUri)))
            .ConfigurePrimaryHttpMessageHandler(() =>
            {
                // Wrapped, the handler that follows redirects is the one underneath.
                var sockets = new SocketsHttpHandler { AllowAutoRedirect = true };
                return wrapped ? new PassThrough(sockets) : sockets;
            });
        services.AddHttpClient("plain");
        await using ServiceProvider provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();

        using (HttpResponseMessage response = await factory.CreateClient("payments").GetAsync("pay", Ct))
        {
            Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        }

        Assert.Equal((1, 0), (a.Count, elsewhere.Count));

        // A client without failover is left as it was configured.
        using (HttpResponseMessage response = await factory.CreateClient("plain").GetAsync(new Uri(a.BaseUri, "pay"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("elsewhere", response.Headers.GetValues("X-Region").Single());
        }

        Assert.Equal(1, elsewhere.Count);
    }

    /// <summary>A primary handler made of another, as a <c>GrpcWebHandler</c> is.</summary>
    private sealed class PassThrough(HttpMessageHandler inner) : DelegatingHandler(inner);
}
