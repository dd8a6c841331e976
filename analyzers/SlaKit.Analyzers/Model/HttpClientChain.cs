using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SlaKit.Analyzers.Model;

/// <summary>Follows an <c>IHttpClientBuilder</c> chain: <c>services.AddHttpClient(…).AddX(…).AddRegionFailover(…)</c>.</summary>
internal static class HttpClientChain
{
    private const string ServiceCollectionTypeName = "Microsoft.Extensions.DependencyInjection.IServiceCollection";

    /// <summary>Chains longer than this are not hand-written registrations; the walk stops rather than loop long.</summary>
    private const int MaxLinks = 64;

    public static bool IsAddHttpClient(IInvocationOperation invocation, KnownTypes types) =>
        invocation.TargetMethod.Name == "AddHttpClient" &&
        types.AddHttpClientExtensions.Contains(invocation.TargetMethod.ContainingType) &&
        types.HttpClientBuilder.Contains(invocation.TargetMethod.ReturnType);

    /// <summary>
    /// The client a builder expression belongs to, walking down the chain to its <c>AddHttpClient</c>, and from a builder
    /// kept in a local of the method (<c>IHttpClientBuilder payments = services.AddHttpClient("payments");</c>) back to
    /// the local's initializer, when nothing assigns the local again. <see langword="null"/> when the builder comes
    /// from anywhere else (a parameter, a field, a method's result).
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

            if (root is not ILocalReferenceOperation reference || reference.DeclaredValue() is not { } initializer)
            {
                return null;
            }

            builder = initializer;
        }

        return null;
    }

    /// <summary>
    /// Where a builder expression comes from, as <see cref="FindClientThroughLocals"/> follows it and further: a
    /// registration by a library (<c>AddRefitClient&lt;IPaymentsApi&gt;()</c>) is a client too, a parameter of a method
    /// of <paramref name="project"/> whose every call can be seen is that parameter, and a call of such a method is its
    /// result. Anything else, and a client without a constant name, is <see cref="BuilderOrigin.Unknown"/>.
    /// </summary>
    public static BuilderOrigin FindOrigin(IOperation builder, KnownTypes types, IAssemblySymbol project)
    {
        for (int hop = 0; hop < MaxLinks; hop++)
        {
            switch (Root(builder, types))
            {
                case IInvocationOperation invocation when IsRegistration(invocation, types, project):
                    return FindNameOrigin(invocation, project);
                case ILocalReferenceOperation reference when reference.DeclaredValue() is { } initializer:
                    builder = initializer;
                    continue;
                case IParameterReferenceOperation { Parameter: { ContainingSymbol: IMethodSymbol method } parameter } reference
                    when types.HttpClientBuilder.Contains(parameter.Type) && HasEveryCallInView(method, project) && !IsWrittenIn(reference.EnclosingBody(), parameter):
                    return BuilderOrigin.Parameter(method.OriginalDefinition, parameter.Ordinal);
                case IInvocationOperation call when types.HttpClientBuilder.Contains(call.TargetMethod.ReturnType) && HasEveryCallInView(call.TargetMethod, project):
                    return BuilderOrigin.Result(call.TargetMethod.OriginalDefinition);
                default:
                    return BuilderOrigin.Unknown;
            }
        }

        return BuilderOrigin.Unknown;
    }

    /// <summary>
    /// The name a registration gives its client: <see cref="BuilderOrigin.Client"/> for a constant, a
    /// <see cref="BuilderOrigin.Parameter"/> for the <c>string</c> parameter of a method of <paramref name="project"/>
    /// whose every call can be seen (<c>AddCompanyClient(this IServiceCollection services, string name) =&gt;
    /// services.AddHttpClient(name)</c>), whose calls give the names; <see cref="BuilderOrigin.Unknown"/> for anything else.
    /// </summary>
    public static BuilderOrigin FindNameOrigin(IInvocationOperation registration, IAssemblySymbol project)
    {
        if (Identify(registration).Name is { } name)
        {
            return BuilderOrigin.Client(name);
        }

        foreach (IArgumentOperation argument in registration.Arguments)
        {
            if (argument.Parameter is { Name: "name", Type.SpecialType: SpecialType.System_String })
            {
                return NameOrigin(argument.Value, project);
            }
        }

        return BuilderOrigin.Unknown;
    }

    /// <summary>
    /// Where a client's name comes from: a constant, or the <c>string</c> parameter of a method of
    /// <paramref name="project"/> whose every call can be seen and that nothing assigns; otherwise unknown.
    /// </summary>
    public static BuilderOrigin NameOrigin(IOperation value, IAssemblySymbol project)
    {
        IOperation name = value.WalkDownConversionAndLocals();
        if (name.ConstantString() is { } constant)
        {
            return BuilderOrigin.Client(constant);
        }

        return name is IParameterReferenceOperation { Parameter: { ContainingSymbol: IMethodSymbol method, Type.SpecialType: SpecialType.System_String } parameter } reference &&
            HasEveryCallInView(method, project) && !IsWrittenIn(reference.EnclosingBody(), parameter)
                ? BuilderOrigin.Parameter(method.OriginalDefinition, parameter.Ordinal)
                : BuilderOrigin.Unknown;
    }

    /// <summary>
    /// A client registration: <c>AddHttpClient</c>, or a library's extension of <c>IServiceCollection</c> that returns
    /// the client's <c>IHttpClientBuilder</c> as <c>AddHttpClient</c> does — Refit's <c>AddRefitClient</c>, gRPC's
    /// <c>AddGrpcClient</c>. The project's own such methods are not: what they register is out of view.
    /// </summary>
    public static bool IsRegistration(IInvocationOperation invocation, KnownTypes types, IAssemblySymbol project)
    {
        if (IsAddHttpClient(invocation, types))
        {
            return true;
        }

        IMethodSymbol method = invocation.TargetMethod;
        return method.IsExtensionMethod && !method.IsDeclaredIn(project) && types.HttpClientBuilder.Contains(method.ReturnType) &&
            method.Parameters.Length > 0 && method.Parameters[0].Type.ToDisplayString() == ServiceCollectionTypeName;
    }

    /// <summary>
    /// Whether every call of <paramref name="method"/> is a call the compilation shows by name, and every value it
    /// returns is in its body: a method or local function of the project with a body, that is not virtual, abstract,
    /// an override or an interface's implementation (called through another symbol). A method passed as a delegate
    /// is called unseen as well; the caller checks that separately.
    /// </summary>
    public static bool HasEveryCallInView(IMethodSymbol method, IAssemblySymbol project)
    {
        method = method.OriginalDefinition;
        if (!method.IsDeclaredIn(project) || method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction) ||
            method.IsVirtual || method.IsAbstract || method.IsOverride || method.IsExtern || method.DeclaringSyntaxReferences.IsEmpty ||
            !method.ExplicitInterfaceImplementations.IsEmpty)
        {
            return false;
        }

        if (method.IsStatic || method.ContainingType is not { } type)
        {
            return true;
        }

        foreach (INamedTypeSymbol implemented in type.AllInterfaces)
        {
            foreach (ISymbol member in implemented.GetMembers(method.Name))
            {
                if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member), method))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Whether anything in <paramref name="body"/> assigns <paramref name="parameter"/> or passes it by reference.</summary>
    private static bool IsWrittenIn(IOperation body, IParameterSymbol parameter)
    {
        foreach (IOperation operation in body.Descendants())
        {
            if (operation is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter) && reference.IsWritten())
            {
                return true;
            }
        }

        return false;
    }

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
