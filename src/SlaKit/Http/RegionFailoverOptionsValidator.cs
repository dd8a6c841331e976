using Microsoft.Extensions.Options;
using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>Checks <see cref="RegionFailoverOptions"/> when the application starts, naming every problem at once.</summary>
internal sealed class RegionFailoverOptionsValidator : IValidateOptions<RegionFailoverOptions>
{
    private static readonly TimeSpan MinimumBreak = TimeSpan.FromMilliseconds(500);

    public ValidateOptionsResult Validate(string? name, RegionFailoverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        string client = string.IsNullOrEmpty(name) ? "the default client" : $"client '{name}'";

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

            if (!region.Endpoint.IsAbsoluteUri ||
                (region.Endpoint.Scheme != Uri.UriSchemeHttp && region.Endpoint.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"Region '{region.Name}' of {client} has endpoint '{region.Endpoint}', which is not an absolute http or https URI.");
            }
            else if (!string.IsNullOrEmpty(region.Endpoint.Query) || !string.IsNullOrEmpty(region.Endpoint.Fragment))
            {
                failures.Add($"Region '{region.Name}' of {client} has endpoint '{region.Endpoint}' with a query or fragment; give a base URI.");
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

        Positive(failures, client, nameof(options.AttemptTimeout), options.AttemptTimeout);
        Positive(failures, client, nameof(options.TotalTimeout), options.TotalTimeout);
        if (options.TotalTimeout < options.AttemptTimeout)
        {
            failures.Add($"{client}: TotalTimeout ({options.TotalTimeout}) is shorter than AttemptTimeout ({options.AttemptTimeout}).");
        }

        Positive(failures, client, nameof(options.HedgingDelay), options.HedgingDelay);
        Positive(failures, client, nameof(options.MaxRetryAfter), options.MaxRetryAfter);
        if (!Enum.IsDefined(options.Hedging))
        {
            failures.Add($"{client}: Hedging '{options.Hedging}' is not a hedging mode.");
        }

        if (!Enum.IsDefined(options.Selection))
        {
            failures.Add($"{client}: Selection '{options.Selection}' is not a selection mode.");
        }

        if (double.IsNaN(options.AdaptiveHedgingMultiplier) || options.AdaptiveHedgingMultiplier < 1)
        {
            failures.Add($"{client}: AdaptiveHedgingMultiplier ({options.AdaptiveHedgingMultiplier}) must be at least 1.");
        }

        if (options.MaxAttempts is < 1)
        {
            failures.Add($"{client}: MaxAttempts ({options.MaxAttempts}) must be at least 1.");
        }

        AtLeastOne(failures, client, nameof(options.FailuresToMarkDown), options.FailuresToMarkDown);
        AtLeastOne(failures, client, nameof(options.SuccessesToMarkUp), options.SuccessesToMarkUp);
        AtLeastHalfASecond(failures, client, nameof(options.BreakDuration), options.BreakDuration);
        AtLeastHalfASecond(failures, client, nameof(options.CircuitBreakerSamplingDuration), options.CircuitBreakerSamplingDuration);

        if (options.FailbackDelay < TimeSpan.Zero)
        {
            failures.Add($"{client}: FailbackDelay ({options.FailbackDelay}) must not be negative.");
        }

        if (options.ReplayBufferLimit < 0)
        {
            failures.Add($"{client}: ReplayBufferLimit ({options.ReplayBufferLimit}) must not be negative.");
        }

        if (double.IsNaN(options.CircuitBreakerFailureRatio) || options.CircuitBreakerFailureRatio <= 0 || options.CircuitBreakerFailureRatio > 1)
        {
            failures.Add($"{client}: CircuitBreakerFailureRatio ({options.CircuitBreakerFailureRatio}) must be in (0, 1].");
        }

        if (options.CircuitBreakerMinimumThroughput < 2)
        {
            failures.Add($"{client}: CircuitBreakerMinimumThroughput ({options.CircuitBreakerMinimumThroughput}) must be at least 2.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string client, string property, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{client}: {property} ({value}) must be positive.");
        }
    }

    private static void AtLeastOne(List<string> failures, string client, string property, int value)
    {
        if (value < 1)
        {
            failures.Add($"{client}: {property} ({value}) must be at least 1.");
        }
    }

    private static void AtLeastHalfASecond(List<string> failures, string client, string property, TimeSpan value)
    {
        if (value < MinimumBreak)
        {
            failures.Add($"{client}: {property} ({value}) must be at least 0.5 s.");
        }
    }
}
