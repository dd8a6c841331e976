using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>
/// Attempts in flight together that fail together, on the fake clock: one event, such as the reset of the HTTP/2
/// connection every request to a region shares, counts as one failure of the region, while requests sent one after
/// another each count.
/// </summary>
public sealed class SharedConnectionFailureTests : HeldRegionTests
{
    private Task<HttpResponseMessage> Get() =>
        Invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);

    private static void Reset(Held held) => held.Pending.TrySetException(new HttpRequestException(HttpRequestError.Unknown, "The HTTP/2 server reset the connection."));

    [Fact]
    public async Task Requests_in_flight_together_that_one_connection_reset_fails_count_once_and_the_next_failure_marks_the_region_down()
    {
        Task<HttpResponseMessage>[] sending = [Get(), Get(), Get()];
        Held[] held = [await Terminal.NextHeldAsync(), await Terminal.NextHeldAsync(), await Terminal.NextHeldAsync()];

        Time.Advance(TimeSpan.FromMilliseconds(20));
        foreach (Held one in held)
        {
            Reset(one);
        }

        foreach (Task<HttpResponseMessage> request in sending)
        {
            using HttpResponseMessage response = await request.WaitAsync(Wait, TestContext.Current.CancellationToken);
            Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        }

        Assert.Equal(RegionHealth.Degraded, A.HealthAt(Time.GetUtcNow()));
        Assert.Equal([("a", RegionHealth.Degraded)], Changes.Select(static c => (c.Region, c.To)));

        // A request sent after that failure is new evidence: its own failure is the second in a row.
        Task<HttpResponseMessage> next = Get();
        Held again = await Terminal.NextHeldAsync();
        Reset(again);
        using (HttpResponseMessage response = await next.WaitAsync(Wait, TestContext.Current.CancellationToken))
        {
            Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        }

        Assert.Equal(RegionHealth.Unhealthy, A.HealthAt(Time.GetUtcNow()));
    }

    [Fact]
    public async Task Requests_on_a_connection_the_failover_closed_for_its_silence_each_count_as_a_timeout_would()
    {
        Task<HttpResponseMessage>[] sending = [Get(), Get()];
        Held[] held = [await Terminal.NextHeldAsync(), await Terminal.NextHeldAsync()];

        Time.Advance(TimeSpan.FromMilliseconds(20));
        var closed = new FailoverClosedConnectionException(Time.GetTimestamp());
        foreach (Held one in held)
        {
            one.Pending.TrySetException(new HttpRequestException(HttpRequestError.Unknown, closed.Message, closed));
        }

        foreach (Task<HttpResponseMessage> request in sending)
        {
            using HttpResponseMessage response = await request.WaitAsync(Wait, TestContext.Current.CancellationToken);
            Assert.Equal("b", response.RequestMessage!.GetServedRegion());
        }

        Assert.Equal(RegionHealth.Unhealthy, A.HealthAt(Time.GetUtcNow()));
    }
}
