using System.Diagnostics;

namespace SlaKit.Tests.Reports;

/// <summary>
/// Headless Chromium (Debian package <c>chromium</c>). Tests skip when it is absent, unless
/// <c>SLAKIT_REQUIRE_CHROMIUM=1</c> (or <c>SLAKIT_REQUIRE_EXTERNAL_TOOLS=1</c>) is set, when they fail instead.
/// </summary>
internal static class Chromium
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    public static string? Path { get; } = Find();

    /// <summary>Skips the test when Chromium is absent and not required; fails it when required.</summary>
    public static string Require()
    {
        bool required = Environment.GetEnvironmentVariable("SLAKIT_REQUIRE_CHROMIUM") == "1" ||
            Environment.GetEnvironmentVariable("SLAKIT_REQUIRE_EXTERNAL_TOOLS") == "1";
        if (Path is null && required)
        {
            Assert.Fail("chromium is not installed but SLAKIT_REQUIRE_CHROMIUM is set: apt-get install -y chromium");
        }

        Assert.SkipUnless(Path is not null, "chromium is not installed: apt-get install -y chromium");
        return Path!;
    }

    /// <summary>Runs headless Chromium on <paramref name="page"/> with <paramref name="action"/> (such as <c>--screenshot=out.png</c>), in a profile of its own.</summary>
    public static async Task RunAsync(string page, string directory, params string[] action)
    {
        string chromium = Require();
        string profile = System.IO.Path.Combine(directory, "profile");
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", $"--user-data-dir={profile}", .. action, new Uri(page).AbsoluteUri])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Limit);
        Task<string> output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        Task<string> error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {await output}{await error}");
    }

    private static string? Find()
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin"))
        {
            foreach (string name in (string[])["chromium", "chromium-browser"])
            {
                string candidate = System.IO.Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
