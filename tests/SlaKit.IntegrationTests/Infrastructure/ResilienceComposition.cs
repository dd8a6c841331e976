using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using SlaKit.Http;

namespace SlaKit.IntegrationTests.Infrastructure;

/// <summary>
/// The ways a team writes <c>AddRegionFailover</c> beside .NET's resilience handlers. The handlers of an
/// <see cref="IHttpClientBuilder"/> run in the order they were added, the first outermost: a handler added before
/// <c>AddRegionFailover</c> wraps the whole failover (every region, every hedge), one added after it wraps each attempt
/// against one region.
/// </summary>
public enum ResilienceComposition
{
    /// <summary><c>AddRegionFailover</c> and nothing else.</summary>
    FailoverAlone,

    /// <summary><c>AddStandardResilienceHandler()</c>, with its defaults, added before <c>AddRegionFailover</c>: outside it.</summary>
    StandardBefore,

    /// <summary>
    /// <c>AddStandardResilienceHandler(…)</c> before <c>AddRegionFailover</c>, set as the README recommends: its retry off
    /// (the failover is the retry) and its attempt timeout above the failover's total timeout.
    /// </summary>
    StandardBeforeTuned,

    /// <summary><c>AddStandardResilienceHandler()</c>, with its defaults, added after <c>AddRegionFailover</c>: inside each region attempt.</summary>
    StandardAfter,

    /// <summary><c>AddResilienceHandler</c> holding a retry (its defaults: 3 retries, 2 s exponential back-off) before <c>AddRegionFailover</c>.</summary>
    RetryBefore,

    /// <summary>The same retry after <c>AddRegionFailover</c>.</summary>
    RetryAfter,

    /// <summary><c>AddResilienceHandler</c> holding a concurrency limiter before <c>AddRegionFailover</c>.</summary>
    RateLimiterBefore,

    /// <summary>The same concurrency limiter after <c>AddRegionFailover</c>.</summary>
    RateLimiterAfter,

    /// <summary><c>AddStandardHedgingHandler()</c>, with its defaults, before <c>AddRegionFailover</c>.</summary>
    HedgingBefore,

    /// <summary><c>AddStandardHedgingHandler()</c>, with its defaults, after <c>AddRegionFailover</c>.</summary>
    HedgingAfter,
}

/// <summary>Builds each <see cref="ResilienceComposition"/> on a client's builder.</summary>
public static class ResilienceCompositions
{
    /// <summary>The permits of the concurrency limiter the rate-limiter compositions use: more than the tests ever send at once.</summary>
    public const int ConcurrencyLimit = 100;

    /// <summary>Every composition, in the order reports list them.</summary>
    public static IReadOnlyList<ResilienceComposition> All { get; } = Enum.GetValues<ResilienceComposition>();

    /// <summary>The composition as its builder chain reads.</summary>
    public static string Describe(ResilienceComposition composition) => composition switch
    {
        ResilienceComposition.FailoverAlone => "AddRegionFailover alone",
        ResilienceComposition.StandardBefore => "standard resilience, then failover",
        ResilienceComposition.StandardBeforeTuned => "standard resilience (tuned), then failover",
        ResilienceComposition.StandardAfter => "failover, then standard resilience",
        ResilienceComposition.RetryBefore => "retry, then failover",
        ResilienceComposition.RetryAfter => "failover, then retry",
        ResilienceComposition.RateLimiterBefore => "rate limiter, then failover",
        ResilienceComposition.RateLimiterAfter => "failover, then rate limiter",
        ResilienceComposition.HedgingBefore => "standard hedging, then failover",
        ResilienceComposition.HedgingAfter => "failover, then standard hedging",
        _ => throw new ArgumentOutOfRangeException(nameof(composition), composition, "Unknown composition."),
    };

