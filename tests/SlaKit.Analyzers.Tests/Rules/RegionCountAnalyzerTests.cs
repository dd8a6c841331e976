using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.Analyzers.Rules;
using SlaKit.Analyzers.Tests.Infrastructure;

namespace SlaKit.Analyzers.Tests.Rules;

public sealed class RegionCountAnalyzerTests
{
    /// <summary>
    /// Stand-ins for the SIP failover API, declared in the test source so the by-name lookup can be tested whether
    /// or not the referenced SlaKit has it yet.
    /// </summary>
    private const string SipApi = """
        namespace SlaKit.Sip
        {
            public sealed class SipFailoverOptions
            {
                public IList<Region> Regions { get; set; } = new List<Region>();
            }

            public static class SipFailoverServiceCollectionExtensions
            {
                public static IServiceCollection AddSipFailover(this IServiceCollection services, Action<SipFailoverOptions> configure) => services;
            }

            public sealed class SipRegionSelector
            {
                public SipRegionSelector(IEnumerable<Region> regions) { }

                public SipRegionSelector(SipFailoverOptions options) { }
            }
        }
        """;

    private static DiagnosticResult Expected(int location, string api, string count) =>
        AnalyzerTest.Diagnostic<RegionCountAnalyzer>(location, api, count);

    private static Task Verify(string body, params DiagnosticResult[] expected) =>
        AnalyzerTest.RunAsync<RegionCountAnalyzer>(AnalyzerTest.InStartup(body), expected);

    private static Task VerifySip(string body, params DiagnosticResult[] expected) =>
        AnalyzerTest.RunAsync<RegionCountAnalyzer>("using SlaKit.Sip;\n" + AnalyzerTest.InStartup(body, SipApi), expected);

    [Fact]
    public Task One_region_added_in_the_configure_lambda_is_reported_at_the_call() => Verify(
        """
        services.AddHttpClient("payments").{|#0:AddRegionFailover|}(options =>
        {
            options.Regions.Add(new Region("eu-west", new Uri("https://eu-west.payments.example/")));
            options.AttemptTimeout = TimeSpan.FromSeconds(2);
        });
        """,
        Expected(0, "AddRegionFailover", "1 region"));

    [Fact]
    public Task An_expression_bodied_lambda_with_one_add_is_reported() => Verify(
        """services.AddHttpClient("payments").{|#0:AddRegionFailover|}(o => o.Regions.Add(new Region("eu-west", new Uri("https://eu.example/"))));""",
        Expected(0, "AddRegionFailover", "1 region"));

    [Fact]
    public Task A_lambda_that_adds_no_region_is_reported() => Verify(
        """services.AddHttpClient("payments").{|#0:AddRegionFailover|}(o => o.AttemptTimeout = TimeSpan.FromSeconds(1));""",
        Expected(0, "AddRegionFailover", "no regions"));

    [Fact]
    public Task Two_regions_are_enough() => Verify(
        """
        services.AddHttpClient("payments").AddRegionFailover(options =>
        {
            options.Regions.Add(new Region("eu-west", new Uri("https://eu-west.payments.example/")));
            options.Regions.Insert(0, new Region("eu-central", new Uri("https://eu-central.payments.example/")) { Priority = 1 });
        });
        """);

    [Fact]
    public Task Regions_added_in_a_loop_cannot_be_counted() => Verify(
        """
        var endpoints = new[] { "https://eu.example/" };
        services.AddHttpClient("payments").AddRegionFailover(options =>
        {
            foreach (var endpoint in endpoints)
            {
                options.Regions.Add(new Region(endpoint, new Uri(endpoint)));
            }
        });
        """);

    [Fact]
    public Task A_region_added_under_a_condition_cannot_be_counted() => Verify(
        """
        bool withFallback = configuration["Fallback"] == "on";
        services.AddHttpClient("payments").AddRegionFailover(options =>
        {
            options.Regions.Add(new Region("eu-west", new Uri("https://eu-west.example/")));
            if (withFallback)
            {
                options.Regions.Add(new Region("eu-central", new Uri("https://eu-central.example/")));
            }
        });
        """);

