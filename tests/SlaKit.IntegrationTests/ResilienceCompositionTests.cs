using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Polly.Timeout;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>
/// <c>AddRegionFailover</c> beside .NET's resilience handlers, in each order a team writes, against Kestrel regions that
/// refuse, drop, answer 503 or never answer. The orders the README recommends behave as the failover alone; the others
/// repeat requests the failover judged unsafe to repeat, multiply attempts, cut failovers that were still working, or
/// turn a refused connection into a failed payment. Figures for every pair: <c>failover compose</c> in the benchmarks.
/// </summary>
public sealed class ResilienceCompositionTests
{
    private const string Payment = "{\"amount\":42}";

    /// <summary>Short back-offs where what a retry repeats is what is tested, not when.</summary>
    private static readonly TimeSpan ShortRetryDelay = TimeSpan.FromMilliseconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ComposedClient Compose(
        ResilienceComposition composition, Uri a, Uri b, TimeSpan? retryDelay = null, Action<RegionFailoverOptions>? more = null) =>
        new(builder => ResilienceCompositions.Add(builder, composition, o =>
        {
            o.Regions.Add(new Region("a", a));
            o.Regions.Add(new Region("b", b) { Priority = 1 });
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.TotalTimeout = TimeSpan.FromSeconds(3);
            more?.Invoke(o);
        }, retryDelay));

    private static HttpRequestMessage Post() => new(HttpMethod.Post, "payments") { Content = new StringContent(Payment, Encoding.UTF8, "application/json") };

    private static int Processed(params RegionServer[] servers) =>
        servers.Sum(s => s.Received.Count(r => r.Method == "POST" && Encoding.UTF8.GetString(r.Body) == Payment));

    [Theory]
    [InlineData(ResilienceComposition.FailoverAlone)]
    [InlineData(ResilienceComposition.StandardBeforeTuned)]
    [InlineData(ResilienceComposition.RateLimiterBefore)]
    [InlineData(ResilienceComposition.RateLimiterAfter)]
    public async Task A_POST_to_a_refused_primary_goes_to_the_secondary_at_once(ResilienceComposition composition)
    {
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using ComposedClient client = Compose(composition, RefusedPort.Create(), b.BaseUri);

        using HttpRequestMessage request = Post();
        using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("b", response.Headers.GetValues("X-Region").Single());
        Assert.Equal(1, Processed(b));
    }

    [Theory]
    [InlineData(ResilienceComposition.StandardAfter)]
    [InlineData(ResilienceComposition.RetryAfter)]
    public async Task A_retry_inside_the_failover_holds_a_refused_primary_until_its_attempt_times_out_and_the_POST_fails(ResilienceComposition composition)
    {
        await using RegionServer b = await RegionServer.StartAsync("b");

        // The retry's own back-off (2 s before its first retry) outlasts the failover's attempt timeout (1 s here): the
        // failover sees a timeout, not a refused connection, and a POST that timed out may have been processed.
        await using ComposedClient client = Compose(composition, RefusedPort.Create(), b.BaseUri);

        using HttpRequestMessage request = Post();
        RegionFailoverException failure = await Assert.ThrowsAsync<RegionFailoverException>(() => client.Http.SendAsync(request, Ct));

        Assert.Equal(RegionAttemptOutcomeKind.Timeout, Assert.Single(failure.Outcomes).Kind);
        Assert.Equal(0, b.Count);
    }

    [Theory]
    [InlineData(ResilienceComposition.FailoverAlone, false)]
    [InlineData(ResilienceComposition.StandardBeforeTuned, false)]
    [InlineData(ResilienceComposition.RateLimiterBefore, false)]
    [InlineData(ResilienceComposition.StandardBefore, true)]
    [InlineData(ResilienceComposition.RetryBefore, true)]
    [InlineData(ResilienceComposition.HedgingBefore, true)]
    public async Task A_POST_that_reached_a_failing_primary_is_processed_again_only_when_a_retry_or_hedge_wraps_the_failover(
        ResilienceComposition composition, bool repeated)
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");

        // The primary reads the payment and drops the connection: it may have charged it. The failover sends it nowhere
        // else and tells the caller; a retry or a hedge outside the failover runs the failover again, which sends the
        // payment to a again (not yet marked down) or to b, and it is charged twice.
        a.Behaviour = RegionServer.Drop;
        await using ComposedClient client = Compose(composition, a.BaseUri, b.BaseUri, ShortRetryDelay);

