using System.Diagnostics;
using SlaKit.Cli;

namespace SlaKit.IntegrationTests.Cli;

/// <summary>
/// The inputs that used to end the <c>slakit</c> process itself (a stack overflow, a runaway YAML expansion, a response
/// file read before any check), run as a real child process: exit 2 and one line on stderr, within a time bound.
/// </summary>
public sealed class CliProcessTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("slakit-cli-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task A_deeply_nested_slo_file_ends_in_one_line_and_exit_2()
    {
        string path = Write("deep.yaml", "version: 1\nslos: " + new string('[', 30_000) + new string(']', 30_000) + "\n");

        (int exit, string output, string error) = await RunAsync("rules", "--slo", path);

        AssertOneLine(exit, output, error, "nests deeper than 64 levels");
    }

    [Fact]
    public async Task An_alias_bomb_ends_in_one_line_and_exit_2()
    {
        var text = new System.Text.StringBuilder("a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
        for (char level = 'b'; level <= 'i'; level++)
        {
            text.Append($"{level}: &{level} [{string.Join(',', Enumerable.Repeat($"*{(char)(level - 1)}", 9))}]\n");
        }

        text.Append("? *i\n: boom\n");
        string path = Write("bomb.yaml", text.ToString());

        (int exit, string output, string error) = await RunAsync("rules", "--slo", path);

        AssertOneLine(exit, output, error, "uses the alias *a");
    }

    [Fact]
    public async Task An_argument_naming_a_directory_after_an_at_sign_ends_in_one_line_and_exit_2()
    {
        (int exit, string output, string error) = await RunAsync("downtime", "@" + _directory.FullName);

        AssertOneLine(exit, output, error, "is not a percentage");
    }

    private static void AssertOneLine(int exit, string output, string error, string named)
    {
        Assert.True(exit == 2, $"exit {exit}: {error}");
        Assert.Equal("", output);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("slakit: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(SlaKitCli).Assembly.Location);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"slakit {string.Join(' ', args)} ran longer than {Limit}.");
        }

        return (process.ExitCode, await output, await error);
    }
}
