using Microsoft.CodeAnalysis.Testing;
using SlaKit.Analyzers.Rules;
using SlaKit.Analyzers.Tests.Infrastructure;

namespace SlaKit.Analyzers.Tests.Rules;

public sealed class HttpClientWithoutFailoverAnalyzerTests
{
    private const string PaymentsClient = """
        public sealed class PaymentsClient
        {
            public PaymentsClient(HttpClient http) { }
        }
        """;

    private static DiagnosticResult Expected(int location, string client, string address) =>
        AnalyzerTest.Diagnostic<HttpClientWithoutFailoverAnalyzer>(location, client, address);

    private static Task Verify(string body, params DiagnosticResult[] expected) =>
        AnalyzerTest.RunAsync<HttpClientWithoutFailoverAnalyzer>(AnalyzerTest.InStartup(body, PaymentsClient), expected);

    [Fact]
    public Task A_named_client_with_one_fixed_address_and_no_failover_is_reported() => Verify(
        """services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("https://payments.example/"));""",
        Expected(0, "'payments'", "https://payments.example/"));

    [Fact]
    public Task A_typed_client_is_named_after_its_type() => Verify(
        """
        services.{|#0:AddHttpClient<PaymentsClient>|}((sp, c) =>
        {
            c.BaseAddress = new Uri("https://payments.example/v1/", UriKind.Absolute);
            c.Timeout = TimeSpan.FromSeconds(10);
        });
        """,
        Expected(0, "'PaymentsClient'", "https://payments.example/v1/"));

    [Fact]
    public Task Other_links_of_the_chain_do_not_hide_the_missing_failover() => Verify(
        """
        services.{|#0:AddHttpClient|}("payments")
            .ConfigureHttpClient(c => c.BaseAddress = new Uri("https://payments.example/"))
            .SetHandlerLifetime(TimeSpan.FromMinutes(5));
        """,
        Expected(0, "'payments'", "https://payments.example/"));

    [Fact]
    public Task A_failover_in_the_chain_satisfies_the_rule() => Verify(
        """
        services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/"))
            .SetHandlerLifetime(TimeSpan.FromMinutes(5))
            .AddRegionFailover();
        """);

    [Fact]
    public Task A_failover_added_to_the_same_client_in_another_statement_satisfies_the_rule() => Verify(
        """
        services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/"));
        services.AddHttpClient("payments").AddRegionFailover(configuration.GetSection("Payments"));
        """);

    [Fact]
    public Task A_failover_added_to_another_client_does_not() => Verify(
        """
        services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("https://payments.example/"));
        services.AddHttpClient("orders").AddRegionFailover();
        """,
        Expected(0, "'payments'", "https://payments.example/"));

    [Fact]
    public Task An_address_that_is_not_a_constant_is_not_fixed() => Verify(
        """
        services.AddHttpClient("payments", c => c.BaseAddress = new Uri(configuration["Payments:Url"]!));
        services.AddHttpClient("orders", c => c.Timeout = TimeSpan.FromSeconds(5));
        services.AddHttpClient("stock", c => c.BaseAddress = new Uri("relative/", UriKind.Relative));
        """);

    [Fact]
    public Task Two_addresses_are_not_one_fixed_address() => Verify(
        """
        bool europe = configuration["Area"] == "eu";
        services.AddHttpClient("payments", c =>
        {
            if (europe)
            {
                c.BaseAddress = new Uri("https://eu.payments.example/");
            }
            else
            {
                c.BaseAddress = new Uri("https://us.payments.example/");
            }
        });
        """);

    [Fact]
    public Task A_builder_kept_in_a_variable_is_out_of_view() => Verify(
        """
        IHttpClientBuilder builder = services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/"));
        _ = builder.Name;
        """);

    [Fact]
    public Task A_failover_on_a_builder_kept_in_a_local_does_not_hide_other_clients() => Verify(
        """
        IHttpClientBuilder payments = services.AddHttpClient("payments");
        payments.AddRegionFailover(configuration.GetSection("Payments"));
        services.{|#0:AddHttpClient|}("catalog", c => c.BaseAddress = new Uri("https://catalog.example/"));
        """,
        Expected(0, "'catalog'", "https://catalog.example/"));

    [Fact]
    public Task A_failover_on_a_local_counts_for_the_client_the_local_was_made_from() => Verify(
        """
        var payments = services.AddHttpClient("payments").SetHandlerLifetime(TimeSpan.FromMinutes(5));
        var same = payments;
        same.AddRegionFailover(configuration.GetSection("Payments"));
        services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/"));
        """);

