using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>Options bound from configuration, as appsettings.json gives them, drive real failover.</summary>
public sealed class ConfigurationBindingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Settings(string prefix, Uri primary, Uri secondary) => new()
    {
        [$"{prefix}:Regions:0:Name"] = "eu-west",
        [$"{prefix}:Regions:0:Endpoint"] = new Uri(secondary, "eu/").ToString(),
        [$"{prefix}:Regions:0:Priority"] = "1",
        [$"{prefix}:Regions:0:Weight"] = "3",
        [$"{prefix}:Regions:0:Availability"] = "99.95",
        [$"{prefix}:Regions:1:Name"] = "us-east",
        [$"{prefix}:Regions:1:Endpoint"] = primary.ToString(),
        [$"{prefix}:Regions:1:Availability"] = "99.9%",
        [$"{prefix}:AttemptTimeout"] = "00:00:02",
        [$"{prefix}:TotalTimeout"] = "00:00:04",
        [$"{prefix}:Hedging"] = "Fixed",
        [$"{prefix}:HedgingDelay"] = "00:00:01.500", // longer than a cold first request on a loaded machine, so the first answer is the primary's
        [$"{prefix}:FailuresToMarkDown"] = "1",
        [$"{prefix}:FailbackDelay"] = "00:00:01",
        [$"{prefix}:IdempotentMethods:0"] = "slakit.payments.Payments/GetCharge",
    };

    private static void AssertBound(RegionFailoverOptions options, Uri primary, Uri secondary)
    {
        Assert.Equal(2, options.Regions.Count);
        Region eu = options.Regions[0];
        Region us = options.Regions[1];
        Assert.Equal("eu-west", eu.Name);
        Assert.Equal(new Uri(secondary, "eu/"), eu.Endpoint);
        Assert.Equal(1, eu.Priority);
        Assert.Equal(3, eu.Weight);
        Assert.Equal(Availability.FromPercent(99.95), eu.Availability);
        Assert.Equal("us-east", us.Name);
        Assert.Equal(primary, us.Endpoint);
        Assert.Equal(0, us.Priority);
        Assert.Equal(1, us.Weight);
        Assert.Equal(Availability.FromPercent(99.9), us.Availability);
        Assert.Equal(TimeSpan.FromSeconds(2), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(4), options.TotalTimeout);
        Assert.Equal(HedgingMode.Fixed, options.Hedging);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.HedgingDelay);
        Assert.Equal(1, options.FailuresToMarkDown);
        Assert.Equal(TimeSpan.FromSeconds(1), options.FailbackDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), options.BreakDuration); // not in the section: the default stays
        Assert.Equal(["slakit.payments.Payments/GetCharge"], options.IdempotentMethods);
    }

    [Fact]
    public async Task A_configuration_section_binds_regions_with_priority_weight_and_availability_and_they_fail_over()
    {
        await using RegionServer us = await RegionServer.StartAsync("us-east");
        await using RegionServer eu = await RegionServer.StartAsync("eu-west");
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings("Payments", us.BaseUri, eu.BaseUri)).Build();
        var services = new ServiceCollection();
        services.AddHttpClient("payments", c => c.BaseAddress = new Uri("http://payments.invalid/"))
            .AddRegionFailover(configuration.GetSection("Payments"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        AssertBound(provider.GetRequiredService<IOptionsMonitor<RegionFailoverOptions>>().Get("payments"), us.BaseUri, eu.BaseUri);

        HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("payments");
        using (HttpResponseMessage response = await http.GetAsync("charges?id=1", Ct))
        {
            Assert.Equal("us-east", response.Headers.GetValues("X-Region").Single());
        }

        us.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        using (HttpResponseMessage response = await http.GetAsync("charges?id=2", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("eu-west", response.Headers.GetValues("X-Region").Single());
        }

        Assert.Equal("/eu/charges?id=2", Assert.Single(eu.Received).PathAndQuery);
    }

    [Fact]
    public async Task The_parameterless_overload_reads_slakit_clients_client_name_from_the_host_configuration()
    {
        await using RegionServer us = await RegionServer.StartAsync("us-east");
        await using RegionServer eu = await RegionServer.StartAsync("eu-west");
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(Settings($"{RegionFailoverHttpClientBuilderExtensions.ConfigurationSectionPrefix}:payments", us.BaseUri, eu.BaseUri));
        builder.Services.AddHttpClient("payments").AddRegionFailover();
        using IHost host = builder.Build();
        await host.StartAsync(Ct);

        AssertBound(host.Services.GetRequiredService<IOptionsMonitor<RegionFailoverOptions>>().Get("payments"), us.BaseUri, eu.BaseUri);
        us.Behaviour = RegionServer.Status(HttpStatusCode.BadGateway);
        HttpClient http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("payments");
        using (HttpResponseMessage response = await http.GetAsync(new Uri("http://payments.invalid/charges"), Ct))
        {
            Assert.Equal("eu-west", response.Headers.GetValues("X-Region").Single());
        }

        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_missing_section_fails_start_up()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHttpClient("payments").AddRegionFailover();
        using IHost host = builder.Build();

        OptionsValidationException failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains(failure.Failures, f => f.Contains("has no regions", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("no region entries at SlaKit:Clients:payments:Regions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_typed_clients_section_is_named_after_its_type_and_the_error_says_so()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHttpClient<PaymentsClient>().AddRegionFailover();
        using IHost host = builder.Build();

        OptionsValidationException failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains(failure.Failures, f => f.Contains("no region entries at SlaKit:Clients:PaymentsClient:Regions", StringComparison.Ordinal));
    }

    private sealed class PaymentsClient(HttpClient http)
    {
        public HttpClient Http { get; } = http;
    }

    [Fact]
    public async Task A_bad_value_in_configuration_fails_start_up()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Payments:Regions:0:Name"] = "a",
            ["Payments:Regions:0:Endpoint"] = "ftp://127.0.0.1/",
            ["Payments:AttemptTimeout"] = "00:00:00",
        });
        builder.Services.AddHttpClient("payments").AddRegionFailover(builder.Configuration.GetSection("Payments"));
        using IHost host = builder.Build();

        OptionsValidationException failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains(failure.Failures, f => f.Contains("not an absolute http or https URI", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("AttemptTimeout (00:00:00) must be positive", StringComparison.Ordinal));
    }

    public static TheoryData<string, string?, string> DroppedEntries => new()
    {
        { "Availability", "abc", "has Availability 'abc', which is not a percentage" },
        { "Availability", "NaN", "has Availability 'NaN', which is not a percentage" },
        { "Availability", "150", "has Availability '150', which is not a percentage" },
        { "Availability", "99,95", "has Availability '99,95', which is not a percentage" },
        { "Endpoint", "", "has no Endpoint" },
        { "Endpoint", null, "has no Endpoint" },
        { "Endpoint", "http://", "has Endpoint 'http://', which is not an absolute URI" },
        { "Name", null, "has no Name" },
        { "Name", "  ", "has no Name" },
        { "Weight", "heavy", "has Weight 'heavy', which is not a whole number" },
        { "Priority", "2147483648", "has Priority '2147483648', which is not a whole number" },
    };

    [Theory]
    [MemberData(nameof(DroppedEntries))]
    public async Task A_region_entry_that_binding_would_drop_fails_start_up_naming_its_index_and_field(string field, string? value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Payments:Regions:0:Name"] = "a",
            ["Payments:Regions:0:Endpoint"] = "http://127.0.0.1:1/",
            ["Payments:Regions:1:Name"] = "b",
            ["Payments:Regions:1:Endpoint"] = "http://127.0.0.1:2/",
            ["Payments:Regions:2:Name"] = "c",
            ["Payments:Regions:2:Endpoint"] = "http://127.0.0.1:3/",
        };
        settings.Remove($"Payments:Regions:2:{field}");
        if (value is not null)
        {
            settings[$"Payments:Regions:2:{field}"] = value;
        }

        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddHttpClient("payments").AddRegionFailover(builder.Configuration.GetSection("Payments"));
        using IHost host = builder.Build();

        OptionsValidationException failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        string line = Assert.Single(failure.Failures, f => f.Contains("region entry", StringComparison.Ordinal));
        Assert.StartsWith("Client 'payments': region entry 2 (Payments:Regions:2) ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dropped_entry_under_the_default_section_fails_start_up_too()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SlaKit:Clients:payments:Regions:0:Name"] = "a",
            ["SlaKit:Clients:payments:Regions:0:Endpoint"] = "http://127.0.0.1:1/",
            ["SlaKit:Clients:payments:Regions:1:Name"] = "b",
            ["SlaKit:Clients:payments:Regions:1:Endpoint"] = "http://127.0.0.1:2/",
            ["SlaKit:Clients:payments:Regions:1:Weight"] = "heavy",
        });
        builder.Services.AddHttpClient("payments").AddRegionFailover();
        using IHost host = builder.Build();

        OptionsValidationException failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains(failure.Failures, f => f.Contains("region entry 1 (SlaKit:Clients:payments:Regions:1) has Weight 'heavy'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_configured_from_settings_alone_takes_relative_uris()
    {
        await using RegionServer us = await RegionServer.StartAsync("us-east");
        await using RegionServer eu = await RegionServer.StartAsync("eu-west");
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings("Payments", us.BaseUri, eu.BaseUri)).Build();
        var services = new ServiceCollection();
        services.AddHttpClient("payments").AddRegionFailover(configuration.GetSection("Payments"));
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("payments");

        using HttpResponseMessage response = await http.GetAsync("charges?id=1", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("us-east", response.Headers.GetValues("X-Region").Single());
        Assert.Equal("/charges?id=1", Assert.Single(us.Received).PathAndQuery);
    }

    [Fact]
    public async Task A_base_address_the_caller_sets_is_kept()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/api/"))
            .AddRegionFailover(o => o.Regions.Add(new Region("a", new Uri("http://127.0.0.1:1/"))));
        await using ServiceProvider provider = services.BuildServiceProvider();

        HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("payments");

        Assert.Equal(new Uri("https://payments.example/api/"), http.BaseAddress);
    }

    [Fact]
    public async Task Code_adjusts_what_configuration_binds()
    {
        await using RegionServer us = await RegionServer.StartAsync("us-east");
        await using RegionServer eu = await RegionServer.StartAsync("eu-west");
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings("Payments", us.BaseUri, eu.BaseUri)).Build();
        var services = new ServiceCollection();
        services.AddHttpClient("payments", c => c.BaseAddress = new Uri("http://payments.invalid/"))
            .AddRegionFailover(configuration.GetSection("Payments"), o =>
            {
                o.Regions.Add(new Region("ap-south", new Uri("http://127.0.0.1:9/")) { Priority = 2 });
                o.Hedging = HedgingMode.Off;
            });
        await using ServiceProvider provider = services.BuildServiceProvider();

        RegionFailoverOptions options = provider.GetRequiredService<IOptionsMonitor<RegionFailoverOptions>>().Get("payments");

        Assert.Equal(["eu-west", "us-east", "ap-south"], options.Regions.Select(r => r.Name));
        Assert.Equal(HedgingMode.Off, options.Hedging);
        Assert.Equal(TimeSpan.FromSeconds(2), options.AttemptTimeout);
    }

    [Fact]
    public async Task Bound_weights_share_traffic_between_regions_of_one_priority()
    {
        await using RegionServer light = await RegionServer.StartAsync("light");
        await using RegionServer heavy = await RegionServer.StartAsync("heavy");
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Payments:Regions:0:Name"] = "light",
            ["Payments:Regions:0:Endpoint"] = light.BaseUri.ToString(),
            ["Payments:Regions:0:Weight"] = "1",
            ["Payments:Regions:1:Name"] = "heavy",
            ["Payments:Regions:1:Endpoint"] = heavy.BaseUri.ToString(),
            ["Payments:Regions:1:Weight"] = "4",
        }).Build();
        var services = new ServiceCollection();
        services.AddHttpClient("payments", c => c.BaseAddress = new Uri("http://payments.invalid/")).AddRegionFailover(configuration.GetSection("Payments"));
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("payments");

        for (int i = 0; i < 60; i++)
        {
            using HttpResponseMessage response = await http.GetAsync("pay", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Expected 12 and 48; a share outside [2, 30] for the light region has odds below one in a million.
        Assert.Equal(60, light.Count + heavy.Count);
        Assert.InRange(light.Count, 2, 30);
        Assert.True(heavy.Count > light.Count, string.Create(CultureInfo.InvariantCulture, $"light {light.Count}, heavy {heavy.Count}"));
    }
}
