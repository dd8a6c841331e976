using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SlaKit.Analyzers.Model;

/// <summary>
/// Reads the path of <c>configuration.GetSection("A").GetSection("B")</c> or <c>GetSection("A:B")</c> as <c>A:B</c>.
/// </summary>
internal static class ConfigurationSectionReader
{
    /// <summary>The path, or <see langword="null"/> when it is not a chain of constant keys off the configuration root.</summary>
    public static string? Read(IOperation value, KnownTypes types)
    {
        if (value.WalkDownConversionAndLocals() is not IInvocationOperation { TargetMethod.Name: "GetSection" or "GetRequiredSection" } invocation)
        {
            return null;
        }

        // GetSection is an interface method; GetRequiredSection an extension whose receiver is its first argument.
        IOperation? receiver = invocation.TargetMethod.IsExtensionMethod ? invocation.Arguments[0].Value : invocation.Instance;
        int keyIndex = invocation.TargetMethod.IsExtensionMethod ? 1 : 0;
        if (receiver is null || invocation.Arguments.Length <= keyIndex || invocation.Arguments[keyIndex].Value.ConstantString() is not { } key)
        {
            return null;
        }

        IOperation source = receiver.WalkDownConversion();
        if (source is ILocalReferenceOperation && source.WalkDownConversionAndLocals() is IInvocationOperation { TargetMethod.Name: "GetSection" or "GetRequiredSection" } section)
        {
            // var clients = configuration.GetSection("Clients"); clients.GetSection("Payments")
            source = section;
        }

        if (source is IInvocationOperation)
        {
            string? parent = Read(source, types);
            return parent is null ? null : parent + ":" + key;
        }

        // A receiver typed as a section is a section of some path this reader cannot see; otherwise it is taken
        // to be the application's configuration root, as builder.Configuration and an injected IConfiguration are.
        return IsConfiguration(source.Type, types) && !IsSection(source.Type, types) ? key : null;
    }

    private static bool IsConfiguration(ITypeSymbol? type, KnownTypes types) => Implements(type, types.Configuration);

    private static bool IsSection(ITypeSymbol? type, KnownTypes types) => Implements(type, types.ConfigurationSection);

    private static bool Implements(ITypeSymbol? type, TypeSet set)
    {
        if (type is null)
        {
            return false;
        }

        if (set.Contains(type))
        {
            return true;
        }

        foreach (INamedTypeSymbol implemented in type.AllInterfaces)
        {
            if (set.Contains(implemented))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a parameter of <paramref name="type"/> takes a configuration.</summary>
    public static bool TakesConfiguration(ITypeSymbol type, KnownTypes types) => IsConfiguration(type, types);
}