    [Fact]
    public Task A_failover_on_a_local_assigned_again_could_be_any_clients() => Verify(
        """
        var builder = services.AddHttpClient("payments");
        if (configuration["Area"] == "eu")
        {
            builder = services.AddHttpClient("catalog");
        }

        builder.AddRegionFailover(configuration.GetSection("Failover"));
        services.AddHttpClient("catalog", c => c.BaseAddress = new Uri("https://catalog.example/"));
        """);

    [Fact]
    public Task A_failover_on_a_builder_a_method_of_the_project_returns_counts_for_the_client_it_returns() => AnalyzerTest.RunAsync<HttpClientWithoutFailoverAnalyzer>(
        AnalyzerTest.InStartup(
            """
            Payments(services).AddRegionFailover(configuration.GetSection("Payments"));
            services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/"));
            services.{|#0:AddHttpClient|}("catalog", c => c.BaseAddress = new Uri("https://catalog.example/"));
            """,
            startupMembers: """
                private static IHttpClientBuilder Payments(IServiceCollection services) => services.AddHttpClient("payments");
                """),
        Expected(0, "'catalog'", "https://catalog.example/"));

    [Fact]
    public Task A_failover_added_to_the_same_client_in_another_method_satisfies_the_rule() => AnalyzerTest.RunAsync<HttpClientWithoutFailoverAnalyzer>(
        AnalyzerTest.InStartup(
            """
            services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/"));
            services.{|#0:AddHttpClient|}("catalog", c => c.BaseAddress = new Uri("https://catalog.example/"));
            """,
            """
            public static class FailoverRegistrations
            {
                public static IServiceCollection AddFailovers(this IServiceCollection services, IConfiguration configuration)
                {
                    services.AddHttpClient("payments").AddRegionFailover(configuration.GetSection("Payments"));
                    services.AddHttpClient("orders").AddRegionFailover();
                    return services;
                }
            }
            """),
        Expected(0, "'catalog'", "https://catalog.example/"));

    [Fact]
    public Task A_failover_added_to_the_same_typed_client_in_another_class_satisfies_the_rule() => AnalyzerTest.RunAsync<HttpClientWithoutFailoverAnalyzer>(
        AnalyzerTest.InStartup(
            """services.AddHttpClient<PaymentsClient>(c => c.BaseAddress = new Uri("https://payments.example/"));""",
            PaymentsClient + """

            public static class FailoverRegistrations
            {
                public static void AddFailovers(IServiceCollection services)
                {
                    var payments = services.AddHttpClient<PaymentsClient>();
                    payments.AddRegionFailover();
                }
            }
            """));

    [Fact]
    public Task A_failover_the_project_own_extension_adds_counts_for_the_clients_it_is_given() => AnalyzerTest.RunAsync<HttpClientWithoutFailoverAnalyzer>(
        AnalyzerTest.InStartup(
            """
            services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/"));
            services.AddHttpClient("orders", c => c.BaseAddress = new Uri("https://orders.example/"));
            services.{|#0:AddHttpClient|}("catalog", c => c.BaseAddress = new Uri("https://catalog.example/"));
            """,
            """
            public static class CompanyDefaults
            {
                public static IHttpClientBuilder AddCompanyFailover(this IHttpClientBuilder builder) =>
                    builder.AddRegionFailover(options => options.TotalTimeout = TimeSpan.FromSeconds(5));

                public static IHttpClientBuilder AddCompanyDefaults(this IHttpClientBuilder builder)
                {
                    IHttpClientBuilder same = builder.SetHandlerLifetime(TimeSpan.FromMinutes(5));
                    return same.AddCompanyFailover();
                }
            }

            public static class Clients
            {
                public static void Add(IServiceCollection services)
                {
                    services.AddHttpClient("payments").AddCompanyFailover();
                    CompanyDefaults.AddCompanyDefaults(services.AddHttpClient("orders"));
                    services.AddHttpClient("catalog");
                }
            }
            """),
        Expected(0, "'catalog'", "https://catalog.example/"));

    private const string FailoverClientHelper = """
        public static class FailoverClients
        {
            public static IHttpClientBuilder AddFailoverClient(this IServiceCollection services, string name) => services.AddHttpClient(name).AddRegionFailover();
        }
        """;

    private const string OrdersClientHelper = """
        public static class OrdersClients
        {
            public static void AddOrdersClient(this IServiceCollection services, string name)
            {
                services.AddHttpClient(name, c => c.BaseAddress = new Uri("https://orders.example/"));
            }
        }
        """;

