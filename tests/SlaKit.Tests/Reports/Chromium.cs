using SlaKit.Tests.Infrastructure;

namespace SlaKit.Tests.Reports;

/// <summary>
/// Headless Chromium (Debian package <c>chromium</c>). Tests skip when it is absent, unless
/// <c>SLAKIT_REQUIRE_CHROMIUM=1</c> (or <c>SLAKIT_REQUIRE_EXTERNAL_TOOLS=1</c>) is set, when they fail instead.
/// </summary>
internal static class Chromium
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    public static string? Path { get; } = ExternalTool.Find("chromium", "chromium-browser");

    /// <summary>Skips the test when Chromium is absent and not required; fails it when required.</summary>
    public static string Require() => ExternalTool.Require(Path, "chromium", "SLAKIT_REQUIRE_CHROMIUM", "chromium");

    /// <summary>Runs headless Chromium on <paramref name="page"/> with <paramref name="action"/> (such as <c>--screenshot=out.png</c>), in a profile of its own.</summary>
    public static async Task RunAsync(string page, string directory, params string[] action)
    {
        string profile = System.IO.Path.Combine(directory, "profile");
        (int exitCode, string output) = await ExternalTool.RunAsync(
            Require(),
            directory,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", $"--user-data-dir={profile}", .. action, new Uri(page).AbsoluteUri,
            ],
            Limit);
        Assert.True(exitCode == 0, $"chromium exited with {exitCode}: {output}");
    }
}
