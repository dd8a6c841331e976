using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SlaKit.Analyzers.Model;

/// <summary>
/// Counts the regions a configure lambda adds, such as <c>o =&gt; { o.Regions.Add(a); o.Regions.Add(b); }</c>.
/// </summary>
/// <remarks>
/// Only statements that always run, straight down the lambda's body, are counted: <c>Regions.Add</c>,
/// <c>Regions.Insert</c>, and an assignment of an array or collection to <c>Regions</c>. Any other use of the
/// regions or of the options object (a loop, a condition, passing the options on, an early return) makes the
/// count unknowable, and the reader answers <see langword="null"/>.
/// </remarks>
internal sealed class ConfigureLambdaReader
{
    private readonly IParameterSymbol _options;
    private readonly string _regionsProperty;
    private readonly KnownTypes _types;
    private readonly List<DeclaredRegion> _regions = new();

    private ConfigureLambdaReader(IParameterSymbol options, string regionsProperty, KnownTypes types)
    {
        _options = options;
        _regionsProperty = regionsProperty;
        _types = types;
    }

    public static List<DeclaredRegion>? Read(IAnonymousFunctionOperation lambda, ResolvedEntryPoint entryPoint, KnownTypes types)
    {
        IParameterSymbol? options = lambda.Symbol.Parameters.FirstOrDefault(p => entryPoint.Options.Contains(p.Type));
        if (options is null)
        {
            return null;
        }

        var reader = new ConfigureLambdaReader(options, entryPoint.Definition.RegionsProperty, types);
        return reader.ReadBlock(lambda.Body) ? reader._regions : null;
    }

    /// <summary>Options created in place, <c>new SipFailoverOptions { Regions = { a, b } }</c>.</summary>
    public static List<DeclaredRegion>? ReadCreation(IObjectCreationOperation creation, ResolvedEntryPoint entryPoint, KnownTypes types)
    {
        if (creation.Arguments.Length > 0)
        {
            return null;
        }

        var regions = new List<DeclaredRegion>();
        if (creation.Initializer is null)
        {
            return regions;
        }

        foreach (IOperation member in creation.Initializer.Initializers)
        {
            switch (member)
            {
                case IMemberInitializerOperation { InitializedMember: IPropertyReferenceOperation property, Initializer: { } collection }
                    when property.Property.Name == entryPoint.Definition.RegionsProperty:
                    if (RegionCollectionReader.ReadCollectionInitializer(collection, types) is not { } added)
                    {
                        return null;
                    }

                    regions.AddRange(added);
                    break;
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment
                    when property.Property.Name == entryPoint.Definition.RegionsProperty:
                    if (RegionCollectionReader.Read(assignment.Value, types) is not { } assigned)
                    {
                        return null;
                    }

                    regions.Clear();
                    regions.AddRange(assigned);
                    break;
            }
        }

        return regions;
    }

    private bool ReadBlock(IBlockOperation block)
    {
        foreach (IOperation statement in block.Operations)
        {
            switch (statement)
            {
                case IReturnOperation { IsImplicit: true, ReturnedValue: null }:
                    continue;
                case IBlockOperation nested:
                    if (!ReadBlock(nested))
                    {
                        return false;
                    }

                    continue;
                case IExpressionStatementOperation { Operation: IInvocationOperation invocation } when IsRegionsOfOptions(invocation.Instance):
                    if (!ReadRegionsCall(invocation))
                    {
                        return false;
                    }

                    continue;
                case IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment }
                    when target.Property.Name == _regionsProperty && IsOptions(target.Instance):
                    if (RegionCollectionReader.Read(assignment.Value, _types) is not { } assigned)
                    {
                        return false;
                    }

                    _regions.Clear();
                    _regions.AddRange(assigned);
                    continue;
            }

            if (MayChangeRegions(statement))
            {
                return false;
            }
        }

        return true;
    }

    private bool ReadRegionsCall(IInvocationOperation invocation)
    {
        switch (invocation.TargetMethod.Name)
        {
            case "Add" when invocation.Arguments.Length == 1:
                _regions.Add(RegionExpressionReader.Read(invocation.Arguments[0].Value, _types));
                return true;
            case "Insert" when invocation.Arguments.Length == 2:
                _regions.Add(RegionExpressionReader.Read(invocation.Arguments[1].Value, _types));
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Whether a statement touches the regions in a way this reader cannot follow, or leaves the lambda early.
    /// Setting another option (<c>o.AttemptTimeout = …</c>) is fine.
    /// </summary>
    private bool MayChangeRegions(IOperation statement)
    {
        foreach (IOperation operation in statement.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IReturnOperation { IsImplicit: false }:
                case IBranchOperation:
                    return true;
                case IParameterReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Parameter, _options):
                    if (reference.Parent is not IPropertyReferenceOperation other || other.Property.Name == _regionsProperty)
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    private bool IsRegionsOfOptions(IOperation? instance) =>
        instance?.WalkDownConversion() is IPropertyReferenceOperation property &&
        property.Property.Name == _regionsProperty &&
        IsOptions(property.Instance);

    private bool IsOptions(IOperation? instance) =>
        instance?.WalkDownConversion() is IParameterReferenceOperation reference &&
        SymbolEqualityComparer.Default.Equals(reference.Parameter, _options);
}