    [Fact]
    public Task A_failover_on_a_client_named_by_a_parameter_counts_for_the_names_its_calls_give() => AnalyzerTest.RunAsync<HttpClientWithoutFailoverAnalyzer>(
        AnalyzerTest.InStartup(
            """
            services.AddFailoverClient("payments");
            services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/"));
            services.{|#0:AddHttpClient|}("catalog", c => c.BaseAddress = new Uri("https://catalog.example/"));
            """,
            FailoverClientHelper),
        Expected(0, "'catalog'", "https://catalog.example/"));

    [Fact]
    public Task A_client_named_by_a_parameter_has_a_failover_when_every_name_its_calls_give_has_one() => AnalyzerTest.RunAsync<HttpClientWithoutFailoverAnalyzer>(
        AnalyzerTest.InStartup(
            """
            services.AddOrdersClient("orders");
            services.AddOrdersClient("orders-eu");
            services.AddHttpClient("orders").AddRegionFailover();
            services.AddFailoverClient("orders-eu");
            """,
            FailoverClientHelper + OrdersClientHelper));

    [Fact]
    public Task A_client_named_by_a_parameter_is_reported_when_a_name_its_calls_give_has_no_failover() => AnalyzerTest.RunAsync<HttpClientWithoutFailoverAnalyzer>(
        AnalyzerTest.InStartup(
            """
            services.AddOrdersClient("orders");
            services.AddOrdersClient("orders-eu");
            services.AddHttpClient("orders").AddRegionFailover();
            """,
            FailoverClientHelper + OrdersClientHelper.Replace("services.AddHttpClient(name, c =>", "services.{|#0:AddHttpClient|}(name, c =>", StringComparison.Ordinal)),
        Expected(0, "(unnamed)", "https://orders.example/"));

    [Fact]
    public Task A_failover_on_a_builder_the_rule_cannot_trace_could_be_any_clients() => AnalyzerTest.RunAsync<HttpClientWithoutFailoverAnalyzer>(
        AnalyzerTest.InStartup(
            """services.AddHttpClient("catalog", c => c.BaseAddress = new Uri("https://catalog.example/"));""",
            """
            public static class ClientDefaults
            {
                public static void Add(IServiceCollection services) => services.ConfigureHttpClientDefaults(builder => builder.AddRegionFailover());
            }
            """));

    [Fact]
    public Task A_failover_on_a_parameter_of_a_method_passed_as_a_delegate_could_be_any_clients() => AnalyzerTest.RunAsync<HttpClientWithoutFailoverAnalyzer>(
        AnalyzerTest.InStartup(
            """
            Action<IHttpClientBuilder> failover = AddFailover;
            failover(services.AddHttpClient("catalog"));
            services.AddHttpClient("catalog", c => c.BaseAddress = new Uri("https://catalog.example/"));
            """,
            startupMembers: """
                private static void AddFailover(IHttpClientBuilder builder) => builder.AddRegionFailover();
                """));

    [Fact]
    public Task A_failover_on_a_parameter_of_an_interface_implementation_could_be_any_clients() => AnalyzerTest.RunAsync<HttpClientWithoutFailoverAnalyzer>(
        AnalyzerTest.InStartup(
            """
            IClientSetup setup = new FailoverSetup();
            setup.Add(services.AddHttpClient("catalog"));
            services.AddHttpClient("catalog", c => c.BaseAddress = new Uri("https://catalog.example/"));
            """,
            """
            public interface IClientSetup
            {
                void Add(IHttpClientBuilder builder);
            }

            public sealed class FailoverSetup : IClientSetup
            {
                public void Add(IHttpClientBuilder builder) => builder.AddRegionFailover();
            }
            """));

    [Fact]
    public Task A_chain_through_the_project_own_extension_may_add_the_failover_inside() => AnalyzerTest.RunAsync<HttpClientWithoutFailoverAnalyzer>(
        AnalyzerTest.InStartup(
            """services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/")).AddCompanyDefaults();""",
            """
            public static class CompanyDefaults
            {
                public static IHttpClientBuilder AddCompanyDefaults(this IHttpClientBuilder builder) => builder.AddRegionFailover();
            }
            """));

