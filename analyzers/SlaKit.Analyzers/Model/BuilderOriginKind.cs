namespace SlaKit.Analyzers.Model;

/// <summary>Where an <c>IHttpClientBuilder</c> comes from: see <see cref="BuilderOrigin"/>.</summary>
internal enum BuilderOriginKind
{
    /// <summary>Somewhere one method body cannot show: a field, a lambda's parameter, a client without a constant name.</summary>
    Unknown,

    /// <summary>The registration of a client with a constant name.</summary>
    Client,

    /// <summary>A parameter of a method of the project, whose every call the compilation shows.</summary>
    Parameter,

    /// <summary>The value a method of the project returns.</summary>
    Result,
}