    [Fact]
    public Task Options_handed_to_another_method_cannot_be_counted() => AnalyzerTest.RunAsync<RegionCountAnalyzer>(AnalyzerTest.InStartup(
        """
        services.AddHttpClient("payments").AddRegionFailover(options =>
        {
            options.Regions.Add(new Region("eu-west", new Uri("https://eu-west.example/")));
            AddFallback(options);
        });
        """,
        startupMembers: """
            private static void AddFallback(RegionFailoverOptions options) =>
                options.Regions.Add(new Region("eu-central", new Uri("https://eu-central.example/")));
            """));

    [Fact]
    public Task A_method_group_cannot_be_counted() => AnalyzerTest.RunAsync<RegionCountAnalyzer>(AnalyzerTest.InStartup(
        """services.AddHttpClient("payments").AddRegionFailover(OneRegion);""",
        startupMembers: """
            private static void OneRegion(RegionFailoverOptions options) =>
                options.Regions.Add(new Region("eu", new Uri("https://eu.example/")));
            """));

    [Fact]
    public Task Regions_bound_from_configuration_are_left_to_SLA0004() => Verify(
        """
        services.AddHttpClient("payments").AddRegionFailover(configuration.GetSection("Payments"));
        services.AddHttpClient("orders").AddRegionFailover();
        services.AddHttpClient("stock").AddRegionFailover(configuration.GetSection("Stock"), o => o.AttemptTimeout = TimeSpan.FromSeconds(1));
        """);

