using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>A pooled request run carrying its own attempt timeout: it fires on the client's clock, and a run is reused only when its timer is surely stopped.</summary>
public sealed class RequestRunTests : IDisposable
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly RequestRun _run;
    private readonly HttpRequestMessage _request = new(HttpMethod.Get, "http://payments.invalid/x");

    public RequestRunTests()
    {
        _run = new RequestRun(_time);
        Begin(_run, _time, AttemptTimeout);
    }

    public void Dispose()
    {
        _run.Dispose();
        _request.Dispose();
    }

    private void Begin(RequestRun run, TimeProvider time, TimeSpan attemptTimeout)
    {
        var plan = new RegionPlan([new TrackedRegion(new Region("a", new Uri("http://a.invalid/")), new RegionHealthPolicy(2, 2, TimeSpan.FromSeconds(5), TimeSpan.Zero, TimeSpan.FromMinutes(1)))], IsTrial: false);
        run.Begin(_request, plan, replayable: true, content: null, time.GetUtcNow(), time.GetTimestamp(), CancellationToken.None);
        run.StartAttemptTimeout(attemptTimeout);
    }

    [Fact]
    public void The_attempt_timeout_fires_on_the_clients_clock_and_is_told_from_the_callers_cancellation()
    {
        _time.Advance(AttemptTimeout - TimeSpan.FromTicks(1));
        Assert.False(_run.Linked.IsCancellationRequested);

        _time.Advance(TimeSpan.FromTicks(1));

        Assert.True(_run.Linked.IsCancellationRequested);
        Assert.True(_run.AttemptTimedOut);
        Assert.False(_run.TryReset());
    }

    [Fact]
    public void On_the_system_clock_a_run_reset_well_before_its_timeout_is_reused()
    {
        using var run = new RequestRun(TimeProvider.System);
        Begin(run, TimeProvider.System, TimeSpan.FromMinutes(5));

        Assert.True(run.TryReset());
        Assert.Null(run.OwnAttemptTimeout);
        Assert.False(run.Linked.IsCancellationRequested);
        Assert.False(run.AttemptTimedOut);
    }

    [Fact]
    public void On_the_system_clock_a_run_whose_timeout_may_be_firing_is_not_reused()
    {
        using var run = new RequestRun(TimeProvider.System);
        Begin(run, TimeProvider.System, RequestRun.ReuseMargin - TimeSpan.FromMilliseconds(1));

        Assert.False(run.TryReset());
    }

    [Fact]
    public void On_another_clock_a_run_is_never_reused_since_its_timer_cannot_be_stopped()
    {
        Assert.False(_run.TryReset());
    }

    [Fact]
    public void An_attempt_timeout_not_yet_fired_is_no_attempt_timeout_and_a_total_timeout_ends_the_waiting_not_the_attempts()
    {
        Assert.False(_run.AttemptTimedOut);

        using var run = new RequestRun(_time);
        var plan = new RegionPlan([Region("a")], IsTrial: false);
        run.Begin(_request, plan, replayable: true, content: null, _time.GetUtcNow(), _time.GetTimestamp(), CancellationToken.None);
        using CancellationTokenSource total = run.StartTotalTimeout(TimeSpan.FromSeconds(1), _time);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(run.Total.IsCancellationRequested);
        Assert.False(run.Linked.IsCancellationRequested);
        Assert.False(run.AttemptTimedOut);
    }

    [Fact]
    public void The_total_timeout_counts_from_the_start_of_the_request()
    {
        using var run = new RequestRun(_time);
        run.Begin(_request, new RegionPlan([Region("a")], IsTrial: false), replayable: true, content: null, _time.GetUtcNow(), _time.GetTimestamp(), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));

        using CancellationTokenSource total = run.StartTotalTimeout(TimeSpan.FromSeconds(3), _time);
        _time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        Assert.False(run.Total.IsCancellationRequested);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(run.Total.IsCancellationRequested);

        // Started after its end: over at once.
        using var late = new RequestRun(_time);
        late.Begin(_request, new RegionPlan([Region("a")], IsTrial: false), replayable: true, content: null, _time.GetUtcNow(), _time.GetTimestamp(), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(4));
        using CancellationTokenSource over = late.StartTotalTimeout(TimeSpan.FromSeconds(3), _time);
        Assert.True(late.Total.IsCancellationRequested);
    }

    [Fact]
    public void A_reset_run_forgets_the_request_and_stops_listening_to_its_caller()
    {
        using var caller = new CancellationTokenSource();
        using var run = new RequestRun(TimeProvider.System);
        var plan = new RegionPlan([Region("a"), Region("b")], IsTrial: true);
        run.Begin(_request, plan, replayable: true, content: null, TimeProvider.System.GetUtcNow(), TimeProvider.System.GetTimestamp(), caller.Token);
        run.TrialStarted = true;
        run.LendsCallersRequest = false;
        run.CallersRequestOnLoan = true;
        run.Untimed = true;
        run.ReadsWholeReply = true;
        run.FirstInnerTask = Task.FromResult(new HttpResponseMessage());

        Assert.True(run.TryReset());
        caller.Cancel();

        Assert.False(run.Linked.IsCancellationRequested);
        Assert.Equal(
            (false, true, false, false, false, null, null, null, null),
            (run.TrialStarted, run.LendsCallersRequest, run.CallersRequestOnLoan, run.Untimed, run.ReadsWholeReply, run.FirstInnerTask, run.Request, run.Plan, run.Factory.OriginalUri));
        Assert.False(run.CallerToken.CanBeCanceled);
    }

    [Fact]
    public void A_new_run_lends_the_callers_request_and_a_trial_attempt_is_the_first_of_a_trial_plan()
    {
        using var run = new RequestRun(_time);
        run.Begin(_request, new RegionPlan([Region("a"), Region("b")], IsTrial: true), replayable: true, content: null, _time.GetUtcNow(), _time.GetTimestamp(), CancellationToken.None);

        Assert.True(run.LendsCallersRequest);
        Assert.True(run.IsTrialAttempt(0));
        Assert.False(run.IsTrialAttempt(1));
        Assert.False(_run.IsTrialAttempt(0));
    }

    [Fact]
    public void The_pool_hands_back_a_run_returned_to_it_on_the_system_clock_and_a_new_one_on_another()
    {
        var pool = new RequestRunPool(TimeProvider.System);
        RequestRun first = pool.Rent();
        first.Begin(_request, new RegionPlan([Region("a")], IsTrial: false), replayable: true, content: null, TimeProvider.System.GetUtcNow(), TimeProvider.System.GetTimestamp(), CancellationToken.None);
        RequestRun second = pool.Rent();
        Assert.NotSame(first, second);

        pool.Return(first);
        pool.Return(second);

        RequestRun[] again = [pool.Rent(), pool.Rent()];
        Assert.Contains(first, again);
        Assert.Contains(second, again);

        var faked = new RequestRunPool(_time);
        RequestRun run = faked.Rent();
        faked.Return(run);
        Assert.NotSame(run, faked.Rent());
    }

    [Fact]
    public void A_request_that_failed_everywhere_says_how_in_its_exception_and_its_log()
    {
        var logger = new FakeLogger();
        var options = new RegionFailoverOptions { TotalTimeout = TimeSpan.FromSeconds(15) };
        options.Regions.Add(new Region("a", new Uri("http://a.invalid/")));
        var client = new HttpRegionSet("payments", options, _time, logger, FailoverTelemetry.Shared);
        var refused = new HttpRequestException("Connection refused");
        using var relative = new HttpRequestMessage(HttpMethod.Post, new Uri("orders/7?card=4111", UriKind.Relative));
        using var run = new RequestRun(_time);
        run.Begin(relative, new RegionPlan([client.Regions[0]], IsTrial: false), replayable: false, content: null, _time.GetUtcNow(), _time.GetTimestamp(), CancellationToken.None);

        RegionFailoverException failed = run.Fail(client, [new RegionAttemptOutcome(options.Regions[0], RegionAttemptOutcomeKind.TransportError, null, refused, TimeSpan.FromMilliseconds(3))]);

        Assert.Equal("POST orders/7 via client 'payments' failed in every region tried: a: transport error (Connection refused) after 0.003s.", failed.Message);
        Assert.Same(refused, Assert.Single(Assert.IsType<AggregateException>(failed.InnerException).InnerExceptions));
        FakeLogRecord logged = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal((LogLevel.Error, "Client payments: POST orders/7 failed in every region: a: transport error (Connection refused) after 0.003s."), (logged.Level, logged.Message));

        using CancellationTokenSource total = run.StartTotalTimeout(TimeSpan.Zero, _time);
        RegionFailoverException timedOut = run.Fail(client, []);
        Assert.Equal("POST orders/7 via client 'payments' did not succeed within the total timeout of 15s: no attempt completed.", timedOut.Message);
        Assert.Equal("The total timeout of 15s elapsed.", Assert.IsType<TimeoutException>(timedOut.InnerException).Message);
    }

    [Fact]
    public void Outcomes_read_as_what_happened()
    {
        Region a = new("a", new Uri("http://a.invalid/"));

        Assert.Equal("a: no answer within the attempt timeout after 5s", new RegionAttemptOutcome(a, RegionAttemptOutcomeKind.Timeout, null, null, TimeSpan.FromSeconds(5)).ToString());
        Assert.Equal("a: 503 ServiceUnavailable after 0.002s", new RegionAttemptOutcome(a, RegionAttemptOutcomeKind.TransientStatus, HttpStatusCode.ServiceUnavailable, null, TimeSpan.FromMilliseconds(2)).ToString());
        Assert.Equal("a: transport error (reset) after 0.001s", new RegionAttemptOutcome(a, RegionAttemptOutcomeKind.TransportError, null, new IOException("reset"), TimeSpan.FromMilliseconds(1)).ToString());
        Assert.Equal("a: circuit open, not sent after 0s", new RegionAttemptOutcome(a, RegionAttemptOutcomeKind.CircuitOpen, null, null, TimeSpan.Zero).ToString());
        Assert.Equal("a: cancelled after 0s", new RegionAttemptOutcome(a, RegionAttemptOutcomeKind.Cancelled, null, null, TimeSpan.Zero).ToString());
    }

    [Theory]
    [InlineData(RegionAttemptOutcomeKind.TransientStatus, true)]
    [InlineData(RegionAttemptOutcomeKind.TransportError, true)]
    [InlineData(RegionAttemptOutcomeKind.Timeout, true)]
    [InlineData(RegionAttemptOutcomeKind.CircuitOpen, false)]
    [InlineData(RegionAttemptOutcomeKind.Cancelled, false)]
    [InlineData(RegionAttemptOutcomeKind.Success, false)]
    public void Only_a_failing_status_a_transport_error_or_a_timeout_is_evidence_against_a_region(RegionAttemptOutcomeKind kind, bool failure)
    {
        Assert.Equal(failure, new AttemptResult(Region("a"), kind, null, null, TimeSpan.Zero, CertainlyNotSent: false).IsRegionFailure);
    }

    [Fact]
    public void The_request_options_have_their_documented_keys_and_refuse_a_null_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/x");

        Assert.Same(request, request.MarkIdempotent());
        Assert.True(request.Options.TryGetValue(new HttpRequestOptionsKey<bool>("SlaKit.Idempotent"), out bool idempotent) && idempotent);
        Assert.Null(request.GetServedRegion());
        request.Options.Set(new HttpRequestOptionsKey<string>("SlaKit.ServedBy"), "eu");
        Assert.Equal("eu", request.GetServedRegion());
        Assert.Equal("request", Assert.Throws<ArgumentNullException>(() => ((HttpRequestMessage)null!).MarkIdempotent()).ParamName);
        Assert.Equal("request", Assert.Throws<ArgumentNullException>(() => ((HttpRequestMessage)null!).GetServedRegion()).ParamName);
        Assert.Equal("outcomes", Assert.Throws<ArgumentNullException>(() => new RegionFailoverException("payments", "m", null!, null)).ParamName);
    }

    private static TrackedRegion Region(string name) =>
        new(new Region(name, new Uri($"http://{name}.invalid/")), new RegionHealthPolicy(2, 2, TimeSpan.FromSeconds(5), TimeSpan.Zero, TimeSpan.FromMinutes(1)));
}
