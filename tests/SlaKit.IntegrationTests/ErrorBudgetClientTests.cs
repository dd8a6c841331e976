using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.Budgets;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>A failover client's requests counted against an SLO with one call, as the caller sees them.</summary>
public sealed class ErrorBudgetClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Slo Payments = new("payments", Availability.FromPercent(99.9), SloWindow.Rolling(TimeSpan.FromDays(30)));

    [Fact]
    public async Task Each_request_counts_once_after_failover_and_only_a_failure_the_caller_sees_is_bad()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        var services = new ServiceCollection();
        services.AddHttpClient("payments")
            .AddErrorBudget(Payments)
            .AddRegionFailover(o =>
            {
                o.Regions.Add(new Region("a", a.BaseUri));
                o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
                o.WarmUp = false;
            });
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("payments");
        ErrorBudgetTracker tracker = provider.GetRequiredKeyedService<ErrorBudgetTracker>("payments");

        (await http.GetAsync("pay", Ct)).Dispose();                          // a answers: good
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        (await http.GetAsync("pay", Ct)).Dispose();                          // a fails, b answers: one good request
        b.Behaviour = RegionServer.Status(HttpStatusCode.NotFound);
        (await http.GetAsync("pay", Ct)).Dispose();                          // the service's own 404: good
        b.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await Assert.ThrowsAsync<RegionFailoverException>(() => http.GetAsync("pay", Ct));   // no region answers: bad

        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();
        Assert.Equal(4, snapshot.Budget.TotalEvents);
        Assert.Equal(1, snapshot.Budget.BadEvents);
        Assert.Same(Payments, tracker.Slo);
    }

    [Fact]
    public async Task A_request_that_throws_is_bad_and_one_the_caller_cancels_is_not_counted()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("payments")
            .AddErrorBudget(Payments)
            .AddRegionFailover(o =>
            {
                o.Regions.Add(new Region("gone", new Uri("http://127.0.0.1:1/")));
                o.WarmUp = false;
            });
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("payments");
        ErrorBudgetTracker tracker = provider.GetRequiredKeyedService<ErrorBudgetTracker>("payments");

        await Assert.ThrowsAsync<RegionFailoverException>(() => http.GetAsync("pay", Ct));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => http.GetAsync("pay", cancelled.Token));

        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();
        Assert.Equal(1, snapshot.Budget.TotalEvents);
        Assert.Equal(1, snapshot.Budget.BadEvents);
    }

    [Fact]
    public async Task A_grpc_call_is_judged_by_the_status_in_its_answers_headers()
    {
        var services = new ServiceCollection();
        int next = 0;
        int[] statuses = [0, 14, 5, 13, 4, 3];
        services.AddHttpClient("payments")
            .ConfigurePrimaryHttpMessageHandler(() => new Answer(request =>
            {
                // A trailers-only answer: HTTP 200, the call's status in the headers.
                var response = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Version = HttpVersion.Version20, Content = new ByteArrayContent([]) };
                response.Headers.TryAddWithoutValidation("grpc-status", statuses[next++].ToString(System.Globalization.CultureInfo.InvariantCulture));
                return response;
            }))
            .AddErrorBudget(Payments);
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("payments");

        for (int i = 0; i < statuses.Length; i++)
        {
            (await http.PostAsync("http://payments.invalid/pay.Payments/Charge", new ByteArrayContent([0, 0, 0, 0, 0]), Ct)).Dispose();
        }

        // OK, NOT_FOUND and INVALID_ARGUMENT are good; UNAVAILABLE, INTERNAL and DEADLINE_EXCEEDED the service's fault.
        ErrorBudgetSnapshot snapshot = provider.GetRequiredKeyedService<ErrorBudgetTracker>("payments").GetSnapshot();
        Assert.Equal((6, 3), (snapshot.Budget.TotalEvents, snapshot.Budget.BadEvents));
    }

    private sealed class Answer(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }

    [Fact]
    public void Arguments_are_checked()
    {
        IHttpClientBuilder builder = new ServiceCollection().AddHttpClient("payments");

        Assert.Equal("slo", Assert.Throws<ArgumentNullException>(() => builder.AddErrorBudget(null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ErrorBudgetHttpClientBuilderExtensions.AddErrorBudget(null!, Payments)).ParamName);
    }

    [Fact]
    public void A_client_counted_against_an_slo_is_not_counted_against_a_second_one_but_another_client_may_be()
    {
        var services = new ServiceCollection();
        IHttpClientBuilder payments = services.AddHttpClient("payments").AddErrorBudget(Payments);
        var latency = new Slo("payments-latency", Availability.FromPercent(99), SloWindow.Rolling(TimeSpan.FromDays(30))) { LatencyThreshold = TimeSpan.FromMilliseconds(300) };

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => payments.AddErrorBudget(latency));
        Assert.StartsWith("Client 'payments' already counts its requests against an SLO", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => services.AddHttpClient("payments").AddErrorBudget(Payments));

        services.AddHttpClient("search").AddErrorBudget(latency);
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.Same(Payments, provider.GetRequiredKeyedService<ErrorBudgetTracker>("payments").Slo);
        Assert.Same(latency, provider.GetRequiredKeyedService<ErrorBudgetTracker>("search").Slo);
    }
}
