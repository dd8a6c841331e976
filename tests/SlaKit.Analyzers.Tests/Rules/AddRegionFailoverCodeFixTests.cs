using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.Analyzers.CodeFixes;
using SlaKit.Analyzers.Rules;
using SlaKit.Analyzers.Tests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.Analyzers.Tests.Rules;

public sealed class AddRegionFailoverCodeFixTests
{
    private static DiagnosticResult Expected(int location, string client, string address) =>
        AnalyzerTest.Diagnostic<HttpClientWithoutFailoverAnalyzer>(location, client, address);

    /// <summary>
    /// A fix test of SLA0002, which reports when the compilation ends (whether another method adds the failover is known
    /// only then), so its diagnostics are not local to the operation the analyzer was called for.
    /// </summary>
    private static CSharpCodeFixTest<HttpClientWithoutFailoverAnalyzer, AddRegionFailoverCodeFixProvider, DefaultVerifier> ForFix(
        string source, string fixedSource, params DiagnosticResult[] expected)
    {
        var test = AnalyzerTest.ForFix<HttpClientWithoutFailoverAnalyzer, AddRegionFailoverCodeFixProvider>(source, fixedSource, expected);
        test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
        return test;
    }

    private static Task VerifyFix(string source, string fixedSource, params DiagnosticResult[] expected) =>
        ForFix(source, fixedSource, expected).RunAsync(TestContext.Current.CancellationToken);

