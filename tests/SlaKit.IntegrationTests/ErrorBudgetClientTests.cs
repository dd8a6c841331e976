using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.Budgets;
using SlaKit.Http;
using SlaKit.IntegrationTests.Grpc;
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
        await using ServiceProvider provider = BudgetedFailover(new Region("a", a.BaseUri), new Region("b", b.BaseUri) { Priority = 1 });
        (HttpClient http, ErrorBudgetTracker tracker) = ClientAndTracker(provider);

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
    public async Task A_good_answer_whose_body_breaks_off_is_bad_and_one_read_to_its_end_or_left_early_is_good()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using ServiceProvider provider = BudgetedFailover(new Region("a", a.BaseUri));
        (HttpClient http, ErrorBudgetTracker tracker) = ClientAndTracker(provider);

        // 200 and a body promised 100 bytes long, of which 7 come before the region is lost: lost once the caller has the
        // headers, so that it is the body that breaks off.
        var headersArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.Behaviour = async context =>
        {
            // Longer than a small answer, which a failover client reads whole before handing it over.
            context.Response.ContentLength = 100_000;
            await context.Response.WriteAsync("partial", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await headersArrived.Task.WaitAsync(context.RequestAborted);
            context.Abort();
        };
        using (HttpResponseMessage cut = await http.GetAsync("pay", HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, cut.StatusCode);
            headersArrived.SetResult();
            Exception? broken = await Record.ExceptionAsync(() => cut.Content.ReadAsStringAsync(Ct));
            Assert.True(broken is HttpRequestException or IOException, $"the caller got {broken}");
        }

        a.Behaviour = RegionServer.Healthy;
        Assert.Equal("ok", await http.GetStringAsync("pay", Ct));
        using (HttpResponseMessage left = await http.GetAsync("pay", HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, left.StatusCode); // its body never read
        }

        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();
        Assert.Equal((3L, 1L), (snapshot.Budget.TotalEvents, snapshot.Budget.BadEvents));
    }

    [Fact]
    public async Task A_request_that_throws_is_bad_and_one_the_caller_cancels_is_not_counted()
    {
        await using ServiceProvider provider = BudgetedFailover(new Region("gone", new Uri("http://127.0.0.1:1/")));
        (HttpClient http, ErrorBudgetTracker tracker) = ClientAndTracker(provider);

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

    [Fact]
    public async Task A_grpc_call_whose_status_comes_after_its_headers_is_judged_by_its_trailers_once_read()
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        var services = new ServiceCollection();
        services.AddGrpcClient<Payments.PaymentsClient>(o => o.Address = a.BaseUri).AddErrorBudget(Payments);
        await using ServiceProvider provider = services.BuildServiceProvider();
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();
        ErrorBudgetTracker tracker = provider.GetRequiredKeyedService<ErrorBudgetTracker>("PaymentsClient");

        await client.ChargeAsync(new ChargeRequest { Id = "1" }, cancellationToken: Ct);                     // OK, in the trailers: good
        Assert.Equal(2, await ReadAllAsync(client, Ct));                                                     // a stream that ends OK: good
        (a.FailWith, a.FailAfterHeaders) = (new Status(StatusCode.Unavailable, "lost its database"), true);
        var unary = await Assert.ThrowsAsync<RpcException>(async () => await client.ChargeAsync(new ChargeRequest { Id = "2" }, cancellationToken: Ct));
        var stream = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(client, Ct));                 // one message, then UNAVAILABLE
        a.FailWith = new Status(StatusCode.NotFound, "no such charge");
        await Assert.ThrowsAsync<RpcException>(async () => await client.ChargeAsync(new ChargeRequest { Id = "3" }, cancellationToken: Ct));

        // UNAVAILABLE after the headers, in a unary call and after a stream's first message, is bad; NOT_FOUND is the caller's.
        Assert.Equal((StatusCode.Unavailable, StatusCode.Unavailable), (unary.StatusCode, stream.StatusCode));
        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();
        Assert.Equal((5, 2), (snapshot.Budget.TotalEvents, snapshot.Budget.BadEvents));
    }

    [Fact]
    public async Task A_grpc_stream_the_caller_leaves_before_its_end_is_not_counted()
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        var services = new ServiceCollection();
        services.AddGrpcClient<Payments.PaymentsClient>(o => o.Address = a.BaseUri).AddErrorBudget(Payments);
        await using ServiceProvider provider = services.BuildServiceProvider();
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();

        using (AsyncServerStreamingCall<ChargeReply> call = client.Watch(new ChargeRequest { Id = "1" }, cancellationToken: Ct))
        {
            Assert.True(await call.ResponseStream.MoveNext(Ct));   // the first message, then the caller walks away
        }

        using var cancelled = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using (AsyncServerStreamingCall<ChargeReply> call = client.Watch(new ChargeRequest { Id = "2" }, cancellationToken: cancelled.Token))
        {
            Assert.True(await call.ResponseStream.MoveNext(Ct));
            await cancelled.CancelAsync();
            var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(Ct));
            Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        }

        Assert.Equal(2, await ReadAllAsync(client, Ct));
        ErrorBudgetSnapshot snapshot = provider.GetRequiredKeyedService<ErrorBudgetTracker>("PaymentsClient").GetSnapshot();
        Assert.Equal((1, 0), (snapshot.Budget.TotalEvents, snapshot.Budget.BadEvents));
    }

    [Fact]
    public async Task A_grpc_answer_whose_body_breaks_or_ends_without_a_status_is_bad_and_its_latency_is_to_its_headers()
    {
        var time = new FakeTimeProvider();
        var slo = new Slo("payments", Availability.FromPercent(99), SloWindow.Rolling(TimeSpan.FromDays(30))) { LatencyThreshold = TimeSpan.FromSeconds(1) };
        var bodies = new Queue<(Stream Body, string? Status)>([
            (new MemoryStream([0, 0, 0, 0, 0]), "0"),       // read to its end after a minute: good, the minute is not its latency
            (new MemoryStream([0, 0, 0, 0, 0]), null),      // ends without a status: cut short, bad
            (new BrokenStream(), "0"),                      // the stream is reset mid-body: bad
            (new MemoryStream([0, 0, 0, 0, 0]), "13"),      // never read to its end: not counted
        ]);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddHttpClient("payments")
            .ConfigurePrimaryHttpMessageHandler(() => new Answer(request =>
            {
                (Stream body, string? status) = bodies.Dequeue();
                var response = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Version = HttpVersion.Version20, Content = new StreamContent(body) };
                response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
                if (status is not null)
                {
                    response.TrailingHeaders.TryAddWithoutValidation("grpc-status", status);
                }

                return response;
            }))
            .AddErrorBudget(slo);
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("payments");
        ErrorBudgetTracker tracker = provider.GetRequiredKeyedService<ErrorBudgetTracker>("payments");

        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage response = await http.SendAsync(Call(), HttpCompletionOption.ResponseHeadersRead, Ct);
            time.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(i, tracker.GetSnapshot().Budget.TotalEvents);   // this call is not counted before its body ends
            try
            {
                await response.Content.CopyToAsync(Stream.Null, Ct);
            }
            catch (HttpRequestException error) when (i == 2 && error.InnerException is IOException)
            {
            }
        }

        using (HttpResponseMessage unread = await http.SendAsync(Call(), HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            Assert.Equal(0, (await unread.Content.ReadAsStreamAsync(Ct)).ReadByte());
        }

        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();
        Assert.Equal((3, 2), (snapshot.Budget.TotalEvents, snapshot.Budget.BadEvents));
    }

    [Fact]
    public async Task A_grpc_web_answer_is_judged_as_an_http_answer_since_its_trailers_travel_in_its_body()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("payments")
            .ConfigurePrimaryHttpMessageHandler(() => new Answer(request =>
            {
                var response = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Version = HttpVersion.Version20, Content = new ByteArrayContent([0, 0, 0, 0, 0]) };
                response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc-web+proto");
                return response;
            }))
            .AddErrorBudget(Payments);
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("payments");

        using HttpResponseMessage response = await http.SendAsync(Call(), HttpCompletionOption.ResponseHeadersRead, Ct);
        _ = await response.Content.ReadAsByteArrayAsync(Ct);

        // Its body read to the end is a good answer: no grpc-status in trailers is looked for, which would make it bad.
        ErrorBudget budget = provider.GetRequiredKeyedService<ErrorBudgetTracker>("payments").GetSnapshot().Budget;
        Assert.Equal((1L, 0L), (budget.TotalEvents, budget.BadEvents));
    }

    /// <summary>The client "payments", its requests counted against <see cref="Payments"/> after failover over <paramref name="regions"/>, with no warm-up.</summary>
    private static ServiceProvider BudgetedFailover(params Region[] regions)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("payments")
            .AddErrorBudget(Payments)
            .AddRegionFailover(o =>
            {
                foreach (Region region in regions)
                {
                    o.Regions.Add(region);
                }

                o.WarmUp = false;
            });
        return services.BuildServiceProvider();
    }

    private static (HttpClient Http, ErrorBudgetTracker Tracker) ClientAndTracker(ServiceProvider provider) =>
        (provider.GetRequiredService<IHttpClientFactory>().CreateClient("payments"), provider.GetRequiredKeyedService<ErrorBudgetTracker>("payments"));

    private static HttpRequestMessage Call()
    {
        var content = new ByteArrayContent([0, 0, 0, 0, 0]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        return new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/pay.Payments/Charge") { Version = HttpVersion.Version20, Content = content };
    }

    private static async Task<int> ReadAllAsync(Payments.PaymentsClient client, CancellationToken cancellationToken)
    {
        using AsyncServerStreamingCall<ChargeReply> call = client.Watch(new ChargeRequest { Id = "w" }, cancellationToken: cancellationToken);
        int count = 0;
        await foreach (ChargeReply _ in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            count++;
        }

        return count;
    }

    /// <summary>A body whose stream is reset after its first bytes, as an HTTP/2 RST_STREAM leaves it.</summary>
    private sealed class BrokenStream : MemoryStream
    {
        public BrokenStream()
            : base([0, 0, 0, 0, 0])
        {
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position < Length ? base.ReadAsync(buffer, cancellationToken) : ValueTask.FromException<int>(new IOException("The HTTP/2 stream was reset."));
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
