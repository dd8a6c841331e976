using System.Collections.Generic;
using System.Collections.Immutable;
using SlaKit.Analyzers.Model;

namespace SlaKit.Analyzers.Configuration;

/// <summary>
/// The configuration one environment sees: <c>appsettings.json</c>, with <c>appsettings.&lt;Environment&gt;.json</c>
/// over it when that file exists.
/// </summary>
internal sealed class AppSettingsView
{
    public AppSettingsView(string description, ConfigurationData data)
    {
        Description = description;
        Data = data;
    }

    /// <summary>The file names, as messages name them: <c>appsettings.json</c> or <c>appsettings.Production.json over appsettings.json</c>.</summary>
    public string Description { get; }

    public ConfigurationData Data { get; }

    /// <summary>The regions under <c>&lt;section&gt;:Regions</c>, or <see langword="null"/> when the section is absent.</summary>
    public ImmutableArray<DeclaredRegion>? ReadRegions(string sectionPath)
    {
        if (!Data.HasSection(sectionPath))
        {
            return null;
        }

        string regionsPath = sectionPath.Length == 0 ? "Regions" : sectionPath + ":Regions";
        IReadOnlyList<string> keys = Data.GetChildKeys(regionsPath);
        ImmutableArray<DeclaredRegion>.Builder regions = ImmutableArray.CreateBuilder<DeclaredRegion>(keys.Count);
        foreach (string key in keys)
        {
            string path = regionsPath + ":" + key;
            regions.Add(new DeclaredRegion(
                Data.GetValue(path + ":Name"),
                EndpointHost.Read(Data.GetValue(path + ":Endpoint")),
                AvailabilityMath.ParsePercent(Data.GetValue(path + ":Availability")),
                location: null));
        }

        return regions.MoveToImmutable();
    }
}
