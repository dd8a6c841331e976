using System.Net;
using System.Net.Sockets;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>
/// Requests whose attempts go one after another (not safe to repeat, or not hedged) when the caller gives up before
/// the attempt timeout, on the fake clock: region a's answers come when the test says, region b answers at once. Past
/// its region's usual latency the attempt runs on, so a silent region is still found out when every caller is impatient.
/// </summary>
public sealed class CallerGivesUpTests : HeldRegionTests
{
    public CallerGivesUpTests() => Learn();

    /// <summary>Makes the client anew; with <paramref name="history"/>, a's latency history as <see cref="Learn"/> gives it.</summary>
    private void Restart(Action<RegionFailoverOptions>? configure = null, bool history = true)
    {
        Start(configure);
        if (history)
        {
            Learn();
        }
    }

    /// <summary>a usually answers within 10 ms: its usual bound is the 100 ms hedging floor.</summary>
    private void Learn()
    {
        for (int i = 0; i < 3; i++)
        {
            A.Latency.Record(TimeSpan.FromMilliseconds(10));
        }
    }

    private static HttpRequestMessage Post(string path = "pay") =>
        new(HttpMethod.Post, $"http://payments.invalid/{path}") { Content = new StringContent("{}") };

    /// <summary>Sends <paramref name="request"/> (a POST unless given) that region a holds, and gives up on it after <paramref name="waited"/>.</summary>
    private async Task<Held> GiveUpAfterAsync(TimeSpan waited, HttpRequestMessage? request = null)
    {
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        request ??= Post();
        Task<HttpResponseMessage> sending = Invoker.SendAsync(request, caller.Token);
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(waited);
        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(Wait, TestContext.Current.CancellationToken));
        return a;
    }

    [Fact]
    public async Task A_silent_region_whose_callers_give_up_before_the_attempt_timeout_is_found_out_at_that_timeout()
    {
        Held first = await GiveUpAfterAsync(TimeSpan.FromMilliseconds(300));

        // The caller has its cancellation; the attempt runs on, and nothing is held against a yet.
        Assert.False(first.Token.IsCancellationRequested);
        Assert.Equal(1, A.Lingering);
        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
        Assert.Equal(0, Terminal.BRequests);

        // The next caller, as impatient, still goes to a: waiting is not failing.
        Held second = await GiveUpAfterAsync(TimeSpan.FromMilliseconds(300));
        Assert.Equal(2, A.Lingering);

        // Each attempt's timeout (5 s from its start) ends it: a failure of a's own, twice, and a is down.
        Time.Advance(TimeSpan.FromMilliseconds(4_400));
        Until(() => A.Lingering == 1, "the first attempt left running timed out");
        Assert.True(first.Token.IsCancellationRequested);
        Assert.Equal(("a", RegionHealth.Degraded, "it did not answer within the attempt timeout"), Assert.Single(Changes));
        Time.Advance(TimeSpan.FromMilliseconds(300));
        Until(() => A.Lingering == 0, "the second attempt left running timed out");
        Assert.True(second.Token.IsCancellationRequested);
        Assert.Equal(RegionHealth.Unhealthy, A.HealthAt(Time.GetUtcNow()));

        // So the next POST goes to b.
        using HttpResponseMessage response = await Invoker.SendAsync(Post(), TestContext.Current.CancellationToken).WaitAsync(Wait, TestContext.Current.CancellationToken);
        Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        Assert.Equal(2, Terminal.ARequests);
    }

    [Fact]
    public async Task A_slow_region_whose_caller_gives_up_has_its_late_answer_learnt()
    {
        Held a = await GiveUpAfterAsync(TimeSpan.FromMilliseconds(300));

        Time.Advance(TimeSpan.FromMilliseconds(1_700));
        a.Answer(HttpStatusCode.OK);

        Until(() => A.Lingering == 0, "the attempt left running answered");
        Assert.Equal(2_000, A.Latency.P99Milliseconds);
        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
        Assert.Empty(Changes);
    }

    [Fact]
    public async Task A_buffered_body_goes_out_as_a_copy_so_the_caller_may_dispose_its_own_once_it_gives_up()
    {
        HttpRequestMessage request = Post("copied");
        Held a = await GiveUpAfterAsync(TimeSpan.FromMilliseconds(300), request);
        request.Dispose();

        Assert.NotSame(request, a.Request);
        Assert.Equal(new Uri("http://payments.invalid/copied"), request.RequestUri);
        Assert.Equal("{}", await a.Request.Content!.ReadAsStringAsync(TestContext.Current.CancellationToken));
        a.Answer(HttpStatusCode.OK);
        Until(() => A.Lingering == 0, "the attempt left running answered");
    }

    [Fact]
    public async Task A_body_too_long_to_buffer_is_the_callers_and_its_attempt_ends_with_the_caller()
    {
        // Of unknown length: sent once, never read ahead.
        var request = new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/upload") { Content = new StreamContent(new UnknownLength()) };
        Held a = await GiveUpAfterAsync(TimeSpan.FromMilliseconds(300), request);

        Until(() => a.Token.IsCancellationRequested, "the attempt was cancelled");
        Assert.Equal(0, A.Lingering);
        Assert.Same(request, a.Request);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_grpc_body_disposed_before_it_was_written_is_no_evidence_against_a_region_but_a_closed_connection_is(bool bodyDisposed)
    {
        var body = new GrpcUnaryBody();
        var request = new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/slakit.tests.Payments/Charge") { Content = body };
        Held a = await GiveUpAfterAsync(TimeSpan.FromMilliseconds(300), request);
        Assert.Equal(1, A.Lingering);
        request.Dispose();

        // What a socket handler throws when it finds the body disposed as it starts to write it, against a connection's
        // stream closed under the request.
        string disposed = bodyDisposed ? body.GetType().ToString() : "System.Net.Security.SslStream";
        a.Pending.TrySetException(new HttpRequestException("An error occurred while sending the request.", new ObjectDisposedException(disposed)));

        Until(() => A.Lingering == 0, "the attempt left running failed");
        Assert.Equal(bodyDisposed ? RegionHealth.Healthy : RegionHealth.Degraded, A.HealthAt(Time.GetUtcNow()));
    }

    [Fact]
    public async Task A_caller_who_gives_up_within_the_regions_usual_latency_cancels_the_attempt_and_nothing_is_counted()
    {
        Held a = await GiveUpAfterAsync(TimeSpan.FromMilliseconds(50));

        Until(() => a.Token.IsCancellationRequested, "the attempt was cancelled");
        Assert.Equal(0, A.Lingering);
        Assert.Equal(10, A.Latency.P99Milliseconds);
        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
        Assert.Empty(Changes);
    }

    [Fact]
    public async Task A_region_without_history_is_given_the_hedging_floor_before_an_attempt_its_caller_gives_up_on_runs_on()
    {
        Restart(history: false);

        Held early = await GiveUpAfterAsync(TimeSpan.FromMilliseconds(99));
        Held late = await GiveUpAfterAsync(TimeSpan.FromMilliseconds(100));

        Until(() => early.Token.IsCancellationRequested, "the early attempt was cancelled");
        Assert.False(late.Token.IsCancellationRequested);
        Assert.Equal(1, A.Lingering);
        late.Answer(HttpStatusCode.OK);
        Until(() => A.Lingering == 0, "the attempt left running answered");
        Assert.Equal(100, A.Latency.FirstMilliseconds);
    }

    [Fact]
    public async Task Beyond_max_late_attempts_an_attempt_whose_caller_gives_up_is_cancelled()
    {
        Restart(o => o.MaxLateAttempts = 1);

        Held first = await GiveUpAfterAsync(TimeSpan.FromMilliseconds(300));
        Held second = await GiveUpAfterAsync(TimeSpan.FromMilliseconds(300));

        Until(() => second.Token.IsCancellationRequested, "the attempt beyond the limit was cancelled");
        Assert.False(first.Token.IsCancellationRequested);
        Assert.Equal(1, A.Lingering);
        first.Answer(HttpStatusCode.OK);
        Until(() => A.Lingering == 0, "the attempt left running answered");
        Assert.Empty(Changes);
    }

    [Fact]
    public async Task An_attempt_left_running_that_fails_is_a_failure_of_its_region()
    {
        Held a = await GiveUpAfterAsync(TimeSpan.FromMilliseconds(300));

        a.Pending.TrySetException(new HttpRequestException(HttpRequestError.Unknown, "The response ended prematurely.", new IOException("reset", new SocketException((int)SocketError.ConnectionReset))));

        Until(() => A.Lingering == 0, "the attempt left running failed");
        Assert.Equal(("a", RegionHealth.Degraded, "a transport error: The response ended prematurely."), Assert.Single(Changes));
    }

    [Fact]
    public async Task A_caller_who_gives_up_as_an_attempt_fails_over_gets_its_cancellation_and_no_next_region_is_asked()
    {
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        Task<HttpResponseMessage> sending = Invoker.SendAsync(Post(), caller.Token);
        Held a = await Terminal.NextHeldAsync();

        // a refuses (never sent, so the POST may move on) just as the caller gives up.
        await caller.CancelAsync();
        a.Pending.TrySetException(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused)));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(Wait, TestContext.Current.CancellationToken));
        Assert.Equal(0, Terminal.BRequests);
    }

    [Fact]
    public async Task A_caller_cancelled_before_sending_sends_nothing()
    {
        using var caller = new CancellationTokenSource();
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Invoker.SendAsync(Post(), caller.Token));

        Assert.Equal((0, 0), (Terminal.ARequests, Terminal.BRequests));
    }

    [Fact]
    public async Task A_get_without_hedging_is_left_running_too()
    {
        Restart(o => o.Hedging = HedgingMode.Off);
        Held a = await GiveUpAfterAsync(TimeSpan.FromMilliseconds(300), new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"));

        Assert.False(a.Token.IsCancellationRequested);
        Assert.Equal(1, A.Lingering);

        // It sends the caller's own request: a socket handler reads its URI again to retry on a fresh connection, so the
        // caller gets it back only when the attempt ends.
        Assert.Equal(new Uri("http://a.invalid/x"), a.Request.RequestUri);
        Time.Advance(TimeSpan.FromMilliseconds(4_700));
        Until(() => A.Lingering == 0, "the attempt left running timed out");
        Assert.Equal(RegionHealth.Degraded, A.HealthAt(Time.GetUtcNow()));
        Until(() => a.Request.RequestUri!.AbsoluteUri == "http://payments.invalid/x", "the caller's URI was given back");
    }

    /// <summary>A unary gRPC call's body as Grpc.Net.Client makes it: one message, of no length known before it is written.</summary>
    private sealed class GrpcUnaryBody : HttpContent
    {
        public GrpcUnaryBody() => Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(new byte[5]).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
