using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace SlaKit.Analyzers.Configuration;

/// <summary>
/// The <c>appsettings*.json</c> files given to the compiler as AdditionalFiles, read into one view per environment.
/// </summary>
/// <remarks>
/// With only <c>appsettings.json</c> there is one view. Each <c>appsettings.&lt;Environment&gt;.json</c> beside it
/// makes a view of the base file with that file over it, the order ASP.NET Core's host loads them in; the base alone
/// is then not a view of its own, since the project names the environments it ships.
/// </remarks>
internal static class AppSettingsFiles
{
    /// <summary>Settings files are small; a larger AdditionalFile is not one and is skipped unread.</summary>
    private const int MaxLength = 1024 * 1024;

    private const string BaseFileName = "appsettings.json";

    public static ImmutableArray<AppSettingsView> Read(ImmutableArray<AdditionalText> files, CancellationToken cancellationToken)
    {
        var byFolder = new Dictionary<string, List<(string Name, ConfigurationData Data)>>(StringComparer.Ordinal);
        foreach (AdditionalText file in files)
        {
            string name = Path.GetFileName(file.Path);
            if (!name.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) ||
                !name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            SourceText? text = file.GetText(cancellationToken);
            if (text is null || text.Length > MaxLength || JsonConfigurationReader.TryRead(text.ToString()) is not { } data)
            {
                continue;
            }

            string folder = Path.GetDirectoryName(file.Path) ?? string.Empty;
            if (!byFolder.TryGetValue(folder, out List<(string, ConfigurationData)>? list))
            {
                byFolder[folder] = list = new List<(string, ConfigurationData)>();
            }

            list.Add((name, data));
        }

        ImmutableArray<AppSettingsView>.Builder views = ImmutableArray.CreateBuilder<AppSettingsView>();
        foreach (string folder in byFolder.Keys.OrderBy(f => f, StringComparer.Ordinal))
        {
            List<(string Name, ConfigurationData Data)> folderFiles = byFolder[folder];
            folderFiles.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            int baseIndex = folderFiles.FindIndex(f => string.Equals(f.Name, BaseFileName, StringComparison.OrdinalIgnoreCase));
            if (baseIndex < 0)
            {
                foreach ((string name, ConfigurationData data) in folderFiles)
                {
                    views.Add(new AppSettingsView(name, data));
                }

                continue;
            }

            (string baseName, ConfigurationData baseData) = folderFiles[baseIndex];
            folderFiles.RemoveAt(baseIndex);
            if (folderFiles.Count == 0)
            {
                views.Add(new AppSettingsView(baseName, baseData));
            }

            foreach ((string name, ConfigurationData data) in folderFiles)
            {
                views.Add(new AppSettingsView(name + " over " + baseName, baseData.Overlay(data)));
            }
        }

        return views.ToImmutable();
    }
}
