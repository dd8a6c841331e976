using SlaKit.Http;

namespace SlaKit.Tests.Http;

/// <summary>The keep-alive PINGs a failover client's socket handler sends on a quiet HTTP/2 connection.</summary>
public sealed class QuietConnectionPingTests
{
    [Theory]
    [InlineData(5_000, 2_500)]
    [InlineData(2_000, 1_000)]
    [InlineData(500, 1_000)]
    public void A_handler_left_as_dotnet_made_it_pings_after_half_an_attempt_timeout_at_least_a_second_with_requests_open(int attemptMs, int delayMs)
    {
        using var sockets = new SocketsHttpHandler();

        RegionPrimaryHandlerFilter.PingQuietConnections(sockets, TimeSpan.FromMilliseconds(attemptMs));

        Assert.Equal(TimeSpan.FromMilliseconds(delayMs), sockets.KeepAlivePingDelay);
        Assert.Equal(HttpKeepAlivePingPolicy.WithActiveRequests, sockets.KeepAlivePingPolicy);
    }

    [Fact]
    public void A_handler_whose_pings_the_application_set_keeps_them()
    {
        using var sockets = new SocketsHttpHandler
        {
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
        };

        RegionPrimaryHandlerFilter.PingQuietConnections(sockets, TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(30), sockets.KeepAlivePingDelay);
        Assert.Equal(HttpKeepAlivePingPolicy.Always, sockets.KeepAlivePingPolicy);
    }
}
