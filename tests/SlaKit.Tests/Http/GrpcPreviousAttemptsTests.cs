using System.Net;
using System.Net.Http.Headers;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>
/// gRFC A6 has a client tell a service how many attempts of a call went before the one it receives, in
/// <c>grpc-previous-rpc-attempts</c>, sent with every retried or hedged attempt and never with the first. Every region
/// is held; the fake clock lets the hedging delays pass.
/// </summary>
public sealed class GrpcPreviousAttemptsTests : HeldRegionTests
{
    private const string Header = "grpc-previous-rpc-attempts";

    public GrpcPreviousAttemptsTests()
    {
        Terminal.HoldB = true;
        Start(o =>
        {
            o.IdempotentMethods.Add("shop.Orders/Get");
            (o.Hedging, o.HedgingDelay) = (HedgingMode.Fixed, TimeSpan.FromMilliseconds(500));
            o.Regions.Add(new Region("d", new Uri("http://d.invalid/")) { Priority = 2 });
        });
    }

    private static HttpRequestMessage Call(string? callersCount = null)
    {
        var content = new ByteArrayContent([0, 0, 0, 0, 0]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        var request = new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/shop.Orders/Get") { Content = content, Version = HttpVersion.Version20 };
        request.Headers.TryAddWithoutValidation("grpc-timeout", "10S");
        if (callersCount is not null)
        {
            request.Headers.TryAddWithoutValidation(Header, callersCount);
        }

        return request;
    }

    private static string? Count(Held held) =>
        held.Request.Headers.TryGetValues(Header, out IEnumerable<string>? values) ? Assert.Single(values) : null;

    /// <summary>Sends <paramref name="request"/> and lets two hedging delays pass; gives back what a, b and d received, d answering.</summary>
    private async Task<(Held A, Held B, Held D)> HedgedTwiceAsync(HttpRequestMessage request)
    {
        Task<HttpResponseMessage> sending = Invoker.SendAsync(request, TestContext.Current.CancellationToken);
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(500));
        Held b = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromMilliseconds(500));
        Held d = await Terminal.NextHeldAsync();
        d.Answer(HttpStatusCode.OK);
        using HttpResponseMessage response = await sending.WaitAsync(Wait, TestContext.Current.CancellationToken);
        Assert.Equal("d", response.RequestMessage!.GetServedRegion());
        return (a, b, d);
    }

    [Fact]
    public async Task Each_hedged_copy_of_a_grpc_call_counts_the_attempts_before_it_and_the_first_attempt_says_nothing()
    {
        using HttpRequestMessage call = Call();

        (Held a, Held b, Held d) = await HedgedTwiceAsync(call);

        Assert.Equal((null, "1", "2"), (Count(a), Count(b), Count(d)));
        Assert.False(call.Headers.Contains(Header));
    }

    [Fact]
    public async Task A_call_the_grpc_client_itself_retried_adds_its_count_to_the_copies()
    {
        using HttpRequestMessage call = Call(callersCount: "2");

        (Held a, Held b, Held d) = await HedgedTwiceAsync(call);

        Assert.Equal(("2", "3", "4"), (Count(a), Count(b), Count(d)));
        Assert.Equal("2", Assert.Single(call.Headers.GetValues(Header)));
    }

    [Fact]
    public async Task A_count_that_is_not_a_number_gives_way_to_the_failovers_own()
    {
        using HttpRequestMessage call = Call(callersCount: "two");

        (Held a, Held b, Held d) = await HedgedTwiceAsync(call);

        Assert.Equal(("two", "1", "2"), (Count(a), Count(b), Count(d)));
    }

    [Fact]
    public async Task A_request_that_is_not_a_grpc_call_gets_no_count()
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/orders/7");

        (Held a, Held b, Held d) = await HedgedTwiceAsync(get);

        Assert.Equal((null, null, null), (Count(a), Count(b), Count(d)));
    }
}
