using System.Diagnostics;

namespace SlaKit.Tests.Infrastructure;

/// <summary>
/// What the wrappers of external programs (promtool, Chromium) share: finding the program on the PATH, skipping or
/// failing a test when it is absent, and running it bounded in time.
/// </summary>
internal static class ExternalTool
{
    /// <summary>The first of <paramref name="names"/> found on the PATH or in /usr/bin; <see langword="null"/> when none is.</summary>
    public static string? Find(params string[] names)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin"))
        {
            foreach (string name in names)
            {
                string candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="variable"/> or <c>SLAKIT_REQUIRE_EXTERNAL_TOOLS</c> is set to 1, so an absent tool fails the test.</summary>
    public static bool Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) == "1" ||
        Environment.GetEnvironmentVariable("SLAKIT_REQUIRE_EXTERNAL_TOOLS") == "1";

    /// <summary>Skips the test when <paramref name="path"/> is <see langword="null"/> and the tool is not required; fails it when required.</summary>
    /// <returns>The tool's path.</returns>
    public static string Require(string? path, string name, string variable, string package)
    {
        if (path is null && Required(variable))
        {
            Assert.Fail($"{name} is not installed but {variable} is set: apt-get install -y {package}");
        }

        Assert.SkipUnless(path is not null, $"{name} is not installed: apt-get install -y {package}");
        return path!;
    }

    /// <summary>
    /// Runs <paramref name="path"/> with <paramref name="arguments"/> in <paramref name="directory"/>; kills it and
    /// throws if it has not exited within <paramref name="limit"/> or the test is cancelled.
    /// </summary>
    /// <returns>Its exit code, and its standard output followed by its standard error.</returns>
    public static async Task<(int ExitCode, string Output)> RunAsync(string path, string directory, IEnumerable<string> arguments, TimeSpan limit)
    {
        var start = new ProcessStartInfo(path)
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

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Path.GetFileName(path)} did not start.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(limit);
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
}
