namespace SlaKit.Regions;

/// <summary>The one validation of <see cref="RegionSetOptions"/>, which every protocol's options validator calls first.</summary>
internal static class RegionSetRules
{
    /// <summary>
    /// Adds to <paramref name="failures"/> a line for a client without regions, each null region, repeated name
    /// (case-insensitive), endpoint the client cannot use (<paramref name="endpointProblem"/> returns the whole line, or
    /// <see langword="null"/>), non-positive weight and negative priority, and each health threshold out of range.
    /// </summary>
    /// <param name="failures">Where problems are added.</param>
    /// <param name="client">The client as messages name it, such as <c>client 'payments'</c>.</param>
    /// <param name="options">The options to check.</param>
    /// <param name="endpointProblem">What is wrong with a region's endpoint for this protocol, or <see langword="null"/>.</param>
    public static void Check(List<string> failures, string client, RegionSetOptions options, Func<Region, string?> endpointProblem)
    {
        if (options.Regions.Count == 0)
        {
            failures.Add($"{client} has no regions: configure at least one (two or more to fail over).");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (Region? region in options.Regions)
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

        AtLeastOne(failures, client, nameof(options.FailuresToMarkDown), options.FailuresToMarkDown);
        AtLeastOne(failures, client, nameof(options.SuccessesToMarkUp), options.SuccessesToMarkUp);
        AtLeastHalfASecond(failures, client, nameof(options.BreakDuration), options.BreakDuration);
        if (options.FailbackDelay < TimeSpan.Zero || options.FailbackDelay > TimerDuration.Maximum)
        {
            failures.Add($"{client}: FailbackDelay ({options.FailbackDelay}) must not be negative or longer than {TimerDuration.MaximumText}.");
        }

        Positive(failures, client, nameof(options.MaxRetryAfter), options.MaxRetryAfter);
    }

    /// <summary>Adds a line when <paramref name="value"/> is not positive, or longer than a timer accepts.</summary>
    public static void Positive(List<string> failures, string client, string property, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{client}: {property} ({value}) must be positive.");
        }
        else if (value > TimerDuration.Maximum)
        {
            failures.Add($"{client}: {property} ({value}) is longer than a timer accepts, {TimerDuration.MaximumText}.");
        }
    }

    /// <summary>Adds a line when <paramref name="value"/> is less than 1.</summary>
    public static void AtLeastOne(List<string> failures, string client, string property, int value)
    {
        if (value < 1)
        {
            failures.Add($"{client}: {property} ({value}) must be at least 1.");
        }
    }

    /// <summary>Adds a line when <paramref name="value"/> is shorter than <see cref="RegionSetOptions.MinimumBreak"/>.</summary>
    public static void AtLeastHalfASecond(List<string> failures, string client, string property, TimeSpan value)
    {
        if (value < RegionSetOptions.MinimumBreak)
        {
            failures.Add($"{client}: {property} ({value}) must be at least 0.5 s.");
        }
        else if (value > TimerDuration.Maximum)
        {
            failures.Add($"{client}: {property} ({value}) is longer than a timer accepts, {TimerDuration.MaximumText}.");
        }
    }
}
