using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using SlaKit.Analyzers.CodeFixes;
using SlaKit.Analyzers.Rules;
using SlaKit.Analyzers.Tests.Infrastructure;

namespace SlaKit.Analyzers.Tests.Rules;

public sealed class AddRegionFailoverCodeFixTests
{
    private static DiagnosticResult Expected(int location, string client, string address) =>
        AnalyzerTest.Diagnostic<HttpClientWithoutFailoverAnalyzer>(location, client, address);

    private static Task VerifyFix(string source, string fixedSource, params DiagnosticResult[] expected) =>
        AnalyzerTest.ForFix<HttpClientWithoutFailoverAnalyzer, AddRegionFailoverCodeFixProvider>(source, fixedSource, expected)
            .RunAsync(TestContext.Current.CancellationToken);

    [Fact]
    public Task The_fix_adds_the_address_as_primary_and_a_marked_fallback_and_imports_SlaKit_Regions() => VerifyFix(
        """
        using System;
        using Microsoft.Extensions.DependencyInjection;

        public static class Startup
        {
            public static void Configure(IServiceCollection services)
            {
                services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("https://payments.example/v1/"));
            }
        }
        """,
        """
        using System;
        using Microsoft.Extensions.DependencyInjection;
        using SlaKit.Regions;

        public static class Startup
        {
            public static void Configure(IServiceCollection services)
            {
                services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/v1/"))
                    .AddRegionFailover(options =>
                    {
                        options.Regions.Add(new Region("primary", new Uri("https://payments.example/v1/")));
                        // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
                        options.Regions.Add(new Region("fallback", new Uri("https://fallback.invalid/v1/")) { Priority = 1 });
                    });
            }
        }
        """,
        Expected(0, "'payments'", "https://payments.example/v1/"));

    [Fact]
    public Task The_fix_goes_after_the_last_link_and_avoids_a_taken_parameter_name() => VerifyFix(
        """
        using System;
        using Microsoft.Extensions.DependencyInjection;
        using SlaKit.Regions;

        public static class Startup
        {
            public static void Configure(IServiceCollection services, object options)
            {
                services.{|#0:AddHttpClient|}("payments")
                    .ConfigureHttpClient(c => c.BaseAddress = new Uri("http://localhost:5000/"))
                    .SetHandlerLifetime(TimeSpan.FromMinutes(5));
            }
        }
        """,
        """
        using System;
        using Microsoft.Extensions.DependencyInjection;
        using SlaKit.Regions;

        public static class Startup
        {
            public static void Configure(IServiceCollection services, object options)
            {
                services.AddHttpClient("payments")
                    .ConfigureHttpClient(c => c.BaseAddress = new Uri("http://localhost:5000/"))
                    .SetHandlerLifetime(TimeSpan.FromMinutes(5))
                    .AddRegionFailover(failover =>
                    {
                        failover.Regions.Add(new Region("primary", new Uri("http://localhost:5000/")));
                        // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
                        failover.Regions.Add(new Region("fallback", new Uri("http://fallback.invalid/")) { Priority = 1 });
                    });
            }
        }
        """,
        Expected(0, "'payments'", "http://localhost:5000/"));

    [Fact]
    public Task The_fix_names_SlaKit_Region_in_full_when_another_Region_is_in_scope() => VerifyFix(
        """
        using System;
        using Microsoft.Extensions.DependencyInjection;

        public sealed record Region(string Code);

        public static class Startup
        {
            public static void Configure(IServiceCollection services)
            {
                services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("https://payments.example/"));
            }
        }
        """,
        """
        using System;
        using Microsoft.Extensions.DependencyInjection;

        public sealed record Region(string Code);

        public static class Startup
        {
            public static void Configure(IServiceCollection services)
            {
                services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/"))
                    .AddRegionFailover(options =>
                    {
                        options.Regions.Add(new global::SlaKit.Regions.Region("primary", new Uri("https://payments.example/")));
                        // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
                        options.Regions.Add(new global::SlaKit.Regions.Region("fallback", new Uri("https://fallback.invalid/")) { Priority = 1 });
                    });
            }
        }
        """,
        Expected(0, "'payments'", "https://payments.example/"));