    /// <summary>
    /// Adds <c>AddRegionFailover(<paramref name="failover"/>)</c> and the composition's resilience handler to
    /// <paramref name="builder"/>, in the composition's order.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="composition">Which handlers, in which order.</param>
    /// <param name="failover">The failover's options.</param>
    /// <param name="retryDelay">
    /// The retries' base delay, and the standard hedging delay; <see langword="null"/> keeps their defaults (2 s each). Tests
    /// shorten it: what a retry repeats does not depend on how long it waits first.
    /// </param>
    public static void Add(IHttpClientBuilder builder, ResilienceComposition composition, Action<RegionFailoverOptions> failover, TimeSpan? retryDelay = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(failover);
        Action<HttpStandardResilienceOptions> standardDefaults = standard => standard.Retry.Delay = retryDelay ?? standard.Retry.Delay;
        Action<HttpStandardHedgingResilienceOptions> hedgingDefaults = hedging => hedging.Hedging.Delay = retryDelay ?? hedging.Hedging.Delay;
        switch (composition)
        {
            case ResilienceComposition.FailoverAlone:
                builder.AddRegionFailover(failover);
                break;
            case ResilienceComposition.StandardBefore:
                builder.AddStandardResilienceHandler(standardDefaults);
                builder.AddRegionFailover(failover);
                break;
            case ResilienceComposition.StandardBeforeTuned:
                var options = new RegionFailoverOptions();
                failover(options);
                builder.AddStandardResilienceHandler(standard => TuneAround(standard, options.TotalTimeout));
                builder.AddRegionFailover(failover);
                break;
            case ResilienceComposition.StandardAfter:
                builder.AddRegionFailover(failover);
                builder.AddStandardResilienceHandler(standardDefaults);
                break;
            case ResilienceComposition.RetryBefore:
                AddRetry(builder, retryDelay);
                builder.AddRegionFailover(failover);
                break;
            case ResilienceComposition.RetryAfter:
                builder.AddRegionFailover(failover);
                AddRetry(builder, retryDelay);
                break;
            case ResilienceComposition.RateLimiterBefore:
                AddRateLimiter(builder);
                builder.AddRegionFailover(failover);
                break;
            case ResilienceComposition.RateLimiterAfter:
                builder.AddRegionFailover(failover);
                AddRateLimiter(builder);
                break;
            case ResilienceComposition.HedgingBefore:
                builder.AddStandardHedgingHandler().Configure(hedgingDefaults);
                builder.AddRegionFailover(failover);
                break;
            case ResilienceComposition.HedgingAfter:
                builder.AddRegionFailover(failover);
                builder.AddStandardHedgingHandler().Configure(hedgingDefaults);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(composition), composition, "Unknown composition.");
        }
    }

    /// <summary>
    /// The standard handler's settings for wrapping a failover whose total timeout is <paramref name="failoverTotalTimeout"/>:
    /// no retry of its own (the failover already tries every region, and a retry outside it would repeat a request the
    /// failover judged unsafe to repeat), and an attempt timeout that lets the failover finish. The README shows the same.
    /// </summary>
    public static void TuneAround(HttpStandardResilienceOptions standard, TimeSpan failoverTotalTimeout)
    {
        standard.Retry.ShouldHandle = static _ => PredicateResult.False();
        standard.AttemptTimeout.Timeout = failoverTotalTimeout + TimeSpan.FromSeconds(1);
        standard.CircuitBreaker.SamplingDuration = 2 * standard.AttemptTimeout.Timeout;
        if (standard.TotalRequestTimeout.Timeout < standard.AttemptTimeout.Timeout)
        {
            standard.TotalRequestTimeout.Timeout = standard.AttemptTimeout.Timeout;
        }
    }

    private static void AddRetry(IHttpClientBuilder builder, TimeSpan? delay) =>
        builder.AddResilienceHandler("retry", pipeline =>
        {
            var retry = new HttpRetryStrategyOptions();
            retry.Delay = delay ?? retry.Delay;
            pipeline.AddRetry(retry);
        });

    private static void AddRateLimiter(IHttpClientBuilder builder) =>
        builder.AddResilienceHandler("limiter", static pipeline => pipeline.AddConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = ConcurrencyLimit,
            QueueLimit = 0,
        }));
}
