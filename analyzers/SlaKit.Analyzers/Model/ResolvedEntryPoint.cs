using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SlaKit.Analyzers.Model;

/// <summary>A <see cref="FailoverEntryPoint"/> whose types this compilation has.</summary>
internal sealed class ResolvedEntryPoint
{
    private ResolvedEntryPoint(FailoverEntryPoint definition, TypeSet options, TypeSet declaringOrCreated)
    {
        Definition = definition;
        Options = options;
        DeclaringOrCreated = declaringOrCreated;
    }

    public FailoverEntryPoint Definition { get; }

    /// <summary>The options types; empty when the compilation has none (a constructor may still take regions directly).</summary>
    public TypeSet Options { get; }

    /// <summary>For a method, its declaring type (empty when not pinned); for a constructor, the constructed type.</summary>
    public TypeSet DeclaringOrCreated { get; }

    public static ResolvedEntryPoint? Resolve(Compilation compilation, FailoverEntryPoint definition)
    {
        TypeSet options = TypeSet.Find(compilation, definition.OptionsTypeName);
        if (definition.Kind == FailoverEntryPointKind.Constructor)
        {
            TypeSet created = TypeSet.Find(compilation, definition.Name);
            return created.IsEmpty ? null : new ResolvedEntryPoint(definition, options, created);
        }

        TypeSet declaring = definition.ContainingTypeName is null ? default : TypeSet.Find(compilation, definition.ContainingTypeName);
        if (definition.ContainingTypeName is not null && declaring.IsEmpty)
        {
            return null;
        }

        return declaring.IsEmpty && options.IsEmpty ? null : new ResolvedEntryPoint(definition, options, declaring);
    }

    public bool Matches(IInvocationOperation invocation)
    {
        IMethodSymbol method = invocation.TargetMethod;
        if (Definition.Kind != FailoverEntryPointKind.Method || method.Name != Definition.Name)
        {
            return false;
        }

        if (!DeclaringOrCreated.IsEmpty)
        {
            return DeclaringOrCreated.Contains(method.ContainingType);
        }

        // Not pinned to a declaring type: the method must take the options, directly or through a delegate.
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (Options.Contains(parameter.Type) || TakesOptions(parameter.Type))
            {
                return true;
            }
        }

        return false;
    }

    public bool Matches(IObjectCreationOperation creation) =>
        Definition.Kind == FailoverEntryPointKind.Constructor && DeclaringOrCreated.Contains(creation.Type);

    /// <summary>Whether <paramref name="type"/> is a delegate with a parameter of the options type, such as <c>Action&lt;TOptions&gt;</c>.</summary>
    public bool TakesOptions(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { DelegateInvokeMethod: { } invoke })
        {
            foreach (IParameterSymbol parameter in invoke.Parameters)
            {
                if (Options.Contains(parameter.Type))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
