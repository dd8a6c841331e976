using System.Net;
using System.Net.Http.Headers;
using SlaKit.Http;

namespace SlaKit.Tests.Http;

/// <summary>
/// A gRPC call's <c>grpc-timeout</c> counts from when it is sent (PROTOCOL-HTTP2.md), so every copy sent after the call
/// began tells its region what remains of the caller's time, not the whole of it. Both regions are held; the fake clock
/// measures the time between them.
/// </summary>
public sealed class GrpcRemainingTimeTests : HeldRegionTests
{
    public GrpcRemainingTimeTests() => Terminal.HoldB = true;

    private static HttpRequestMessage Call(string timeout)
    {
        var content = new ByteArrayContent([0, 0, 0, 0, 0]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        var request = new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/shop.Orders/Get") { Content = content, Version = HttpVersion.Version20 };
        request.Headers.TryAddWithoutValidation("grpc-timeout", timeout);
        request.Headers.TryAddWithoutValidation("x-trace", "abc");
        return request;
    }

    private static string Timeout(Held held) => Assert.Single(held.Request.Headers.GetValues("grpc-timeout"));

    private void StartHedged() => Start(o =>
    {
        o.IdempotentMethods.Add("shop.Orders/Get");
        (o.Hedging, o.HedgingDelay) = (HedgingMode.Fixed, TimeSpan.FromMilliseconds(500));
    });

    [Fact]
    public async Task A_hedged_copy_carries_what_remains_of_the_callers_timeout_in_the_headers_place()
    {
        StartHedged();
        using HttpRequestMessage call = Call("3S");

        Task<HttpResponseMessage> sending = Invoker.SendAsync(call, TestContext.Current.CancellationToken);
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(500));
        Held b = await Terminal.NextHeldAsync();
        b.Answer(HttpStatusCode.OK);
        using HttpResponseMessage response = await sending.WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        Assert.Equal(("3000000u", "2500000u"), (Timeout(a), Timeout(b)));
        Assert.Equal(["grpc-timeout", "x-trace", "grpc-previous-rpc-attempts"], b.Request.Headers.NonValidated.Select(static h => h.Key));
        Assert.Equal("3S", Assert.Single(call.Headers.GetValues("grpc-timeout")));
    }

    [Fact]
    public async Task The_attempt_after_a_regions_attempt_timeout_carries_what_remains()
    {
        Start(o =>
        {
            o.IdempotentMethods.Add("shop.Orders/Get");
            (o.Hedging, o.AttemptTimeout) = (HedgingMode.Off, TimeSpan.FromSeconds(1));
        });
        using HttpRequestMessage call = Call("5S");

        Task<HttpResponseMessage> sending = Invoker.SendAsync(call, TestContext.Current.CancellationToken);
        _ = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromSeconds(1));
        Held b = await Terminal.NextHeldAsync();
        b.Answer(HttpStatusCode.OK);
        using HttpResponseMessage response = await sending.WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        Assert.Equal("4000000u", Timeout(b));
    }

    [Fact]
    public async Task A_copy_sent_when_none_of_the_callers_time_remains_gives_its_region_one_millisecond()
    {
        using HttpRequestMessage call = Call("300m");

        Assert.Equal("1m", await HedgedCopysTimeoutAsync(call));
    }

    [Fact]
    public async Task A_timeout_the_spec_does_not_read_is_copied_as_the_caller_wrote_it()
    {
        using HttpRequestMessage call = Call("3 seconds");

        Assert.Equal("3 seconds", await HedgedCopysTimeoutAsync(call));
    }

    [Fact]
    public async Task A_request_that_is_not_a_grpc_call_has_its_headers_copied_as_they_are()
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/orders/7");
        get.Headers.TryAddWithoutValidation("grpc-timeout", "3S");

        Assert.Equal("3S", await HedgedCopysTimeoutAsync(get));
    }

    /// <summary>Sends <paramref name="request"/> hedged, lets the hedging delay pass, and gives back the timeout b's copy carried.</summary>
    private async Task<string> HedgedCopysTimeoutAsync(HttpRequestMessage request)
    {
        StartHedged();
        Task<HttpResponseMessage> sending = Invoker.SendAsync(request, TestContext.Current.CancellationToken);
        _ = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(500));
        Held b = await Terminal.NextHeldAsync();
        b.Answer(HttpStatusCode.OK);
        (await sending.WaitAsync(Wait, TestContext.Current.CancellationToken)).Dispose();
        return Timeout(b);
    }
}
