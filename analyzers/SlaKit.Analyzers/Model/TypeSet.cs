using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace SlaKit.Analyzers.Model;

/// <summary>
/// Every type of one metadata name the compilation can see. A name can resolve to more than one type (a
/// project may declare a type that a reference also has), so a rule asks "is this one of them" rather than
/// relying on a single symbol.
/// </summary>
internal readonly struct TypeSet
{
    private readonly ImmutableArray<INamedTypeSymbol> _types;

    private TypeSet(ImmutableArray<INamedTypeSymbol> types) => _types = types;

    public bool IsEmpty => _types.IsDefaultOrEmpty;

    public static TypeSet Find(Compilation compilation, string metadataName) =>
        new(compilation.GetTypesByMetadataName(metadataName));

    public bool Contains(ITypeSymbol? type)
    {
        if (type is null || _types.IsDefaultOrEmpty)
        {
            return false;
        }

        ITypeSymbol definition = type.OriginalDefinition;
        foreach (INamedTypeSymbol candidate in _types)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate, definition))
            {
                return true;
            }
        }

        return false;
    }
}
