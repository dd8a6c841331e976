using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SlaKit.Http;
using SlaKit.Regions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds active health probes to a failover client's regions.</summary>
public static class RegionProbeHttpClientBuilderExtensions
{
    /// <summary>
    /// Probes each of the client's regions on a schedule while the host runs — by default an HTTP GET of
    /// <c>health</c> under the region's endpoint every second — and feeds the results into its region health, so a
    /// region that stops answering leaves rotation before a caller's request finds out. Call after <c>AddRegionFailover</c>.
    /// </summary>
    /// <param name="builder">The failover client's builder.</param>
    /// <param name="configure">Adjusts the probes; the defaults when <see langword="null"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Probes run in a hosted service: they start with the host (<see cref="IHost"/>), and options are validated then.</remarks>
    public static IHttpClientBuilder AddRegionProbes(this IHttpClientBuilder builder, Action<RegionProbeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        services.TryAddSingleton<HttpRegionSets>();
        RegionHealthMonitorRegistry.AddShared(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegionProbeOptions>, RegionProbeOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RegionProbeService>());
        services.AddSingleton(new RegionProbeRegistration(builder.Name));
        OptionsBuilder<RegionProbeOptions> options = services.AddOptions<RegionProbeOptions>(builder.Name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        return builder;
    }
}
