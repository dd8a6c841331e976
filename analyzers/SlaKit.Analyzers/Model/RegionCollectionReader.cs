using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SlaKit.Analyzers.Model;

/// <summary>
/// Reads the regions of an array (<c>new[] { a, b }</c>, <c>params</c>), a collection expression (<c>[a, b]</c>)
/// or a collection initializer (<c>new List&lt;Region&gt; { a, b }</c>); <see langword="null"/> when the number
/// of regions cannot be known from the code.
/// </summary>
internal static class RegionCollectionReader
{
    public static List<DeclaredRegion>? Read(IOperation value, KnownTypes types)
    {
        IOperation operation = value.WalkDownConversion();

        // Roslyn 4.8 has no IOperation for C# 12 collection expressions, so they are read from the syntax.
        if ((value.Syntax as CollectionExpressionSyntax ?? operation.Syntax as CollectionExpressionSyntax) is { } collection)
        {
            return ReadCollectionExpression(collection, value.SemanticModel, types);
        }

        switch (operation)
        {
            case IArrayCreationOperation { Initializer: { } initializer } array when array.DimensionSizes.Length == 1:
                var elements = new List<DeclaredRegion>(initializer.ElementValues.Length);
                foreach (IOperation element in initializer.ElementValues)
                {
                    elements.Add(RegionExpressionReader.Read(element, types));
                }

                return elements;
            case IObjectCreationOperation { Arguments.Length: 0, Initializer: { } listInitializer } list when types.IsRegionCollection(list.Type):
                return ReadCollectionInitializer(listInitializer, types);
            case IObjectCreationOperation { Arguments.Length: 0, Initializer: null } empty when types.IsRegionCollection(empty.Type):
                return new List<DeclaredRegion>();
            default:
                return null;
        }
    }

    /// <summary>The elements of <c>{ a, b }</c> after a collection's creation: each an <c>Add</c> of one region.</summary>
    public static List<DeclaredRegion>? ReadCollectionInitializer(IObjectOrCollectionInitializerOperation initializer, KnownTypes types)
    {
        var regions = new List<DeclaredRegion>(initializer.Initializers.Length);
        foreach (IOperation element in initializer.Initializers)
        {
            if (element is not IInvocationOperation { Arguments.Length: 1 } add)
            {
                return null;
            }

            regions.Add(RegionExpressionReader.Read(add.Arguments[0].Value, types));
        }

        return regions;
    }

    private static List<DeclaredRegion>? ReadCollectionExpression(CollectionExpressionSyntax collection, SemanticModel? model, KnownTypes types)
    {
        if (model is null)
        {
            return null;
        }

        var regions = new List<DeclaredRegion>(collection.Elements.Count);
        foreach (CollectionElementSyntax element in collection.Elements)
        {
            // A spread (..others) adds as many regions as another collection holds.
            if (element is not ExpressionElementSyntax { Expression: { } expression } || model.GetOperation(expression) is not { } operation)
            {
                return null;
            }

            regions.Add(RegionExpressionReader.Read(operation, types));
        }

        return regions;
    }
}
