using System.Collections.Immutable;

namespace SlaKit.Analyzers.Model;

/// <summary>
/// One API that configures a set of regions to fail over between. The rules are driven by this table, by name:
/// an entry whose types the compilation lacks is skipped, so an entry can name an API before it ships.
/// </summary>
internal sealed class FailoverEntryPoint
{
    /// <summary>The APIs SLA0001, SLA0003, SLA0004 and SLA0005 inspect.</summary>
    public static readonly ImmutableArray<FailoverEntryPoint> All = ImmutableArray.Create(
        // IHttpClientBuilder.AddRegionFailover(o => ...), (configuration), (configuration, o => ...), and () which
        // binds SlaKit:Clients:<client name>.
        new FailoverEntryPoint(
            FailoverEntryPointKind.Method,
            "AddRegionFailover",
            "SlaKit.Http.RegionFailoverOptions",
            "Microsoft.Extensions.DependencyInjection.RegionFailoverHttpClientBuilderExtensions",
            bindsConfiguration: true),
        // The SIP client's failover, configured like the HTTP one.
        new FailoverEntryPoint(FailoverEntryPointKind.Method, "AddSipFailover", "SlaKit.Sip.SipFailoverOptions", containingTypeName: null, bindsConfiguration: false),
        // For applications with their own SIP stack: a selector built over a set of regions.
        new FailoverEntryPoint(FailoverEntryPointKind.Constructor, "SlaKit.Sip.SipRegionSelector", "SlaKit.Sip.SipFailoverOptions", containingTypeName: null, bindsConfiguration: false));

    public FailoverEntryPoint(FailoverEntryPointKind kind, string name, string optionsTypeName, string? containingTypeName, bool bindsConfiguration)
    {
        Kind = kind;
        Name = name;
        OptionsTypeName = optionsTypeName;
        ContainingTypeName = containingTypeName;
        BindsConfiguration = bindsConfiguration;
    }

    public FailoverEntryPointKind Kind { get; }

    /// <summary>The method's name, or the metadata name of the type whose constructor takes the regions.</summary>
    public string Name { get; }

    /// <summary>The options type whose <see cref="RegionsProperty"/> holds the regions.</summary>
    public string OptionsTypeName { get; }

    /// <summary>The type declaring the method, when it is known; otherwise any method of that name that takes the options matches.</summary>
    public string? ContainingTypeName { get; }

    /// <summary>Whether an <c>IConfiguration</c> argument (or none, for a named client) supplies regions.</summary>
    public bool BindsConfiguration { get; }

    /// <summary>The options property holding the regions.</summary>
    public string RegionsProperty { get; } = "Regions";

    /// <summary>How messages name the API: the method name, or the type's simple name.</summary>
    public string DisplayName => Kind == FailoverEntryPointKind.Method ? Name : Name.Substring(Name.LastIndexOf('.') + 1);
}
