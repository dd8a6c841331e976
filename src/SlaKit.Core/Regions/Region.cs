namespace SlaKit.Regions;

/// <summary>
/// One place a service runs — a cloud region, a data centre, a carrier's proxy — that a client can
/// fail over to.
/// </summary>
/// <remarks>
/// Regions are independent failure domains: two regions on the same host give no redundancy.
/// For HTTP the <see cref="Endpoint"/> is a base URI (<c>https://eu.payments.example/api/</c>): each
/// request's path and query are appended to its path.
/// </remarks>
public sealed class Region
{
    /// <summary>Creates a region.</summary>
    /// <param name="name">A unique, non-empty name such as <c>eu-west</c>; it tags logs and metrics.</param>
    /// <param name="endpoint">Where the region is reached.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or whitespace.</exception>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public Region(string name, Uri endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(endpoint);
        Name = name;
        Endpoint = endpoint;
    }

    /// <summary>The region's unique name.</summary>
    public string Name { get; }

    /// <summary>Where the region is reached; for HTTP, an absolute http or https base URI.</summary>
    public Uri Endpoint { get; }

    /// <summary>
    /// The preference order: lower is preferred. Regions of the same priority share traffic by
    /// <see cref="Weight"/> (active-active). 0 by default.
    /// </summary>
    public int Priority { get; init; }

    /// <summary>The share of traffic among regions of the same priority; positive. 1 by default.</summary>
    public int Weight { get; init; } = 1;

    /// <summary>
    /// The availability the region itself promises (its provider's SLA), when declared; used to compute
    /// what a set of regions can promise together. <see langword="null"/> by default.
    /// </summary>
    public Availability? Availability { get; init; }

    /// <summary>The region's name and endpoint.</summary>
    /// <returns>For example <c>eu-west (https://eu.example/)</c>.</returns>
    public override string ToString() => $"{Name} ({Endpoint})";
}
