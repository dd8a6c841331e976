using System.Diagnostics;

namespace SlaKit.Tests.Prometheus;

/// <summary>
/// Runs Prometheus' <c>promtool</c> (Debian package <c>prometheus</c>). Tests skip when it is absent, unless
/// <c>SLAKIT_REQUIRE_PROMTOOL=1</c> (or <c>SLAKIT_REQUIRE_EXTERNAL_TOOLS=1</c>) is set, when they fail instead.
/// </summary>
internal static class Promtool
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    public static string? Path { get; } = Find();

    public static bool Required =>
        Environment.GetEnvironmentVariable("SLAKIT_REQUIRE_PROMTOOL") == "1" ||
        Environment.GetEnvironmentVariable("SLAKIT_REQUIRE_EXTERNAL_TOOLS") == "1";

    /// <summary>Skips the test when promtool is absent and not required; fails it when required.</summary>
    public static string Require()
    {
        if (Path is null && Required)
        {
            Assert.Fail("promtool is not installed but SLAKIT_REQUIRE_PROMTOOL is set: apt-get install -y prometheus");
        }

        Assert.SkipUnless(Path is not null, "promtool is not installed: apt-get install -y prometheus");
        return Path!;
    }

    /// <summary>Runs promtool with <paramref name="arguments"/> in <paramref name="directory"/>, bounded in time.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string directory, params string[] arguments)
    {
        string promtool = Require();
        var start = new ProcessStartInfo(promtool)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start.");
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

        return (process.ExitCode, await output + await error);
    }

    private static string? Find()
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin"))
        {
            string candidate = System.IO.Path.Combine(directory, "promtool");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
