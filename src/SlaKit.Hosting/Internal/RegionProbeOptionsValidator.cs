using Microsoft.Extensions.Options;
using SlaKit.Probes;

namespace SlaKit.Http;

/// <summary>Checks <see cref="RegionProbeOptions"/> when the application starts.</summary>
/// <param name="failover">The failover clients' options: the regions the default HTTP probe is sent to.</param>
internal sealed class RegionProbeOptionsValidator(IOptionsMonitor<RegionFailoverOptions> failover) : IValidateOptions<RegionProbeOptions>
{
    public ValidateOptionsResult Validate(string? name, RegionProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        string client = string.IsNullOrEmpty(name) ? "the default client" : $"client '{name}'";
        foreach ((string property, object value, string message) in options.Problems())
        {
            failures.Add($"Probes of {client}: {property} ({value}): {message}");
        }

        if (options.ProbeFactory is null && (string.IsNullOrWhiteSpace(options.HttpPath) || !Uri.IsWellFormedUriString(options.HttpPath, UriKind.Relative)))
        {
            failures.Add($"Probes of {client}: HttpPath '{options.HttpPath}' is not a relative path.");
        }

        foreach ((string property, object value, string message) in options.Http.Problems())
        {
            failures.Add($"Probes of {client}: Http.{property} ({value}) {message}.");
        }

        // A version of the default probe's own (without one it speaks the warm-up's, checked with the client's options)
        // that a region can never answer would hold that region down.
        if (options.ProbeFactory is null && options.Http.Version is { } version && HttpVersions.IsSupported(version))
        {
            foreach (string problem in RegionFailoverOptionsValidator.VersionProblems(version, failover.Get(name).Regions))
            {
                failures.Add($"Probes of {client}: Http.Version ({version}) {problem}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
