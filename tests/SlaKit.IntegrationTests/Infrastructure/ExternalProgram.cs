namespace SlaKit.IntegrationTests.Infrastructure;

/// <summary>
/// Finds a program the interop tests run against (SIPp, dnsmasq, Kamailio, the Prometheus server): a test without it skips, unless its
/// <c>SLAKIT_REQUIRE_*</c> variable (or <c>SLAKIT_REQUIRE_EXTERNAL_TOOLS</c>) is <c>1</c>, as CI sets it, and then fails.
/// </summary>
public static class ExternalProgram
{
    /// <summary>The first of <paramref name="systemPaths"/>, then of the directories on PATH, that holds <paramref name="name"/>; <see langword="null"/> when none does.</summary>
    public static string? Find(string name, params string[] systemPaths) =>
        systemPaths
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, name)))
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// Skips the test when <paramref name="found"/> is false, saying <paramref name="install"/>, or fails it when
    /// <paramref name="variable"/> makes the program required.
    /// </summary>
    public static void Require(bool found, string variable, string install)
    {
        bool required = Environment.GetEnvironmentVariable(variable) == "1" || Environment.GetEnvironmentVariable("SLAKIT_REQUIRE_EXTERNAL_TOOLS") == "1";
        if (!found && required)
        {
            Assert.Fail($"{install} ({variable}=1 makes it required)");
        }

        Assert.SkipUnless(found, install);
    }
}
