using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SlaKit.Analyzers.Model;

/// <summary>Reads a call to a failover entry point into a <see cref="FailoverCall"/>.</summary>
internal static class FailoverCallReader
{
    /// <summary>The section prefix <c>AddRegionFailover()</c> binds, when the referenced SlaKit does not say otherwise.</summary>
    private const string DefaultClientSectionPrefix = "SlaKit:Clients";

    public static FailoverCall Read(IOperation operation, ImmutableArray<IArgumentOperation> arguments, IMethodSymbol method, ResolvedEntryPoint entryPoint, KnownTypes types)
    {
        var regions = new List<DeclaredRegion>();
        bool complete = true;
        bool sawRegions = false;
        bool bindsConfiguration = false;
        string? sectionPath = null;
        IOperation? builder = null;

        foreach (IArgumentOperation argument in arguments)
        {
            if (argument.Parameter is not { } parameter)
            {
                complete = false;
                continue;
            }

            if (argument.ArgumentKind == ArgumentKind.DefaultValue)
            {
                continue;
            }

            if (method.IsExtensionMethod && parameter.Ordinal == 0)
            {
                builder = argument.Value;
                continue;
            }

            List<DeclaredRegion>? read;
            if (entryPoint.TakesOptions(parameter.Type))
            {
                read = argument.Value.WalkDownConversion() is IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda }
                    ? ConfigureLambdaReader.Read(lambda, entryPoint, types)
                    : null;
            }
            else if (entryPoint.Options.Contains(parameter.Type))
            {
                read = argument.Value.WalkDownConversion() is IObjectCreationOperation creation && entryPoint.Options.Contains(creation.Type)
                    ? ConfigureLambdaReader.ReadCreation(creation, entryPoint, types)
                    : null;
            }
            else if (types.IsRegionCollection(parameter.Type))
            {
                read = RegionCollectionReader.Read(argument.Value, types);
            }
            else if (types.Region.Contains(parameter.Type))
            {
                read = new List<DeclaredRegion> { RegionExpressionReader.Read(argument.Value, types) };
            }
            else
            {
                if (entryPoint.Definition.BindsConfiguration && ConfigurationSectionReader.TakesConfiguration(parameter.Type, types))
                {
                    bindsConfiguration = true;
                    sectionPath = ConfigurationSectionReader.Read(argument.Value, types);
                }

                continue;
            }

            sawRegions = true;
            if (read is null)
            {
                complete = false;
            }
            else
            {
                regions.AddRange(read);
            }
        }

        HttpClientIdentity? client = builder is null ? null : HttpClientChain.FindClientThroughLocals(builder, types);
        if (entryPoint.Definition.BindsConfiguration && !sawRegions && !bindsConfiguration)
        {
            // AddRegionFailover() binds the section named after the client.
            bindsConfiguration = true;
            sectionPath = client?.Name is { } name ? ClientSectionPrefix(types) + ":" + name : null;
        }

        if (!sawRegions && !bindsConfiguration)
        {
            complete = false;
        }

        return new FailoverCall(entryPoint, operation.NameLocation(), regions.ToImmutableArray(), complete, bindsConfiguration, sectionPath, client);
    }

    private static string ClientSectionPrefix(KnownTypes types) =>
        types.RegionFailoverExtensionsType?.GetMembers("ConfigurationSectionPrefix") is { Length: 1 } members &&
        members[0] is IFieldSymbol { ConstantValue: string prefix }
            ? prefix
            : DefaultClientSectionPrefix;
}
