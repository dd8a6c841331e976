using System.Net;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>
/// Requests whose plan is one attempt (one region left, no hedging) against a terminal handler that answers later,
/// as a socket does: the attempt carries its own timeout on the request's token and still follows the caller's.
/// </summary>
public sealed class RegionFailoverOneAttemptTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly FailoverTelemetry _telemetry = new(null);
    private readonly LaterTerminal _terminal = new();
    private HttpRegionSet _client = null!;
    private HttpMessageInvoker _invoker = null!;

    public RegionFailoverOneAttemptTests() => Start();

    public void Dispose()
    {
        _invoker.Dispose();
        _telemetry.Dispose();
    }

    private void Start(Action<RegionFailoverOptions>? configure = null, HttpMessageHandler? inner = null)
    {
        _invoker?.Dispose();
        var options = new RegionFailoverOptions { Hedging = HedgingMode.Off };
        options.Regions.Add(new Region("a", new Uri("http://a.invalid/")));
        configure?.Invoke(options);
        _client = new HttpRegionSet("payments", options, _time, NullLogger.Instance, _telemetry);
        _invoker = new HttpMessageInvoker(new RegionFailoverHandler(_client) { InnerHandler = inner ?? _terminal });
    }

    /// <summary>Sends <paramref name="requests"/> requests one after another, each left unanswered until its attempt timeout ends it.</summary>
    private async Task TimeOutAsync(int requests, TimeSpan attemptTimeout)
    {
        for (int i = 0; i < requests; i++)
        {
            Task<HttpResponseMessage> sending = Get(TestContext.Current.CancellationToken);
            await _terminal.NextAsync();
            _time.Advance(attemptTimeout);
            await Assert.ThrowsAsync<RegionFailoverException>(() => sending);
        }
    }

    private Task<HttpResponseMessage> Get(CancellationToken cancellationToken) =>
        _invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), cancellationToken);

    [Fact]
    public async Task An_answer_that_comes_later_is_served_with_the_callers_uri_put_back()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x?y=1");
        Task<HttpResponseMessage> sending = _invoker.SendAsync(request, TestContext.Current.CancellationToken);
        (HttpRequestMessage sent, _) = await _terminal.NextAsync();
        Assert.Equal("http://a.invalid/x?y=1", sent.RequestUri!.AbsoluteUri);
        Assert.False(sending.IsCompleted);

        _terminal.Answer(new HttpResponseMessage(HttpStatusCode.OK));
        using HttpResponseMessage response = await sending;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Same(request, response.RequestMessage);
        Assert.Equal("a", request.GetServedRegion());
        Assert.Equal("http://payments.invalid/x?y=1", request.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public async Task The_callers_cancellation_reaches_the_attempt_and_the_next_request_is_unaffected()
    {
        using var caller = new CancellationTokenSource();
        Task<HttpResponseMessage> sending = _invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), caller.Token);
        (_, CancellationToken seen) = await _terminal.NextAsync();
        Assert.False(seen.IsCancellationRequested);

        await caller.CancelAsync();

        Assert.True(seen.IsCancellationRequested);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);

        Task<HttpResponseMessage> next = _invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);
        (_, CancellationToken nextSeen) = await _terminal.NextAsync();
        _terminal.Answer(new HttpResponseMessage(HttpStatusCode.OK));
        using HttpResponseMessage response = await next;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(nextSeen.IsCancellationRequested);
    }

    [Fact]
    public async Task A_get_answered_503_fails_with_the_regions_outcome()
    {
        Task<HttpResponseMessage> sending = _invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);
        await _terminal.NextAsync();
        _terminal.Answer(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));

        RegionFailoverException exception = await Assert.ThrowsAsync<RegionFailoverException>(() => sending);

        RegionAttemptOutcome outcome = Assert.Single(exception.Outcomes);
        Assert.Equal(("a", RegionAttemptOutcomeKind.TransientStatus, (HttpStatusCode?)HttpStatusCode.ServiceUnavailable), (outcome.Region.Name, outcome.Kind, outcome.StatusCode));
    }

    [Fact]
    public async Task A_post_answered_503_gets_the_regions_own_answer()
    {
        Task<HttpResponseMessage> sending = _invoker.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/pay") { Content = new StringContent("{}") },
            TestContext.Current.CancellationToken);
        await _terminal.NextAsync();
        _terminal.Answer(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));

        using HttpResponseMessage response = await sending;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task An_attempt_that_outlives_the_attempt_timeout_fails_as_a_timeout()
    {
        Start(static o => (o.AttemptTimeout, o.TotalTimeout) = (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)));
        Task<HttpResponseMessage> sending = Get(TestContext.Current.CancellationToken);
        (_, CancellationToken seen) = await _terminal.NextAsync();

        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(seen.IsCancellationRequested);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(seen.IsCancellationRequested);

        RegionFailoverException exception = await Assert.ThrowsAsync<RegionFailoverException>(() => sending);
        RegionAttemptOutcome outcome = Assert.Single(exception.Outcomes);
        Assert.Equal(RegionAttemptOutcomeKind.Timeout, outcome.Kind);
        Polly.Timeout.TimeoutRejectedException timeout = Assert.IsType<Polly.Timeout.TimeoutRejectedException>(outcome.Exception);
        Assert.Equal(TimeSpan.FromSeconds(2), timeout.Timeout);
        Assert.Contains("2s", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attempt_timeouts_count_towards_the_circuit_breaker()
    {
        Start(static o =>
        {
            (o.AttemptTimeout, o.FailuresToMarkDown) = (TimeSpan.FromSeconds(2), 100);
            (o.CircuitBreakerMinimumThroughput, o.CircuitBreakerFailureRatio) = (2, 0.5);
        });

        await TimeOutAsync(requests: 2, TimeSpan.FromSeconds(2));

        // An open circuit answers at once; a closed one would send the request on, where it would time out too.
        Task<HttpResponseMessage> third = Get(TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(2));
        RegionFailoverException open = await Assert.ThrowsAsync<RegionFailoverException>(() => third);
        Assert.Equal(RegionAttemptOutcomeKind.CircuitOpen, Assert.Single(open.Outcomes).Kind);
        Assert.Equal(RegionHealth.Unhealthy, Assert.Single(_client.Core.GetStatus()).Health);
    }

    [Fact]
    public async Task The_callers_cancellations_do_not_count_towards_the_circuit_breaker()
    {
        Start(static o =>
        {
            o.FailuresToMarkDown = 100;
            (o.CircuitBreakerMinimumThroughput, o.CircuitBreakerFailureRatio) = (2, 0.5);
        });

        for (int i = 0; i < 3; i++)
        {
            using var caller = new CancellationTokenSource();
            Task<HttpResponseMessage> sending = Get(caller.Token);
            await _terminal.NextAsync();
            await caller.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        }

        Task<HttpResponseMessage> next = Get(TestContext.Current.CancellationToken);
        Assert.False(next.IsCompleted, "an open circuit would have answered at once");
        await _terminal.NextAsync();
        _terminal.Answer(new HttpResponseMessage(HttpStatusCode.OK));
        using HttpResponseMessage response = await next;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(RegionHealth.Healthy, Assert.Single(_client.Core.GetStatus()).Health);
    }

    [Fact]
    public async Task Successes_count_in_the_circuit_breakers_failure_ratio()
    {
        Start(static o =>
        {
            (o.AttemptTimeout, o.FailuresToMarkDown) = (TimeSpan.FromSeconds(2), 100);
            (o.CircuitBreakerMinimumThroughput, o.CircuitBreakerFailureRatio) = (4, 0.5);
        });

        for (int i = 0; i < 3; i++)
        {
            Task<HttpResponseMessage> sending = Get(TestContext.Current.CancellationToken);
            await _terminal.NextAsync();
            _terminal.Answer(new HttpResponseMessage(HttpStatusCode.OK));
            (await sending).Dispose();
        }

        // Three successes and three timeouts make a failure ratio of 0.5 over six attempts: the circuit opens. Counted
        // without the successes, three timeouts would be too few attempts for the breaker to judge.
        await TimeOutAsync(requests: 3, TimeSpan.FromSeconds(2));

        Task<HttpResponseMessage> next = Get(TestContext.Current.CancellationToken);
        Assert.True(next.IsCompleted, "a closed circuit would have sent the request on");
        RegionFailoverException open = await Assert.ThrowsAsync<RegionFailoverException>(() => next);
        Assert.Equal(RegionAttemptOutcomeKind.CircuitOpen, Assert.Single(open.Outcomes).Kind);
    }

    [Fact]
    public async Task The_caller_has_its_answer_only_once_the_region_served_and_its_health_and_metrics_are_recorded()
    {
        using var attempts = new MetricCollector<long>(_telemetry.Attempts);
        Task<HttpResponseMessage> failing = Get(TestContext.Current.CancellationToken);
        await _terminal.NextAsync();
        _terminal.Answer(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        await Assert.ThrowsAsync<RegionFailoverException>(() => failing);
        Assert.NotEqual(RegionHealth.Healthy, Assert.Single(_client.Core.GetStatus()).Health);

        using var request = new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x?y=1");
        Task<HttpResponseMessage> sending = _invoker.SendAsync(request, TestContext.Current.CancellationToken);
        await _terminal.NextAsync();

        // Read by the caller's own code, run at once where its answer is handed over.
        Task<(RegionHealth Health, string? ServedBy, string Uri, int Attempts, double LatencyMs)> seen = sending.ContinueWith(
            _ => (Assert.Single(_client.Core.GetStatus()).Health, request.GetServedRegion(), request.RequestUri!.AbsoluteUri,
                attempts.GetMeasurementSnapshot().Count, _client.Regions[0].Latency.AverageMilliseconds),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _time.Advance(TimeSpan.FromMilliseconds(30));
        _terminal.Answer(new HttpResponseMessage(HttpStatusCode.OK));
        using HttpResponseMessage response = await sending;

        (RegionHealth health, string? servedBy, string uri, int counted, double latency) = await seen;
        Assert.Equal(RegionHealth.Healthy, health);
        Assert.Equal("a", servedBy);
        Assert.Equal("http://payments.invalid/x?y=1", uri);
        Assert.Equal(2, counted);
        Assert.Equal(RegionHealth.Healthy, Assert.Single(_client.Core.GetStatus()).Health);
        Assert.Equal(_client.Regions[0].Latency.AverageMilliseconds, latency);
    }

    [Fact]
    public async Task A_caller_that_sends_its_next_request_the_moment_it_has_its_answer_gets_both_answers()
    {
        Task<HttpResponseMessage> first = Get(TestContext.Current.CancellationToken);
        await _terminal.NextAsync();
        Task<Task<HttpResponseMessage>> following = first.ContinueWith(
            _ => Get(TestContext.Current.CancellationToken), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _terminal.Answer(new HttpResponseMessage(HttpStatusCode.OK));
        using HttpResponseMessage firstResponse = await first;

        Task<HttpResponseMessage> second = await following;
        (HttpRequestMessage sent, CancellationToken token) = await _terminal.NextAsync();
        Assert.Equal("http://a.invalid/x", sent.RequestUri!.AbsoluteUri);
        Assert.False(token.IsCancellationRequested);
        _terminal.Answer(new HttpResponseMessage(HttpStatusCode.Accepted));
        using HttpResponseMessage secondResponse = await second;

        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, secondResponse.StatusCode);
    }

    [Fact]
    public async Task A_request_whose_caller_has_already_given_up_is_not_sent()
    {
        using var caller = new CancellationTokenSource();
        await caller.CancelAsync();

        Task<HttpResponseMessage> sending = Get(caller.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        Assert.False(_terminal.Received);
    }

    [Fact]
    public async Task The_callers_cancellation_leaves_its_task_cancelled_with_the_callers_token()
    {
        using var caller = new CancellationTokenSource();
        Task<HttpResponseMessage> sending = Get(caller.Token);
        await _terminal.NextAsync();

        await caller.CancelAsync();

        OperationCanceledException cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        Assert.Equal(TaskStatus.Canceled, sending.Status);
        Assert.True(cancelled.CancellationToken.IsCancellationRequested);
    }

    [Fact]
    public async Task A_caller_that_cancels_its_token_once_it_has_its_answer_does_not_reach_the_attempt()
    {
        using var caller = new CancellationTokenSource();
        Task<HttpResponseMessage> sending = Get(caller.Token);
        (_, CancellationToken seen) = await _terminal.NextAsync();
        Task cancelling = sending.ContinueWith(_ => caller.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        _terminal.Answer(new HttpResponseMessage(HttpStatusCode.OK));
        using HttpResponseMessage response = await sending;
        await cancelling;

        Assert.True(caller.IsCancellationRequested);
        Assert.False(seen.IsCancellationRequested);
    }

    [Fact]
    public async Task An_attempt_that_times_out_after_the_circuit_opened_and_its_break_ended_is_no_trial_of_the_region()
    {
        Start(static o =>
        {
            (o.AttemptTimeout, o.TotalTimeout, o.BreakDuration, o.FailuresToMarkDown) = (TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1), 100);
            (o.CircuitBreakerMinimumThroughput, o.CircuitBreakerFailureRatio) = (2, 0.5);
        });

        // Sent while the circuit is closed, and never answered.
        Task<HttpResponseMessage> silent = Get(TestContext.Current.CancellationToken);
        await _terminal.NextAsync();

        // Two 503s open the circuit for a second.
        for (int i = 0; i < 2; i++)
        {
            Task<HttpResponseMessage> failing = Get(TestContext.Current.CancellationToken);
            await _terminal.NextAsync();
            _terminal.Answer(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
            await Assert.ThrowsAsync<RegionFailoverException>(() => failing);
        }

        // Long after the break, the first request times out: no trial, so the circuit is not opened again by it.
        _time.Advance(TimeSpan.FromSeconds(10));
        RegionFailoverException late = await Assert.ThrowsAsync<RegionFailoverException>(() => silent);
        Assert.Equal(RegionAttemptOutcomeKind.Timeout, Assert.Single(late.Outcomes).Kind);

        // The next request is the half-open circuit's trial: sent, and its success closes the circuit.
        Task<HttpResponseMessage> trial = Get(TestContext.Current.CancellationToken);
        Assert.False(trial.IsCompleted, "an open circuit would have refused the request at once");
        await _terminal.NextAsync();
        _terminal.Answer(new HttpResponseMessage(HttpStatusCode.OK));
        using HttpResponseMessage response = await trial;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_attempt_timeout_runs_while_the_handler_below_is_still_busy_with_the_send()
    {
        var busy = new BusyBeforeSending(_time, TimeSpan.FromSeconds(6));
        Start(inner: busy);

        RegionFailoverException exception = await Assert.ThrowsAsync<RegionFailoverException>(() => Get(TestContext.Current.CancellationToken));

        Assert.True(busy.CancelledWhileBusy);
        Assert.Equal(RegionAttemptOutcomeKind.Timeout, Assert.Single(exception.Outcomes).Kind);
    }

    /// <summary>Works synchronously for a while before it sends (the clock moves on meanwhile), then waits for an answer that never comes.</summary>
    private sealed class BusyBeforeSending(FakeTimeProvider time, TimeSpan busyFor) : HttpMessageHandler
    {
        public bool CancelledWhileBusy { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            time.Advance(busyFor);
            CancelledWhileBusy = cancellationToken.IsCancellationRequested;
            return Pending(cancellationToken).Task;
        }
    }

    /// <summary>An answer still to come, which cancelling <paramref name="cancellationToken"/> fails, as a socket would.</summary>
    private static TaskCompletionSource<HttpResponseMessage> Pending(CancellationToken cancellationToken)
    {
        var pending = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        cancellationToken.Register(() => pending.TrySetCanceled(cancellationToken));
        return pending;
    }

    /// <summary>Holds each request until the test answers it; cancelling the request's token fails it, as a socket would.</summary>
    private sealed class LaterTerminal : HttpMessageHandler
    {
        private readonly System.Threading.Channels.Channel<(HttpRequestMessage Request, CancellationToken Token)> _received =
            System.Threading.Channels.Channel.CreateUnbounded<(HttpRequestMessage, CancellationToken)>();

        private TaskCompletionSource<HttpResponseMessage>? _pending;

        public ValueTask<(HttpRequestMessage Request, CancellationToken Token)> NextAsync() => _received.Reader.ReadAsync(TestContext.Current.CancellationToken);

        public bool Received => _received.Reader.TryPeek(out _);

        public void Answer(HttpResponseMessage response) => _pending!.SetResult(response);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            TaskCompletionSource<HttpResponseMessage> pending = Pending(cancellationToken);
            _pending = pending;
            _received.Writer.TryWrite((request, cancellationToken));
            return pending.Task;
        }
    }
}
