namespace SlaKit.Regions;

/// <summary>The checks every failover client's options make of their regions, HTTP and SIP alike.</summary>
internal static class RegionListRules
{
    /// <summary>
    /// Adds to <paramref name="failures"/> a line for each null region, repeated name (case-insensitive), endpoint the
    /// client cannot use (<paramref name="endpointProblem"/> returns the whole line, or <see langword="null"/>),
    /// non-positive weight and negative priority.
    /// </summary>
    public static void Check(List<string> failures, string client, IEnumerable<Region?> regions, Func<Region, string?> endpointProblem)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (Region? region in regions)
        {
            if (region is null)
            {
                failures.Add($"{client} has a null region.");
                continue;
            }

            if (!names.Add(region.Name))
            {
                failures.Add($"{client} has two regions named '{region.Name}'.");
            }

            if (endpointProblem(region) is { } problem)
            {
                failures.Add(problem);
            }

            if (region.Weight <= 0)
            {
                failures.Add($"Region '{region.Name}' of {client} has weight {region.Weight}; it must be positive.");
            }

            if (region.Priority < 0)
            {
                failures.Add($"Region '{region.Name}' of {client} has priority {region.Priority}; it must not be negative.");
            }
        }
    }
}
