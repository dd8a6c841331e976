namespace SlaKit.IntegrationTests.Sip;

/// <summary>Where SIPp is, for the harness's SIP scenario (the tests have their own, which skips without it).</summary>
internal static class SippInstallation
{
    /// <summary>The path of <c>sipp</c> on the PATH; <see langword="null"/> when it is not installed.</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "sipp"))
            .FirstOrDefault(File.Exists);

    /// <summary>The path of <c>sipp</c>.</summary>
    /// <exception cref="InvalidOperationException">SIPp is not installed.</exception>
    public static string RequirePath() => Find() ?? throw new InvalidOperationException("sipp is not installed: apt-get install -y sip-tester");
}
