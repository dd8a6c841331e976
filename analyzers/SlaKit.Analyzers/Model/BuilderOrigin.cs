using Microsoft.CodeAnalysis;

namespace SlaKit.Analyzers.Model;

/// <summary>
/// Where an <c>IHttpClientBuilder</c> comes from, as far as one method body shows: the registration of a named client
/// (<c>services.AddHttpClient("payments")</c>), a parameter of a method of the project (then the builders its callers
/// pass), the result of a method of the project (then the builders it returns), or somewhere else.
/// </summary>
internal sealed class BuilderOrigin
{
    private BuilderOrigin(BuilderOriginKind kind, string? clientName, IMethodSymbol? method, int ordinal)
    {
        Kind = kind;
        ClientName = clientName;
        Method = method;
        Ordinal = ordinal;
    }

    /// <summary>A builder that could be any client's.</summary>
    public static BuilderOrigin Unknown { get; } = new(BuilderOriginKind.Unknown, null, null, 0);

    public BuilderOriginKind Kind { get; }

    /// <summary>The client's name, for <see cref="BuilderOriginKind.Client"/>.</summary>
    public string? ClientName { get; }

    /// <summary>The method's definition, for <see cref="BuilderOriginKind.Parameter"/> and <see cref="BuilderOriginKind.Result"/>.</summary>
    public IMethodSymbol? Method { get; }

    /// <summary>The parameter's position, for <see cref="BuilderOriginKind.Parameter"/>.</summary>
    public int Ordinal { get; }

    public static BuilderOrigin Client(string name) => new(BuilderOriginKind.Client, name, null, 0);

    public static BuilderOrigin Parameter(IMethodSymbol method, int ordinal) => new(BuilderOriginKind.Parameter, null, method, ordinal);

    public static BuilderOrigin Result(IMethodSymbol method) => new(BuilderOriginKind.Result, null, method, 0);
}
