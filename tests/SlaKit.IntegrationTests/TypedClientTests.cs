using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>Typed clients (<c>AddHttpClient&lt;TClient&gt;()</c>) fail over like named ones, under their type's name.</summary>
public sealed class TypedClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed class PaymentsApi(HttpClient http)
    {
        public async Task<string> ChargeRegionAsync(int id, CancellationToken cancellationToken)
        {
            using HttpResponseMessage response = await http.GetAsync($"charges/{id}", cancellationToken);
            response.EnsureSuccessStatusCode();
            return response.Headers.GetValues("X-Region").Single();
        }
    }

    public sealed class LedgerApi(HttpClient http)
    {
        public HttpClient Http { get; } = http;
    }

    [Fact]
    public async Task A_typed_client_fails_over_and_is_monitored_under_its_type_name()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        var services = new ServiceCollection();
        services.AddHttpClient<PaymentsApi>(c => c.BaseAddress = new Uri("http://payments.invalid/"))
            .AddRegionFailover(o =>
            {
                o.Regions.Add(new Region("a", a.BaseUri));
                o.Regions.Add(new Region("b", new Uri(b.BaseUri, "typed/")) { Priority = 1 });
            });
        await using ServiceProvider provider = services.BuildServiceProvider();

        PaymentsApi api = provider.GetRequiredService<PaymentsApi>();
        Assert.Equal("b", await api.ChargeRegionAsync(1, Ct));
        Assert.Equal("b", await api.ChargeRegionAsync(2, Ct));
        // A new instance of the typed client shares the region health of the first.
        Assert.Equal("b", await provider.GetRequiredService<PaymentsApi>().ChargeRegionAsync(3, Ct));

        Assert.Equal(2, a.Count);
        Assert.Equal(["/typed/charges/1", "/typed/charges/2", "/typed/charges/3"], b.Received.Select(r => r.PathAndQuery));
        var registry = provider.GetRequiredService<IRegionHealthMonitorRegistry>();
        Assert.Equal([nameof(PaymentsApi)], registry.ClientNames);
        Assert.Equal(RegionHealth.Unhealthy, registry.GetMonitor(nameof(PaymentsApi)).GetStatus()[0].Health);
    }

    [Fact]
    public async Task Two_typed_clients_keep_separate_regions_and_health()
    {
        await using RegionServer payments = await RegionServer.StartAsync("payments");
        await using RegionServer ledger = await RegionServer.StartAsync("ledger");
        await using RegionServer spare = await RegionServer.StartAsync("spare");
        payments.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SlaKit:Clients:LedgerApi:Regions:0:Name"] = "ledger",
            ["SlaKit:Clients:LedgerApi:Regions:0:Endpoint"] = ledger.BaseUri.ToString(),
        });
        builder.Services.AddHttpClient<PaymentsApi>(c => c.BaseAddress = new Uri("http://payments.invalid/"))
            .AddRegionFailover(o =>
            {
                o.Regions.Add(new Region("payments", payments.BaseUri));
                o.Regions.Add(new Region("spare", spare.BaseUri) { Priority = 1 });
            });
        builder.Services.AddHttpClient<LedgerApi>(c => c.BaseAddress = new Uri("http://ledger.invalid/")).AddRegionFailover();
        using IHost host = builder.Build();
        await host.StartAsync(Ct);

        Assert.Equal("spare", await host.Services.GetRequiredService<PaymentsApi>().ChargeRegionAsync(1, Ct));
        using (HttpResponseMessage response = await host.Services.GetRequiredService<LedgerApi>().Http.GetAsync("entries", Ct))
        {
            Assert.Equal("ledger", response.Headers.GetValues("X-Region").Single());
        }

        var registry = host.Services.GetRequiredService<IRegionHealthMonitorRegistry>();
        Assert.Equal(["LedgerApi", "PaymentsApi"], registry.ClientNames.Order(StringComparer.Ordinal));
        Assert.Equal(["ledger"], registry.GetMonitor("LedgerApi").GetStatus().Select(s => s.Region.Name));
        Assert.Equal(RegionHealth.Healthy, registry.GetMonitor("LedgerApi").GetStatus()[0].Health);
        // Besides the host's warm-up (HEADs), one request each.
        Assert.Equal(1, payments.CountOf(HttpMethod.Get));
        Assert.Equal(1, ledger.CountOf(HttpMethod.Get));
        await host.StopAsync(Ct);
    }
}
