using Microsoft.CodeAnalysis.Testing;
using SlaKit.Analyzers.Rules;
using SlaKit.Analyzers.Tests.Infrastructure;

namespace SlaKit.Analyzers.Tests.Rules;

public sealed class SlaTargetAnalyzerTests
{
    private static DiagnosticResult Expected(int location, string composed, string target, string owner, string source = "") =>
        AnalyzerTest.Diagnostic<SlaTargetAnalyzer>(location, composed, target, owner, source);

    private static Task Verify(string assemblyAttribute, string body, string types, params DiagnosticResult[] expected) =>
        AnalyzerTest.RunAsync<SlaTargetAnalyzer>(
            AnalyzerTest.InStartup(body, types).Replace("public static class Startup", assemblyAttribute + "\npublic static class Startup", StringComparison.Ordinal),
            expected);

    private const string TwoDeclaredRegions = """
        (options =>
        {
            options.Regions.Add(new Region("eu-west", new Uri("https://eu-west.example/")) { Availability = Availability.FromPercent(99.95) });
            options.Regions.Add(new Region("eu-central", new Uri("https://eu-central.example/")) { Availability = Availability.FromPercent(95) });
        });
        """;

    [Fact]
    public Task Regions_below_the_assembly_target_are_reported_with_both_figures() => Verify(
        "[assembly: SlaTarget(99.999)]",
        """services.AddHttpClient("payments").{|#0:AddRegionFailover|}""" + TwoDeclaredRegions,
        string.Empty,
        Expected(0, "99.9975%", "99.999%", "the assembly"));

    [Fact]
    public Task Regions_that_meet_the_target_are_not_reported() => Verify(
        "[assembly: SlaTarget(99.99)]",
        """services.AddHttpClient("payments").AddRegionFailover""" + TwoDeclaredRegions,
        string.Empty);

    [Fact]
    public Task A_typed_client_target_takes_precedence_over_the_assembly_target() => Verify(
        "[assembly: SlaTarget(99.9)]",
        """
        services.AddHttpClient<PaymentsClient>().{|#0:AddRegionFailover|}(options =>
        {
            options.Regions.Add(new Region("eu-west", new Uri("https://eu-west.example/")) { Availability = Availability.FromNines(3) });
            options.Regions.Add(new Region("eu-central", new Uri("https://eu-central.example/")) { Availability = Availability.FromRatio(0.999) });
        });
        services.AddHttpClient<IOrders, OrdersClient>().AddRegionFailover(o =>
            o.Regions.Add(new Region("eu-west", new Uri("https://eu-west.example/")) { Availability = Availability.FromPercent(99.95) }));
        """,
        """
        [SlaTarget(99.99999)]
        public sealed class PaymentsClient { public PaymentsClient(HttpClient http) { } }

        public interface IOrders { }

        [SlaTarget(99.95)]
        public sealed class OrdersClient : IOrders { public OrdersClient(HttpClient http) { } }
        """,
        Expected(0, "99.9999%", "99.99999%", "'PaymentsClient'"));

    [Fact]
    public Task A_typed_client_kept_in_a_local_is_held_to_its_own_target() => Verify(
        "[assembly: SlaTarget(99.999)]",
        "var payments = services.AddHttpClient<PaymentsClient>();\npayments.AddRegionFailover" + TwoDeclaredRegions +
        "\nvar orders = services.AddHttpClient<OrdersClient>();\norders.{|#0:AddRegionFailover|}" + TwoDeclaredRegions,
        """
        [SlaTarget(99.99)]
        public sealed class PaymentsClient { public PaymentsClient(HttpClient http) { } }

        [SlaTarget(99.99999)]
        public sealed class OrdersClient { public OrdersClient(HttpClient http) { } }
        """,
        Expected(0, "99.9975%", "99.99999%", "'OrdersClient'"));

    [Fact]
    public Task Regions_the_options_pattern_adds_elsewhere_may_raise_the_composition() => Verify(
        "[assembly: SlaTarget(99.999)]",
        """services.AddHttpClient("payments").AddRegionFailover""" + TwoDeclaredRegions,
        """
        public static class PaymentsFallback
        {
            public static void Add(IServiceCollection services) =>
                services.Configure<RegionFailoverOptions>("payments", o => o.Regions.Add(
                    new Region("us-east", new Uri("https://us-east.example/")) { Availability = Availability.FromPercent(99.9) }));
        }
        """);

    [Fact]
    public Task A_region_without_a_declared_availability_leaves_the_composition_unknown() => Verify(
        "[assembly: SlaTarget(99.999)]",
        """
        services.AddHttpClient("payments").AddRegionFailover(options =>
        {
            options.Regions.Add(new Region("eu-west", new Uri("https://eu-west.example/")) { Availability = Availability.FromPercent(99.5) });
            options.Regions.Add(new Region("eu-central", new Uri("https://eu-central.example/")));
        });
        """,
        string.Empty);

    [Fact]
    public Task Without_a_target_nothing_is_reported() => Verify(
        string.Empty,
        """services.AddHttpClient("payments").AddRegionFailover""" + TwoDeclaredRegions,
        string.Empty);

    [Fact]
    public Task Configured_availabilities_are_read_from_the_settings_file()
    {
        var test = AnalyzerTest.For<SlaTargetAnalyzer>(
            AnalyzerTest.InStartup("""services.AddHttpClient("payments").{|#0:AddRegionFailover|}(configuration.GetSection("Payments"));""")
                .Replace("public static class Startup", "[assembly: SlaTarget(99.99)]\npublic static class Startup", StringComparison.Ordinal),
            Expected(0, "99.98%", "99.99%", "the assembly", " (appsettings.json)"));
        test.TestState.AdditionalFiles.Add(("/0/appsettings.json", """
            {
              "Payments": {
                "Regions": [
                  { "Name": "eu-west", "Endpoint": "https://eu-west.example/", "Availability": "99%" },
                  { "Name": "eu-central", "Endpoint": "https://eu-central.example/", "Availability": 98 }
                ]
              }
            }
            """));
        return test.RunAsync(TestContext.Current.CancellationToken);
    }
}
