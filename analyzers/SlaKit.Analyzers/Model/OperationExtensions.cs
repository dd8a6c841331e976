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

    /// <summary>The outermost operation above <paramref name="operation"/>: the body of the member it is in.</summary>
    public static IOperation EnclosingBody(this IOperation operation)
    {
        while (operation.Parent is { } parent)
        {
            operation = parent;
        }

        return operation;
    }

    /// <summary>
    /// The value a local is declared with, found in the member's body around <paramref name="reference"/>;
    /// <see langword="null"/> when it has none, or when anything else is assigned to it or it is passed by reference.
    /// </summary>
    public static IOperation? DeclaredValue(this ILocalReferenceOperation reference)
    {
        IOperation? initializer = null;
        foreach (IOperation operation in reference.EnclosingBody().Descendants())
        {
            if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, reference.Local))
            {
                initializer = declarator.GetVariableInitializer()?.Value;
            }
            else if (operation is ILocalReferenceOperation other && SymbolEqualityComparer.Default.Equals(other.Local, reference.Local) && other.IsWritten())
            {
                return null;
            }
        }

        return initializer;
    }

    /// <summary>
    /// The value under any conversions, and under locals that nothing assigns again, followed back to what they are
    /// declared with: <c>var primary = new Region(…); … primary …</c> is the <c>new Region(…)</c>.
    /// </summary>
    public static IOperation WalkDownConversionAndLocals(this IOperation operation)
    {
        // Each hop goes to a declaration earlier in the body; the bound only guards against a malformed tree.
        for (int hop = 0; hop < 16; hop++)
        {
            operation = operation.WalkDownConversion();
            if (operation is not ILocalReferenceOperation reference || reference.DeclaredValue() is not { } value)
            {
                break;
            }

            operation = value;
        }

        return operation;
    }

    /// <summary>Whether a reference to a local or parameter may change it: an assignment's target, a <c>ref</c> or <c>out</c> argument, part of a deconstruction.</summary>
    public static bool IsWritten(this IOperation reference) => reference.Parent switch
    {
        IAssignmentOperation assignment => assignment.Target == reference,
        IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
        ITupleOperation or IDeclarationExpressionOperation or IAddressOfOperation => true,
        _ => reference is ILocalReferenceOperation { IsDeclaration: true },
    };

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
