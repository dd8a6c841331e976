using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>The handler against an in-memory terminal handler: which regions are asked, in what order, and what the caller gets.</summary>
public sealed class RegionFailoverHandlerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FailoverTelemetry _telemetry;
    private readonly Dictionary<string, Func<HttpRequestMessage, HttpResponseMessage>> _regions = [];
    private readonly HashSet<string> _hanging = [];
    private readonly List<(string Host, HttpMethod Method)> _calls = [];
    private HttpRegionSet? _client;

    public RegionFailoverHandlerTests()
    {
        _telemetry = new FailoverTelemetry(Meters);
    }

    private System.Diagnostics.Metrics.IMeterFactory Meters => _services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();

    public void Dispose()
    {
        _telemetry.Dispose();
        _services.Dispose();
    }

    private HttpMessageInvoker Invoker(Action<RegionFailoverOptions>? configure = null)
    {
        var options = new RegionFailoverOptions { Hedging = HedgingMode.Off };
        options.Regions.Add(new Region("a", new Uri("http://a.invalid/")));
        options.Regions.Add(new Region("b", new Uri("http://b.invalid/")) { Priority = 1 });
        configure?.Invoke(options);
        var client = new HttpRegionSet("payments", options, _time, NullLogger.Instance, _telemetry);
        _client = client;
        var handler = new RegionFailoverHandler(client) { InnerHandler = new Terminal(this) };
        return new HttpMessageInvoker(handler);
    }

    private sealed class Terminal(RegionFailoverHandlerTests owner) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string host = request.RequestUri!.Host;
            lock (owner._calls)
            {
                owner._calls.Add((host, request.Method));
            }

            if (owner._hanging.Contains(host))
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, owner._time, cancellationToken);
            }

            Func<HttpRequestMessage, HttpResponseMessage> answer = owner._regions.GetValueOrDefault(host, static _ => new HttpResponseMessage(HttpStatusCode.OK));
            return answer(request);
        }
    }

    private static HttpResponseMessage Status(HttpStatusCode status) => new(status);

    private static Func<HttpRequestMessage, HttpResponseMessage> Refused => static _ =>
        throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));

    /// <summary>What SocketsHttpHandler throws when its ConnectTimeout runs out (a cancellation nobody above asked for), thrown here.</summary>
    private static HttpResponseMessage ConnectTimedOut(HttpRequestMessage request) =>
        throw new TaskCanceledException("The operation was canceled.", new TimeoutException("A connection could not be established within the configured ConnectTimeout."));

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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_post_whose_connection_was_refused_goes_to_the_next_region(bool throughAProxy)
    {
        // Through an HTTP proxy, an https region it cannot reach gets a 502 to the CONNECT, before any byte of the request
        // passed the proxy: .NET's handler reports that as a ProxyTunnelError.
        _regions["a.invalid"] = throughAProxy
            ? static _ => throw new HttpRequestException(
                HttpRequestError.ProxyTunnelError, "The proxy tunnel request to proxy 'http://127.0.0.1:3128/' failed with status code '502'.")
            : Refused;
        using HttpMessageInvoker invoker = Invoker();

        using HttpResponseMessage response = await invoker.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/pay") { Content = new StringContent("{}") },
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["a.invalid", "b.invalid"], _calls.Select(static c => c.Host));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public async Task A_post_put_on_an_http2_connection_the_failover_had_closed_before_it_began_goes_again_to_the_same_region(bool closedBefore, bool oneRegion)
    {
        // What .NET's handler throws for a request it put on a connection that has been closed under it (Http2Connection).
        long closedAt = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var closed = new FailoverClosedConnectionException(closedBefore ? closedAt : _time.GetTimestamp() + 1);
        int sent = 0;
        _regions["a.invalid"] = _ => Interlocked.Increment(ref sent) == 1
            ? throw new HttpRequestException("An error occurred while sending the request.", new IOException("The request was aborted.", closed))
            : new HttpResponseMessage(HttpStatusCode.Created);
        using HttpMessageInvoker invoker = Invoker(o =>
        {
            if (oneRegion)
            {
                o.Regions.RemoveAt(1);
            }
        });
        var reasons = new List<string>();
        _client!.Core.HealthChanged += (_, e) => reasons.Add(e.Reason);

        Task<HttpResponseMessage> sending = invoker.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/pay") { Content = new StringContent("{}") },
            TestContext.Current.CancellationToken);

        if (closedBefore)
        {
            // It never left, and the region had no say: sent again on a new connection, nothing held against a.
            using HttpResponseMessage response = await sending;
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal(["a.invalid", "a.invalid"], _calls.Select(static c => c.Host));
            Assert.Empty(reasons);
        }
        else
        {
            // Already on its way when the connection was closed: it may have reached the server, so it is not sent again.
            await Assert.ThrowsAsync<RegionFailoverException>(() => sending);
            Assert.Equal(["a.invalid"], _calls.Select(static c => c.Host));
            Assert.Equal([$"a transport error: An error occurred while sending the request."], reasons);
        }
    }

    [Fact]
    public async Task A_body_not_buffered_is_not_sent_again_after_a_closed_connection_since_some_of_it_may_have_been_read()
    {
        long closedAt = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _regions["a.invalid"] = _ => throw new HttpRequestException(
            "An error occurred while sending the request.", new IOException("The request was aborted.", new FailoverClosedConnectionException(closedAt)));
        using HttpMessageInvoker invoker = Invoker();

        await Assert.ThrowsAsync<RegionFailoverException>(() => invoker.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/upload") { Content = new StreamContent(new UnknownLength()) },
            TestContext.Current.CancellationToken));

        Assert.Equal(["a.invalid"], _calls.Select(static c => c.Host));
    }

    [Fact]
    public async Task A_post_a_handler_of_the_application_timed_out_on_its_own_counts_against_the_region_and_is_not_sent_again()
    {
        // The shape SocketsHttpHandler gives a connect timeout, thrown by another handler: it may have sent the request.
        // (.NET's own, certainly unsent, goes on to the next region: TransportFailoverTests.)
        _regions["a.invalid"] = ConnectTimedOut;
        using HttpMessageInvoker invoker = Invoker();

        RegionFailoverException error = await Assert.ThrowsAsync<RegionFailoverException>(() => invoker.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/pay") { Content = new StringContent("{}") },
            TestContext.Current.CancellationToken));

        Assert.Equal([("a", RegionAttemptOutcomeKind.TransportError)], error.Outcomes.Select(static o => (o.Region.Name, o.Kind)));
        Assert.Equal(["a.invalid"], _calls.Select(static c => c.Host));
        Assert.Equal(RegionHealth.Degraded, _client!.Core.GetStatus()[0].Health);
    }

    [Fact]
    public async Task Connections_not_made_within_the_connect_timeout_count_in_the_regions_circuit_breaker()
    {
        // Every other attempt times out connecting: never enough in a row to mark the region down, so only its
        // circuit breaker can take it out, at the fifth attempt (three failures of five, at least four attempts seen).
        int attempts = 0;
        _regions["a.invalid"] = request => Interlocked.Increment(ref attempts) % 2 == 1 ? ConnectTimedOut(request) : Status(HttpStatusCode.OK);
        using HttpMessageInvoker invoker = Invoker(static o =>
        {
            o.FailuresToMarkDown = 3;
            o.CircuitBreakerMinimumThroughput = 4;
            o.CircuitBreakerFailureRatio = 0.5;
        });

        for (int i = 0; i < 5; i++)
        {
            using HttpResponseMessage response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(5, attempts);
        Assert.Equal(RegionHealth.Unhealthy, _client!.Core.GetStatus()[0].Health);
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
    public async Task When_every_region_asked_to_be_left_alone_a_request_is_sent_nowhere_and_says_when_the_first_takes_requests_again()
    {
        // An account-wide rate limit: both regions answer 429 with Retry-After, 30 s and 20 s.
        foreach ((string host, int seconds) in new[] { ("a.invalid", 30), ("b.invalid", 20) })
        {
            _regions[host] = _ =>
            {
                var response = Status(HttpStatusCode.TooManyRequests);
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
                return response;
            };
        }

        using HttpMessageInvoker invoker = Invoker();
        CancellationToken ct = TestContext.Current.CancellationToken;
        await Assert.ThrowsAsync<RegionFailoverException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), ct));
        int sent = _calls.Count;
        _time.Advance(TimeSpan.FromSeconds(5));

        RegionFailoverException held = await Assert.ThrowsAsync<RegionFailoverException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), ct));

        Assert.Equal(2, sent);
        Assert.Equal(sent, _calls.Count);
        Assert.Equal(TimeSpan.FromSeconds(15), held.RetryAfter);
        Assert.Empty(held.Outcomes);
        Assert.Contains("every region asked to be left alone (Retry-After)", held.Message, StringComparison.Ordinal);

        // Once b's period is over it is tried again, in panic mode, while a still waits.
        _regions["b.invalid"] = static _ => new HttpResponseMessage(HttpStatusCode.OK);
        _time.Advance(TimeSpan.FromSeconds(16));
        using HttpResponseMessage again = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(["a.invalid", "b.invalid", "b.invalid"], _calls.Select(static c => c.Host));
    }

    [Fact]
    public async Task A_backup_that_was_down_is_tried_again_after_its_break_and_is_there_when_the_primary_fails()
    {
        using HttpMessageInvoker invoker = Invoker();
        TrackedRegion backup = _client!.Regions[1];
        backup.RecordFailure(_time.GetUtcNow(), "x");
        backup.RecordFailure(_time.GetUtcNow(), "x");
        _time.Advance(TimeSpan.FromSeconds(5));

        // The primary serves; requests safe to repeat also try the backup, which has come back.
        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(2, _calls.Count(static c => c.Host == "b.invalid"));
        Assert.Equal(RegionHealth.Healthy, _client.Core.GetStatus()[1].Health);

        _regions["a.invalid"] = _ => Status(HttpStatusCode.ServiceUnavailable);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x");
        using HttpResponseMessage failedOver = await invoker.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, failedOver.StatusCode);
        Assert.Equal("b", request.GetServedRegion());
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
    public async Task With_one_attempt_allowed_a_trial_of_the_region_that_was_down_still_leaves_the_request_a_healthy_region()
    {
        _regions["a.invalid"] = _ => Status(HttpStatusCode.ServiceUnavailable);
        using HttpMessageInvoker invoker = Invoker(o => o.MaxAttempts = 1);
        TrackedRegion a = _client!.Regions[0];
        a.RecordFailure(_time.GetUtcNow(), "down");
        a.RecordFailure(_time.GetUtcNow(), "down");
        _time.Advance(_client.Options.BreakDuration);

        using HttpResponseMessage response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        Assert.Equal(["a.invalid", "b.invalid"], _calls.Select(static c => c.Host));
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

    [Fact]
    public async Task Each_attempt_is_recorded_against_its_region_with_what_happened()
    {
        _regions["a.invalid"] = Refused;
        _regions["b.invalid"] = _ => Status(HttpStatusCode.ServiceUnavailable);
        using HttpMessageInvoker invoker = Invoker(o => o.Regions.Add(new Region("c", new Uri("http://c.invalid/")) { Priority = 2 }));
        var reasons = new List<(string Region, RegionHealth Health, string Reason)>();
        _client!.Core.HealthChanged += (_, e) => reasons.Add((e.Region.Name, e.Current, e.Reason));

        using HttpResponseMessage response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);

        Assert.Equal("c", response.RequestMessage!.GetServedRegion());
        Assert.Equal(
        [
            ("a", RegionHealth.Degraded, "a transport error: Connection refused"),
            ("b", RegionHealth.Degraded, "it answered 503 ServiceUnavailable"),
        ], reasons);
        Assert.True(double.IsNaN(_client.Regions[0].Latency.FirstMilliseconds));
        Assert.Equal(0, _client.Regions[2].Latency.FirstMilliseconds);

        // A success heals the region it came from.
        _regions.Remove("a.invalid");
        using HttpResponseMessage healed = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);
        Assert.Equal(("a", RegionHealth.Healthy, "it answered"), reasons[^1]);
    }

    [Fact]
    public async Task Each_attempt_is_traced_and_counted_with_its_region_and_outcome()
    {
        _regions["a.invalid"] = _ => Status(HttpStatusCode.ServiceUnavailable);
        using var attempts = new MetricCollector<long>(Meters, "SlaKit", "slakit.failover.attempts");
        var traced = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source == _telemetry.ActivitySource,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity => { lock (traced) { traced.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        using HttpMessageInvoker invoker = Invoker();

        using HttpResponseMessage response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Put, "http://payments.invalid/x"), TestContext.Current.CancellationToken);

        Assert.Equal(2, traced.Count);
        Assert.All(traced, static a => Assert.Equal("slakit.failover.attempt", a.OperationName));
        Assert.Equal(
            [("payments", "a", "PUT", "TransientStatus", 503, ActivityStatusCode.Error), ("payments", "b", "PUT", "Success", 200, ActivityStatusCode.Unset)],
            traced.Select(static a => (
                a.GetTagItem("slakit.client"), a.GetTagItem("slakit.region"), a.GetTagItem("http.request.method"),
                a.GetTagItem("slakit.outcome"), a.GetTagItem("http.response.status_code"), a.Status)).ToList<(object?, object?, object?, object?, object?, ActivityStatusCode)>());
        Assert.Equal(
            [("a", "transient_status"), ("b", "success")],
            attempts.GetMeasurementSnapshot().Select(static m => (m.Tags["region"], m.Tags["outcome"])).ToList<(object?, object?)>());
    }

    [Fact]
    public async Task A_region_that_does_not_answer_within_the_attempt_timeout_is_recorded_so_and_the_next_one_serves()
    {
        _hanging.Add("a.invalid");
        using HttpMessageInvoker invoker = Invoker(o => o.AttemptTimeout = TimeSpan.FromSeconds(1));
        var reasons = new List<string>();
        _client!.Core.HealthChanged += (_, e) => reasons.Add(e.Reason);

        Task<HttpResponseMessage> sending = invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(1));
        using HttpResponseMessage response = await sending.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        Assert.Equal(["it did not answer within the attempt timeout"], reasons);
    }

    [Fact]
    public async Task A_declared_idempotent_grpc_call_is_buffered_failed_over_and_when_every_region_fails_answered_unavailable()
    {
        _regions["a.invalid"] = _ => Status(HttpStatusCode.ServiceUnavailable);
        _regions["b.invalid"] = Refused;
        using HttpMessageInvoker invoker = Invoker(o => o.IdempotentMethods.Add("shop.Orders/Get"));
        using HttpRequestMessage request = GrpcCall("shop.Orders/Get");

        using HttpResponseMessage response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(["a.invalid", "b.invalid"], _calls.Select(static c => c.Host));
        Assert.True(request.Options.TryGetValue(RegionFailoverRequestOptions.Idempotent, out bool idempotent) && idempotent);
        Assert.Equal((HttpStatusCode.OK, "application/grpc"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        Assert.Equal("14", Assert.Single(response.Headers.GetValues("grpc-status")));
        Assert.StartsWith("POST%20%2Fshop.Orders%2FGet%20via%20client%20%27payments%27%20failed", Assert.Single(response.Headers.GetValues("grpc-message")), StringComparison.Ordinal);
        Assert.Same(request, response.RequestMessage);
    }

    [Fact]
    public async Task A_reply_declared_idempotent_that_ends_without_a_grpc_status_is_a_failure_of_its_region_and_the_call_moves_on()
    {
        // A proxy that drops trailers: HTTP/2 200, application/grpc, a message, and no grpc-status anywhere.
        _regions["a.invalid"] = static _ => GrpcReply(trailerStatus: null);
        _regions["b.invalid"] = static _ => GrpcReply(trailerStatus: "0");
        using var attempts = new MetricCollector<long>(Meters, "SlaKit", "slakit.failover.attempts");
        using HttpMessageInvoker invoker = Invoker(o => o.IdempotentMethods.Add("shop.Orders/Get"));
        var reasons = new List<(string, string)>();
        _client!.Core.HealthChanged += (_, e) => reasons.Add((e.Region.Name, e.Reason));
        using HttpRequestMessage request = GrpcCall("shop.Orders/Get");

        using HttpResponseMessage response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(["a.invalid", "b.invalid"], _calls.Select(static c => c.Host));
        Assert.Equal("b", request.GetServedRegion());
        Assert.Equal("0", Assert.Single(response.TrailingHeaders.GetValues("grpc-status")));
        Assert.Equal([("a", "a transport error: The gRPC answer ended without a grpc-status in its trailers.")], reasons);
        Assert.Equal(
            [("a", "transport_error"), ("b", "success")],
            attempts.GetMeasurementSnapshot().Select(static m => (m.Tags["region"], m.Tags["outcome"])).ToList<(object?, object?)>());
    }

    [Fact]
    public async Task A_grpc_call_not_declared_idempotent_is_not_sent_twice_once_it_reached_a_server()
    {
        _regions["a.invalid"] = _ => Status(HttpStatusCode.ServiceUnavailable);
        using HttpMessageInvoker invoker = Invoker(o => o.IdempotentMethods.Add("shop.Orders/Get"));
        using HttpRequestMessage request = GrpcCall("shop.Orders/Place");

        using HttpResponseMessage response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(["a.invalid"], _calls.Select(static c => c.Host));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.False(request.Options.TryGetValue(RegionFailoverRequestOptions.Idempotent, out _));
    }

    [Fact]
    public async Task A_grpc_call_whose_body_cannot_be_read_gives_back_the_trial_it_claimed()
    {
        using HttpMessageInvoker invoker = Invoker(o => o.IdempotentMethods.Add("shop.Orders/Get"));
        TrackedRegion a = _client!.Regions[0];
        a.RecordFailure(_time.GetUtcNow(), "down");
        a.RecordFailure(_time.GetUtcNow(), "down");
        _time.Advance(_client.Options.BreakDuration);
        Assert.True(a.ViewAt(_time.GetUtcNow()).CanTrial);
        using HttpRequestMessage call = GrpcCall("shop.Orders/Get");
        call.Content = new UnserializableContent();
        call.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");

        InvalidOperationException thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => invoker.SendAsync(call, TestContext.Current.CancellationToken));

        Assert.Equal(UnserializableContent.Message, thrown.Message);
        Assert.Empty(_calls);
        Assert.True(a.ViewAt(_time.GetUtcNow()).CanTrial);

        // The next request safe to repeat is the trial, and finds the region well again.
        using HttpResponseMessage next = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);
        Assert.Contains(_calls, static c => c.Host == "a.invalid");
    }

    [Fact]
    public async Task A_grpc_push_back_longer_than_any_time_span_still_fails_over_and_keeps_the_region_out_for_the_longest_retry_after()
    {
        _regions["a.invalid"] = static _ =>
        {
            HttpResponseMessage unavailable = GrpcAnswer("14");
            unavailable.Headers.TryAddWithoutValidation("grpc-retry-pushback-ms", "9223372036854775807");
            return unavailable;
        };
        _regions["b.invalid"] = static _ => GrpcAnswer("0");
        using HttpMessageInvoker invoker = Invoker(o => o.IdempotentMethods.Add("shop.Orders/Get"));
        using HttpRequestMessage request = GrpcCall("shop.Orders/Get");

        using HttpResponseMessage response = await invoker.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(["a.invalid", "b.invalid"], _calls.Select(static c => c.Host));
        Assert.Equal("b", request.GetServedRegion());
        _time.Advance(_client!.Options.MaxRetryAfter - TimeSpan.FromSeconds(1));
        Assert.Equal(["b"], _client.Plan(allowTrial: false).Order.Select(static r => r.Region.Name));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["a", "b"], _client.Plan(allowTrial: false).Order.Select(static r => r.Region.Name));
    }

    [Fact]
    public async Task A_request_that_one_refusal_moves_to_the_backup_is_no_switch_since_the_next_still_goes_to_the_primary_first()
    {
        using var switches = new MetricCollector<long>(Meters, "SlaKit", "slakit.failover.switches");
        _regions["a.invalid"] = Refused;
        using HttpMessageInvoker invoker = Invoker();

        using HttpResponseMessage first = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);
        _regions.Remove("a.invalid");
        using HttpResponseMessage back = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);

        Assert.Equal(["b", "a"], new[] { first, back }.Select(static r => r.RequestMessage!.GetServedRegion()));
        Assert.Empty(switches.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task A_null_request_is_refused_by_name()
    {
        using HttpMessageInvoker invoker = Invoker();

        Assert.Equal("request", (await Assert.ThrowsAsync<ArgumentNullException>(() => invoker.SendAsync(null!, TestContext.Current.CancellationToken))).ParamName);
    }

    /// <summary>A unary gRPC call to <paramref name="method"/> as Grpc.Net.Client sends it: HTTP/2, <c>application/grpc</c>, one empty message.</summary>
    private static HttpRequestMessage GrpcCall(string method)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/" + method)
        {
            Version = HttpVersion.Version20,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        return request;
    }

    /// <summary>A gRPC answer over HTTP/2 with <paramref name="status"/> in its headers (trailers-only).</summary>
    private static HttpResponseMessage GrpcAnswer(string status)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = new ByteArrayContent([]) };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        response.Headers.TryAddWithoutValidation("grpc-status", status);
        return response;
    }

    /// <summary>A gRPC answer over HTTP/2 with one message and, once its body is read, <paramref name="trailerStatus"/> in its trailers.</summary>
    private static HttpResponseMessage GrpcReply(string? trailerStatus)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = new ByteArrayContent([0, 0, 0, 0, 0]) };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        if (trailerStatus is not null)
        {
            response.TrailingHeaders.TryAddWithoutValidation("grpc-status", trailerStatus);
        }

        return response;
    }

    /// <summary>A body that fails as it is serialized, as a gRPC message over the client's send limit does.</summary>
    private sealed class UnserializableContent : HttpContent
    {
        public const string Message = "The message is larger than the send limit.";

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => throw new InvalidOperationException(Message);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
