using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace SlaKit.Analyzers.Model;

/// <summary>One failover set up in code: which regions the code gives it, and which configuration section it binds.</summary>
internal sealed class FailoverCall
{
    public FailoverCall(
        ResolvedEntryPoint entryPoint,
        Location location,
        ImmutableArray<DeclaredRegion> codeRegions,
        bool codeRegionsComplete,
        bool bindsConfiguration,
        string? sectionPath,
        HttpClientIdentity? client)
    {
        EntryPoint = entryPoint;
        Location = location;
        CodeRegions = codeRegions;
        CodeRegionsComplete = codeRegionsComplete;
        BindsConfiguration = bindsConfiguration;
        SectionPath = sectionPath;
        Client = client;
    }

    public ResolvedEntryPoint EntryPoint { get; }

    /// <summary>The method name or constructed type, where diagnostics about the whole set point.</summary>
    public Location Location { get; }

    /// <summary>The regions the code adds.</summary>
    public ImmutableArray<DeclaredRegion> CodeRegions { get; }

    /// <summary>Whether <see cref="CodeRegions"/> is every region the code adds (their count is known).</summary>
    public bool CodeRegionsComplete { get; }

    /// <summary>Whether regions are also bound from configuration.</summary>
    public bool BindsConfiguration { get; }

    /// <summary>The configuration section bound, when it is known.</summary>
    public string? SectionPath { get; }

    /// <summary>The HttpClient the failover belongs to, when it is found.</summary>
    public HttpClientIdentity? Client { get; }

    public string DisplayName => EntryPoint.Definition.DisplayName;
}
