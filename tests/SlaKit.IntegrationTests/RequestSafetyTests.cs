using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>
/// Requests that are not safe to repeat (POST, PATCH, bodies that cannot be buffered) are never processed twice;
/// requests marked idempotent fail over; bodies arrive intact wherever they are served.
/// </summary>
public sealed class RequestSafetyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Action<RegionFailoverOptions> TwoRegions(Uri a, Uri b, Action<RegionFailoverOptions>? more = null) => o =>
    {
        o.Regions.Add(new Region("a", a));
        o.Regions.Add(new Region("b", b) { Priority = 1 });
        o.AttemptTimeout = TimeSpan.FromSeconds(3);
        more?.Invoke(o);
    };

    private static HttpRequestMessage Payment(HttpMethod method, string body = "{\"amount\":42}") =>
        new(method, "payments") { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private static int Processed(string body, params RegionServer[] servers) =>
        servers.Sum(s => s.Received.Count(r => r.Method != "GET" && Encoding.UTF8.GetString(r.Body) == body));

    [Theory]
    [InlineData("POST")]
    [InlineData("PATCH")]
    public async Task An_unsafe_request_answered_503_is_not_resent_and_the_caller_gets_the_503(string method)
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await using var client = new FailoverClient(TwoRegions(a.BaseUri, b.BaseUri));

        using HttpRequestMessage request = Payment(new HttpMethod(method), "{\"order\":1}");
        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("a", response.Headers.GetValues("X-Region").Single());
        Assert.Equal("a", request.GetServedRegion());
        Assert.Equal(0, b.Count);
        Assert.Equal(1, Processed("{\"order\":1}", a, b));
    }

    [Fact]
    public async Task Unsafe_requests_to_a_503_primary_are_each_processed_once_and_go_elsewhere_once_it_is_marked_down()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await using var client = new FailoverClient(TwoRegions(a.BaseUri, b.BaseUri, o => o.FailuresToMarkDown = 2));

        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 5; i++)
        {
            using HttpResponseMessage response = await client.Http.SendAsync(Payment(HttpMethod.Post, $"order-{i}"), Ct);
            statuses.Add(response.StatusCode);
        }

        // The first two reach a and get its 503; then a is down and the rest go to b only.
        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(1, Processed($"order-{i}", a, b));
        }
    }

    [Fact]
    public async Task A_post_to_a_slow_primary_is_never_hedged()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Slow(TimeSpan.FromMilliseconds(700));
        await using var client = new FailoverClient(TwoRegions(a.BaseUri, b.BaseUri, o => o.Hedging = HedgingMode.Fixed));

        var clock = Stopwatch.StartNew();
        using HttpResponseMessage response = await client.Http.SendAsync(Payment(HttpMethod.Post, "slow-1"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("a", response.Headers.GetValues("X-Region").Single());
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(650), $"answered after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(0, b.Count);
        Assert.Equal(1, Processed("slow-1", a, b));
    }

    [Fact]
    public async Task A_post_that_times_out_is_not_resent_and_the_caller_gets_a_region_failover_exception()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Slow(TimeSpan.FromSeconds(10));
        await using var client = new FailoverClient(TwoRegions(a.BaseUri, b.BaseUri, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(500)));

        RegionFailoverException failure = await Assert.ThrowsAsync<RegionFailoverException>(
            () => client.Http.SendAsync(Payment(HttpMethod.Post, "timeout-1"), Ct));

        RegionAttemptOutcome only = Assert.Single(failure.Outcomes);
        Assert.Equal("a", only.Region.Name);
        Assert.Equal(RegionAttemptOutcomeKind.Timeout, only.Kind);
        Assert.Equal(0, b.Count);
        Assert.Equal(1, Processed("timeout-1", a, b));
    }

    [Fact]
    public async Task A_post_whose_connection_drops_after_it_was_sent_is_not_resent()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Drop;
        await using var client = new FailoverClient(TwoRegions(a.BaseUri, b.BaseUri));

        RegionFailoverException failure = await Assert.ThrowsAsync<RegionFailoverException>(
            () => client.Http.SendAsync(Payment(HttpMethod.Post, "drop-1"), Ct));

        Assert.Equal(RegionAttemptOutcomeKind.TransportError, Assert.Single(failure.Outcomes).Kind);
        Assert.Equal(0, b.Count);
        Assert.Equal(1, Processed("drop-1", a, b));
    }

    [Fact]
    public async Task A_post_to_a_refusing_primary_is_failed_over_because_it_certainly_was_not_sent()
    {
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = new FailoverClient(TwoRegions(RefusedPort.Create(), b.BaseUri));

        using HttpRequestMessage request = Payment(HttpMethod.Post, "refused-1");
        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("b", request.GetServedRegion());
        ReceivedRequest received = Assert.Single(b.Received);
        Assert.Equal("POST", received.Method);
        Assert.Equal("refused-1", Encoding.UTF8.GetString(received.Body));
        Assert.Equal("application/json; charset=utf-8", received.Headers["Content-Type"]);
    }

    [Fact]
    public async Task A_post_with_an_idempotency_key_fails_over_from_a_503_with_the_same_key_and_body()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await using var client = new FailoverClient(TwoRegions(a.BaseUri, b.BaseUri));

        using HttpRequestMessage request = Payment(HttpMethod.Post, "keyed-1");
        request.Headers.Add("Idempotency-Key", "7f1c");
        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("b", request.GetServedRegion());
        ReceivedRequest atA = Assert.Single(a.Received);
        ReceivedRequest atB = Assert.Single(b.Received);
        Assert.Equal("7f1c", atA.IdempotencyKey);
        Assert.Equal("7f1c", atB.IdempotencyKey);
        Assert.Equal("keyed-1", Encoding.UTF8.GetString(atB.Body));
    }

    [Fact]
    public async Task A_post_marked_idempotent_is_hedged_away_from_a_slow_primary()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Slow(TimeSpan.FromSeconds(10));
        await using var client = new FailoverClient(TwoRegions(a.BaseUri, b.BaseUri));

        var clock = Stopwatch.StartNew();
        using HttpRequestMessage request = Payment(HttpMethod.Post, "marked-1").MarkIdempotent();
        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("b", request.GetServedRegion());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.ElapsedMilliseconds} ms");
        Assert.Equal("marked-1", Encoding.UTF8.GetString(Assert.Single(b.Received).Body));
        Assert.True(await Eventually.TrueAsync(() => a.Aborted == 1, TimeSpan.FromSeconds(3), Ct), "the slow attempt was not cancelled");
    }

    [Fact]
    public async Task A_post_marked_idempotent_fails_over_from_a_503()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await using var client = new FailoverClient(TwoRegions(a.BaseUri, b.BaseUri, o => o.Hedging = HedgingMode.Off));

        using HttpRequestMessage request = Payment(HttpMethod.Post, "marked-2").MarkIdempotent();
        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("marked-2", Encoding.UTF8.GetString(Assert.Single(b.Received).Body));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Put_and_delete_are_replayed(string method)
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await using var client = new FailoverClient(TwoRegions(a.BaseUri, b.BaseUri));

        using HttpRequestMessage request = Payment(new HttpMethod(method), "replayed-1");
        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("replayed-1", Encoding.UTF8.GetString(Assert.Single(b.Received).Body));
    }

    [Fact]
    public async Task A_buffered_body_arrives_intact_with_its_headers_in_the_region_that_serves_it()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(HttpStatusCode.BadGateway);
        await using var client = new FailoverClient(TwoRegions(a.BaseUri, b.BaseUri));
        byte[] body = new byte[200 * 1024];
        new Random(4).NextBytes(body);

        // A seekable stream of known length is buffered like a byte array.
        using var request = new HttpRequestMessage(HttpMethod.Put, "documents/4") { Content = new StreamContent(new MemoryStream(body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Add("X-Trace", "t-4");
        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        ReceivedRequest atA = Assert.Single(a.Received);
        ReceivedRequest atB = Assert.Single(b.Received);
        Assert.Equal(body, atA.Body);
        Assert.Equal(body, atB.Body);
        Assert.Equal("application/octet-stream", atB.Headers["Content-Type"]);
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), atB.Headers["Content-Length"]);
        Assert.Equal("t-4", atB.Headers["X-Trace"]);
    }

    [Fact]
    public async Task Json_put_with_put_as_json_is_serialized_once_and_replayed_and_beyond_the_limit_sent_once()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await using var client = new FailoverClient(TwoRegions(a.BaseUri, b.BaseUri, o => o.ReplayBufferLimit = 1024));

        // JsonContent has no length until it is written: serialized once, it goes to the next region like any buffered body.
        using (HttpResponseMessage response = await client.Http.PutAsJsonAsync("orders/7", new { amount = 42, currency = "EUR" }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("b", response.Headers.GetValues("X-Region").Single());
        }

        Assert.Equal("{\"amount\":42,\"currency\":\"EUR\"}", Encoding.UTF8.GetString(Assert.Single(b.Received).Body));
        Assert.Equal(Assert.Single(a.Received).Body, b.Received.Single().Body);
        Assert.StartsWith("application/json", b.Received.Single().Headers["Content-Type"], StringComparison.Ordinal);

        // Beyond the replay limit it is sent once, as any body is.
        using (HttpResponseMessage large = await client.Http.PutAsJsonAsync("orders/8", new { note = new string('x', 2000) }, Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, large.StatusCode);
        }

        Assert.Equal(2, a.Count);
        Assert.Equal(1, b.Count);
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(int.MaxValue + 1L)]
    public async Task A_replay_limit_beyond_what_one_array_holds_still_replays_json_and_bodies_of_known_length(long limit)
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await using var client = new FailoverClient(TwoRegions(a.BaseUri, b.BaseUri, o => o.ReplayBufferLimit = limit));

        using (HttpResponseMessage json = await client.Http.PutAsJsonAsync("orders/7", new { amount = 42 }, Ct))
        {
            Assert.Equal("b", json.Headers.GetValues("X-Region").Single());
        }

        using (HttpResponseMessage bytes = await client.Http.PutAsync("documents/5", new ByteArrayContent(new byte[4096]), Ct))
        {
            Assert.Equal("b", bytes.Headers.GetValues("X-Region").Single());
        }

        Assert.Equal(["{\"amount\":42}", new string('\0', 4096)], b.Received.Select(static r => Encoding.UTF8.GetString(r.Body)));
    }

    [Fact]
    public async Task A_body_beyond_the_replay_limit_is_sent_once()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await using var client = new FailoverClient(TwoRegions(a.BaseUri, b.BaseUri, o => o.ReplayBufferLimit = 1024));

        using var request = new HttpRequestMessage(HttpMethod.Put, "documents/5") { Content = new ByteArrayContent(new byte[4096]) };
        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(4096, Assert.Single(a.Received).Body.Length);
        Assert.Equal(0, b.Count);
    }

    [Theory]
    [InlineData("PUT", false)]
    [InlineData("POST", true)]
    public async Task Streamed_content_of_unknown_length_answered_503_is_sent_once_and_never_twice(string method, bool idempotencyKey)
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await using var client = new FailoverClient(TwoRegions(a.BaseUri, b.BaseUri));
        byte[] body = Encoding.UTF8.GetBytes(new string('s', 10_000));
        var stream = new NonSeekableStream(body);

        using var request = new HttpRequestMessage(new HttpMethod(method), "uploads") { Content = new StreamContent(stream) };
        if (idempotencyKey)
        {
            request.Headers.Add("Idempotency-Key", "k-stream");
        }

        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        ReceivedRequest atA = Assert.Single(a.Received);
        Assert.Equal(body, atA.Body);
        Assert.False(atA.Headers.ContainsKey("Content-Length"), "the body was sent with a length, so it was buffered");
        Assert.Equal(0, b.Count);
        Assert.Equal(1, stream.TimesReadToEnd);
    }

    [Fact]
    public async Task Streamed_content_of_unknown_length_is_not_hedged_away_from_a_slow_primary()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Slow(TimeSpan.FromMilliseconds(500));
        await using var client = new FailoverClient(TwoRegions(a.BaseUri, b.BaseUri));
        byte[] body = Encoding.UTF8.GetBytes("streamed-slow");

        using var request = new HttpRequestMessage(HttpMethod.Put, "uploads") { Content = new StreamContent(new NonSeekableStream(body)) };
        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("a", response.Headers.GetValues("X-Region").Single());
        Assert.Equal(body, Assert.Single(a.Received).Body);
        Assert.Equal(0, b.Count);
    }

    [Fact]
    public async Task Streamed_content_of_unknown_length_goes_to_the_next_region_when_the_primary_refuses()
    {
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = new FailoverClient(TwoRegions(RefusedPort.Create(), b.BaseUri));
        byte[] body = Encoding.UTF8.GetBytes(new string('r', 50_000));
        var stream = new NonSeekableStream(body);

        using var request = new HttpRequestMessage(HttpMethod.Post, "uploads") { Content = new StreamContent(stream) };
        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, Assert.Single(b.Received).Body);
        Assert.Equal(1, stream.TimesReadToEnd);
    }
}
