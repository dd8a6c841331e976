using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SlaKit.Analyzers.Model;

/// <summary>
/// Recognises code that configures a failover's options through the .NET options pattern rather than in the failover
/// call: <c>services.Configure&lt;RegionFailoverOptions&gt;("payments", configuration.GetSection(…))</c>,
/// <c>ConfigureAll</c>, <c>PostConfigure</c>, <c>PostConfigureAll</c>, <c>AddOptions&lt;RegionFailoverOptions&gt;(name)</c>
/// and the <c>OptionsBuilder</c> it returns, a <c>ConfigureNamedOptions&lt;RegionFailoverOptions&gt;</c>, or a class of
/// the project's implementing <c>IConfigureOptions</c>, <c>IConfigureNamedOptions</c> or <c>IPostConfigureOptions</c>
/// of them. Such code can add regions to any client's failover at run time.
/// </summary>
internal static class OptionsPatternReader
{
    private const string OptionsNamespace = "Microsoft.Extensions.Options";

    /// <summary>Whether <paramref name="operation"/> configures, or registers something that configures, <paramref name="options"/>.</summary>
    public static bool Configures(IOperation operation, TypeSet options) => operation switch
    {
        IInvocationOperation invocation =>
            AnyOf(invocation.TargetMethod.TypeArguments, options) ||
            (invocation.TargetMethod.ContainingType is { Name: "OptionsBuilder" } builder && IsInOptionsNamespace(builder) && AnyOf(builder.TypeArguments, options)),
        IObjectCreationOperation { Type: INamedTypeSymbol created } => IsInOptionsNamespace(created) && AnyOf(created.TypeArguments, options),
        _ => false,
    };

    /// <summary>Whether <paramref name="type"/> implements one of the options pattern's configuration interfaces for <paramref name="options"/>.</summary>
    public static bool Configures(INamedTypeSymbol type, TypeSet options)
    {
        foreach (INamedTypeSymbol implemented in type.AllInterfaces)
        {
            if (implemented.Name is "IConfigureOptions" or "IConfigureNamedOptions" or "IPostConfigureOptions" &&
                IsInOptionsNamespace(implemented) && AnyOf(implemented.TypeArguments, options))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyOf(ImmutableArray<ITypeSymbol> types, TypeSet options)
    {
        foreach (ITypeSymbol type in types)
        {
            if (options.Contains(type))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInOptionsNamespace(INamedTypeSymbol type) => type.ContainingNamespace?.ToDisplayString() == OptionsNamespace;
}
