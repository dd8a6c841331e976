using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SlaKit.Budgets;
using SlaKit.Http;

// Extensions on IHttpClientBuilder live where the builder does, so they show up without another using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Counts a client's requests against an SLO.</summary>
public static class ErrorBudgetHttpClientBuilderExtensions
{
    /// <summary>
    /// Counts every request the client sends against <paramref name="slo"/> in an <see cref="ErrorBudgetTracker"/>,
    /// registered as a keyed singleton under the client's name: resolve it with
    /// <c>GetRequiredKeyedService&lt;ErrorBudgetTracker&gt;(name)</c>, for example for
    /// <c>AddErrorBudgetHealthCheck</c>. A request is bad when it throws (every region failed, a timeout) or the answer is
    /// a 5xx; a 4xx is the caller's own mistake and counts as good. Any other answer is counted when its body has been
    /// read: bad if the body breaks off (a reset, a connection lost mid-body), good once it ends or when the caller leaves
    /// it before its end. A gRPC call is judged by its status: UNKNOWN,
    /// DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE and DATA_LOSS are bad, the caller's own errors good. A call that fails
    /// before sending a message has its status in the answer's headers, and is judged at once; any other call has it in
    /// the trailers after the messages, and is judged when the caller has read the answer to its end (a stream broken
    /// before its end is bad; one the caller leaves before its end is not counted). With
    /// <see cref="Slo.LatencyThreshold"/> set, a good answer slower than it is bad too (latency runs to the answer's
    /// headers). A request the caller cancels is not counted.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="slo">The objective the client's requests are judged against.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// The client already counts its requests against an SLO: a client has one error budget (a second handler would
    /// count every request twice against the first SLO).
    /// </exception>
    /// <remarks>
    /// <para>
    /// Call it before <c>AddRegionFailover</c> so the tracker sees what the caller sees: one outcome per request, after
    /// failover, not one per attempt. The tracker uses the container's <see cref="TimeProvider"/>,
    /// <see cref="IMeterFactory"/> and <see cref="ILoggerFactory"/> when they are registered.
    /// </para>
    /// <para>
    /// <see cref="HttpClient.Timeout"/> ends a request through the same token the caller's cancellation does, so a
    /// handler cannot tell the two apart, and a request it ends is not counted. To count timeouts, give the client one
    /// of its own below <see cref="HttpClient.Timeout"/>: <c>AddRegionFailover</c>'s <c>TotalTimeout</c>, or a
    /// resilience handler's, whose timeout is counted as bad.
    /// </para>
    /// </remarks>
    public static IHttpClientBuilder AddErrorBudget(this IHttpClientBuilder builder, Slo slo)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(slo);
        string name = builder.Name;
        if (builder.Services.Any(d => d.ServiceType == typeof(ErrorBudgetClient) && d.IsKeyedService && Equals(d.ServiceKey, name)))
        {
            throw new InvalidOperationException(
                $"Client '{name}' already counts its requests against an SLO; a client has one error budget. To judge its requests against another SLO too, record them in a tracker of your own.");
        }

        builder.Services.AddKeyedSingleton<ErrorBudgetClient>(name);
        builder.Services.TryAddKeyedSingleton(name, (sp, _) => new ErrorBudgetTracker(
            slo,
            sp.GetService<TimeProvider>(),
            new ErrorBudgetTrackerOptions
            {
                MeterFactory = sp.GetService<IMeterFactory>(),
                LoggerFactory = sp.GetService<ILoggerFactory>(),
                MetricTags = [new("client", name)],
            }));
        return builder.AddHttpMessageHandler(sp => new ErrorBudgetHandler(sp.GetRequiredKeyedService<ErrorBudgetTracker>(name), sp.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
