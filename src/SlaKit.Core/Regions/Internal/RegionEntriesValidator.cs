using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace SlaKit.Regions;

/// <summary>
/// Checks the region entries of a configuration section as written, before binding has a say. The configuration binder
/// drops a list entry it cannot build — an endpoint that is not a URI, a missing name, a weight of <c>heavy</c> — without
/// a word, so a host would start with the other regions and one fewer than its operator configured. This reads each
/// entry of <c>Regions</c> and names every field that would be dropped, by the entry's index, at start-up.
/// </summary>
/// <typeparam name="TOptions">The protocol's options.</typeparam>
/// <param name="name">The client whose options this checks.</param>
/// <param name="section">The section the options are bound from, found when the options are validated.</param>
internal sealed class RegionEntriesValidator<TOptions>(string name, Func<IConfiguration?> section) : IValidateOptions<TOptions>
    where TOptions : RegionSetOptions
{
    private static readonly TypeConverter AvailabilityConverter = TypeDescriptor.GetConverter(typeof(Availability));

    private readonly string _name = name;
    private readonly Func<IConfiguration?> _section = section;

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if (!string.Equals(name, _name, StringComparison.Ordinal) || _section() is not { } section)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        IConfigurationSection[] entries = [.. section.GetSection(nameof(RegionSetOptions.Regions)).GetChildren()];
        foreach (IConfigurationSection entry in entries)
        {
            Check(failures, entry);
        }

        if (entries.Length == 0 && options.Regions.Count == 0)
        {
            // Name the section looked in: a typed client's section is named after its type, which is easy to miss.
            string where = section is IConfigurationSection named ? named.Path : "the configuration given";
            failures.Add($"Client '{_name}': no region entries at {where}:{nameof(RegionSetOptions.Regions)} (give Regions:0:Name and Regions:0:Endpoint there, or regions in code).");
        }

        // Stryker disable once Equality : equivalent; with no entries the count below cannot be less than none.
        if (failures.Count == 0 && entries.Length > 0 && options.Regions.Count < entries.Length)
        {
            failures.Add($"Client '{_name}': configuration gives {entries.Length} region entries at {section.GetSection(nameof(RegionSetOptions.Regions)).Path}, but only {options.Regions.Count} could be read.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void Check(List<string> failures, IConfigurationSection entry)
    {
        string at = $"Client '{_name}': region entry {entry.Key} ({entry.Path})";
        if (string.IsNullOrWhiteSpace(entry[nameof(Region.Name)]))
        {
            failures.Add($"{at} has no Name.");
        }

        string? endpoint = entry[nameof(Region.Endpoint)];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            failures.Add($"{at} has no Endpoint.");
        }
        else if (!Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            failures.Add($"{at} has Endpoint '{endpoint}', which is not an absolute URI.");
        }

        WholeNumber(failures, at, entry, nameof(Region.Priority));
        WholeNumber(failures, at, entry, nameof(Region.Weight));
        if (entry[nameof(Region.Availability)] is { } availability)
        {
            try
            {
                _ = AvailabilityConverter.ConvertFromInvariantString(availability);
            }
            catch (Exception exception) when (exception is FormatException or ArgumentException)
            {
                failures.Add($"{at} has Availability '{availability}', which is not a percentage in [0, 100] such as 99.95.");
            }
        }
    }

    private static void WholeNumber(List<string> failures, string at, IConfigurationSection entry, string field)
    {
        if (entry[field] is { } text && !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            failures.Add($"{at} has {field} '{text}', which is not a whole number from {int.MinValue} to {int.MaxValue}.");
        }
    }
}
