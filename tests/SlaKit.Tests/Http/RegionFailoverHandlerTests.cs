using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>The handler against an in-memory terminal handler: which regions are asked, in what order, and what the caller gets.</summary>
public sealed class RegionFailoverHandlerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly FailoverTelemetry _telemetry = new(null);
    private readonly Dictionary<string, Func<HttpRequestMessage, HttpResponseMessage>> _regions = [];
    private readonly List<(string Host, HttpMethod Method)> _calls = [];

    public void Dispose() => _telemetry.Dispose();

    private HttpMessageInvoker Invoker(Action<RegionFailoverOptions>? configure = null)
    {
        var options = new RegionFailoverOptions { Hedging = HedgingMode.Off };
        options.Regions.Add(new Region("a", new Uri("http://a.invalid/")));
        options.Regions.Add(new Region("b", new Uri("http://b.invalid/")) { Priority = 1 });
        configure?.Invoke(options);
        var client = new HttpRegionSet("payments", options, _time, NullLogger.Instance, _telemetry);
        var handler = new RegionFailoverHandler(client) { InnerHandler = new Terminal(this) };
        return new HttpMessageInvoker(handler);
    }

    private sealed class Terminal(RegionFailoverHandlerTests owner) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string host = request.RequestUri!.Host;
            lock (owner._calls)
            {
                owner._calls.Add((host, request.Method));
            }

            Func<HttpRequestMessage, HttpResponseMessage> answer = owner._regions.GetValueOrDefault(host, static _ => new HttpResponseMessage(HttpStatusCode.OK));
            return Task.FromResult(answer(request));
        }
    }

    private static HttpResponseMessage Status(HttpStatusCode status) => new(status);

    private static Func<HttpRequestMessage, HttpResponseMessage> Refused => static _ =>
        throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));

    [Fact]
    public async Task A_healthy_primary_serves_alone()
    {
        using HttpMessageInvoker invoker = Invoker();
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x");

        using HttpResponseMessage response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([("a.invalid", HttpMethod.Get)], _calls);
        Assert.Same(request, response.RequestMessage);
        Assert.Equal("a", request.GetServedRegion());
        Assert.Equal("http://payments.invalid/x", request.RequestUri!.AbsoluteUri);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task A_transient_status_fails_a_get_over(HttpStatusCode status)
    {
        _regions["a.invalid"] = _ => Status(status);
        using HttpMessageInvoker invoker = Invoker();

        using HttpResponseMessage response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["a.invalid", "b.invalid"], _calls.Select(static c => c.Host));
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Conflict)]
    public async Task A_non_transient_status_is_the_answer(HttpStatusCode status)
    {
        _regions["a.invalid"] = _ => Status(status);
        using HttpMessageInvoker invoker = Invoker();

        using HttpResponseMessage response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        Assert.Single(_calls);
    }

    [Fact]
    public async Task A_post_that_reached_a_server_is_not_sent_again()
    {
        _regions["a.invalid"] = _ => Status(HttpStatusCode.ServiceUnavailable);
        using HttpMessageInvoker invoker = Invoker();

        using HttpResponseMessage response = await invoker.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/pay") { Content = new StringContent("{}") },
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal([("a.invalid", HttpMethod.Post)], _calls);
    }

    [Fact]
    public async Task A_post_whose_connection_was_refused_goes_to_the_next_region()
    {
        _regions["a.invalid"] = Refused;
        using HttpMessageInvoker invoker = Invoker();

        using HttpResponseMessage response = await invoker.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/pay") { Content = new StringContent("{}") },
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["a.invalid", "b.invalid"], _calls.Select(static c => c.Host));
    }

    [Fact]
    public async Task A_post_with_an_idempotency_key_or_marked_idempotent_fails_over()
    {
        _regions["a.invalid"] = _ => Status(HttpStatusCode.BadGateway);
        using HttpMessageInvoker invoker = Invoker();
        using var keyed = new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/pay") { Content = new StringContent("{}") };
        keyed.Headers.Add("Idempotency-Key", "k-1");
        using var marked = new HttpRequestMessage(HttpMethod.Patch, "http://payments.invalid/pay") { Content = new StringContent("{}") };
        marked.MarkIdempotent();

        using HttpResponseMessage first = await invoker.SendAsync(keyed, TestContext.Current.CancellationToken);
        using HttpResponseMessage second = await invoker.SendAsync(marked, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("b", keyed.GetServedRegion());
        Assert.Equal("b", marked.GetServedRegion());
    }

    [Fact]
    public async Task When_every_region_fails_the_exception_lists_each_outcome()
    {
        _regions["a.invalid"] = _ => Status(HttpStatusCode.ServiceUnavailable);
        _regions["b.invalid"] = Refused;
        using HttpMessageInvoker invoker = Invoker();

        RegionFailoverException exception = await Assert.ThrowsAsync<RegionFailoverException>(
            () => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken));

        Assert.Equal("payments", exception.ClientName);
        Assert.Collection(
            exception.Outcomes,
            a => Assert.Equal(("a", RegionAttemptOutcomeKind.TransientStatus, (HttpStatusCode?)HttpStatusCode.ServiceUnavailable), (a.Region.Name, a.Kind, a.StatusCode)),
            b => Assert.Equal(("b", RegionAttemptOutcomeKind.TransportError), (b.Region.Name, b.Kind)));
        Assert.IsType<HttpRequestException>(Assert.Single(Assert.IsType<AggregateException>(exception.InnerException).InnerExceptions));
        Assert.Contains("a: 503 ServiceUnavailable", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_primary_is_skipped_once_marked_down_and_503_retry_after_keeps_it_out()
    {
        _regions["a.invalid"] = _ =>
        {
            var response = Status(HttpStatusCode.ServiceUnavailable);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(60));
            return response;
        };
        using HttpMessageInvoker invoker = Invoker();

        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, _calls.Count(static c => c.Host == "a.invalid"));

        _regions["a.invalid"] = static _ => new HttpResponseMessage(HttpStatusCode.OK);
        _time.Advance(TimeSpan.FromSeconds(61));
        using HttpResponseMessage back = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal(2, _calls.Count(static c => c.Host == "a.invalid"));
    }

    [Fact]
    public async Task Max_attempts_limits_the_regions_tried()
    {
        _regions["a.invalid"] = _ => Status(HttpStatusCode.ServiceUnavailable);
        using HttpMessageInvoker invoker = Invoker(o => o.MaxAttempts = 1);

        RegionFailoverException exception = await Assert.ThrowsAsync<RegionFailoverException>(
            () => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken));

        Assert.Single(exception.Outcomes);
        Assert.Single(_calls);
    }

    [Fact]
    public async Task The_callers_cancellation_is_honoured_as_cancellation()
    {
        using HttpMessageInvoker invoker = Invoker();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), cancelled.Token));
        Assert.Empty(_calls);
    }
}
