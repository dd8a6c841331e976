using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SlaKit.Analyzers.Model;

/// <summary>Follows an <c>IHttpClientBuilder</c> chain: <c>services.AddHttpClient(…).AddX(…).AddRegionFailover(…)</c>.</summary>
internal static class HttpClientChain
{
    /// <summary>Chains longer than this are not hand-written registrations; the walk stops rather than loop long.</summary>
    private const int MaxLinks = 64;

    public static bool IsAddHttpClient(IInvocationOperation invocation, KnownTypes types) =>
        invocation.TargetMethod.Name == "AddHttpClient" &&
        types.AddHttpClientExtensions.Contains(invocation.TargetMethod.ContainingType) &&
        types.HttpClientBuilder.Contains(invocation.TargetMethod.ReturnType);

    /// <summary>
    /// The client a builder expression belongs to, walking down the chain to its <c>AddHttpClient</c>;
    /// <see langword="null"/> when the builder comes from elsewhere (a variable, a parameter).
    /// </summary>
    public static HttpClientIdentity? FindClient(IOperation builder, KnownTypes types) =>
        Root(builder, types) is IInvocationOperation invocation && IsAddHttpClient(invocation, types) ? Identify(invocation) : null;

    /// <summary>
    /// The client a builder expression belongs to, as <see cref="FindClient"/> finds it, except that a builder kept in
    /// a local of the method (<c>IHttpClientBuilder payments = services.AddHttpClient("payments");</c>) is followed
    /// back to the local's initializer, when nothing assigns the local again. <see langword="null"/> when the builder
    /// comes from anywhere else (a parameter, a field, a method's result).
    /// </summary>
    public static HttpClientIdentity? FindClientThroughLocals(IOperation builder, KnownTypes types)
    {
        for (int hop = 0; hop < MaxLinks; hop++)
        {
            IOperation? root = Root(builder, types);
            if (root is IInvocationOperation invocation && IsAddHttpClient(invocation, types))
            {
                return Identify(invocation);
            }

            if (root is not ILocalReferenceOperation reference || Initializer(reference) is not { } initializer)
            {
                return null;
            }

            builder = initializer;
        }

        return null;
    }

    /// <summary>
    /// The value a local is declared with, found in the method body around <paramref name="reference"/>;
    /// <see langword="null"/> when it has none, or when anything else is assigned to it or it is passed by reference.
    /// </summary>
    private static IOperation? Initializer(ILocalReferenceOperation reference)
    {
        IOperation body = reference;
        while (body.Parent is { } parent)
        {
            body = parent;
        }

        IOperation? initializer = null;
        foreach (IOperation operation in body.Descendants())
        {
            if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, reference.Local))
            {
                initializer = declarator.GetVariableInitializer()?.Value;
            }
            else if (operation is ILocalReferenceOperation other && SymbolEqualityComparer.Default.Equals(other.Local, reference.Local) && IsWritten(other))
            {
                return null;
            }
        }

        return initializer;
    }

    /// <summary>Whether a reference to a local may change it: an assignment's target, a <c>ref</c> or <c>out</c> argument, part of a deconstruction.</summary>
    private static bool IsWritten(ILocalReferenceOperation reference) => reference.Parent switch
    {
        IAssignmentOperation assignment => assignment.Target == reference,
        IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
        ITupleOperation or IDeclarationExpressionOperation or IAddressOfOperation => true,
        _ => reference.IsDeclaration,
    };

    /// <summary>
    /// Where a builder expression's chain starts: the operation below its last link that is an extension of
    /// <c>IHttpClientBuilder</c> (an <c>AddHttpClient</c> call, another registration, a variable, a parameter);
    /// <see langword="null"/> for a chain longer than any hand-written registration.
    /// </summary>
    public static IOperation? Root(IOperation builder, KnownTypes types)
    {
        IOperation operation = builder.WalkDownConversion();
        for (int link = 0; link < MaxLinks; link++)
        {
            if (operation is not IInvocationOperation invocation || IsAddHttpClient(invocation, types) ||
                !invocation.TargetMethod.IsExtensionMethod || invocation.Arguments.Length == 0 ||
                !types.HttpClientBuilder.Contains(invocation.Arguments[0].Parameter?.Type))
            {
                return operation;
            }

            operation = invocation.Arguments[0].Value.WalkDownConversion();
        }

        return null;
    }

    /// <summary>
    /// The client's name as HttpClientFactory names it: the <c>name</c> argument, or for a typed client its type's
    /// name (<c>TypeNameHelper.GetTypeDisplayName(typeof(TClient), fullName: false)</c>).
    /// </summary>
    public static HttpClientIdentity Identify(IInvocationOperation addHttpClient)
    {
        IMethodSymbol method = addHttpClient.TargetMethod;
        ImmutableArray<INamedTypeSymbol>.Builder typed = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
        for (int i = method.TypeArguments.Length - 1; i >= 0; i--)
        {
            if (method.TypeArguments[i] is INamedTypeSymbol type)
            {
                typed.Add(type);
            }
        }

        foreach (IArgumentOperation argument in addHttpClient.Arguments)
        {
            if (argument.Parameter is { Name: "name", Type.SpecialType: SpecialType.System_String })
            {
                return new HttpClientIdentity(argument.Value.ConstantString(), typed.ToImmutable());
            }
        }

        // Generic client types are named with their arguments ("Client<T>"); only plain types are named here.
        string? name = method.TypeArguments.Length > 0 && method.TypeArguments[0] is INamedTypeSymbol { TypeArguments.Length: 0 } client
            ? client.Name
            : null;
        return new HttpClientIdentity(name, typed.ToImmutable());
    }
}
