using Microsoft.CodeAnalysis.Testing;
using SlaKit.Analyzers.Rules;
using SlaKit.Analyzers.Tests.Infrastructure;

namespace SlaKit.Analyzers.Tests.Rules;

public sealed class RegionIndependenceAnalyzerTests
{
    private static DiagnosticResult Expected(int location, string first, string second, string reason, string source = "") =>
        AnalyzerTest.Diagnostic<RegionIndependenceAnalyzer>(location, first, second, reason, source);

    private static Task Verify(string body, params DiagnosticResult[] expected) =>
        AnalyzerTest.RunAsync<RegionIndependenceAnalyzer>(AnalyzerTest.InStartup(body), expected);

    [Fact]
    public Task Two_regions_with_one_name_are_reported_at_the_second() => Verify(
        """
        services.AddHttpClient("payments").AddRegionFailover(options =>
        {
            options.Regions.Add(new Region("eu-west", new Uri("https://eu-west.payments.example/")));
            options.Regions.Add({|#0:new Region("EU-West", new Uri("https://eu-central.payments.example/"))|});
        });
        """,
        Expected(0, "'eu-west'", "'EU-West'", "have the same name"));

    [Fact]
    public Task Two_regions_on_one_host_are_reported_whatever_the_port_and_path() => Verify(
        """
        services.AddHttpClient("payments").AddRegionFailover(options =>
        {
            options.Regions.Add(new Region("primary", new Uri("https://payments.example/")));
            options.Regions.Add({|#0:new Region("secondary", new Uri("https://Payments.Example:8443/v2/"))|});
        });
        """,
        Expected(0, "'primary'", "'secondary'", "share the host 'payments.example'"));

    [Fact]
    public Task Regions_kept_in_locals_are_compared_as_they_were_created() => Verify(
        """
        var primary = new Region("primary", new Uri("https://payments.example/"));
        Region secondary = new("secondary", new Uri("https://payments.example:8443/"));
        services.AddHttpClient("payments").AddRegionFailover(options =>
        {
            options.Regions.Add(primary);
            options.Regions.Add({|#0:secondary|});
        });
        """,
        Expected(0, "'primary'", "'secondary'", "share the host 'payments.example'"));

    [Fact]
    public Task A_local_assigned_again_is_not_compared() => Verify(
        """
        var primary = new Region("primary", new Uri("https://payments.example/"));
        var secondary = new Region("secondary", new Uri("https://payments.example:8443/"));
        if (Environment.GetEnvironmentVariable("SECONDARY_URL") is { } url)
        {
            secondary = new Region("secondary", new Uri(url));
        }

        services.AddHttpClient("payments").AddRegionFailover(options =>
        {
            options.Regions.Add(primary);
            options.Regions.Add(secondary);
        });
        """);

    [Fact]
    public Task Independent_regions_are_not_reported() => Verify(
        """
        services.AddHttpClient("payments").AddRegionFailover(options =>
        {
            options.Regions.Add(new Region("eu-west", new Uri("https://eu-west.payments.example/")));
            options.Regions.Add(new Region("eu-central", new Uri("https://eu-central.payments.example/")));
            options.Regions.Add(new Region("backup", new Uri(Environment.GetEnvironmentVariable("BACKUP_URL")!)));
        });
        """);

    [Fact]
    public Task SIP_regions_compare_the_host_of_the_SIP_URI() => Verify(
        """
        Region[] regions =
        [
            new Region("carrier-a", new Uri("sip:trunk@proxy.carrier.example:5060;transport=udp")),
        ];
        services.AddHttpClient("calls").AddRegionFailover(options =>
        {
            options.Regions.Add(new Region("carrier-a", new Uri("sip:trunk@proxy.carrier.example:5060;transport=udp")));
            options.Regions.Add({|#0:new Region("carrier-b", new Uri("sips:proxy.carrier.example:5061"))|});
        });
        """,
        Expected(0, "'carrier-a'", "'carrier-b'", "share the host 'proxy.carrier.example'"));

    [Fact]
    public Task Configured_regions_on_one_host_are_reported_at_the_call_naming_the_file()
    {
        var test = AnalyzerTest.For<RegionIndependenceAnalyzer>(
            AnalyzerTest.InStartup("""services.AddHttpClient("payments").{|#0:AddRegionFailover|}();"""),
            Expected(0, "'eu-west'", "'eu-west-2'", "share the host '10.0.0.5'", " (appsettings.json)"));
        test.TestState.AdditionalFiles.Add(("/0/appsettings.json", """
            {
              "SlaKit": {
                "Clients": {
                  "payments": {
                    "Regions": [
                      { "Name": "eu-west", "Endpoint": "http://10.0.0.5:8080/" },
                      { "Name": "eu-west-2", "Endpoint": "http://10.0.0.5:8081/" }
                    ]
                  }
                }
              }
            }
            """));
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5001/", "http://127.0.0.1:5002/")]
    [InlineData("http://localhost:5001/", "http://LOCALHOST:5002/")]
    [InlineData("http://[::1]:5001/", "http://[::1]:5002/")]
    [InlineData("sip:127.0.0.1:5060", "sip:127.0.0.1:5070")]
    public Task Regions_on_loopback_are_a_local_set_up_and_not_reported(string first, string second) => Verify(
        $$"""
        services.AddHttpClient("payments").AddRegionFailover(options =>
        {
            options.Regions.Add(new Region("primary", new Uri("{{first}}")));
            options.Regions.Add(new Region("secondary", new Uri("{{second}}")));
        });
        """);

    [Fact]
    public Task Regions_on_loopback_with_one_name_are_still_reported() => Verify(
        """
        services.AddHttpClient("payments").AddRegionFailover(options =>
        {
            options.Regions.Add(new Region("local", new Uri("http://127.0.0.1:5001/")));
            options.Regions.Add({|#0:new Region("local", new Uri("http://127.0.0.1:5002/"))|});
        });
        """,
        Expected(0, "'local'", "'local'", "have the same name"));
}
