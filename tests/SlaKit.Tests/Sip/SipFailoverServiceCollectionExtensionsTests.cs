using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Regions;
using SlaKit.Sip;

namespace SlaKit.Tests.Sip;

public class SipFailoverServiceCollectionExtensionsTests
{
    [Fact]
    public async Task Registers_a_keyed_client_per_name_with_its_own_options()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddSipFailover("carrier", o =>
        {
            o.Regions.Add(new Region("eu", new Uri("sip:10.0.0.1")));
            o.Regions.Add(new Region("us", new Uri("sip:10.0.1.1")) { Priority = 1 });
        });
        services.AddSipFailover("registrar", o => o.Regions.Add(new Region("only", new Uri("sip:10.0.2.1;transport=tcp"))));
        await using ServiceProvider provider = services.BuildServiceProvider();

        SipFailoverClient carrier = provider.GetRequiredKeyedService<SipFailoverClient>("carrier");
        SipFailoverClient registrar = provider.GetRequiredKeyedService<SipFailoverClient>("registrar");

        Assert.Same(carrier, provider.GetRequiredKeyedService<SipFailoverClient>("carrier"));
        Assert.Equal("carrier", carrier.ClientName);
        Assert.Equal(["eu", "us"], carrier.Regions.Select(r => r.Name));
        Assert.Equal(["only"], registrar.Regions.Select(r => r.Name));
    }

    [Fact]
    public async Task Binds_regions_with_sip_endpoints_from_configuration()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Regions:0:Name"] = "eu",
            ["Regions:0:Endpoint"] = "sip:10.0.0.1:5070;transport=tcp",
            ["Regions:1:Name"] = "us",
            ["Regions:1:Endpoint"] = "sip:10.0.1.1",
            ["Regions:1:Priority"] = "1",
            ["Regions:1:Weight"] = "3",
            ["T1"] = "00:00:00.250",
            ["AttemptTimeout"] = "00:00:02",
            ["ProvisionalTimeout"] = "00:00:00.800",
            ["RingTimeout"] = "00:00:45",
            ["CallFailoverStatusCodes:0"] = "403",
            ["MaxConcurrentCalls:eu"] = "30",
        }).Build();
        var services = new ServiceCollection();
        services.AddSipFailover("carrier", configuration);
        await using ServiceProvider provider = services.BuildServiceProvider();

        SipFailoverOptions options = provider.GetRequiredService<IOptionsMonitor<SipFailoverOptions>>().Get("carrier");
        SipFailoverClient client = provider.GetRequiredKeyedService<SipFailoverClient>("carrier");

        Assert.Equal(TimeSpan.FromMilliseconds(250), options.T1);
        Assert.Equal(TimeSpan.FromSeconds(2), options.AttemptTimeout);
        Assert.Equal((TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(45)), (options.ProvisionalTimeout, options.RingTimeout));
        Assert.Equal([403], options.CallFailoverStatusCodes);
        Assert.Equal(30, options.MaxConcurrentCalls["EU"]);
        Assert.Equal(3, options.Regions[1].Weight);
        Assert.Equal(1, options.Regions[1].Priority);
        Assert.Equal(new SipTarget("10.0.0.1", 5070, SipTransportProtocol.Tcp), SipTarget.FromUri(client.Regions[0].Endpoint));
    }

    [Fact]
    public async Task Invalid_options_fail_validation_when_the_client_is_resolved()
    {
        var services = new ServiceCollection();
        services.AddSipFailover("carrier", o => o.Regions.Add(new Region("web", new Uri("https://example.com/"))));
        await using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<SipFailoverClient>("carrier"));

        Assert.Contains("Region 'web' of SIP client 'carrier'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_from_starting_before_any_client_is_resolved()
    {
        var services = new ServiceCollection();
        services.AddSipFailover("carrier", o => o.Regions.Add(new Region("eu", new Uri("sip:10.0.0.1"))));
        services.AddSipFailover("broken", o => o.T1 = TimeSpan.Zero);
        await using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal("broken", error.OptionsName);
        Assert.Contains("SIP client 'broken': T1 (00:00:00)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Endpoint", "sip://[::1", "has Endpoint 'sip://[::1', which is not an absolute URI")]
    [InlineData("Priority", "2147483648", "has Priority '2147483648', which is not a whole number")]
    [InlineData("Weight", "heavy", "has Weight 'heavy', which is not a whole number")]
    [InlineData("Name", "", "has no Name")]
    public async Task A_region_entry_that_binding_would_drop_fails_validation_naming_its_index_and_field(string field, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Regions:0:Name"] = "eu",
            ["Regions:0:Endpoint"] = "sip:10.0.0.1",
            ["Regions:1:Name"] = "us",
            ["Regions:1:Endpoint"] = "sip:10.0.1.1",
        };
        settings[$"Regions:1:{field}"] = value;
        var services = new ServiceCollection();
        services.AddSipFailover("carrier", new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<SipFailoverClient>("carrier"));

        string line = Assert.Single(error.Failures, f => f.Contains("region entry", StringComparison.Ordinal));
        Assert.StartsWith("Client 'carrier': region entry 1 (Regions:1) ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Arguments_are_checked()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>("name", () => services.AddSipFailover("", _ => { }));
        Assert.Throws<ArgumentException>("name", () => services.AddSipFailover(" ", new ConfigurationBuilder().Build()));
        Assert.Throws<ArgumentNullException>("services", () => ((IServiceCollection)null!).AddSipFailover("a", _ => { }));
        Assert.Throws<ArgumentNullException>("services", () => ((IServiceCollection)null!).AddSipFailover("a", new ConfigurationBuilder().Build()));
        Assert.Throws<ArgumentNullException>("configure", () => services.AddSipFailover("a", (Action<SipFailoverOptions>)null!));
        Assert.Throws<ArgumentNullException>("configuration", () => services.AddSipFailover("a", (IConfiguration)null!));
    }
}
