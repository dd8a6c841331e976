using System.Text.RegularExpressions;
using SlaKit.Tests.Infrastructure;

namespace SlaKit.Tests;

/// <summary>
/// The house rules of docs/architecture.md, read from the source: which area of the library may import which, where the
/// optional dependencies may appear, and which packages hold them. An area is a folder of <c>src/SlaKit.Core</c> or one of
/// the packages beside it (<c>src/SlaKit.Hosting</c>, <c>src/SlaKit.HealthChecks</c>, <c>src/SlaKit.Prometheus</c>, <c>src/SlaKit.Grpc</c>).
/// </summary>
public sealed partial class ArchitectureTests
{
    /// <summary>
    /// What each folder may import of the others. Availability is the root namespace <c>SlaKit</c>, open to all and
    /// importing nothing. The map is acyclic, so no two folders import each other.
    /// </summary>
    private static readonly Dictionary<string, string[]> AllowedImports = new(StringComparer.Ordinal)
    {
        ["Availability"] = [],
        ["Telemetry"] = [],
        ["Probes"] = [],
        ["Budgets"] = ["Telemetry"],
        ["Reports"] = [],
        ["Prometheus"] = ["Budgets", "Reports"],
        ["Regions"] = ["Probes", "Telemetry"],
        ["Http"] = ["Regions", "Probes", "Telemetry"],
        ["Sip"] = ["Regions", "Probes", "Telemetry", "Budgets"],
        ["HealthChecks"] = ["Regions", "Budgets"],
        ["Hosting"] = ["Http", "Regions", "Probes", "Telemetry", "Budgets"],
        ["Grpc"] = ["Http"],
    };

    /// <summary>The areas that are packages of their own beside the core, each a project of its own.</summary>
    private static readonly string[] Packages = ["Grpc", "HealthChecks", "Hosting", "Prometheus"];

    /// <summary>The optional dependencies, each confined to the areas that may use it.</summary>
    private static readonly Dictionary<string, string[]> ConfinedDependencies = new(StringComparer.Ordinal)
    {
        ["Microsoft.Extensions.Diagnostics.HealthChecks"] = ["HealthChecks"],
        ["Microsoft.Extensions.Hosting"] = ["Hosting"],
        ["Microsoft.Extensions.Http"] = ["Hosting"],
        ["YamlDotNet"] = ["Prometheus"],
        ["Google.Protobuf"] = ["Grpc"],
        ["Polly"] = ["Http"],
    };

    /// <summary>The NuGet packages the core package must not depend on: they are why the packages beside it exist.</summary>
    private static readonly string[] NotInCore =
    [
        "Microsoft.Extensions.Diagnostics.HealthChecks", "Microsoft.Extensions.Hosting.Abstractions", "Microsoft.Extensions.Http", "YamlDotNet", "Google.Protobuf",
    ];

    private static string SourceRoot => Path.Combine(Repository.Root, "src");

    private static string CoreDirectory => Path.Combine(SourceRoot, "SlaKit.Core");

    private static string AreaDirectory(string area) =>
        Packages.Contains(area) ? Path.Combine(SourceRoot, $"SlaKit.{area}") : Path.Combine(CoreDirectory, area);

    public static TheoryData<string> Folders => [.. AllowedImports.Keys];

    [Fact]
    public void Every_folder_of_the_library_has_a_rule()
    {
        string[] areas = Directory.GetDirectories(CoreDirectory)
            .Where(static directory => Path.GetFileName(directory) is not ("bin" or "obj") &&
                Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories).Any())
            .Select(Path.GetFileName)
            .Concat(Packages)
            .Order(StringComparer.Ordinal)
            .ToArray()!;