    /// <summary>A registration beside .NET's resilience handlers, whose types the source names (<c>UriEndpointGroup</c>).</summary>
    private static Task VerifyWithResilience(string body, params DiagnosticResult[] expected)
    {
        var test = AnalyzerTest.For<HttpClientWithoutFailoverAnalyzer>(
            "using Microsoft.Extensions.Http.Resilience;\n" + AnalyzerTest.InStartup(body, PaymentsClient), expected);
        test.TestState.AdditionalReferences.AddRange(AnalyzerTest.ResilienceReferences);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public Task Standard_hedging_routed_to_ordered_or_weighted_groups_is_not_one_fixed_address() => VerifyWithResilience(
        """
        services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://eu-west.payments.example/"))
            .AddStandardHedgingHandler(routing => routing.ConfigureOrderedGroups(groups =>
            {
                groups.Groups.Add(new UriEndpointGroup { Endpoints = { new WeightedUriEndpoint { Uri = new Uri("https://eu-west.payments.example/") } } });
                groups.Groups.Add(new UriEndpointGroup { Endpoints = { new WeightedUriEndpoint { Uri = new Uri("https://eu-central.payments.example/") } } });
            }));
        services.AddHttpClient("orders", c => c.BaseAddress = new Uri("https://eu-west.orders.example/"))
            .AddStandardHedgingHandler(routing => routing.ConfigureWeightedGroups(configuration.GetSection("Orders:Routing")))
            .Configure(o => o.Hedging.MaxHedgedAttempts = 2);
        """);

    [Fact]
    public Task Standard_hedging_without_routing_still_sends_every_request_to_the_one_address() => VerifyWithResilience(
        """
        services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("https://payments.example/")).AddStandardHedgingHandler();
        services.{|#1:AddHttpClient|}("orders", c => c.BaseAddress = new Uri("https://orders.example/")).AddStandardHedgingHandler(routing => { });
        """,
        Expected(0, "'payments'", "https://payments.example/"),
        Expected(1, "'orders'", "https://orders.example/"));

    [Theory]
    [InlineData("http://webhooks-api")]
    [InlineData("http://basket-api:8080/")]
    [InlineData("https+http://catalog-api")]
    public Task A_service_discovery_name_is_not_one_fixed_address(string address) => Verify(
        $$"""services.AddHttpClient("webhooks", c => c.BaseAddress = new Uri("{{address}}"));""");

    [Fact]
    public Task Localhost_is_one_fixed_address() => Verify(
        """services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("http://localhost:5000/"));""",
        Expected(0, "'payments'", "http://localhost:5000/"));

    /// <summary>
    /// In a Roslyn workspace (the IDE, <c>dotnet format</c>) a referenced project is a compilation, so its methods have
    /// source locations; <c>dotnet build</c> sees the same methods as metadata. Both must judge the chain alike: the
    /// referenced project's extension is not the project's own and hides nothing.
    /// </summary>
    [Fact]
    public async Task An_extension_from_a_referenced_project_is_judged_as_under_dotnet_build()
    {
        var test = AnalyzerTest.For<HttpClientWithoutFailoverAnalyzer>(
            AnalyzerTest.InStartup("""services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("https://payments.example/")).AddServiceDefaults();"""),
            Expected(0, "'payments'", "https://payments.example/"));
        ProjectState defaults = test.TestState.AdditionalProjects["ServiceDefaults"];
        defaults.Sources.Add("""
            using Microsoft.Extensions.DependencyInjection;

            public static class ServiceDefaults
            {
                public static IHttpClientBuilder AddServiceDefaults(this IHttpClientBuilder builder) => builder;
            }
            """);
        defaults.AdditionalReferences.AddRange(AnalyzerTest.SlaKitReferences);
        test.TestState.AdditionalProjectReferences.Add("ServiceDefaults");

        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Refit's and gRPC's registrations, as libraries beside the project declare them.</summary>
    private const string ClientLibraries = """
        using System;
        using Microsoft.Extensions.DependencyInjection;

        public sealed class GrpcClientFactoryOptions
        {
            public Uri? Address { get; set; }
        }

        public static class ClientLibraryExtensions
        {
            public static IHttpClientBuilder AddRefitClient<T>(this IServiceCollection services) where T : class => services.AddHttpClient(typeof(T).Name);

            public static IHttpClientBuilder AddGrpcClient<TClient>(this IServiceCollection services, Action<GrpcClientFactoryOptions> configure) where TClient : class =>
                services.AddHttpClient(typeof(TClient).Name);
        }
        """;

    private const string ApiTypes = """
        public interface IPaymentsApi { }

        public sealed class PaymentsGrpcClient { }

        public static class Addresses
        {
            public static readonly Uri Payments = new("https://payments.example/");
            public static Uri Mutable = new Uri("https://payments.example/");
            public static readonly Uri Configured = new(Environment.GetEnvironmentVariable("PAYMENTS_URL")!);
        }
        """;

    private static async Task VerifyWithLibraries(string body, params DiagnosticResult[] expected)
    {
        var test = AnalyzerTest.For<HttpClientWithoutFailoverAnalyzer>(AnalyzerTest.InStartup(body, ApiTypes), expected);
        ProjectState libraries = test.TestState.AdditionalProjects["ClientLibraries"];
        libraries.Sources.Add(ClientLibraries);
        libraries.AdditionalReferences.AddRange(AnalyzerTest.SlaKitReferences);
        test.TestState.AdditionalProjectReferences.Add("ClientLibraries");
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public Task A_refit_client_with_one_fixed_address_is_reported() => VerifyWithLibraries(
        """services.{|#0:AddRefitClient<IPaymentsApi>|}().ConfigureHttpClient(c => c.BaseAddress = new Uri("https://payments.example/"));""",
        Expected(0, "'IPaymentsApi'", "https://payments.example/"));

    [Fact]
    public Task A_refit_client_with_failover_is_not() => VerifyWithLibraries(
        """services.AddRefitClient<IPaymentsApi>().ConfigureHttpClient(c => c.BaseAddress = new Uri("https://payments.example/")).AddRegionFailover();""");

    [Fact]
    public Task A_grpc_client_with_one_fixed_address_is_reported() => VerifyWithLibraries(
        """services.{|#0:AddGrpcClient<PaymentsGrpcClient>|}(o => o.Address = new Uri("https://payments.example:5001/"));""",
        Expected(0, "'PaymentsGrpcClient'", "https://payments.example:5001/"));

    [Fact]
    public Task A_grpc_client_with_failover_or_an_address_from_configuration_is_not() => VerifyWithLibraries(
        """
        services.AddGrpcClient<PaymentsGrpcClient>(o => o.Address = new Uri("https://payments.example:5001/")).AddRegionFailover();
        services.AddGrpcClient<PaymentsGrpcClient>(o => o.Address = new Uri(configuration["Payments:Url"]!));
        """);

    [Fact]
    public Task An_address_from_a_static_readonly_field_is_fixed() => VerifyWithLibraries(
        """services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = Addresses.Payments);""",
        Expected(0, "'payments'", "https://payments.example/"));

    [Fact]
    public Task A_mutable_field_or_a_field_made_at_run_time_is_not() => VerifyWithLibraries(
        """
        services.AddHttpClient("payments", c => c.BaseAddress = Addresses.Mutable);
        services.AddHttpClient("orders", c => c.BaseAddress = Addresses.Configured);
        """);

    [Fact]
    public Task An_address_set_in_a_typed_clients_constructor_is_fixed() => AnalyzerTest.RunAsync<HttpClientWithoutFailoverAnalyzer>(AnalyzerTest.InStartup(
        """services.{|#0:AddHttpClient<CatalogClient>|}();""",
        """
        public sealed class CatalogClient
        {
            public CatalogClient(HttpClient http)
            {
                http.BaseAddress = new Uri("https://catalog.example/");
                http.Timeout = TimeSpan.FromSeconds(5);
            }
        }
        """),
        Expected(0, "'CatalogClient'", "https://catalog.example/"));

    [Fact]
    public Task An_address_set_on_the_field_a_typed_client_keeps_its_HttpClient_in_is_fixed() => AnalyzerTest.RunAsync<HttpClientWithoutFailoverAnalyzer>(AnalyzerTest.InStartup(
        """
        services.{|#0:AddHttpClient<GitHubService>|}();
        services.{|#1:AddHttpClient<CatalogClient>|}();
        """,
        """
        public sealed class GitHubService
        {
            private readonly HttpClient _httpClient;

            public GitHubService(HttpClient httpClient)
            {
                _httpClient = httpClient;
                _httpClient.BaseAddress = new Uri("https://api.github.com/");
            }
        }

        public sealed class CatalogClient
        {
            private readonly HttpClient _http;

            public CatalogClient(HttpClient http)
            {
                this._http = http ?? throw new ArgumentNullException(nameof(http));
                this._http.BaseAddress = new Uri("https://catalog.example/");
            }
        }
        """),
        Expected(0, "'GitHubService'", "https://api.github.com/"),
        Expected(1, "'CatalogClient'", "https://catalog.example/"));

    [Fact]
    public Task A_typed_client_whose_constructor_sets_no_fixed_address_is_not_reported() => AnalyzerTest.RunAsync<HttpClientWithoutFailoverAnalyzer>(AnalyzerTest.InStartup(
        """
        services.AddHttpClient<CatalogClient>();
        services.AddHttpClient<CatalogClient>(c => c.BaseAddress = new Uri("https://catalog.example/")).AddRegionFailover();
        """,
        """
        public sealed class CatalogClient
        {
            public CatalogClient(HttpClient http, Microsoft.Extensions.Configuration.IConfiguration configuration)
            {
                http.BaseAddress = new Uri(configuration["Catalog:Url"]!);
            }
        }
        """));
}
