using System.Net;
using System.Net.Http.Headers;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>
/// Latency classes on the fake clock: a client calls a fast endpoint (a balance, 10 ms) and now and then a slow one (a
/// statement made on the fly, 1.5 s). Each region learns each class apart, so the slow one neither stretches the fast
/// one's hedging delay nor looks overdue against it; requests of no class share one window, as before.
/// </summary>
public sealed class LatencyClassTests : HeldRegionTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Statement = TimeSpan.FromMilliseconds(1_500);

    private Task<HttpResponseMessage> Get(string? latencyClass)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, latencyClass is null ? "http://payments.invalid/balance" : "http://payments.invalid/statements/2026");
        if (latencyClass is not null)
        {
            request.Options.Set(RegionFailoverRequestOptions.LatencyClass, latencyClass);
        }

        return Invoker.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="count"/> requests of <paramref name="latencyClass"/> that region a answers after
    /// <paramref name="latency"/>, one after another, each left to end (a hedge may have served it meanwhile).
    /// </summary>
    private async Task AnswerAsync(int count, string? latencyClass, TimeSpan latency)
    {
        for (int i = 0; i < count; i++)
        {
            Task<HttpResponseMessage> sending = Get(latencyClass);
            Held a = await Terminal.NextHeldAsync();
            Time.Advance(latency);
            a.Answer(HttpStatusCode.OK);
            (await sending.WaitAsync(Wait, TestContext.Current.CancellationToken)).Dispose();
            Until(() => A.Lingering == 0, "a's attempt ended");
        }
    }

    [Fact]
    public async Task A_fast_request_is_hedged_past_a_silent_region_after_its_own_class_delay_not_the_slow_class_one()
    {
        await AnswerAsync(5, latencyClass: null, Fast);
        await AnswerAsync(3, "statements", Statement);
        int bBefore = Terminal.BRequests;

        // a has gone silent. Its balances take 10 ms, so a balance is hedged at the 100 ms floor, as if no statement had
        // ever been asked for: in one window the statements' p99 would hold it for 3 × 1.5 s.
        Task<HttpResponseMessage> sending = Get(latencyClass: null);
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Equal(bBefore, Terminal.BRequests);
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Until(() => Terminal.BRequests == bBefore + 1, "b was asked 100 ms in");
        using (HttpResponseMessage response = await sending.WaitAsync(Wait, TestContext.Current.CancellationToken))
        {
            Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        }

        // And the silence is noticed at once, by the balances' own bound.
        Assert.True(A.ViewAt(Time.GetUtcNow()).IsOverdue);
        Assert.Equal(["b"], Client.Plan(allowTrial: false).Order.Select(static r => r.Region.Name));
        Assert.Equal(10, A.Latency.P99Milliseconds);
        Assert.Equal(1_500, A.LatencyOf(Client.Classes.IndexOf("statements")).P99Milliseconds);
        a.Answer(HttpStatusCode.OK);
        Until(() => A.Lingering == 0, "a's late attempt ended");
    }

    [Fact]
    public async Task A_rare_slow_request_that_takes_its_class_usual_time_leaves_its_region_in_plans()
    {
        // A statement now and then among the balances: of the last 128 answers one is a statement, under 1%, so in one
        // window the p99 would be a balance's.
        await AnswerAsync(10, latencyClass: null, Fast);
        await AnswerAsync(1, "statements", Statement);
        await AnswerAsync(150, latencyClass: null, Fast);
        await AnswerAsync(1, "statements", Statement);
        await AnswerAsync(20, latencyClass: null, Fast);
        int bBefore = Terminal.BRequests;
        int changesBefore = Changes.Count;

        // A statement taking its usual 1.5 s is not hedged at the balances' delay, nor overdue by their bound.
        Task<HttpResponseMessage> sending = Get("statements");
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(A.ViewAt(Time.GetUtcNow()).IsOverdue);
        Time.Advance(Statement - TimeSpan.FromMilliseconds(100));
        a.Answer(HttpStatusCode.OK);
        using (HttpResponseMessage response = await sending.WaitAsync(Wait, TestContext.Current.CancellationToken))
        {
            Assert.Equal("a", response.RequestMessage!.GetServedRegion());
        }

        Assert.Equal(bBefore, Terminal.BRequests);
        Assert.Equal(changesBefore, Changes.Count);
        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
        Assert.Equal(10, A.Latency.P99Milliseconds);
    }

    [Fact]
    public async Task Requests_without_a_class_share_one_window_as_before_and_make_no_class()
    {
        await AnswerAsync(5, latencyClass: null, Fast);
        await AnswerAsync(3, latencyClass: null, TimeSpan.FromSeconds(1));
        int bBefore = Terminal.BRequests;

        // The slow answers of no class are the region's p99 for every request of no class: hedged at 3 × 1 s.
        Task<HttpResponseMessage> sending = Get(latencyClass: null);
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(2_999));
        Assert.Equal(bBefore, Terminal.BRequests);
        Time.Advance(TimeSpan.FromMilliseconds(1));
        using (HttpResponseMessage response = await sending.WaitAsync(Wait, TestContext.Current.CancellationToken))
        {
            Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        }

        Assert.Equal(1_000, A.Latency.P99Milliseconds);
        Assert.Equal(0, Client.Classes.Count);
        a.Answer(HttpStatusCode.OK);
        Until(() => A.Lingering == 0, "a's late attempt ended");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task A_blank_class_set_through_the_options_is_no_class(string blank)
    {
        await AnswerAsync(2, blank, Fast);

        Assert.Equal(0, Client.Classes.Count);
        Assert.Equal(10, A.Latency.P99Milliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void A_blank_class_set_through_the_helper_is_refused_naming_it(string blank)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x");

        ArgumentException refused = Assert.Throws<ArgumentException>(() => request.SetLatencyClass(blank));

        Assert.Equal("latencyClass", refused.ParamName);
        Assert.False(request.Options.TryGetValue(RegionFailoverRequestOptions.LatencyClass, out _));
    }

    [Fact]
    public void The_helper_sets_the_class_and_returns_the_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x");

        Assert.Same(request, request.SetLatencyClass("statements"));
        Assert.True(request.Options.TryGetValue(RegionFailoverRequestOptions.LatencyClass, out string? named));
        Assert.Equal("statements", named);
        Assert.Throws<ArgumentNullException>(() => request.SetLatencyClass(null!));
    }

    [Fact]
    public async Task Past_the_class_limit_requests_share_the_default_class_and_the_limit_is_logged_once()
    {
        for (int i = 0; i < LatencyClasses.Limit; i++)
        {
            await AnswerAsync(1, $"report-{i}", Fast);
        }

        Assert.Equal(LatencyClasses.Limit, Client.Classes.Count);
        Assert.True(double.IsNaN(A.Latency.FirstMilliseconds));

        // Two more classes: their answers go to the default window, and the first of them is named in one warning.
        await AnswerAsync(1, "report-32", TimeSpan.FromMilliseconds(20));
        await AnswerAsync(1, "report-33", TimeSpan.FromMilliseconds(30));
        await AnswerAsync(1, "report-32", TimeSpan.FromMilliseconds(40));

        Assert.Equal(LatencyClasses.Limit, Client.Classes.Count);
        Assert.Equal(20, A.Latency.FirstMilliseconds);
        Assert.Equal(40, A.Latency.P99Milliseconds);
        Microsoft.Extensions.Logging.Testing.FakeLogRecord record = Assert.Single(Logs.Collector.GetSnapshot(), r => r.Id.Id == 1011);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, record.Level);
        Assert.Equal("LatencyClassLimitReached", record.Id.Name);
        Assert.Contains("report-32", record.Message, StringComparison.Ordinal);
        Assert.Contains("more than 32 latency classes", record.Message, StringComparison.Ordinal);

        // The classes given out before the limit keep their own windows.
        Assert.Equal(10, A.LatencyOf(Client.Classes.IndexOf("report-0")).FirstMilliseconds);
    }

    [Fact]
    public async Task Unary_grpc_calls_are_classed_by_their_method_and_an_explicit_class_comes_first()
    {
        await CallAsync("/shop.Orders/Get", latencyClass: null, Fast);
        await CallAsync("/shop.Reports/Build", latencyClass: null, Statement);
        await CallAsync("/shop.Reports/Build", latencyClass: "reports", TimeSpan.FromMilliseconds(700));

        Assert.Equal(3, Client.Classes.Count);
        Assert.Equal(10, A.LatencyOf(Client.Classes.IndexOf("/shop.Orders/Get")).FirstMilliseconds);
        Assert.Equal(1_500, A.LatencyOf(Client.Classes.IndexOf("/shop.Reports/Build")).FirstMilliseconds);
        Assert.Equal(700, A.LatencyOf(Client.Classes.IndexOf("reports")).FirstMilliseconds);
        Assert.True(double.IsNaN(A.Latency.FirstMilliseconds));

        async Task CallAsync(string method, string? latencyClass, TimeSpan latency)
        {
            var content = new ByteArrayContent([0, 0, 0, 0, 0]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            using var call = new HttpRequestMessage(HttpMethod.Post, $"http://payments.invalid{method}") { Content = content, Version = HttpVersion.Version20 };
            if (latencyClass is not null)
            {
                call.SetLatencyClass(latencyClass);
            }

            Task<HttpResponseMessage> sending = Invoker.SendAsync(call, TestContext.Current.CancellationToken);
            Held a = await Terminal.NextHeldAsync();
            Time.Advance(latency);
            a.Answer(HttpStatusCode.OK);
            (await sending.WaitAsync(Wait, TestContext.Current.CancellationToken)).Dispose();
        }
    }
}
