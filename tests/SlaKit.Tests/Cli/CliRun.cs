using System.Text.Json;
using SlaKit.Cli;

namespace SlaKit.Tests.Cli;

/// <summary>Runs the slakit command line in-process and captures what it prints.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Of(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = SlaKitCli.Run(args, output, error);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs with --json, asserts success and exactly one JSON object on stdout, and returns it.</summary>
    public static JsonElement Json(params string[] args)
    {
        CliRun run = Of([.. args, "--json"]);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}");
        Assert.Equal("", run.Error);
        using JsonDocument document = JsonDocument.Parse(run.Output);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts bad input: exit code 2, nothing on stdout, one line on stderr containing <paramref name="named"/>.</summary>
    public void AssertBadInput(string named)
    {
        Assert.Equal(2, ExitCode);
        Assert.Equal("", Output);
        string[] lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(named, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", Error, StringComparison.Ordinal);
    }

    /// <summary>The raw JSON text of a property, to check numbers print without float artifacts.</summary>
    public static string Raw(JsonElement json, string name) => json.GetProperty(name).GetRawText();
}
