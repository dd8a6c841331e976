using System.Globalization;
using Microsoft.Extensions.Options;
using SlaKit.Probes;
using SlaKit.Regions;
using static SlaKit.Regions.RegionSetRules;

namespace SlaKit.Http;

/// <summary>Checks <see cref="RegionFailoverOptions"/> when the application starts, naming every problem at once.</summary>
internal sealed class RegionFailoverOptionsValidator : IValidateOptions<RegionFailoverOptions>
{
    public ValidateOptionsResult Validate(string? name, RegionFailoverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        string client = string.IsNullOrEmpty(name) ? "the default client" : $"client '{name}'";

        RegionSetRules.Check(failures, client, options, region => EndpointProblem(region, client));

        Positive(failures, client, nameof(options.AttemptTimeout), options.AttemptTimeout);
        Positive(failures, client, nameof(options.TotalTimeout), options.TotalTimeout);
        if (options.TotalTimeout < options.AttemptTimeout)
        {
            failures.Add($"{client}: TotalTimeout ({options.TotalTimeout}) is shorter than AttemptTimeout ({options.AttemptTimeout}).");
        }

        Positive(failures, client, nameof(options.HedgingDelay), options.HedgingDelay);
        Positive(failures, client, nameof(options.ColdStartAllowance), options.ColdStartAllowance);
        Positive(failures, client, nameof(options.WarmUpTimeout), options.WarmUpTimeout);
        if (!HttpVersions.IsSupported(options.WarmUpVersion))
        {
            failures.Add($"{client}: WarmUpVersion ({options.WarmUpVersion?.ToString() ?? "null"}) must be 1.1, 2.0 or 3.0.");
        }
        else
        {
            // The version the regions are known to speak, and so also their probes' by default: one an http:// region
            // can never answer would hold it down.
            foreach (string problem in VersionProblems(options.WarmUpVersion, options.Regions))
            {
                failures.Add($"{client}: WarmUpVersion ({options.WarmUpVersion}) {problem}.");
            }
        }

        if (options.WarmUpPath is null || !Uri.TryCreate(options.WarmUpPath, UriKind.Relative, out _))
        {
            failures.Add($"{client}: WarmUpPath '{options.WarmUpPath}' is not a relative path.");
        }

        if (!Enum.IsDefined(options.Hedging))
        {
            failures.Add($"{client}: Hedging '{options.Hedging}' is not a hedging mode.");
        }

        if (!Enum.IsDefined(options.Selection))
        {
            failures.Add($"{client}: Selection '{options.Selection}' is not a selection mode.");
        }

        // At most 1,000: k × a p99 becomes a TimeSpan, and a huge or infinite k would overflow it on some request.
        if (options.AdaptiveHedgingMultiplier is not (>= 1 and <= RegionFailoverOptions.MaximumAdaptiveHedgingMultiplier))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: AdaptiveHedgingMultiplier ({options.AdaptiveHedgingMultiplier}) must be from 1 to {RegionFailoverOptions.MaximumAdaptiveHedgingMultiplier}."));
        }

        if (options.MaxAttempts is < 1)
        {
            failures.Add($"{client}: MaxAttempts ({options.MaxAttempts}) must be at least 1.");
        }

        AtLeastOne(failures, client, nameof(options.MaxLateAttempts), options.MaxLateAttempts);
        AtLeastHalfASecond(failures, client, nameof(options.CircuitBreakerSamplingDuration), options.CircuitBreakerSamplingDuration);

        // What Polly's own validation accepts, checked here so that a bad value fails at start-up rather than when the
        // first request builds the region's pipeline: a timeout of 10 ms to 1 day, a sampling and break duration of at
        // most 1 day.
        AtMostADay(failures, client, nameof(options.CircuitBreakerSamplingDuration), options.CircuitBreakerSamplingDuration);
        AtMostADay(failures, client, nameof(options.BreakDuration), options.BreakDuration);
        AtMostADay(failures, client, nameof(options.AttemptTimeout), options.AttemptTimeout);
        if (options.AttemptTimeout > TimeSpan.Zero && options.AttemptTimeout < PollyMinimumTimeout)
        {
            failures.Add($"{client}: AttemptTimeout ({options.AttemptTimeout}) must be at least 10 ms.");
        }

        foreach (string method in options.IdempotentMethods)
        {
            if (!GrpcMethod.IsWellFormed(method))
            {
                failures.Add($"{client}: IdempotentMethods entry '{method}' is not a gRPC method written package.Service/Method.");
            }
        }

        foreach (string method in options.StreamingMethods)
        {
            if (!GrpcMethod.IsWellFormed(method))
            {
                failures.Add($"{client}: StreamingMethods entry '{method}' is not a gRPC method written package.Service/Method.");
            }
        }

        foreach (int status in options.GrpcFailoverStatuses)
        {
            if (status is < 1 or > 16)
            {
                failures.Add($"{client}: GrpcFailoverStatuses entry {status} is not a gRPC failure status; codes run from 1 (CANCELLED) to 16 (UNAUTHENTICATED).");
            }
        }

        if (options.ReplayBufferLimit < 0)
        {
            failures.Add($"{client}: ReplayBufferLimit ({options.ReplayBufferLimit}) must not be negative.");
        }

        if (double.IsNaN(options.CircuitBreakerFailureRatio) || options.CircuitBreakerFailureRatio <= 0 || options.CircuitBreakerFailureRatio > 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{client}: CircuitBreakerFailureRatio ({options.CircuitBreakerFailureRatio}) must be in (0, 1]."));
        }

        if (options.CircuitBreakerMinimumThroughput < 2)
        {
            failures.Add($"{client}: CircuitBreakerMinimumThroughput ({options.CircuitBreakerMinimumThroughput}) must be at least 2.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static readonly TimeSpan PollyMinimumTimeout = TimeSpan.FromMilliseconds(10);

    private static void AtMostADay(List<string> failures, string client, string property, TimeSpan value)
    {
        if (value > TimeSpan.FromDays(1))
        {
            failures.Add($"{client}: {property} ({value}) must be at most 1 day.");
        }
    }

    /// <summary>
    /// For each of <paramref name="regions"/> that can never answer <paramref name="version"/> (see
    /// <see cref="HttpVersions.ProblemWith"/>), why, naming the region: what a validator reports after the option and its
    /// value. The warm-up's version is checked here, the probes' own in SlaKit.Hosting.
    /// </summary>
    internal static IEnumerable<string> VersionProblems(Version version, IEnumerable<Region?> regions)
    {
        foreach (Region? region in regions)
        {
            if (region is not null && HttpVersions.ProblemWith(version, region.Endpoint) is { } problem)
            {
                yield return $"cannot be spoken to region '{region.Name}' at '{region.Endpoint}'; {problem}";
            }
        }
    }

    private static string? EndpointProblem(Region region, string client)
    {
        Uri endpoint = region.Endpoint;
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            return $"Region '{region.Name}' of {client} has endpoint '{endpoint}', which is not an absolute http or https URI.";
        }

        return !string.IsNullOrEmpty(endpoint.Query) || !string.IsNullOrEmpty(endpoint.Fragment)
            ? $"Region '{region.Name}' of {client} has endpoint '{endpoint}' with a query or fragment; give a base URI."
            : null;
    }
}
