using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>
/// Regions judged rightly over HTTPS, with default options: a region is marked down only on evidence that it fails,
/// never for being slower than another region or for paying for its first connection.
/// </summary>
public sealed class SlowerIsNotDeadTests : IDisposable
{
    private readonly X509Certificate2 _certificate = TestCertificate.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _certificate.Dispose();

    private FailoverClient Client(RegionServer a, RegionServer b) => new(
        o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
        },
        client: builder => builder.ConfigurePrimaryHttpMessageHandler(() => TestCertificate.TrustingHandler(_certificate)));

    [Fact]
    public async Task A_far_primary_keeps_its_traffic()
    {
        await using RegionServer a = await RegionServer.StartAsync("a", _certificate);
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);
        a.Behaviour = RegionServer.Slow(TimeSpan.FromMilliseconds(150));
        await using FailoverClient client = Client(a, b);
        IReadOnlyList<RegionHealthChangedEventArgs> changes = client.WatchHealth();

        List<string> served = await Requests.ServingRegionsAsync(client, "pay", 40, Ct);

        // Its first answers are hedged while it has no latency of its own to go by, and are learnt all the same.
        Assert.InRange(b.Count, 0, 4);
        Assert.True(served.Count(r => r == "a") >= 36, $"a served {served.Count(r => r == "a")} of 40");
        Assert.All(served.Skip(10), r => Assert.Equal("a", r));
        Assert.Empty(changes);
        Assert.Equal(RegionHealth.Healthy, client.Monitor.GetStatus()[0].Health);
    }

    [Fact]
    public async Task A_cold_start_in_a_fresh_client_never_marks_a_healthy_region_down()
    {
        await using RegionServer a = await RegionServer.StartAsync("a", _certificate);
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);

        // Every new connection's first answer is slow, the primary's slower than the hedging delay and than the
        // secondary's: the hedge goes out and the secondary wins the first race, every time.
        a.Behaviour = RegionServer.ColdThenFast(TimeSpan.FromMilliseconds(200));
        b.Behaviour = RegionServer.ColdThenFast(TimeSpan.FromMilliseconds(20));
        for (int run = 0; run < 10; run++)
        {
            int answeredBefore = a.Count;
            await using FailoverClient client = Client(a, b);
            IReadOnlyList<RegionHealthChangedEventArgs> changes = client.WatchHealth();

            // The first request is hedged and usually won by b (on a loaded machine a may still win); the second may find
            // a's first connection still busy and pay for a second one. Once a's cold answers have come, a serves.
            await Requests.ServingRegionsAsync(client, "pay", 2, Ct);
            Assert.True(await Eventually.TrueAsync(() => a.Completed == a.Count, TimeSpan.FromSeconds(2), Ct), "a's first answers never came");
            List<string> warm = await Requests.ServingRegionsAsync(client, "pay", 2, Ct);

            Assert.All(warm, r => Assert.Equal("a", r));
            Assert.Equal(answeredBefore + 4, a.Count);
            Assert.Empty(changes);
            Assert.All(client.Monitor.GetStatus(), s => Assert.Equal(RegionHealth.Healthy, s.Health));
        }

        // The runs did race: the hedges reached b.
        Assert.True(b.Count >= 1, "no run hedged to b, so no run tested a lost race");
    }

    [Fact]
    public async Task A_slow_endpoint_shared_by_both_regions_never_evicts_the_primary()
    {
        await using RegionServer a = await RegionServer.StartAsync("a", _certificate);
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);
        a.Behaviour = RegionServer.SlowPath(TimeSpan.FromMilliseconds(800));
        b.Behaviour = RegionServer.SlowPath(TimeSpan.FromMilliseconds(800));
        await using FailoverClient client = Client(a, b);
        await Requests.ServingRegionsAsync(client, "pay", 5, Ct);
        IReadOnlyList<RegionHealthChangedEventArgs> changes = client.WatchHealth();

        // Far slower than a's usual latency, but b is no faster: the request is slow everywhere, not a in particular.
        List<string> slow = await Requests.ServingRegionsAsync(client, "reports/slow", 3, Ct);
        List<string> fast = await Requests.ServingRegionsAsync(client, "pay", 5, Ct);

        Assert.All(slow, r => Assert.Equal("a", r));
        Assert.All(fast, r => Assert.Equal("a", r));
        Assert.Empty(changes);
    }

    [Fact]
    public async Task A_slow_endpoint_in_a_latency_class_of_its_own_never_sidelines_the_primary_nor_is_hedged_once_learnt()
    {
        await using RegionServer a = await RegionServer.StartAsync("a", _certificate);
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);
        a.Behaviour = RegionServer.SlowPath(TimeSpan.FromMilliseconds(400));
        b.Behaviour = RegionServer.SlowPath(TimeSpan.FromMilliseconds(400));
        await using FailoverClient client = Client(a, b);
        await Requests.ServingRegionsAsync(client, "balance", 5, Ct);
        IReadOnlyList<RegionHealthChangedEventArgs> changes = client.WatchHealth();

        // A statement now and then among more balances than a latency window holds (128), so that each statement is
        // rare among the answers before it; the statements in a class of their own.
        var served = new List<string>();
        for (int round = 0; round < 3; round++)
        {
            served.AddRange(await Requests.ServingRegionsAsync(client, "balance", 130, Ct));
            using var statement = new HttpRequestMessage(HttpMethod.Get, "statements/slow");
            using HttpResponseMessage response = await client.Http.SendAsync(statement.SetLatencyClass("statements"), Ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            served.Add(response.Headers.GetValues("X-Region").Single());
        }

        Assert.All(served, r => Assert.Equal("a", r));
        Assert.Empty(changes);
        Assert.Equal(RegionHealth.Healthy, client.Monitor.GetStatus()[0].Health);

        // Only the first statement, while its class had no latency yet, was hedged to b; once learnt, a statement is
        // waited for as long as statements take. Judged by the balances' p99, every one would have been.
        Assert.InRange(b.Received.Count(r => r.PathAndQuery.EndsWith("/slow", StringComparison.Ordinal)), 0, 1);
    }

    [Fact]
    public async Task A_black_holed_primary_is_out_of_rotation_after_one_request()
    {
        await using RegionServer a = await RegionServer.StartAsync("a", _certificate);
        await using RegionServer b = await RegionServer.StartAsync("b", _certificate);
        await using FailoverClient client = Client(a, b);
        await Requests.ServingRegionsAsync(client, "pay", 10, Ct);
        int before = a.Count;
        a.Behaviour = RegionServer.Silent;

        List<string> served = await Requests.ServingRegionsAsync(client, "pay", 10, Ct);

        // One request reaches it; a second only if the first race judged nobody because b's own answer was slow
        // (a loaded machine), which the next race corrects.
        Assert.All(served, r => Assert.Equal("b", r));
        Assert.InRange(a.Count - before, 1, 2);
        Assert.Equal(RegionHealth.Degraded, client.Monitor.GetStatus()[0].Health);
    }
}
