using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlaKit.Regions;
using SlaKit.Sip;

// Extensions on IServiceCollection live where the collection does, so they show up without another using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers named <see cref="SipFailoverClient"/>s, resolved as keyed services by their name.</summary>
public static class SipFailoverServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="SipFailoverClient"/> named <paramref name="name"/>, with options set in code. Resolve it with
    /// <c>GetRequiredKeyedService&lt;SipFailoverClient&gt;(name)</c> or <c>[FromKeyedServices(name)]</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client's name; it keys the service and names its options.</param>
    /// <param name="configure">Adds the regions and, optionally, sets timers and health thresholds.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <remarks>The options are validated when the host starts (or the client is first resolved): a bad configuration throws <see cref="OptionsValidationException"/>.</remarks>
    public static IServiceCollection AddSipFailover(this IServiceCollection services, string name, Action<SipFailoverOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return AddSipFailoverCore(services, name, options => options.Configure(configure));
    }

    /// <summary>
    /// Registers a <see cref="SipFailoverClient"/> named <paramref name="name"/>, with options bound from
    /// <paramref name="configuration"/>: <c>Regions</c> (each with <c>Name</c>, <c>Endpoint</c> such as
    /// <c>sip:10.0.0.5:5060;transport=udp</c>, and optionally <c>Priority</c> and <c>Weight</c>) and any other
    /// <see cref="SipFailoverOptions"/> property.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client's name; it keys the service and names its options.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static IServiceCollection AddSipFailover(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<IValidateOptions<SipFailoverOptions>>(new RegionEntriesValidator<SipFailoverOptions>(name, () => configuration));
        return AddSipFailoverCore(services, name, options => options.Bind(configuration));
    }

    private static IServiceCollection AddSipFailoverCore(IServiceCollection services, string name, Action<OptionsBuilder<SipFailoverOptions>> configure)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SipFailoverOptions>, SipFailoverOptionsValidator>());
        OptionsBuilder<SipFailoverOptions> options = services.AddOptions<SipFailoverOptions>(name);
        configure(options);
        options.ValidateOnStart();

        services.AddKeyedSingleton(name, (sp, _) => new SipFailoverClient(
            name,
            sp.GetRequiredService<IOptionsMonitor<SipFailoverOptions>>().Get(name),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetRequiredService<FailoverTelemetry>(),
            ownsTelemetry: false,
            connectionFactory: null,
            Random.Shared));
        RegionHealthMonitorRegistry.Register(services, new RegionMonitorRegistration(name, "SIP", sp => sp.GetRequiredKeyedService<SipFailoverClient>(name)));
        return services;
    }
}