    [Fact]
    public async Task A_program_without_using_directives_gets_the_import_above_its_assembly_attributes()
    {
        var test = AnalyzerTest.ForFix<HttpClientWithoutFailoverAnalyzer, AddRegionFailoverCodeFixProvider>(
            """
            [assembly: System.Reflection.AssemblyMetadata("k", "v")]

            var services = new ServiceCollection();
            services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("https://payments.example.com/"));
            """,
            """
            using SlaKit.Regions;

            [assembly: System.Reflection.AssemblyMetadata("k", "v")]

            var services = new ServiceCollection();
            services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example.com/"))
                .AddRegionFailover(options =>
                {
                    options.Regions.Add(new Region("primary", new Uri("https://payments.example.com/")));
                    // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
                    options.Regions.Add(new Region("fallback", new Uri("https://fallback.invalid/")) { Priority = 1 });
                });
            """,
            Expected(0, "'payments'", "https://payments.example.com/"));

        // The SDK's implicit usings: global, in a file of their own.
        const string implicitUsings = """
            global using global::System;
            global using global::Microsoft.Extensions.DependencyInjection;
            """;
        foreach (SolutionState state in new SolutionState[] { test.TestState, test.FixedState })
        {
            state.OutputKind = OutputKind.ConsoleApplication;
            state.Sources.Add(("GlobalUsings.g.cs", implicitUsings));
        }

        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>A library beside the project, as Microsoft.Extensions.Http.Resilience is: its builder is not an IHttpClientBuilder.</summary>
    private const string ResilienceLibrary = """
        using Microsoft.Extensions.DependencyInjection;

        public interface IHttpStandardResiliencePipelineBuilder
        {
            IHttpClientBuilder ClientBuilder { get; }
        }

        public static class ResilienceExtensions
        {
            public static IHttpStandardResiliencePipelineBuilder AddStandardResilienceHandler(this IHttpClientBuilder builder) => null!;
        }
        """;

    [Fact]
    public async Task A_chain_ending_in_another_builder_gets_the_failover_after_its_last_http_client_builder()
    {
        var test = AnalyzerTest.ForFix<HttpClientWithoutFailoverAnalyzer, AddRegionFailoverCodeFixProvider>(
            """
            using System;
            using Microsoft.Extensions.DependencyInjection;
            using SlaKit.Regions;

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("https://payments.example/"))
                        .AddStandardResilienceHandler();
                }
            }
            """,
            """
            using System;
            using Microsoft.Extensions.DependencyInjection;
            using SlaKit.Regions;

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/"))
                        .AddRegionFailover(options =>
                        {
                            options.Regions.Add(new Region("primary", new Uri("https://payments.example/")));
                            // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
                            options.Regions.Add(new Region("fallback", new Uri("https://fallback.invalid/")) { Priority = 1 });
                        })
                        .AddStandardResilienceHandler();
                }
            }
            """,
            Expected(0, "'payments'", "https://payments.example/"));
        foreach (SolutionState state in new SolutionState[] { test.TestState, test.FixedState })
        {
            state.AdditionalProjects["Resilience"].Sources.Add(ResilienceLibrary);
            state.AdditionalProjects["Resilience"].AdditionalReferences.AddRange(AnalyzerTest.SlaKitReferences);
            state.AdditionalProjectReferences.Add("Resilience");
        }

        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public Task An_expression_bodied_registration_gets_the_fix_too() => VerifyFix(
        """
        using System;
        using Microsoft.Extensions.DependencyInjection;
        using SlaKit.Regions;

        public static class Startup
        {
            public static void Configure(IServiceCollection services) =>
                services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("https://payments.example/"));
        }
        """,
        """
        using System;
        using Microsoft.Extensions.DependencyInjection;
        using SlaKit.Regions;

        public static class Startup
        {
            public static void Configure(IServiceCollection services) =>
                services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/"))
                    .AddRegionFailover(options =>
                    {
                        options.Regions.Add(new Region("primary", new Uri("https://payments.example/")));
                        // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
                        options.Regions.Add(new Region("fallback", new Uri("https://fallback.invalid/")) { Priority = 1 });
                    });
        }
        """,
        Expected(0, "'payments'", "https://payments.example/"));
}
