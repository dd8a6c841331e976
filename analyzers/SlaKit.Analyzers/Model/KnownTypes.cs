using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace SlaKit.Analyzers.Model;

/// <summary>The types the rules need, looked up once per compilation.</summary>
internal sealed class KnownTypes
{
    private KnownTypes(Compilation compilation, ImmutableArray<ResolvedEntryPoint> entryPoints)
    {
        Region = TypeSet.Find(compilation, "SlaKit.Regions.Region");
        Availability = TypeSet.Find(compilation, "SlaKit.Availability");
        SlaTargetAttribute = TypeSet.Find(compilation, "SlaKit.SlaTargetAttribute");
        Uri = TypeSet.Find(compilation, "System.Uri");
        HttpClient = TypeSet.Find(compilation, "System.Net.Http.HttpClient");
        Configuration = TypeSet.Find(compilation, "Microsoft.Extensions.Configuration.IConfiguration");
        ConfigurationSection = TypeSet.Find(compilation, "Microsoft.Extensions.Configuration.IConfigurationSection");
        HttpClientBuilder = TypeSet.Find(compilation, "Microsoft.Extensions.DependencyInjection.IHttpClientBuilder");
        AddHttpClientExtensions = TypeSet.Find(compilation, "Microsoft.Extensions.DependencyInjection.HttpClientFactoryServiceCollectionExtensions");
        RegionFailoverExtensions = TypeSet.Find(compilation, "Microsoft.Extensions.DependencyInjection.RegionFailoverHttpClientBuilderExtensions");
        RegionFailoverExtensionsType = compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.RegionFailoverHttpClientBuilderExtensions");
        Enumerable = TypeSet.Find(compilation, "System.Collections.Generic.IEnumerable`1");
        EntryPoints = entryPoints;
    }

    public TypeSet Region { get; }

    public TypeSet Availability { get; }

    public TypeSet SlaTargetAttribute { get; }

    public TypeSet Uri { get; }

    public TypeSet HttpClient { get; }

    public TypeSet Configuration { get; }

    public TypeSet ConfigurationSection { get; }

    public TypeSet HttpClientBuilder { get; }

    public TypeSet AddHttpClientExtensions { get; }

    public TypeSet RegionFailoverExtensions { get; }

    /// <summary>The extensions class itself, when exactly one is visible: it states the section prefix <c>AddRegionFailover()</c> binds.</summary>
    public INamedTypeSymbol? RegionFailoverExtensionsType { get; }

    public TypeSet Enumerable { get; }

    /// <summary>The failover APIs present in this compilation.</summary>
    public ImmutableArray<ResolvedEntryPoint> EntryPoints { get; }

    /// <summary>The types, or <see langword="null"/> when the compilation does not reference SlaKit.</summary>
    public static KnownTypes? Create(Compilation compilation)
    {
        if (TypeSet.Find(compilation, "SlaKit.Regions.Region").IsEmpty)
        {
            return null;
        }

        ImmutableArray<ResolvedEntryPoint>.Builder entryPoints = ImmutableArray.CreateBuilder<ResolvedEntryPoint>();
        foreach (FailoverEntryPoint definition in FailoverEntryPoint.All)
        {
            if (ResolvedEntryPoint.Resolve(compilation, definition) is { } resolved)
            {
                entryPoints.Add(resolved);
            }
        }

        return new KnownTypes(compilation, entryPoints.ToImmutable());
    }

    /// <summary>Whether <paramref name="type"/> is a <c>Region[]</c> or a collection of regions (<c>IEnumerable&lt;Region&gt;</c> or anything implementing it).</summary>
    public bool IsRegionCollection(ITypeSymbol? type)
    {
        if (type is IArrayTypeSymbol array)
        {
            return array.Rank == 1 && Region.Contains(array.ElementType);
        }

        if (type is not INamedTypeSymbol named)
        {
            return false;
        }

        if (IsEnumerableOfRegion(named))
        {
            return true;
        }

        foreach (INamedTypeSymbol implemented in named.AllInterfaces)
        {
            if (IsEnumerableOfRegion(implemented))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsEnumerableOfRegion(INamedTypeSymbol type) =>
        type.TypeArguments.Length == 1 && Enumerable.Contains(type) && Region.Contains(type.TypeArguments[0]);
}
