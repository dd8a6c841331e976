using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Regions;
using SlaKit.Sip;
using SlaKit.Telemetry;

namespace SlaKit.Tests.Regions;

/// <summary>One registry, one set of health checks and one health gauge for every protocol's failover clients.</summary>
public sealed class RegionHealthMonitorRegistryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    private ServiceProvider Container(Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton<TimeProvider>(_time);
        services.AddHttpClient("payments").AddRegionFailover(o =>
        {
            o.WarmUp = false;
            o.Regions.Add(new Region("eu", new Uri("http://eu.payments.invalid/")));
            o.Regions.Add(new Region("us", new Uri("http://us.payments.invalid/")) { Priority = 1 });
        });
        services.AddSipFailover("carrier", o =>
        {
            o.Regions.Add(new Region("primary", new Uri("sip:127.0.0.1:5071")));
            o.Regions.Add(new Region("backup", new Uri("sip:127.0.0.1:5072")) { Priority = 1 });
        });
        services.AddHealthChecks().AddRegionHealthChecks();
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Http_and_sip_clients_are_found_by_name_in_one_registry()
    {
        await using ServiceProvider provider = Container();
        IRegionHealthMonitorRegistry registry = provider.GetRequiredService<IRegionHealthMonitorRegistry>();

        Assert.Equal(["carrier", "payments"], registry.ClientNames.Order(StringComparer.Ordinal));
        Assert.Same(provider.GetRequiredKeyedService<SipFailoverClient>("carrier"), registry.GetMonitor("carrier"));
        Assert.Equal(["eu", "us"], registry.GetMonitor("payments").GetStatus().Select(s => s.Region.Name));
        ArgumentException unknown = Assert.Throws<ArgumentException>("clientName", () => registry.GetMonitor("nobody"));
        Assert.Contains("No client named 'nobody' fails over between regions.", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>("clientName", () => registry.GetMonitor(null!));
    }

    [Fact]
    public async Task A_sip_client_has_a_region_health_check_like_an_http_client()
    {
        await using ServiceProvider provider = Container();
        SipFailoverClient carrier = provider.GetRequiredKeyedService<SipFailoverClient>("carrier");
        carrier.ReportProbeResult("primary", RegionHealth.Unhealthy, "no answer");
        carrier.ReportProbeResult("primary", RegionHealth.Unhealthy, "no answer");

        HealthReport report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, report.Entries["slakit-regions-payments"].Status);
        HealthReportEntry sip = report.Entries["slakit-regions-carrier"];
        Assert.Equal(HealthStatus.Degraded, sip.Status);
        Assert.Equal("Unhealthy", sip.Data["primary"]);
        Assert.Equal("Healthy", sip.Data["backup"]);
    }

    [Fact]
    public async Task The_health_gauge_shows_sip_regions_next_to_http_regions()
    {
        await using ServiceProvider provider = Container();
        IMeterFactory scope = provider.GetRequiredService<IMeterFactory>();
        SipFailoverClient carrier = provider.GetRequiredKeyedService<SipFailoverClient>("carrier");
        _ = provider.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor("payments");
        carrier.ReportProbeResult("backup", RegionHealth.Degraded, "MOS 3.1");

        var gauge = new List<(string Client, string Region, int Value)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SlaKitInstrumentation.MeterName && ReferenceEquals(instrument.Meter.Scope, scope) && instrument.Name == "slakit.region.health")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            var byKey = tags.ToArray().ToDictionary(t => t.Key, t => (string)t.Value!);
            gauge.Add((byKey["client"], byKey["region"], value));
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(
            [("carrier", "backup", 1), ("carrier", "primary", 2), ("payments", "eu", 2), ("payments", "us", 2)],
            gauge.Order());
    }

    [Fact]
    public async Task An_http_and_a_sip_client_of_one_name_are_refused()
    {
        await using ServiceProvider provider = Container(services => services.AddSipFailover("payments", o => o.Regions.Add(new Region("only", new Uri("sip:127.0.0.1:5073")))));

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IRegionHealthMonitorRegistry>());

        Assert.Contains("'payments'", error.Message, StringComparison.Ordinal);
        Assert.Contains("give them different names", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sip_health_listener_that_throws_does_not_undo_the_change()
    {
        await using ServiceProvider provider = Container();
        SipFailoverClient carrier = provider.GetRequiredKeyedService<SipFailoverClient>("carrier");
        int heard = 0;
        carrier.HealthChanged += (_, _) =>
        {
            heard++;
            throw new InvalidOperationException("listener bug");
        };

        carrier.ReportProbeResult("primary", RegionHealth.Degraded, "MOS 3.2");

        Assert.Equal(1, heard);
        Assert.Equal(RegionHealth.Degraded, carrier.GetStatus()[0].Health);
    }

    [Fact]
    public async Task A_sip_client_made_without_a_container_leaves_the_health_gauge_when_disposed()
    {
        string name = "standalone-" + Guid.NewGuid().ToString("N");
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("primary", new Uri("sip:127.0.0.1:5074")));
        var client = new SipFailoverClient(name, options, _time);
        var seen = new List<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SlaKitInstrumentation.MeterName && instrument.Meter.Scope is null && instrument.Name == "slakit.region.health")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, _, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "client" && (string?)tag.Value == name)
                {
                    seen.Add(name);
                }
            }
        });
        listener.Start();

        listener.RecordObservableInstruments();
        Assert.Single(seen);

        await client.DisposeAsync();
        seen.Clear();
        listener.RecordObservableInstruments();
        Assert.Empty(seen);
    }

    [Fact]
    public void One_client_registered_twice_by_its_protocol_is_one_client()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        static IRegionHealthMonitor None(IServiceProvider _) => throw new InvalidOperationException("not resolved here");

        var registry = new RegionHealthMonitorRegistry(services, [new("payments", "http", None), new("payments", "http", None), new("orders", "http", None)]);

        Assert.Equal(["payments", "orders"], registry.ClientNames);
    }
}
