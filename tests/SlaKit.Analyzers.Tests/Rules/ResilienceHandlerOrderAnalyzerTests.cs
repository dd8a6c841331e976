using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using SlaKit.Analyzers.CodeFixes;
using SlaKit.Analyzers.Rules;
using SlaKit.Analyzers.Tests.Infrastructure;

namespace SlaKit.Analyzers.Tests.Rules;

public sealed class ResilienceHandlerOrderAnalyzerTests
{
    private const string Usings = """
        using System;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Http.Resilience;
        using Polly;
        using SlaKit.Regions;

        """;

    private const string Regions = """o => { o.Regions.Add(new Region("a", new Uri("https://a.example/"))); o.Regions.Add(new Region("b", new Uri("https://b.example/")) { Priority = 1 }); }""";

    private static string Source(string body) => Usings + $$"""
        public static class Startup
        {
            public static void Configure(IServiceCollection services, Func<IHttpClientBuilder> elsewhere)
            {
        {{string.Join('\n', body.Split('\n').Select(line => line.Length == 0 ? line : "        " + line))}}
            }
        }
        """;

    /// <summary>The diagnostic at markup <paramref name="location"/>, pointing also at the failover's call at markup <paramref name="failover"/>.</summary>
    private static DiagnosticResult Expected(int location, int failover, string what, string why) =>
        AnalyzerTest.Diagnostic<ResilienceHandlerOrderAnalyzer>(location, what, why).WithLocation(failover);

    private static DiagnosticResult Inside(int location, int failover, string method) =>
        Expected(location, failover, method + " is added after AddRegionFailover", ResilienceHandlerOrderAnalyzer.InsideWhy);