        using HttpRequestMessage request = Post();
        if (repeated)
        {
            try
            {
                using HttpResponseMessage response = await client.Http.SendAsync(request, Ct);
            }
            catch (HttpRequestException)
            {
                // The repeats may fail as well: what is judged is that they were sent.
            }

            Assert.True(await Eventually.TrueAsync(() => Processed(a, b) >= 2, TimeSpan.FromSeconds(2), Ct), $"processed {Processed(a, b)} times");
        }
        else
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.Http.SendAsync(request, Ct));
            Assert.Equal(1, Processed(a, b));
            Assert.Equal(0, b.Count);
        }
    }

    [Theory]
    [InlineData(ResilienceComposition.FailoverAlone, 2)]
    [InlineData(ResilienceComposition.StandardBeforeTuned, 2)]
    [InlineData(ResilienceComposition.RateLimiterBefore, 2)]
    [InlineData(ResilienceComposition.RateLimiterAfter, 2)]
    [InlineData(ResilienceComposition.StandardBefore, 8)]
    [InlineData(ResilienceComposition.RetryBefore, 8)]
    [InlineData(ResilienceComposition.HedgingAfter, 4)]
    public async Task When_every_region_answers_503_one_GET_costs_one_attempt_per_region_unless_a_retry_or_hedge_multiplies_them(
        ResilienceComposition composition, int attempts)
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = b.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await using ComposedClient client = Compose(composition, a.BaseUri, b.BaseUri, ShortRetryDelay);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.Http.GetAsync("balance", Ct));

        Assert.True(await Eventually.TrueAsync(() => a.Completed + b.Completed >= attempts, TimeSpan.FromSeconds(2), Ct));
        Assert.Equal(attempts, a.Count + b.Count);
    }

    [Fact]
    public async Task An_attempt_timeout_outside_the_failover_shorter_than_its_total_timeout_cuts_a_failover_that_was_still_working()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using RegionServer c = await RegionServer.StartAsync("c");
        a.Behaviour = b.Behaviour = RegionServer.Silent;

        // Without hedging, the failover waits out a's and b's attempt timeouts (1 s each) and c answers after about 2 s,
        // within the failover's total timeout (3 s).
        Action<RegionFailoverOptions> failover = o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.Regions.Add(new Region("c", c.BaseUri) { Priority = 2 });
            o.Hedging = HedgingMode.Off;
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.TotalTimeout = TimeSpan.FromSeconds(3);
        };

        // The standard handler's attempt timeout below the failover's total timeout, as its 10 s default is below the
        // failover's 15 s: the failover is cut before c is asked.
        await using (var cut = new ComposedClient(builder =>
        {
            builder.AddStandardResilienceHandler(standard =>
            {
                ResilienceCompositions.TuneAround(standard, TimeSpan.FromSeconds(3));
                standard.AttemptTimeout.Timeout = TimeSpan.FromSeconds(1.5);
            });
            builder.AddRegionFailover(failover);
        }))
        {
            await Assert.ThrowsAsync<TimeoutRejectedException>(() => cut.Http.GetAsync("balance", Ct));
            Assert.Equal(0, c.Count);
        }

        // Tuned as the README says (above the failover's total timeout), the failover finishes.
        await using var tuned = new ComposedClient(builder =>
        {
            builder.AddStandardResilienceHandler(standard => ResilienceCompositions.TuneAround(standard, TimeSpan.FromSeconds(3)));
            builder.AddRegionFailover(failover);
        });
        using HttpResponseMessage response = await tuned.Http.GetAsync("balance", Ct);
        Assert.Equal("c", response.Headers.GetValues("X-Region").Single());
    }

    /// <summary>A service provider with one client named <c>payments</c>, its handlers added by the test.</summary>
    private sealed class ComposedClient : IAsyncDisposable
    {
        private readonly ServiceProvider _services;

        public ComposedClient(Action<IHttpClientBuilder> handlers)
        {
            var services = new ServiceCollection();
            handlers(services.AddHttpClient(FailoverClient.Name, client => client.BaseAddress = new Uri("http://payments.invalid/")));
            _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            Http = _services.GetRequiredService<IHttpClientFactory>().CreateClient(FailoverClient.Name);
        }

        public HttpClient Http { get; }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await _services.DisposeAsync();
        }
    }
}
