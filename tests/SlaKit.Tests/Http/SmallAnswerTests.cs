using System.Net;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SlaKit.Http;
using SlaKit.Regions;
using SlaKit.Tests.Infrastructure;

namespace SlaKit.Tests.Http;

/// <summary>
/// A small answer (a Content-Length of at most <see cref="SmallAnswer.MaxBytes"/>) is read whole inside its attempt: it is
/// judged before it is handed over, and one whose body breaks off is the attempt's transport error.
/// </summary>
public sealed class SmallAnswerTests : HeldRegionTests
{
    private static readonly byte[] Body = [1, 2, 3, 4, 5];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_small_answer_whose_body_breaks_off_moves_a_request_safe_to_repeat_on_to_the_next_region()
    {
        using var attempts = new MetricCollector<long>(Telemetry.Attempts);
        Task<HttpResponseMessage> sending = Invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/pay"), Ct);
        Held a = await Terminal.NextHeldAsync();
        var broken = new TrackedContent(Body, breakAtEnd: true);
        a.Pending.TrySetResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = broken, RequestMessage = a.Request });

        using HttpResponseMessage response = await sending.WaitAsync(Wait, Ct);

        Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        Assert.True(broken.Disposed);
        Assert.Equal(("a", RegionHealth.Degraded, "a transport error: its answer broke off after its headers"), Assert.Single(Changes));
        Assert.Equal(
            ["transport_error", "success"],
            attempts.GetMeasurementSnapshot().Select(static m => (string)m.Tags["outcome"]!));
    }

    [Fact]
    public async Task A_small_answer_whose_body_breaks_off_fails_a_request_not_safe_to_repeat_without_sending_it_again()
    {
        Task<HttpResponseMessage> sending = Invoker.SendAsync(new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/pay") { Content = new StringContent("{}") }, Ct);
        Held a = await Terminal.NextHeldAsync();
        a.Pending.TrySetResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new TrackedContent(Body, breakAtEnd: true), RequestMessage = a.Request });

        RegionFailoverException failure = await Assert.ThrowsAsync<RegionFailoverException>(() => sending.WaitAsync(Wait, Ct));

        RegionAttemptOutcome outcome = Assert.Single(failure.Outcomes);
        Assert.Equal(("a", RegionAttemptOutcomeKind.TransportError), (outcome.Region.Name, outcome.Kind));
        Assert.Equal(1, Terminal.ARequests);
        Assert.Equal(0, Terminal.BRequests);
    }

    [Fact]
    public async Task A_small_answer_is_read_whole_and_judged_before_it_is_handed_over()
    {
        A.RecordFailure(Time.GetUtcNow(), "down once before the test");
        var content = new TrackedContent(Body);
        Task<HttpResponseMessage> sending = Invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/pay"), Ct);
        Held a = await Terminal.NextHeldAsync();
        a.Pending.TrySetResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = a.Request });

        using HttpResponseMessage response = await sending.WaitAsync(Wait, Ct);

        Assert.Same(content, response.Content);
        Assert.Equal(("a", RegionHealth.Healthy, "it answered"), Changes[^1]);
        Assert.Equal(Body, await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task An_answer_longer_than_a_small_one_is_handed_over_at_its_headers_and_watched()
    {
        Task<HttpResponseMessage> sending = Invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/pay"), Ct);
        Held a = await Terminal.NextHeldAsync();
        a.Pending.TrySetResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new TrackedContent(new byte[SmallAnswer.MaxBytes + 1], breakAtEnd: true),
            RequestMessage = a.Request,
        });

        using HttpResponseMessage response = await sending.WaitAsync(Wait, Ct);

        Assert.Equal("a", response.RequestMessage!.GetServedRegion());
        Assert.IsAssignableFrom<WatchedContent>(response.Content);
        Assert.Empty(Changes);
    }
}
