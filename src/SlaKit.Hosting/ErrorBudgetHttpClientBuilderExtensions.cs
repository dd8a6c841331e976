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
    /// a 5xx; a 4xx is the caller's own mistake and counts as good. With <see cref="Slo.LatencyThreshold"/> set, a good
    /// answer slower than it is bad too. A request the caller cancels is not counted.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="slo">The objective the client's requests are judged against.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <remarks>
    /// Call it before <c>AddRegionFailover</c> so the tracker sees what the caller sees: one outcome per request, after
    /// failover, not one per attempt. The tracker uses the container's <see cref="TimeProvider"/>,
    /// <see cref="IMeterFactory"/> and <see cref="ILoggerFactory"/> when they are registered.
    /// </remarks>
    public static IHttpClientBuilder AddErrorBudget(this IHttpClientBuilder builder, Slo slo)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(slo);
        string name = builder.Name;
        builder.Services.TryAddKeyedSingleton(name, (sp, _) => new ErrorBudgetTracker(
            slo,
            sp.GetService<TimeProvider>(),
            new ErrorBudgetTrackerOptions { MeterFactory = sp.GetService<IMeterFactory>(), LoggerFactory = sp.GetService<ILoggerFactory>() }));
        return builder.AddHttpMessageHandler(sp => new ErrorBudgetHandler(sp.GetRequiredKeyedService<ErrorBudgetTracker>(name), sp.GetService<TimeProvider>() ?? TimeProvider.System));
    }
}
