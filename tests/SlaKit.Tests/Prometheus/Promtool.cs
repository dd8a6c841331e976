using SlaKit.Tests.Infrastructure;

namespace SlaKit.Tests.Prometheus;

/// <summary>
/// Runs Prometheus' <c>promtool</c> (Debian package <c>prometheus</c>). Tests skip when it is absent, unless
/// <c>SLAKIT_REQUIRE_PROMTOOL=1</c> (or <c>SLAKIT_REQUIRE_EXTERNAL_TOOLS=1</c>) is set, when they fail instead.
/// </summary>
internal static class Promtool
{
    private const string Variable = "SLAKIT_REQUIRE_PROMTOOL";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    public static string? Path { get; } = ExternalTool.Find("promtool");

    public static bool Required => ExternalTool.Required(Variable);

    /// <summary>Skips the test when promtool is absent and not required; fails it when required.</summary>
    public static string Require() => ExternalTool.Require(Path, "promtool", Variable, "prometheus");

    /// <summary>Runs promtool with <paramref name="arguments"/> in <paramref name="directory"/>, bounded in time.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string directory, params string[] arguments) =>
        ExternalTool.RunAsync(Require(), directory, arguments, Limit);
}
