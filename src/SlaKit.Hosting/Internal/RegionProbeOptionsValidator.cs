using Microsoft.Extensions.Options;

namespace SlaKit.Http;

/// <summary>Checks <see cref="RegionProbeOptions"/> when the application starts.</summary>
internal sealed class RegionProbeOptionsValidator : IValidateOptions<RegionProbeOptions>
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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