    [Fact]
    public Task Regions_bound_to_the_clients_named_options_elsewhere_leave_the_count_unknown()
    {
        var test = AnalyzerTest.For<RegionCountAnalyzer>(AnalyzerTest.InStartup(
            """
            services.Configure<RegionFailoverOptions>("payments", configuration.GetSection("Payments"));
            services.AddHttpClient("payments").AddRegionFailover(o => o.AttemptTimeout = TimeSpan.FromSeconds(2));
            """));
        test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(OptionsConfigurationServiceCollectionExtensions).Assembly.Location));
        test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Configuration.BinderOptions).Assembly.Location));
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("""services.AddOptions<RegionFailoverOptions>("payments").Configure(o => o.Regions.Add(new Region("eu-central", new Uri("https://eu-central.example/"))));""")]
    [InlineData("""services.ConfigureAll<RegionFailoverOptions>(o => o.Regions.Add(new Region("eu-central", new Uri("https://eu-central.example/"))));""")]
    [InlineData("""services.PostConfigure<RegionFailoverOptions>("payments", o => o.Regions.Add(new Region("eu-central", new Uri("https://eu-central.example/"))));""")]
    [InlineData("""services.AddSingleton<Microsoft.Extensions.Options.IConfigureOptions<RegionFailoverOptions>>(new Microsoft.Extensions.Options.ConfigureNamedOptions<RegionFailoverOptions>("payments", o => { }));""")]
    public Task Regions_added_through_the_options_pattern_elsewhere_leave_the_count_unknown(string elsewhere) => Verify(
        elsewhere + "\n" +
        """services.AddHttpClient("payments").AddRegionFailover(o => o.Regions.Add(new Region("eu-west", new Uri("https://eu-west.example/"))));""");

    [Fact]
    public Task A_class_of_the_project_configuring_the_options_leaves_the_count_unknown() => AnalyzerTest.RunAsync<RegionCountAnalyzer>(AnalyzerTest.InStartup(
        """services.AddHttpClient("payments").AddRegionFailover(o => o.Regions.Add(new Region("eu-west", new Uri("https://eu-west.example/"))));""",
        """
        public sealed class PaymentsRegions : Microsoft.Extensions.Options.IConfigureNamedOptions<RegionFailoverOptions>
        {
            public void Configure(RegionFailoverOptions options) { }

            public void Configure(string? name, RegionFailoverOptions options) =>
                options.Regions.Add(new Region("eu-central", new Uri("https://eu-central.example/")));
        }
        """));

    [Fact]
    public Task Other_options_configured_elsewhere_leave_the_count_known() => AnalyzerTest.RunAsync<RegionCountAnalyzer>(AnalyzerTest.InStartup(
        """
        services.Configure<PaymentsSettings>("payments", o => o.Retries = 2);
        services.AddHttpClient("payments").{|#0:AddRegionFailover|}(o => o.Regions.Add(new Region("eu-west", new Uri("https://eu-west.example/"))));
        """,
        """
        public sealed class PaymentsSettings
        {
            public int Retries { get; set; }
        }
        """),
        Expected(0, "AddRegionFailover", "1 region"));

    [Fact]
    public Task A_user_method_named_like_a_SIP_entry_point_is_ignored_when_SlaKit_has_no_SIP_API() =>
        AnalyzerTest.RunAsync<RegionCountAnalyzer>(AnalyzerTest.InStartup(
            """services.AddSipFailover(o => o.Regions.Add(new Region("a", new Uri("https://a.example/"))));""",
            """
            public sealed class MyOptions
            {
                public IList<Region> Regions { get; } = new List<Region>();
            }

            public static class MyExtensions
            {
                public static IServiceCollection AddSipFailover(this IServiceCollection services, Action<MyOptions> configure) => services;
            }
            """));

    [Fact]
    public Task SIP_failover_with_one_region_is_reported() => VerifySip(
        """services.{|#0:AddSipFailover|}(o => o.Regions.Add(new Region("carrier-a", new Uri("sip:proxy-a.carrier.example:5060"))));""",
        Expected(0, "AddSipFailover", "1 region"));

    [Fact]
    public Task SIP_failover_regions_assigned_as_a_collection_expression_are_counted() => VerifySip(
        """
        services.{|#0:AddSipFailover|}(o => o.Regions = [new Region("carrier-a", new Uri("sip:proxy-a.carrier.example"))]);
        services.AddSipFailover(o => o.Regions = [new Region("a", new Uri("sip:a.example")), new Region("b", new Uri("sip:b.example"))]);
        """,
        Expected(0, "AddSipFailover", "1 region"));

    [Fact]
    public Task A_SIP_region_selector_over_one_region_is_reported() => VerifySip(
        """
        var selector = new {|#0:SipRegionSelector|}(new[] { new Region("carrier-a", new Uri("sip:proxy-a.carrier.example")) });
        var fromOptions = new {|#1:SipRegionSelector|}(new SipFailoverOptions { Regions = { new Region("a", new Uri("sip:a.example")) } });
        var enough = new SipRegionSelector(new List<Region> { new("a", new Uri("sip:a.example")), new("b", new Uri("sip:b.example")) });
        """,
        Expected(0, "SipRegionSelector", "1 region"),
        Expected(1, "SipRegionSelector", "1 region"));

    [Fact]
    public Task A_spread_into_the_regions_cannot_be_counted() => VerifySip(
        """
        Region[] others = [new Region("b", new Uri("sip:b.example"))];
        var selector = new SipRegionSelector([new Region("a", new Uri("sip:a.example")), .. others]);
        IEnumerable<Region> regions = others;
        var fromVariable = new SipRegionSelector(regions);
        """);

    [Fact]
    public Task The_rule_can_be_turned_off_in_editorconfig()
    {
        var test = AnalyzerTest.For<RegionCountAnalyzer>(
            AnalyzerTest.InStartup("""services.AddHttpClient("payments").AddRegionFailover(o => o.Regions.Add(new Region("a", new Uri("https://a.example/"))));"""));
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\ndotnet_diagnostic.SLA0001.severity = none\n"));
        return test.RunAsync(TestContext.Current.CancellationToken);
    }
}
