using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace SlaKit.Analyzers.Model;

/// <summary>Which HttpClient an <c>AddHttpClient</c> call registers.</summary>
internal sealed class HttpClientIdentity
{
    public HttpClientIdentity(string? name, ImmutableArray<INamedTypeSymbol> typedClients)
    {
        Name = name;
        TypedClients = typedClients;
    }

    /// <summary>The client's name, <see langword="null"/> when it is not a constant.</summary>
    public string? Name { get; }

    /// <summary>A typed client's implementation, then its service type; empty for a named client.</summary>
    public ImmutableArray<INamedTypeSymbol> TypedClients { get; }

    public string Describe() => Name is null ? "(unnamed)" : "'" + Name + "'";
}
