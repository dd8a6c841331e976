using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>
/// A region whose answers break off after their headers (a connection lost mid-body over HTTP/1.1, a stream reset
/// mid-body over HTTP/2, a proxy or instance that cuts answers short): each such answer fails its caller, and counts
/// against its region as a transport error, so the region is marked down and later requests go to the next one. A
/// stream that breaks off only after outliving the attempt timeout (an event stream a load balancer cuts) fails its
/// caller too, but leaves its region healthy.
/// </summary>
public sealed class TruncatedBodyFailoverTests : IDisposable
{
    private readonly X509Certificate2 _certificate = TestCertificate.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _certificate.Dispose();
        _headersSeen.Dispose();
    }

    private static RegionHealth HealthOf(FailoverClient client, string region) =>
        client.Monitor.GetStatus().Single(s => s.Region.Name == region).Health;

    /// <summary>Released each time an attempt's answer headers reach the client; replaced before each answer that waits on it.</summary>
    private SemaphoreSlim _headersSeen = new(0);

    /// <summary>
    /// Answers 200 with a Content-Length of a million, longer than a small answer (which the failover reads whole before
    /// handing it over), and goes on as <see cref="TruncatedAsync"/>.
    /// </summary>
    private Task Truncated(HttpContext context) => TruncatedAsync(context, 1_000_000);

    /// <summary>Answers 200 with a Content-Length of 1000, a small answer, and goes on as <see cref="TruncatedAsync"/>.</summary>
    private Task SmallTruncated(HttpContext context) => TruncatedAsync(context, 1000);

    /// <summary>
    /// Answers 200 with a Content-Length of <paramref name="length"/>, sends 10 bytes of it, then, once the client has the
    /// headers, aborts: the connection over HTTP/1.1, the stream (RST_STREAM) over HTTP/2. Waiting for the client keeps a
    /// reset that would overtake the headers (and be a transport error before them) out of the test.
    /// </summary>
    private async Task TruncatedAsync(HttpContext context, long length)
    {
        SemaphoreSlim seen = Volatile.Read(ref _headersSeen);
        context.Response.ContentLength = length;
        await context.Response.WriteAsync("0123456789", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        await seen.WaitAsync(TimeSpan.FromSeconds(10), context.RequestAborted);
        context.Abort();
    }

    /// <summary>Tells <see cref="Truncated"/> that an attempt's headers have come.</summary>
    private sealed class HeadersSeen(TruncatedBodyFailoverTests test) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            Volatile.Read(ref test._headersSeen).Release();
            return response;
        }
    }

    /// <summary>
    /// Answers 200 with a Content-Length of a million (longer than a small answer, so handed over at its headers), sends
    /// 10 bytes of it, then holds the rest until the client lets go.
    /// </summary>
    private static async Task Unfinished(HttpContext context)
    {
        context.Response.ContentLength = 1_000_000;
        await context.Response.WriteAsync("0123456789", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client let go of the answer.
        }
    }

    /// <summary>
    /// Answers as a server-sent event stream does (<c>text/event-stream</c>, no length: chunked over HTTP/1.1), an event
    /// every 100 ms for 600 ms, then aborts, as a load balancer's idle or maximum-duration timeout cuts a stream: the
    /// connection over HTTP/1.1, the stream (RST_STREAM) over HTTP/2.
    /// </summary>
    private static async Task EventsThenCut(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        for (int i = 0; i < 6; i++)
        {
            await context.Response.WriteAsync($"data: {i}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, context.RequestAborted);
        }

        context.Abort();
    }

    /// <summary>Regions a and b over plain HTTP/1.1, or over HTTPS with HTTP/2 only ("2.0"); <paramref name="more"/> sets further options.</summary>
    private async Task<(RegionServer A, RegionServer B, FailoverClient Client)> StartAsync(string version, Action<RegionFailoverOptions>? more = null)
    {
        bool http2 = version == "2.0";
        RegionServer a = await RegionServer.StartAsync("a", http2 ? _certificate : null);
        RegionServer b = await RegionServer.StartAsync("b", http2 ? _certificate : null);
        var client = new FailoverClient(
            o =>
            {
                o.Regions.Add(new Region("a", a.BaseUri));
                o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
                o.BreakDuration = TimeSpan.FromMinutes(5);
                more?.Invoke(o);
            },
            client: builder =>
            {
                // After the failover: around each attempt.
                builder.AddHttpMessageHandler(() => new HeadersSeen(this));
                if (http2)
                {
                    builder
                        .ConfigurePrimaryHttpMessageHandler(() => TestCertificate.TrustingHandler(_certificate))
                        .ConfigureHttpClient(http =>
                        {
                            http.DefaultRequestVersion = HttpVersion.Version20;
                            http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
                        });
                }
            });
        return (a, b, client);
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task A_region_whose_answers_break_off_mid_body_is_marked_down_and_later_requests_go_to_the_next_region(string version)
    {
        (RegionServer a, RegionServer b, FailoverClient client) = await StartAsync(version);
        await using (a)
        await using (b)
        await using (client)
        {
            await Requests.WarmUpAsync(client, 3, Ct);
            await Requests.ServedByAsync(client, "a", 1, Ct);
            IReadOnlyList<RegionHealthChangedEventArgs> changes = client.WatchHealth();
            Volatile.Write(ref _headersSeen, new SemaphoreSlim(0));
            a.Behaviour = Truncated;

            // Each GET gets its headers from a, and then loses its body: HttpClient reads it after the failover has
            // handed the answer over, and throws to the caller.
            for (int i = 0; i < 2; i++)
            {
                Exception? caught = null;
                string? servedBy = null;
                try
                {
                    using HttpResponseMessage r = await client.Http.GetAsync("pay", Ct);
                    servedBy = r.Headers.GetValues("X-Region").Single();
                }
                catch (Exception e)
                {
                    caught = e;
                }

                Assert.True(caught is HttpRequestException, $"i={i} served by {servedBy}; changes: {string.Join("; ", changes.Select(c => $"{c.Region.Name} {c.Current} {c.Reason}"))}");
                HttpRequestException broken = (HttpRequestException)caught!;
                Assert.Equal(i == 0 ? RegionHealth.Degraded : RegionHealth.Unhealthy, HealthOf(client, "a"));
                Assert.NotNull(broken.InnerException);
            }

            Assert.Equal(
                [("a", RegionHealth.Degraded), ("a", RegionHealth.Unhealthy)],
                changes.Select(static c => (c.Region.Name, c.Current)));
            Assert.All(changes, static c => Assert.Contains("broke off", c.Reason, StringComparison.Ordinal));

            int asked = a.Count;
            await Requests.ServedByAsync(client, "b", 5, Ct);
            Assert.Equal(asked, a.Count);
        }
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task A_small_answer_that_breaks_off_mid_body_counts_against_its_region_and_the_request_goes_to_the_next_region(string version)
    {
        (RegionServer a, RegionServer b, FailoverClient client) = await StartAsync(version);
        await using (a)
        await using (b)
        await using (client)
        {
            await Requests.WarmUpAsync(client, 3, Ct);
            await Requests.ServedByAsync(client, "a", 1, Ct);
            IReadOnlyList<RegionHealthChangedEventArgs> changes = client.WatchHealth();
            Volatile.Write(ref _headersSeen, new SemaphoreSlim(0));
            a.Behaviour = SmallTruncated;

            // Read whole inside its attempt, the broken body is the attempt's transport error: the caller gets b's answer.
            using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("b", response.Headers.GetValues("X-Region").Single());
            RegionHealthChangedEventArgs change = Assert.Single(changes);
            Assert.Equal(("a", RegionHealth.Degraded), (change.Region.Name, change.Current));
            Assert.Contains("broke off", change.Reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task An_answer_its_caller_disposes_unread_does_not_count_against_its_region(string version)
    {
        (RegionServer a, RegionServer b, FailoverClient client) = await StartAsync(version);
        await using (a)
        await using (b)
        await using (client)
        {
            await Requests.WarmUpAsync(client, 3, Ct);
            await Requests.ServedByAsync(client, "a", 1, Ct);
            IReadOnlyList<RegionHealthChangedEventArgs> changes = client.WatchHealth();
            int asked = a.Count;
            a.Behaviour = Unfinished;

            for (int i = 0; i < 3; i++)
            {
                using HttpResponseMessage response = await client.Http.GetAsync("pay", HttpCompletionOption.ResponseHeadersRead, Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("a", response.Headers.GetValues("X-Region").Single());
            }

            // Disposed with its body unread, each answer's stream or connection was let go (a reset, at the server): not
            // the region's failure.
            Assert.True(await Eventually.TrueAsync(() => a.Completed >= asked + 3, TimeSpan.FromSeconds(10), Ct), $"a finished {a.Completed} requests");
            a.Behaviour = RegionServer.Healthy;
            await Requests.ServedByAsync(client, "a", 2, Ct);
            Assert.Equal(RegionHealth.Healthy, HealthOf(client, "a"));
            Assert.Empty(changes);
        }
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task Event_streams_cut_after_outliving_the_attempt_timeout_leave_their_region_healthy(string version)
    {
        // A short attempt timeout, so that a stream of 600 ms outlives it; three failures to mark a region down, as a
        // client holding three streams would make them.
        (RegionServer a, RegionServer b, FailoverClient client) = await StartAsync(version, static o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
            o.FailuresToMarkDown = 3;
        });
        await using (a)
        await using (b)
        await using (client)
        {
            await Requests.WarmUpAsync(client, 3, Ct);
            await Requests.ServedByAsync(client, "a", 1, Ct);
            Assert.Equal(RegionHealth.Healthy, HealthOf(client, "a"));
            IReadOnlyList<RegionHealthChangedEventArgs> changes = client.WatchHealth();
            a.Behaviour = EventsThenCut;

            for (int i = 0; i < 3; i++)
            {
                using HttpResponseMessage response = await client.Http.GetAsync("events", HttpCompletionOption.ResponseHeadersRead, Ct);
                Assert.Equal("a", response.Headers.GetValues("X-Region").Single());
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
                int events = 0;
                Exception? cut = await Record.ExceptionAsync(async () =>
                {
                    while (await reader.ReadLineAsync(Ct) is { } line)
                    {
                        events += line.StartsWith("data:", StringComparison.Ordinal) ? 1 : 0;
                    }
                });

                // The caller sees the cut as any broken body: it is only its region's health that does not count it.
                Assert.True(cut is IOException or HttpRequestException, $"i={i}: {cut?.GetType().Name ?? "the stream ended"} after {events} events");
                Assert.True(events > 0, $"i={i}: no event came before the cut");
            }

            Assert.Empty(changes.Select(static c => $"{c.Region.Name} {c.Current} {c.Reason}"));
            Assert.Equal(RegionHealth.Healthy, HealthOf(client, "a"));
            a.Behaviour = RegionServer.Healthy;
            await Requests.ServedByAsync(client, "a", 2, Ct);
        }
    }
}
