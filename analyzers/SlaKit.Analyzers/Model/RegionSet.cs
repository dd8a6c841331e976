using System.Collections.Generic;
using System.Collections.Immutable;
using SlaKit.Analyzers.Configuration;

namespace SlaKit.Analyzers.Model;

/// <summary>The regions a failover ends up with in one environment: those of the code plus those of a settings file.</summary>
internal sealed class RegionSet
{
    private RegionSet(ImmutableArray<DeclaredRegion> regions, bool complete, AppSettingsView? settings)
    {
        Regions = regions;
        Complete = complete;
        Settings = settings;
    }

    public ImmutableArray<DeclaredRegion> Regions { get; }

    /// <summary>Whether <see cref="Regions"/> is every region (the count is known).</summary>
    public bool Complete { get; }

    /// <summary>The settings files the configured regions come from; <see langword="null"/> for regions set in code only.</summary>
    public AppSettingsView? Settings { get; }

    /// <summary>" (appsettings.json)" for messages, or nothing for regions set in code.</summary>
    public string SourceSuffix => Settings is null ? string.Empty : " (" + Settings.Description + ")";

    /// <summary>
    /// One set for a failover configured in code; for one bound from configuration, one per settings view that has
    /// the section, or a single incomplete set when no view has it.
    /// </summary>
    public static IEnumerable<RegionSet> For(FailoverCall call, FailoverCompilation compilation)
    {
        if (!call.BindsConfiguration)
        {
            yield return new RegionSet(call.CodeRegions, call.CodeRegionsComplete, settings: null);
            yield break;
        }

        bool found = false;
        if (call.SectionPath is { } path)
        {
            foreach (AppSettingsView view in compilation.AppSettings)
            {
                if (view.ReadRegions(path) is { } configured)
                {
                    found = true;
                    yield return new RegionSet(configured.AddRange(call.CodeRegions), call.CodeRegionsComplete, view);
                }
            }
        }

        if (!found)
        {
            yield return new RegionSet(call.CodeRegions, complete: false, settings: null);
        }
    }
}
