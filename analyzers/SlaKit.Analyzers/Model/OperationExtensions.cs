using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SlaKit.Analyzers.Model;

internal static class OperationExtensions
{
    /// <summary>The value under any conversions: <c>Availability?</c> from <c>Availability</c>, an interface from a class.</summary>
    public static IOperation WalkDownConversion(this IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    /// <summary>A string constant, or <see langword="null"/>.</summary>
    public static string? ConstantString(this IOperation operation) =>
        operation.ConstantValue is { HasValue: true, Value: string text } ? text : null;

    /// <summary>Where a diagnostic about a call points: the method's name (<c>AddRegionFailover</c>), or the type constructed.</summary>
    public static Location NameLocation(this IOperation operation)
    {
        switch (operation.Syntax)
        {
            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }:
                return access.Name.GetLocation();
            case InvocationExpressionSyntax { Expression: SimpleNameSyntax name }:
                return name.GetLocation();
            case ObjectCreationExpressionSyntax creation:
                return creation.Type.GetLocation();
            default:
                return operation.Syntax.GetLocation();
        }
    }

    /// <summary>
    /// Whether <paramref name="symbol"/> is the project's own: declared in the assembly being compiled. A method of a
    /// referenced project is not, even where it has source locations — in a Roslyn workspace (the IDE,
    /// <c>dotnet format</c>) a project reference is a compilation, while <c>dotnet build</c> sees it as metadata — so
    /// both judge a chain alike.
    /// </summary>
    public static bool IsDeclaredIn(this ISymbol symbol, IAssemblySymbol assembly) =>
        SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, assembly);
}
