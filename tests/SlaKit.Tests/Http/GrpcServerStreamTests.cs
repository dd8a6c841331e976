using System.Net;
using System.Net.Http.Headers;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>
/// A server stream declared safe to repeat (in both StreamingMethods and IdempotentMethods) goes to the next region while
/// its region fails it before its answer's headers, and is the caller's once they come (gRFC A6's commit). Both regions
/// are held; the fake clock shows it is never hedged.
/// </summary>
public sealed class GrpcServerStreamTests : HeldRegionTests
{
    private const string Method = "shop.Orders/Watch";

    private static readonly byte[] Message = [0, 0, 0, 0, 2, 8, 7];

    public GrpcServerStreamTests()
    {
        Terminal.HoldB = true;
        Start(o =>
        {
            o.StreamingMethods.Add(Method);
            o.IdempotentMethods.Add(Method);
            (o.Hedging, o.HedgingDelay) = (HedgingMode.Fixed, TimeSpan.FromMilliseconds(100));
        });
    }

    private static HttpRequestMessage Call()
    {
        var content = new ByteArrayContent(Message);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        return new HttpRequestMessage(HttpMethod.Post, $"http://payments.invalid/{Method}") { Content = content, Version = HttpVersion.Version20 };
    }

    /// <summary>A gRPC answer's headers: with <paramref name="status"/>, a trailers-only answer; without, a stream whose messages follow.</summary>
    private static HttpResponseMessage Answer(int? status = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = new ByteArrayContent([]) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        if (status is { } code)
        {
            response.Headers.TryAddWithoutValidation("grpc-status", code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return response;
    }

    [Fact]
    public async Task A_trailers_only_unavailable_sends_the_stream_to_the_next_region_with_its_message()
    {
        using HttpRequestMessage call = Call();

        Task<HttpResponseMessage> sending = Invoker.SendAsync(call, TestContext.Current.CancellationToken);
        Held a = await Terminal.NextHeldAsync();
        a.Pending.SetResult(Answer(status: 14));
        Held b = await Terminal.NextHeldAsync();
        b.Pending.SetResult(Answer());
        using HttpResponseMessage response = await sending.WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        Assert.Equal(Message, await b.Request.Content!.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(RegionHealth.Degraded, A.HealthAt(Time.GetUtcNow()));
    }

    [Fact]
    public async Task A_transport_error_before_the_headers_sends_the_stream_to_the_next_region()
    {
        using HttpRequestMessage call = Call();

        Task<HttpResponseMessage> sending = Invoker.SendAsync(call, TestContext.Current.CancellationToken);
        Held a = await Terminal.NextHeldAsync();
        a.Pending.SetException(new HttpRequestException(HttpRequestError.ResponseEnded, "The stream was reset."));
        Held b = await Terminal.NextHeldAsync();
        b.Pending.SetResult(Answer());
        using HttpResponseMessage response = await sending.WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal("b", response.RequestMessage!.GetServedRegion());
    }

    [Fact]
    public async Task A_stream_whose_headers_came_is_the_callers_and_is_never_hedged()
    {
        using HttpRequestMessage call = Call();

        Task<HttpResponseMessage> sending = Invoker.SendAsync(call, TestContext.Current.CancellationToken);
        Held a = await Terminal.NextHeldAsync();
        Time.Advance(TimeSpan.FromSeconds(20));
        a.Pending.SetResult(Answer());
        using HttpResponseMessage response = await sending.WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal("a", response.RequestMessage!.GetServedRegion());
        Assert.Equal(0, Terminal.BRequests);
    }

    [Fact]
    public async Task A_server_stream_listed_as_streaming_alone_gets_its_regions_unavailable()
    {
        Start(o => o.StreamingMethods.Add(Method));
        using HttpRequestMessage call = Call();

        Task<HttpResponseMessage> sending = Invoker.SendAsync(call, TestContext.Current.CancellationToken);
        Held a = await Terminal.NextHeldAsync();
        a.Pending.SetResult(Answer(status: 14));
        using HttpResponseMessage response = await sending.WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal("a", response.RequestMessage!.GetServedRegion());
        Assert.Equal("14", Assert.Single(response.Headers.GetValues("grpc-status")));
        Assert.Equal(0, Terminal.BRequests);
    }
}