        Assert.Equal(AllowedImports.Keys.Order(StringComparer.Ordinal), areas);
    }

    [Fact]
    public void Every_library_project_is_the_core_a_package_beside_it_or_the_umbrella()
    {
        string[] projects = Directory.GetDirectories(SourceRoot)
            .Select(Path.GetFileName)
            .Where(static name => name is not "SlaKit.Cli")
            .Order(StringComparer.Ordinal)
            .ToArray()!;

        Assert.Equal(Packages.Select(static p => $"SlaKit.{p}").Append("SlaKit.Core").Append("SlaKit").Order(StringComparer.Ordinal), projects);
    }

    [Fact]
    public void The_core_package_depends_on_no_optional_package()
    {
        string project = File.ReadAllText(Path.Combine(CoreDirectory, "SlaKit.Core.csproj"));
        string[] references = PackageReference().Matches(project).Select(static m => m.Groups["id"].Value).ToArray();

        Assert.NotEmpty(references);
        Assert.Empty(references.Intersect(NotInCore, StringComparer.OrdinalIgnoreCase));
        Assert.DoesNotContain("ProjectReference Include=\"..\\SlaKit.", project, StringComparison.Ordinal);
    }

    [Fact]
    public void The_umbrella_package_references_every_library_package_and_each_is_validated()
    {
        string umbrella = File.ReadAllText(Path.Combine(SourceRoot, "SlaKit", "SlaKit.csproj"));
        string library = File.ReadAllText(Path.Combine(SourceRoot, "SlaKit.Library.props"));

        Assert.All(Packages.Append("Core"), p => Assert.Contains($@"..\SlaKit.{p}\SlaKit.{p}.csproj", umbrella, StringComparison.Ordinal));
        Assert.Contains("<EnablePackageValidation>true</EnablePackageValidation>", umbrella, StringComparison.Ordinal);
        Assert.Contains("<EnablePackageValidation>true</EnablePackageValidation>", library, StringComparison.Ordinal);
        Assert.All(Packages.Append("Core"), p => Assert.Contains(
            @"<Import Project=""..\SlaKit.Library.props"" />",
            File.ReadAllText(Path.Combine(SourceRoot, $"SlaKit.{p}", $"SlaKit.{p}.csproj")),
            StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void A_folder_imports_only_the_folders_below_it(string folder)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach ((string file, string text) in Sources(folder))
        {
            foreach (Match match in SlaKitNamespace().Matches(text))
            {
                string imported = match.Groups["area"].Value;
                if (imported != folder && !AllowedImports[folder].Contains(imported))
                {
                    found.Add($"{Path.GetRelativePath(SourceRoot, file)} uses SlaKit.{imported}");
                }
            }
        }

        Assert.Empty(found);
    }

    [Fact]
    public void Optional_dependencies_stay_in_their_folders()
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string folder in AllowedImports.Keys)
        {
            foreach ((string file, string text) in Sources(folder))
            {
                foreach ((string dependency, string[] folders) in ConfinedDependencies)
                {
                    if (!folders.Contains(folder) && Regex.IsMatch(text, $@"\b{Regex.Escape(dependency)}\b"))
                    {
                        found.Add($"{Path.GetRelativePath(SourceRoot, file)} uses {dependency}");
                    }
                }
            }
        }

        Assert.Empty(found);
    }

    [Fact]
    public void The_rules_have_no_cycle()
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);

        bool Acyclic(string folder)
        {
            switch (state.GetValueOrDefault(folder))
            {
                case 1:
                    return false;
                case 2:
                    return true;
            }

            state[folder] = 1;
            bool ok = AllowedImports[folder].All(Acyclic);
            state[folder] = 2;
            return ok;
        }

        Assert.All(AllowedImports.Keys, folder => Assert.True(Acyclic(folder), $"{folder} reaches itself through the rules."));
    }

    /// <summary>
    /// One naming style for tests, a sentence with underscores for spaces: <c>A_black_holed_primary_costs_one_request</c>.
    /// Words keep their own case (<c>SIP</c>, <c>KiB</c>), but no word is two words run together in Pascal case.
    /// </summary>
    [Fact]
    public void Every_test_is_named_as_a_sentence()
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(Path.Combine(Repository.Root, "tests"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match match in TestMethod().Matches(File.ReadAllText(file)))
            {
                string name = match.Groups["name"].Value;
                string words = KnownMixedCaseWords().Replace(name, "x");
                if (!SentenceName().IsMatch(words) || RunTogether().IsMatch(words))
                {
                    found.Add($"{Path.GetFileName(file)}: {name}");
                }
            }
        }

        Assert.Empty(found);
    }

    private static IEnumerable<(string File, string Text)> Sources(string folder)
    {
        string directory = AreaDirectory(folder);
        return Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(static f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(static f => (f, StripComments(File.ReadAllText(f))));
    }

    /// <summary>
    /// The code without comments and string literals, so that a <c>cref</c>, a remark or a key such as <c>"SlaKit.ServedBy"</c>
    /// naming another folder is not an import.
    /// </summary>
    private static string StripComments(string text) => Comment().Replace(text, "");

    [GeneratedRegex(@"\[(?:Fact|Theory)[^\]]*\]\s*(?:\[[^\]]*\]\s*)*public (?:static )?(?:async Task|void) (?<name>\w+)\(")]
    private static partial Regex TestMethod();

    [GeneratedRegex(@"^[A-Z][a-z0-9]*(_[A-Za-z0-9]+)*$")]
    private static partial Regex SentenceName();

    [GeneratedRegex(@"[a-z][A-Z]")]
    private static partial Regex RunTogether();

    [GeneratedRegex(@"KiB|MiB|IPv[46]|SlaKit")]
    private static partial Regex KnownMixedCaseWords();

    [GeneratedRegex(@"<PackageReference Include=""(?<id>[^""]+)""")]
    private static partial Regex PackageReference();

    [GeneratedRegex(@"\bSlaKit\.(?<area>[A-Z][A-Za-z]+)\b")]
    private static partial Regex SlaKitNamespace();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|""(?:\\.|[^""\\\n])*""", RegexOptions.Singleline)]
    private static partial Regex Comment();
}
