using Microsoft.CodeAnalysis.Testing;
using SlaKit.Analyzers.Rules;
using SlaKit.Analyzers.Tests.Infrastructure;

namespace SlaKit.Analyzers.Tests.Rules;

public sealed class ConfiguredRegionCountAnalyzerTests
{
    private const string OneRegion = """
        {
          // Comments and trailing commas are allowed, as the JSON configuration provider allows them.
          "Payments": {
            "Regions": [
              { "Name": "eu-west", "Endpoint": "https://eu-west.payments.example/" },
            ],
          },
        }
        """;

    private const string TwoRegions = """
        {
          "Payments": {
            "Regions": [
              { "Name": "eu-west", "Endpoint": "https://eu-west.payments.example/" },
              { "Name": "eu-central", "Endpoint": "https://eu-central.payments.example/", "Priority": 1 }
            ]
          }
        }
        """;

    private static DiagnosticResult Expected(int location, string section, string count, string files) =>
        AnalyzerTest.Diagnostic<ConfiguredRegionCountAnalyzer>(location, "AddRegionFailover", section, count, files);

    private static Task Verify(string body, (string Path, string Json)[] files, params DiagnosticResult[] expected)
    {
        var test = AnalyzerTest.For<ConfiguredRegionCountAnalyzer>(
            AnalyzerTest.InStartup(body, "public sealed class PaymentsClient { public PaymentsClient(HttpClient http) { } }"),
            expected);
        foreach ((string path, string json) in files)
        {
            test.TestState.AdditionalFiles.Add((path, json));
        }

        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public Task A_section_with_one_region_is_reported() => Verify(
        """services.AddHttpClient("payments").{|#0:AddRegionFailover|}(configuration.GetSection("Payments"));""",
        [("/0/appsettings.json", OneRegion)],
        Expected(0, "Payments", "1 region", "appsettings.json"));

    [Fact]
    public Task A_section_with_two_regions_is_not() => Verify(
        """services.AddHttpClient("payments").AddRegionFailover(configuration.GetSection("Payments"));""",
        [("/0/appsettings.json", TwoRegions)]);

    [Fact]
    public Task Section_keys_compare_without_case_and_nest_through_GetSection() => Verify(
        """
        services.AddHttpClient("payments").{|#0:AddRegionFailover|}(configuration.GetSection("Clients").GetSection("PAYMENTS"));
        services.AddHttpClient("orders").{|#1:AddRegionFailover|}(configuration.GetRequiredSection("clients:orders"));
        """,
        [("/0/appsettings.json", """{ "Clients": { "Payments": { "Regions": [ { "Name": "a", "Endpoint": "https://a.example/" } ] }, "Orders": { "Regions": [] } } }""")],
        Expected(0, "Clients:PAYMENTS", "1 region", "appsettings.json"),
        Expected(1, "clients:orders", "no regions", "appsettings.json"));

    [Fact]
    public Task The_parameterless_overload_reads_the_section_named_after_the_client() => Verify(
        """
        services.AddHttpClient("payments").{|#0:AddRegionFailover|}();
        services.AddHttpClient<PaymentsClient>().{|#1:AddRegionFailover|}();
        """,
        [("/0/appsettings.json", """
            {
              "SlaKit": {
                "Clients": {
                  "payments": { "Regions": [ { "Name": "eu-west", "Endpoint": "https://eu-west.payments.example/" } ] },
                  "PaymentsClient": { "Regions": { "0": { "Name": "eu-west", "Endpoint": "https://eu-west.payments.example/" } } }
                }
              }
            }
            """)],
        Expected(0, "SlaKit:Clients:payments", "1 region", "appsettings.json"),
        Expected(1, "SlaKit:Clients:PaymentsClient", "1 region", "appsettings.json"));

    [Fact]
    public Task A_builder_kept_in_a_local_reads_the_section_named_after_its_client() => Verify(
        """
        IHttpClientBuilder payments = services.AddHttpClient("payments").SetHandlerLifetime(TimeSpan.FromMinutes(5));
        payments.{|#0:AddRegionFailover|}();
        """,
        [("/0/appsettings.json", """{ "SlaKit": { "Clients": { "payments": { "Regions": [ { "Name": "eu-west", "Endpoint": "https://eu-west.payments.example/" } ] } } } }""")],
        Expected(0, "SlaKit:Clients:payments", "1 region", "appsettings.json"));

    [Fact]
    public Task Regions_the_options_pattern_adds_elsewhere_may_complete_the_section()
    {
        var test = AnalyzerTest.For<ConfiguredRegionCountAnalyzer>(AnalyzerTest.InStartup(
            """services.AddHttpClient("payments").AddRegionFailover(configuration.GetSection("Payments"));""",
            """
            public static class PaymentsFallback
            {
                public static void Add(IServiceCollection services) =>
                    services.Configure<RegionFailoverOptions>("payments", o => o.Regions.Add(new Region("eu-central", new Uri("https://eu-central.payments.example/"))));
            }
            """));
        test.TestState.AdditionalFiles.Add(("/0/appsettings.json", OneRegion));
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public Task A_section_kept_in_a_local_is_read() => Verify(
        """
        IConfigurationSection payments = configuration.GetSection("Payments");
        services.AddHttpClient("payments").{|#0:AddRegionFailover|}(payments);
        var clients = configuration.GetSection("Clients");
        services.AddHttpClient("orders").{|#1:AddRegionFailover|}(clients.GetSection("Orders"));
        """,
        [("/0/appsettings.json", """
            {
              "Payments": { "Regions": [ { "Name": "eu-west", "Endpoint": "https://eu-west.payments.example/" } ] },
              "Clients": { "Orders": { "Regions": [ { "Name": "eu-west", "Endpoint": "https://eu-west.orders.example/" } ] } }
            }
            """)],
        Expected(0, "Payments", "1 region", "appsettings.json"),
        Expected(1, "Clients:Orders", "1 region", "appsettings.json"));

    [Fact]
    public Task Each_environment_file_is_read_over_the_base_file() => Verify(
        """services.AddHttpClient("payments").{|#0:AddRegionFailover|}(configuration.GetSection("Payments"));""",
        [
            ("/0/appsettings.json", OneRegion),
            // Production adds a second element to the array: two regions there.
            ("/0/appsettings.Production.json", """{ "Payments": { "Regions": [ {}, { "Name": "eu-central", "Endpoint": "https://eu-central.payments.example/" } ] } }"""),
            // Development only changes the first region's endpoint: still one.
            ("/0/appsettings.Development.json", """{ "Payments": { "Regions": [ { "Endpoint": "http://localhost:5000/" } ] } }"""),
        ],
        Expected(0, "Payments", "1 region", "appsettings.Development.json over appsettings.json"));

    [Fact]
    public Task Regions_added_in_code_count_with_the_configured_ones() => Verify(
        """
        services.AddHttpClient("payments").AddRegionFailover(configuration.GetSection("Payments"), o =>
            o.Regions.Add(new Region("eu-central", new Uri("https://eu-central.payments.example/"))));
        """,
        [("/0/appsettings.json", OneRegion)]);

    [Fact]
    public Task Without_settings_files_or_the_section_nothing_is_known() => Verify(
        """
        services.AddHttpClient("payments").AddRegionFailover(configuration.GetSection("Payments"));
        services.AddHttpClient("orders").AddRegionFailover(configuration.GetSection("Orders"));
        services.AddHttpClient("stock").AddRegionFailover(configuration.GetSection(Environment.MachineName));
        """,
        [("/0/appsettings.json", OneRegion.Replace("Payments", "Other", StringComparison.Ordinal)), ("/0/other.json", OneRegion)]);

    [Fact]
    public Task A_file_that_is_not_valid_JSON_is_ignored() => Verify(
        """services.AddHttpClient("payments").AddRegionFailover(configuration.GetSection("Payments"));""",
        [("/0/appsettings.json", """{ "Payments": { "Regions": [ { "Name": "a" } """)]);
}
