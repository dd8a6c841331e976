using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using SlaKit.Http;
using SlaKit.Regions;

// Extensions on IHttpClientBuilder live where the builder does, so they show up without another using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds multi-region failover to a named or typed <see cref="HttpClient"/>.</summary>
/// <remarks>
/// A failover client contacts only its configured regions, so its primary handler does not follow redirects:
/// a 3xx answer reaches the caller as the region's answer, to follow or not.
/// </remarks>
public static class RegionFailoverHttpClientBuilderExtensions
{
    /// <summary>The configuration section <see cref="AddRegionFailover(IHttpClientBuilder)"/> binds: <c>SlaKit:Clients:&lt;client name&gt;</c>.</summary>
    public const string ConfigurationSectionPrefix = "SlaKit:Clients";

    /// <summary>
    /// The base address a failover client gets when none is set, so that relative request URIs work: a name under
    /// <c>.invalid</c>, which never resolves (RFC 6761 §6.4). Only its path matters, and the failover handler replaces
    /// the rest with a region's endpoint.
    /// </summary>
    private static readonly Uri RegionsBaseAddress = new("http://regions.slakit.invalid/");

    /// <summary>
    /// Sends the client's requests to the best of its regions and fails over to the next when one fails,
    /// with options set in code.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="configure">Sets the regions and, optionally, timeouts, hedging and health thresholds.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <remarks>The options are validated when the host starts; a bad configuration throws <see cref="OptionsValidationException"/>.</remarks>
    public static IHttpClientBuilder AddRegionFailover(this IHttpClientBuilder builder, Action<RegionFailoverOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return AddRegionFailoverCore(builder, options => options.Configure(configure));
    }

    /// <summary>
    /// Sends the client's requests to the best of its regions and fails over to the next when one fails,
    /// with options bound from <paramref name="configuration"/> (for example <c>configuration.GetSection("Payments")</c>).
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="configuration">A section holding <c>Regions</c> (each with <c>Name</c>, <c>Endpoint</c>, and optionally
    /// <c>Priority</c>, <c>Weight</c>, <c>Availability</c>) and any other <see cref="RegionFailoverOptions"/> property.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IHttpClientBuilder AddRegionFailover(this IHttpClientBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        CheckRegionEntries(builder, _ => configuration);
        return AddRegionFailoverCore(builder, options => options.Bind(configuration));
    }

    /// <summary>
    /// Sends the client's requests to the best of its regions, with options bound from <paramref name="configuration"/>
    /// and then adjusted by <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <param name="configure">Adjusts the bound options.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IHttpClientBuilder AddRegionFailover(this IHttpClientBuilder builder, IConfiguration configuration, Action<RegionFailoverOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        CheckRegionEntries(builder, _ => configuration);
        return AddRegionFailoverCore(builder, options => options.Bind(configuration).Configure(configure));
    }

    /// <summary>
    /// Sends the client's requests to the best of its regions, with options bound from the application's
    /// configuration at <c>SlaKit:Clients:&lt;client name&gt;</c>.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IHttpClientBuilder AddRegionFailover(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string section = $"{ConfigurationSectionPrefix}:{builder.Name}";
        CheckRegionEntries(builder, sp => sp.GetService<IConfiguration>()?.GetSection(section));
        return AddRegionFailoverCore(builder, options => options.BindConfiguration(section));
    }

    /// <summary>Names, at start-up, every region entry of the section that binding would drop without a word.</summary>
    private static void CheckRegionEntries(IHttpClientBuilder builder, Func<IServiceProvider, IConfiguration?> section)
    {
        string name = builder.Name;
        builder.Services.AddSingleton<IValidateOptions<RegionFailoverOptions>>(
            sp => new RegionEntriesValidator<RegionFailoverOptions>(name, () => section(sp)));
    }

    private static IHttpClientBuilder AddRegionFailoverCore(IHttpClientBuilder builder, Action<OptionsBuilder<RegionFailoverOptions>> configure)
    {
        IServiceCollection services = builder.Services;
        services.TryAddSingleton<HttpRegionSets>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegionFailoverOptions>, RegionFailoverOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, RegionPrimaryHandlerFilter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RegionWarmUpService>());
        services.AddSingleton(new RegionFailoverClientName(builder.Name));
        string name = builder.Name;
        RegionHealthMonitorRegistry.Register(services, new RegionMonitorRegistration(name, "HTTP", sp => sp.GetRequiredService<HttpRegionSets>().GetClient(name).Core));

        OptionsBuilder<RegionFailoverOptions> options = services.AddOptions<RegionFailoverOptions>(builder.Name);
        configure(options);
        options.ValidateOnStart();

        // Each attempt keeps only the request's path and query, so a client configured from settings alone needs no
        // base address of its own; without one, HttpClient would refuse a relative URI before any handler runs.
        builder.ConfigureHttpClient(static client => client.BaseAddress ??= RegionsBaseAddress);

        return builder.AddHttpMessageHandler(sp => new RegionFailoverHandler(sp.GetRequiredService<HttpRegionSets>().GetClient(name)));
    }
}