    [Fact]
    public Task The_fix_adds_the_address_without_its_path_as_primary_and_a_marked_fallback_and_imports_SlaKit_Regions() => VerifyFix(
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
                        options.Regions.Add(new Region("primary", new Uri("https://payments.example/")));
                        // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
                        options.Regions.Add(new Region("fallback", new Uri("https://fallback.invalid/")) { Priority = 1 });
                    });
            }
        }
        """,
        Expected(0, "'payments'", "https://payments.example/v1/"));

    [Fact]
    public async Task The_fixed_client_sends_a_relative_request_to_the_same_path_as_before()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        string address = $"http://127.0.0.1:{port}/v1/";
        string primary = $"http://127.0.0.1:{port}/";
        await VerifyFix(
            $$"""
            using System;
            using Microsoft.Extensions.DependencyInjection;
            using SlaKit.Regions;

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("{{address}}"));
                }
            }
            """,
            $$"""
            using System;
            using Microsoft.Extensions.DependencyInjection;
            using SlaKit.Regions;

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddHttpClient("payments", c => c.BaseAddress = new Uri("{{address}}"))
                        .AddRegionFailover(options =>
                        {
                            options.Regions.Add(new Region("primary", new Uri("{{primary}}")));
                            // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
                            options.Regions.Add(new Region("fallback", new Uri("http://fallback.invalid/")) { Priority = 1 });
                        });
                }
            }
            """,
            Expected(0, "'payments'", address));

        // The registration the fixed source makes, run against a listener that records the request line it receives.
        Task<string> requestLine = ReadRequestLineAsync(listener);
        var services = new ServiceCollection();
        services.AddHttpClient("payments", c => c.BaseAddress = new Uri(address))
            .AddRegionFailover(options =>
            {
                options.Regions.Add(new Region("primary", new Uri(primary)));
                options.Regions.Add(new Region("fallback", new Uri("http://fallback.invalid/")) { Priority = 1 });
            });
        using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("payments");
        using HttpResponseMessage response = await http.GetAsync(new Uri("charges?id=1", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal("GET /v1/charges?id=1 HTTP/1.1", await requestLine);
    }

    /// <summary>Accepts one connection, answers its request with an empty 200 and returns the request's first line.</summary>
    private static async Task<string> ReadRequestLineAsync(TcpListener listener)
    {
        using TcpClient peer = await listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
        NetworkStream stream = peer.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        string line = await reader.ReadLineAsync(TestContext.Current.CancellationToken) ?? "";
        while (!string.IsNullOrEmpty(await reader.ReadLineAsync(TestContext.Current.CancellationToken)))
        {
        }

        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), TestContext.Current.CancellationToken);
        return line;
    }

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
        var test = ForFix(
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

        AsProgram(test.TestState);
        AsProgram(test.FixedState);
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Makes a state a program of top-level statements with the SDK's implicit usings: global, in a file of their own.</summary>
    private static void AsProgram(SolutionState state)
    {
        state.OutputKind = OutputKind.ConsoleApplication;
        state.Sources.Add(("GlobalUsings.g.cs", """
            global using global::System;
            global using global::Microsoft.Extensions.DependencyInjection;
            """));
    }

    /// <summary>
    /// The fix with Microsoft.Extensions.Http.Resilience referenced, as a library beside the project (its handlers
    /// return a pipeline builder, not an IHttpClientBuilder); the fixed code is then checked against SLA0006 too,
    /// which judges where the failover goes among the resilience handlers.
    /// </summary>
    private static async Task VerifyFixBesideResilienceHandlers(
        string source, string fixedSource, DiagnosticResult[] expected, DiagnosticResult[] handlerOrderAfter, bool program = false)
    {
        var test = ForFix(source, fixedSource, expected);

        if (program)
        {
            AsProgram(test.TestState);
            AsProgram(test.FixedState);
        }

        test.TestState.AdditionalReferences.AddRange(AnalyzerTest.ResilienceReferences);
        test.FixedState.AdditionalReferences.AddRange(AnalyzerTest.ResilienceReferences);
        if (source == fixedSource)
        {
            test.FixedState.ExpectedDiagnostics.AddRange(expected);
        }

        await test.RunAsync(TestContext.Current.CancellationToken);

        var handlerOrder = AnalyzerTest.For<ResilienceHandlerOrderAnalyzer>(fixedSource, handlerOrderAfter);
        handlerOrder.TestState.AdditionalReferences.AddRange(AnalyzerTest.ResilienceReferences);
        handlerOrder.TestState.MarkupHandling = MarkupMode.Ignore;
        if (program)
        {
            AsProgram(handlerOrder.TestState);
        }

        await handlerOrder.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public Task A_chain_ending_in_a_resilience_handler_is_split_so_the_failover_is_added_after_the_handler() => VerifyFixBesideResilienceHandlers(
        """
        using System;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Http.Resilience;
        using SlaKit.Regions;

        public static class Startup
        {
            public static void Configure(IServiceCollection services)
            {
                services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("https://payments.example/"))
                    .SetHandlerLifetime(TimeSpan.FromMinutes(5))
                    .AddStandardResilienceHandler()
                    .Configure(o => o.Retry.MaxRetryAttempts = 1);
            }
        }
        """,
        """
        using System;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Http.Resilience;
        using SlaKit.Regions;

        public static class Startup
        {
            public static void Configure(IServiceCollection services)
            {
                var payments = services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/"))
                    .SetHandlerLifetime(TimeSpan.FromMinutes(5));
                payments.AddStandardResilienceHandler()
                    .Configure(o => o.Retry.MaxRetryAttempts = 1);
                payments.AddRegionFailover(options =>
                {
                    options.Regions.Add(new Region("primary", new Uri("https://payments.example/")));
                    // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
                    options.Regions.Add(new Region("fallback", new Uri("https://fallback.invalid/")) { Priority = 1 });
                });
            }
        }
        """,
        [Expected(0, "'payments'", "https://payments.example/")],
        []);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task A_standard_resilience_handler_left_at_its_defaults_is_set_to_wrap_the_failover_without_a_retry_of_its_own(bool ownLine) => VerifyFixBesideResilienceHandlers(
        $$"""
        using System;
        using Microsoft.Extensions.DependencyInjection;
        using SlaKit.Regions;

        public static class Startup
        {
            public static void Configure(IServiceCollection services)
            {
                services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("https://payments.example/")){{(ownLine ? "\n            " : "")}}.AddStandardResilienceHandler();
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
                var payments = services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/"));
                payments.AddStandardResilienceHandler(resilience =>
                {
                    // The failover is the retry: it moves a request to the next region, and knows which requests are safe to repeat.
                    resilience.Retry.ShouldHandle = _ => global::Polly.PredicateResult.False();
                    // Above the failover's total timeout, so that a failover still working is not cut.
                    resilience.AttemptTimeout.Timeout = global::SlaKit.Http.RegionFailoverOptions.DefaultTotalTimeout + global::System.TimeSpan.FromSeconds(1);
                    resilience.CircuitBreaker.SamplingDuration = 2 * resilience.AttemptTimeout.Timeout;
                });
                payments.AddRegionFailover(options =>
                {
                    options.Regions.Add(new Region("primary", new Uri("https://payments.example/")));
                    // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
                    options.Regions.Add(new Region("fallback", new Uri("https://fallback.invalid/")) { Priority = 1 });
                });
            }
        }
        """,
        [Expected(0, "'payments'", "https://payments.example/")],
        []);

    [Fact]
    public Task A_program_whose_names_for_the_builder_are_taken_splits_into_the_next_free_one() => VerifyFixBesideResilienceHandlers(
        """
        var builder = WebApplication();
        var payments = new object();
        var services = new ServiceCollection();
        services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("https://payments.example/")).AddStandardResilienceHandler(o => o.Retry.MaxRetryAttempts = 1);

        static object WebApplication() => new();
        """,
        """
        using SlaKit.Regions;

        var builder = WebApplication();
        var payments = new object();
        var services = new ServiceCollection();
        var clientBuilder = services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/"));
        clientBuilder.AddStandardResilienceHandler(o => o.Retry.MaxRetryAttempts = 1);
        clientBuilder.AddRegionFailover(options =>
        {
            options.Regions.Add(new Region("primary", new Uri("https://payments.example/")));
            // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
            options.Regions.Add(new Region("fallback", new Uri("https://fallback.invalid/")) { Priority = 1 });
        });

        static object WebApplication() => new();
        """,
        [Expected(0, "'payments'", "https://payments.example/")],
        [],
        program: true);

    [Fact]
    public Task Two_chains_fixed_together_each_get_a_local_of_their_own() => VerifyFixBesideResilienceHandlers(
        """
        using System;
        using Microsoft.Extensions.DependencyInjection;
        using SlaKit.Regions;

        public static class Startup
        {
            public static void Configure(IServiceCollection services)
            {
                services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("https://payments.example/")).AddStandardResilienceHandler(o => o.Retry.MaxRetryAttempts = 1);
                services.{|#1:AddHttpClient<SearchClient>|}(c => c.BaseAddress = new Uri("https://search.example/")).AddStandardResilienceHandler(o => o.Retry.MaxRetryAttempts = 1);
            }
        }

        public sealed class SearchClient(System.Net.Http.HttpClient http)
        {
            public System.Net.Http.HttpClient Http { get; } = http;
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
                var payments = services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.example/"));
                payments.AddStandardResilienceHandler(o => o.Retry.MaxRetryAttempts = 1);
                payments.AddRegionFailover(options =>
                {
                    options.Regions.Add(new Region("primary", new Uri("https://payments.example/")));
                    // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
                    options.Regions.Add(new Region("fallback", new Uri("https://fallback.invalid/")) { Priority = 1 });
                });
                var searchClient = services.AddHttpClient<SearchClient>(c => c.BaseAddress = new Uri("https://search.example/"));
                searchClient.AddStandardResilienceHandler(o => o.Retry.MaxRetryAttempts = 1);
                searchClient.AddRegionFailover(options =>
                {
                    options.Regions.Add(new Region("primary", new Uri("https://search.example/")));
                    // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
                    options.Regions.Add(new Region("fallback", new Uri("https://fallback.invalid/")) { Priority = 1 });
                });
            }
        }

        public sealed class SearchClient(System.Net.Http.HttpClient http)
        {
            public System.Net.Http.HttpClient Http { get; } = http;
        }
        """,
        [Expected(0, "'payments'", "https://payments.example/"), Expected(1, "'SearchClient'", "https://search.example/")],
        []);

    [Fact]
    public async Task Two_unnamed_chains_fixed_together_get_different_locals()
    {
        const string source = """
            using System;
            using Microsoft.Extensions.DependencyInjection;
            using SlaKit.Regions;

            public static class Names
            {
                public static readonly string Payments = "payments";
                public static readonly string Search = "search";
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#0:AddHttpClient|}(Names.Payments, c => c.BaseAddress = new Uri("https://payments.example/")).AddStandardResilienceHandler(o => o.Retry.MaxRetryAttempts = 1);
                    services.{|#1:AddHttpClient|}(Names.Search, c => c.BaseAddress = new Uri("https://search.example/")).AddStandardResilienceHandler(o => o.Retry.MaxRetryAttempts = 1);
                }
            }
            """;

        const string oneFixed = """
            using System;
            using Microsoft.Extensions.DependencyInjection;
            using SlaKit.Regions;

            public static class Names
            {
                public static readonly string Payments = "payments";
                public static readonly string Search = "search";
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    var builder = services.AddHttpClient(Names.Payments, c => c.BaseAddress = new Uri("https://payments.example/"));
                    builder.AddStandardResilienceHandler(o => o.Retry.MaxRetryAttempts = 1);
                    builder.AddRegionFailover(options =>
                    {
                        options.Regions.Add(new Region("primary", new Uri("https://payments.example/")));
                        // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
                        options.Regions.Add(new Region("fallback", new Uri("https://fallback.invalid/")) { Priority = 1 });
                    });
                    services.AddHttpClient(Names.Search, c => c.BaseAddress = new Uri("https://search.example/")).AddStandardResilienceHandler(o => o.Retry.MaxRetryAttempts = 1);
                }
            }
            """;

        const string allFixed = """
            using System;
            using Microsoft.Extensions.DependencyInjection;
            using SlaKit.Regions;

            public static class Names
            {
                public static readonly string Payments = "payments";
                public static readonly string Search = "search";
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    var builder = services.AddHttpClient(Names.Payments, c => c.BaseAddress = new Uri("https://payments.example/"));
                    builder.AddStandardResilienceHandler(o => o.Retry.MaxRetryAttempts = 1);
                    builder.AddRegionFailover(options =>
                    {
                        options.Regions.Add(new Region("primary", new Uri("https://payments.example/")));
                        // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
                        options.Regions.Add(new Region("fallback", new Uri("https://fallback.invalid/")) { Priority = 1 });
                    });
                    var clientBuilder = services.AddHttpClient(Names.Search, c => c.BaseAddress = new Uri("https://search.example/"));
                    clientBuilder.AddStandardResilienceHandler(o => o.Retry.MaxRetryAttempts = 1);
                    clientBuilder.AddRegionFailover(options =>
                    {
                        options.Regions.Add(new Region("primary", new Uri("https://search.example/")));
                        // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
                        options.Regions.Add(new Region("fallback", new Uri("https://fallback.invalid/")) { Priority = 1 });
                    });
                }
            }
            """;

        // A failover on a client whose name is not a constant could be any client's, so one fix silences SLA0002 for the
        // rest of the compilation: only fixing all at once fixes both.
        var test = ForFix(
            source, oneFixed, Expected(0, "(unnamed)", "https://payments.example/"), Expected(1, "(unnamed)", "https://search.example/"));
        test.BatchFixedCode = allFixed;
        test.NumberOfIncrementalIterations = 1;
        test.NumberOfFixAllIterations = 1;
        test.TestState.AdditionalReferences.AddRange(AnalyzerTest.ResilienceReferences);
        test.FixedState.AdditionalReferences.AddRange(AnalyzerTest.ResilienceReferences);
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public Task Two_registrations_fixed_together_in_a_file_without_the_import_add_it_once() => VerifyFix(
        """
        using System;
        using Microsoft.Extensions.DependencyInjection;

        public static class Startup
        {
            public static void Configure(IServiceCollection services)
            {
                services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("https://payments.example/"));
                services.{|#1:AddHttpClient|}("search", c => c.BaseAddress = new Uri("https://search.example/"));
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
                    });
                services.AddHttpClient("search", c => c.BaseAddress = new Uri("https://search.example/"))
                    .AddRegionFailover(options =>
                    {
                        options.Regions.Add(new Region("primary", new Uri("https://search.example/")));
                        // Fallback region: replace this endpoint with the service in another failure domain (another cloud region, data centre or provider).
                        options.Regions.Add(new Region("fallback", new Uri("https://fallback.invalid/")) { Priority = 1 });
                    });
            }
        }
        """,
        Expected(0, "'payments'", "https://payments.example/"),
        Expected(1, "'search'", "https://search.example/"));

    [Fact]
    public Task An_expression_bodied_registration_ending_in_a_resilience_handler_gets_no_fix()
    {
        const string source = """
            using System;
            using Microsoft.Extensions.DependencyInjection;
            using SlaKit.Regions;

            public static class Startup
            {
                public static void Configure(IServiceCollection services) =>
                    services.{|#0:AddHttpClient|}("payments", c => c.BaseAddress = new Uri("https://payments.example/")).AddStandardResilienceHandler(o => o.Retry.MaxRetryAttempts = 1);
            }
            """;
        return VerifyFixBesideResilienceHandlers(source, source, [Expected(0, "'payments'", "https://payments.example/")], []);
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
