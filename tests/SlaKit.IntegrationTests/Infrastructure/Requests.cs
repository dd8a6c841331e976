using System.Net;

namespace SlaKit.IntegrationTests.Infrastructure;

/// <summary>Sequences of GETs through a failover client, each checked for the region that served it.</summary>
public static class Requests
{
    /// <summary>
    /// Sends <paramref name="count"/> GETs to <paramref name="path"/> one after another, each of which must succeed;
    /// returns the region that served each, in order.
    /// </summary>
    public static async Task<List<string>> ServingRegionsAsync(FailoverClient client, string path, int count, CancellationToken cancellationToken)
    {
        var served = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            using HttpResponseMessage response = await client.Http.GetAsync(path, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            served.Add(response.Headers.GetValues("X-Region").Single());
        }

        return served;
    }

    /// <summary>
    /// Sends <paramref name="count"/> GETs one after another, each of which must succeed, whichever region serves it: a
    /// fresh client's first answers pay for connections and JIT, and may be hedged. Afterwards the regions asked have a
    /// latency history.
    /// </summary>
    public static Task WarmUpAsync(FailoverClient client, int count, CancellationToken cancellationToken) =>
        ServingRegionsAsync(client, "pay", count, cancellationToken);

    /// <summary>Sends <paramref name="count"/> GETs one after another; each must succeed and be served by <paramref name="region"/>.</summary>
    public static async Task ServedByAsync(FailoverClient client, string region, int count, CancellationToken cancellationToken) =>
        Assert.All(await ServingRegionsAsync(client, "pay", count, cancellationToken), served => Assert.Equal(region, served));
}
