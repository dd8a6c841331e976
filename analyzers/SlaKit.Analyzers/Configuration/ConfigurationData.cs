using System;
using System.Collections.Generic;
using System.Globalization;

namespace SlaKit.Analyzers.Configuration;

/// <summary>
/// A configuration file flattened the way Microsoft.Extensions.Configuration sees it: keys are paths joined with
/// <c>:</c> (array elements by index), compared without regard to case, and a later file overrides an earlier
/// one key by key.
/// </summary>
internal sealed class ConfigurationData
{
    private readonly Dictionary<string, string?> _values;
    private readonly HashSet<string> _containers;

    public ConfigurationData()
        : this(new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase), new HashSet<string>(StringComparer.OrdinalIgnoreCase))
    {
    }

    private ConfigurationData(Dictionary<string, string?> values, HashSet<string> containers)
    {
        _values = values;
        _containers = containers;
    }

    public void SetValue(string path, string? value) => _values[path] = value;

    public void AddContainer(string path) => _containers.Add(path);

    /// <summary>This data with <paramref name="overlay"/>'s keys set over it, as a later configuration source does.</summary>
    public ConfigurationData Overlay(ConfigurationData overlay)
    {
        var values = new Dictionary<string, string?>(_values, StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, string?> pair in overlay._values)
        {
            values[pair.Key] = pair.Value;
        }

        var containers = new HashSet<string>(_containers, StringComparer.OrdinalIgnoreCase);
        containers.UnionWith(overlay._containers);
        return new ConfigurationData(values, containers);
    }

    /// <summary>Whether the section exists: as an object or array, or as a key with a value.</summary>
    public bool HasSection(string path) => _containers.Contains(path) || _values.ContainsKey(path);

    public string? GetValue(string path) => _values.TryGetValue(path, out string? value) ? value : null;

    /// <summary>The keys of the section's direct children, ordered as ConfigurationKeyComparer orders them: numbers by value, then text.</summary>
    public IReadOnlyList<string> GetChildKeys(string path)
    {
        string prefix = path + ":";
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var children = new List<string>();
        AddChildren(_containers, prefix, seen, children);
        AddChildren(_values.Keys, prefix, seen, children);
        children.Sort(CompareKeys);
        return children;
    }

    private static int CompareKeys(string x, string y)
    {
        bool xIsIndex = int.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out int xIndex);
        bool yIsIndex = int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out int yIndex);
        return (xIsIndex, yIsIndex) switch
        {
            (true, true) => xIndex.CompareTo(yIndex),
            (true, false) => -1,
            (false, true) => 1,
            _ => string.Compare(x, y, StringComparison.OrdinalIgnoreCase),
        };
    }

    private static void AddChildren(IEnumerable<string> keys, string prefix, HashSet<string> seen, List<string> children)
    {
        foreach (string key in keys)
        {
            if (key.Length > prefix.Length && key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                int end = key.IndexOf(':', prefix.Length);
                string child = end < 0 ? key.Substring(prefix.Length) : key.Substring(prefix.Length, end - prefix.Length);
                if (seen.Add(child))
                {
                    children.Add(child);
                }
            }
        }
    }
}
