using Microsoft.CodeAnalysis;

namespace SlaKit.Analyzers.Model;

/// <summary>What the code or a configuration file tells about one region; each part is <see langword="null"/> when it cannot be known at build time.</summary>
internal sealed class DeclaredRegion
{
    public DeclaredRegion(string? name, string? host, decimal? unavailability, Location? location)
    {
        Name = name;
        Host = host;
        Unavailability = unavailability;
        Location = location;
    }

    public string? Name { get; }

    /// <summary>The endpoint's host, compared without regard to case.</summary>
    public string? Host { get; }

    /// <summary>The declared availability as its unavailable fraction (1 − A), the form SlaKit's <c>Availability</c> keeps.</summary>
    public decimal? Unavailability { get; }

    /// <summary>Where the code declares the region; <see langword="null"/> for a region from a configuration file.</summary>
    public Location? Location { get; }

    public string Describe() => Name is null ? "(unnamed)" : "'" + Name + "'";
}