    private static Task Verify(string body, params DiagnosticResult[] expected)
    {
        CSharpAnalyzerTest<ResilienceHandlerOrderAnalyzer, DefaultVerifier> test = AnalyzerTest.For<ResilienceHandlerOrderAnalyzer>(Source(body), expected);
        test.TestState.AdditionalReferences.AddRange(AnalyzerTest.ResilienceReferences);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    private static Task VerifyFix(string body, string fixedBody, params DiagnosticResult[] expected) => VerifyFix(body, fixedBody, expected, []);

    private static Task VerifyFix(string body, string fixedBody, DiagnosticResult[] expected, DiagnosticResult[] expectedAfter)
    {
        CSharpCodeFixTest<ResilienceHandlerOrderAnalyzer, MoveResilienceHandlerCodeFixProvider, DefaultVerifier> test =
            AnalyzerTest.ForFix<ResilienceHandlerOrderAnalyzer, MoveResilienceHandlerCodeFixProvider>(Source(body), Source(fixedBody), expected);
        test.TestState.AdditionalReferences.AddRange(AnalyzerTest.ResilienceReferences);
        test.FixedState.AdditionalReferences.AddRange(AnalyzerTest.ResilienceReferences);
        test.FixedState.ExpectedDiagnostics.AddRange(expectedAfter);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public Task The_standard_handler_chained_after_the_failover_runs_inside_each_attempt() => Verify(
        $$"""services.AddHttpClient("payments").{|#1:AddRegionFailover|}({{Regions}}).{|#0:AddStandardResilienceHandler|}();""",
        Inside(0, 1, "AddStandardResilienceHandler"));

    [Fact]
    public Task A_handler_added_in_a_later_statement_on_the_same_builder_or_client_name_is_found() => Verify(
        $$"""
        IHttpClientBuilder payments = services.AddHttpClient("payments");
        payments.{|#2:AddRegionFailover|}({{Regions}});
        payments.{|#0:AddStandardResilienceHandler|}();
        services.AddHttpClient("orders").{|#3:AddRegionFailover|}({{Regions}});
        services.AddHttpClient("orders").{|#1:AddResilienceHandler|}("retry", pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions()));
        """,
        Inside(0, 2, "AddStandardResilienceHandler"),
        Expected(1, 3, "AddResilienceHandler with a retry is added after AddRegionFailover", ResilienceHandlerOrderAnalyzer.RetryInsideWhy));

    [Fact]
    public Task A_pipeline_with_a_retry_or_hedge_around_the_failover_is_reported() => Verify(
        $$"""
        IHttpClientBuilder payments = services.AddHttpClient("payments");
        payments.{|#0:AddResilienceHandler|}("retry", (pipeline, context) => pipeline.AddRetry(new HttpRetryStrategyOptions()));
        payments.{|#1:AddRegionFailover|}({{Regions}});
        """,
        Expected(0, 1, "AddResilienceHandler with a retry wraps AddRegionFailover", ResilienceHandlerOrderAnalyzer.RetryAroundWhy));

    [Fact]
    public Task The_standard_hedging_handler_is_reported_on_either_side_of_the_failover() => Verify(
        $$"""
        services.AddHttpClient("payments").{|#2:AddRegionFailover|}({{Regions}}).{|#0:AddStandardHedgingHandler|}();
        IHttpClientBuilder orders = services.AddHttpClient("orders");
        orders.{|#1:AddStandardHedgingHandler|}();
        orders.{|#3:AddRegionFailover|}({{Regions}});
        """,
        Expected(0, 2, "AddStandardHedgingHandler is added after AddRegionFailover", ResilienceHandlerOrderAnalyzer.HedgingInsideWhy),
        Expected(1, 3, "AddStandardHedgingHandler wraps AddRegionFailover", ResilienceHandlerOrderAnalyzer.HedgingAroundWhy));

    [Fact]
    public Task The_standard_handler_with_its_defaults_around_the_failover_is_reported() => Verify(
        $$"""
        IHttpClientBuilder payments = services.AddHttpClient("payments");
        payments.{|#0:AddStandardResilienceHandler|}();
        payments.{|#1:AddRegionFailover|}({{Regions}});
        """,
        Expected(0, 1, "AddStandardResilienceHandler() with its defaults wraps AddRegionFailover", ResilienceHandlerOrderAnalyzer.DefaultsAroundWhy));

    [Fact]
    public Task Handlers_in_a_harmless_place_or_of_another_client_or_out_of_view_are_not_reported() => Verify(
        $$"""
        IHttpClientBuilder payments = services.AddHttpClient("payments");
        payments.AddStandardResilienceHandler(o => o.Retry.ShouldHandle = _ => PredicateResult.False());
        payments.AddRegionFailover({{Regions}});
        payments.AddResilienceHandler("limits", pipeline => pipeline.AddConcurrencyLimiter(100));
        IHttpClientBuilder orders = services.AddHttpClient("orders");
        orders.AddStandardResilienceHandler().Configure(o => o.Retry.MaxRetryAttempts = 1);
        orders.AddRegionFailover({{Regions}});
        services.AddHttpClient("refunds").AddRegionFailover({{Regions}});
        services.AddHttpClient("invoices").AddStandardResilienceHandler();
        services.AddHttpClient("ledger").AddStandardHedgingHandler();
        elsewhere().AddStandardResilienceHandler();
        """);

    [Fact]
    public Task Parameters_of_two_lambdas_with_one_name_are_two_builders() => Verify(
        $$"""
        Client(services, "payments", b => b.AddRegionFailover({{Regions}}));
        Client(services, "search", b => b.AddStandardResilienceHandler());
        Client(services, "orders", b =>
        {
            b.{|#1:AddRegionFailover|}({{Regions}});
            b.{|#0:AddStandardResilienceHandler|}();
        });

        static IHttpClientBuilder Client(IServiceCollection s, string name, Action<IHttpClientBuilder> configure)
        {
            IHttpClientBuilder builder = s.AddHttpClient(name);
            configure(builder);
            return builder;
        }
        """,
        Inside(0, 1, "AddStandardResilienceHandler"));

    [Fact]
    public Task The_fix_splits_a_chain_so_the_handler_is_added_first_where_its_defaults_are_then_reported() => VerifyFix(
        $$"""
        services.AddHttpClient("payments")
            .{|#1:AddRegionFailover|}({{Regions}})
            .{|#0:AddStandardResilienceHandler|}();
        """,
        $$"""
        var builder = services.AddHttpClient("payments");
        builder.{|#0:AddStandardResilienceHandler|}();
        builder.{|#1:AddRegionFailover|}({{Regions}});
        """,
        [Inside(0, 1, "AddStandardResilienceHandler")],
        [Expected(0, 1, "AddStandardResilienceHandler() with its defaults wraps AddRegionFailover", ResilienceHandlerOrderAnalyzer.DefaultsAroundWhy)]);

    [Fact]
    public Task The_fix_keeps_the_assignment_of_a_split_chain_on_the_handler_whose_value_it_is() => VerifyFix(
        $$"""
        IHttpStandardResiliencePipelineBuilder pipeline;
        pipeline = services.AddHttpClient("payments").{|#1:AddRegionFailover|}({{Regions}}).{|#0:AddStandardResilienceHandler|}();
        pipeline.Configure(o => o.Retry.MaxRetryAttempts = 1);
        """,
        $$"""
        IHttpStandardResiliencePipelineBuilder pipeline;
        var builder = services.AddHttpClient("payments");
        pipeline = builder.AddStandardResilienceHandler();
        builder.AddRegionFailover({{Regions}});
        pipeline.Configure(o => o.Retry.MaxRetryAttempts = 1);
        """,
        Inside(0, 1, "AddStandardResilienceHandler"));

    [Fact]
    public Task No_fix_is_offered_for_a_chain_the_statement_does_more_with_than_assign()
    {
        string body = $$"""
            IHttpStandardResiliencePipelineBuilder pipeline = null;
            pipeline ??= services.AddHttpClient("payments").{|#1:AddRegionFailover|}({{Regions}}).{|#0:AddStandardResilienceHandler|}();
            pipeline.Configure(o => o.Retry.MaxRetryAttempts = 1);
            """;
        DiagnosticResult[] expected = [Inside(0, 1, "AddStandardResilienceHandler")];
        return VerifyFix(body, body, expected, expected);
    }

    [Fact]
    public Task The_fix_moves_a_later_statement_above_the_failover() => VerifyFix(
        $$"""
        IHttpClientBuilder payments = services.AddHttpClient("payments");
        payments.{|#1:AddRegionFailover|}({{Regions}});
        // Limits, total timeout, breaker.
        payments.{|#0:AddStandardResilienceHandler|}(o => o.Retry.ShouldHandle = _ => PredicateResult.False());
        """,
        $$"""
        IHttpClientBuilder payments = services.AddHttpClient("payments");
        // Limits, total timeout, breaker.
        payments.AddStandardResilienceHandler(o => o.Retry.ShouldHandle = _ => PredicateResult.False());
        payments.AddRegionFailover({{Regions}});
        """,
        Inside(0, 1, "AddStandardResilienceHandler"));

    [Fact]
    public Task The_fix_moves_the_failover_below_a_handler_that_uses_a_local_declared_between_them() => VerifyFix(
        $$"""
        IHttpClientBuilder payments = services.AddHttpClient("payments");
        payments.{|#1:AddRegionFailover|}({{Regions}});
        var timeout = TimeSpan.FromSeconds(30);
        payments.{|#0:AddStandardResilienceHandler|}(o => o.TotalRequestTimeout.Timeout = timeout);
        """,
        $$"""
        IHttpClientBuilder payments = services.AddHttpClient("payments");
        var timeout = TimeSpan.FromSeconds(30);
        payments.AddStandardResilienceHandler(o => o.TotalRequestTimeout.Timeout = timeout);
        payments.AddRegionFailover({{Regions}});
        """,
        Inside(0, 1, "AddStandardResilienceHandler"));

    [Fact]
    public Task No_fix_is_offered_when_neither_statement_can_move_past_the_ones_between_them()
    {
        string body = $$"""
            IHttpClientBuilder payments = services.AddHttpClient("payments");
            payments.{|#1:AddRegionFailover|}({{Regions}});
            payments.AddResilienceHandler("limits", pipeline => pipeline.AddConcurrencyLimiter(100));
            var timeout = TimeSpan.FromSeconds(30);
            payments.{|#0:AddStandardResilienceHandler|}(o => o.TotalRequestTimeout.Timeout = timeout);
            """;
        DiagnosticResult[] expected = [Inside(0, 1, "AddStandardResilienceHandler")];
        return VerifyFix(body, body, expected, expected);
    }

    [Fact]
    public Task The_fix_keeps_a_variable_head_and_what_follows_each_call() => VerifyFix(
        $$"""
        IHttpClientBuilder builder = services.AddHttpClient("payments");
        builder.{|#1:AddRegionFailover|}({{Regions}}).RemoveAllLoggers().{|#0:AddStandardResilienceHandler|}().Configure(o => o.Retry.MaxRetryAttempts = 2);
        """,
        $$"""
        IHttpClientBuilder builder = services.AddHttpClient("payments");
        builder.AddStandardResilienceHandler().Configure(o => o.Retry.MaxRetryAttempts = 2);
        builder.AddRegionFailover({{Regions}}).RemoveAllLoggers();
        """,
        Inside(0, 1, "AddStandardResilienceHandler"));
}
