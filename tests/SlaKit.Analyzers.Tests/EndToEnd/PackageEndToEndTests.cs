using System.IO.Compression;
using System.Text.RegularExpressions;
using SlaKit.Analyzers.Tests.Infrastructure;

namespace SlaKit.Analyzers.Tests.EndToEnd;

/// <summary>
/// Packs SlaKit and the packages it depends on into a temporary feed and builds a throwaway consumer against it: the
/// analyzer must travel inside the package, and every package's API must reach the consumer, with nothing but a
/// PackageReference to SlaKit in it.
/// </summary>
public sealed partial class PackageEndToEndTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(4);

    /// <summary>What the pack needs from the repository; bin and obj folders stay behind.</summary>
    private static readonly string[] PackInputs =
        ["src", "analyzers", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "README.md"];

    /// <summary>The projects packed, the umbrella last: it depends on the others at the same version.</summary>
    private static readonly string[] Packages = ["SlaKit.Core", "SlaKit.Hosting", "SlaKit.HealthChecks", "SlaKit.Prometheus", "SlaKit.Grpc", "SlaKit"];

    /// <summary>One public type of each package beside the core, so the consumer compiles only if each one arrived.</summary>
    private const string Everything = """
        internal static class Everything
        {
            public static readonly Type[] Types =
            [
                typeof(SlaKit.Availability),
                typeof(Microsoft.Extensions.DependencyInjection.RegionFailoverHttpClientBuilderExtensions),
                typeof(Microsoft.Extensions.DependencyInjection.SlaKitHealthChecksBuilderExtensions),
                typeof(SlaKit.Prometheus.PrometheusRules),
                typeof(SlaKit.Grpc.GrpcServiceRegionFailoverExtensions),
            ];
        }
        """;

    private const string Program = """
        using Microsoft.Extensions.DependencyInjection;

        var services = new ServiceCollection();
        services.AddHttpClient("payments", client => client.BaseAddress = new Uri("https://payments.example/"));
        Console.WriteLine(services.Count);
        """;

    /// <summary>The same finding in a file whose severity .editorconfig turns off.</summary>
    private const string Quiet = """
        using Microsoft.Extensions.DependencyInjection;

        internal static class Quiet
        {
            public static void Register(IServiceCollection services)
            {
                services.AddHttpClient("orders", client => client.BaseAddress = new Uri("https://orders.example/"));
            }
        }
        """;

    [Fact]
    public async Task A_consumer_of_the_package_is_warned_at_the_registration_and_fails_with_warnaserror()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        string work = Directory.CreateTempSubdirectory("slakit-e2e-").FullName;
        try
        {
            string version = "0.1.0-e2e." + DateTime.UtcNow.Ticks;
            string feed = Path.Combine(work, "feed");
            string packages = Path.Combine(work, "packages");
            string source = Path.Combine(work, "source");
            string consumer = Path.Combine(work, "consumer");

            // Packed from a copy, so the test's Release build touches nothing in the working tree.
            string repository = Repository.Root;
            foreach (string input in PackInputs)
            {
                Copy(Path.Combine(repository, input), Path.Combine(source, input));
            }

            foreach (string project in Packages)
            {
                var pack = await DotNetCli.RunAsync(
                    source,
                    ["pack", $"src/{project}/{project}.csproj", "-c", "Release", "-o", feed, "-nodeReuse:false", "-tl:off",
                     "-p:Version=" + version, "-p:ContinuousIntegrationBuild=false", "-p:IncludeSymbols=false",
                     "-p:EnableSourceLink=false", "-p:EnableSourceControlManagerQueries=false", "-p:PublishRepositoryUrl=false"],
                    new Dictionary<string, string?>(),
                    StepTimeout,
                    cancellationToken);
                Assert.True(pack.ExitCode == 0, pack.Output);
            }

            using (ZipArchive archive = ZipFile.OpenRead(Path.Combine(feed, $"SlaKit.{version}.nupkg")))
            {
                string[] entries = archive.Entries.Select(e => e.FullName).ToArray();
                Assert.Contains("analyzers/dotnet/cs/SlaKit.Analyzers.dll", entries);
                Assert.Contains("analyzers/dotnet/cs/SlaKit.Analyzers.CodeFixes.dll", entries);
                Assert.DoesNotContain(entries, static e => e.EndsWith(".dll", StringComparison.Ordinal) && e.StartsWith("lib/", StringComparison.Ordinal));

                // The package carries no docs folder: the README's links into it are absolute.
                using var readme = new StreamReader(archive.GetEntry("README.md")!.Open());
                string text = await readme.ReadToEndAsync(cancellationToken);
                Assert.DoesNotContain("](docs/", text, StringComparison.Ordinal);
                Assert.Contains("](https://github.com/slakit/slakit/blob/main/docs/", text, StringComparison.Ordinal);
                using var nuspec = new StreamReader(archive.GetEntry("SlaKit.nuspec")!.Open());
                Assert.Contains("url=\"https://github.com/slakit/slakit\"", await nuspec.ReadToEndAsync(cancellationToken), StringComparison.Ordinal);
            }

            using (ZipArchive archive = ZipFile.OpenRead(Path.Combine(feed, $"SlaKit.Core.{version}.nupkg")))
            {
                Assert.Contains("lib/net10.0/SlaKit.Core.dll", archive.Entries.Select(e => e.FullName));
                using var nuspec = new StreamReader(archive.Entries.Single(static e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
                string dependencies = await nuspec.ReadToEndAsync(cancellationToken);
                Assert.DoesNotContain("YamlDotNet", dependencies, StringComparison.Ordinal);
                Assert.DoesNotContain("Microsoft.Extensions.Hosting", dependencies, StringComparison.Ordinal);
                Assert.DoesNotContain("HealthChecks", dependencies, StringComparison.Ordinal);
                Assert.DoesNotContain("Google.Protobuf", dependencies, StringComparison.Ordinal);
            }

            WriteConsumer(consumer, version, feed, packages);
            // The consumer restores SlaKit into its own packages folder (so no test version lands in the machine's
            // cache) and everything else from the machine's cache, read as a fallback folder, or its usual sources.
            var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = null };

            var build = await DotNetCli.RunAsync(consumer, ["build", "-nodeReuse:false", "-tl:off"], environment, StepTimeout, cancellationToken);
            Assert.True(build.ExitCode == 0, build.Output);
            int expectedLine = LineOf(Program, "AddHttpClient");
            Assert.Equal([expectedLine], Findings(build.Output, "Program.cs", "warning"));
            Assert.Empty(Findings(build.Output, "Quiet.cs", "warning"));
            // CS8032: an analyzer in the package could not be loaded; AD0001: one threw.
            Assert.DoesNotContain("CS8032", build.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("AD0001", build.Output, StringComparison.Ordinal);

            var strict = await DotNetCli.RunAsync(
                consumer, ["build", "--no-restore", "--no-incremental", "-warnaserror", "-nodeReuse:false", "-tl:off"], environment, StepTimeout, cancellationToken);
            Assert.True(strict.ExitCode != 0, strict.Output);
            Assert.Equal([expectedLine], Findings(strict.Output, "Program.cs", "error"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The distinct lines of SLA0002 findings of one severity in one file, from MSBuild's output.</summary>
    private static int[] Findings(string output, string file, string severity) =>
        FindingPattern().Matches(output)
            .Where(m => m.Groups["file"].Value == file && m.Groups["severity"].Value == severity)
            .Select(m => int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture))
            .Distinct()
            .ToArray();

    [GeneratedRegex(@"[/\\](?<file>[\w.]+\.cs)\((?<line>\d+),\d+\): (?<severity>warning|error) SLA0002:")]
    private static partial Regex FindingPattern();

    private static int LineOf(string text, string marker) =>
        text.Split('\n').Select((line, index) => (line, index)).First(l => l.line.Contains(marker, StringComparison.Ordinal)).index + 1;

    private static void WriteConsumer(string directory, string version, string feed, string packages)
    {
        Directory.CreateDirectory(directory);
        string machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SlaKit" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packages}" />
              </config>
              <packageSources>
                <add key="slakit-e2e" value="{feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{machineCache}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, ".editorconfig"), """
            root = true

            [Quiet.cs]
            dotnet_diagnostic.SLA0002.severity = none
            """);
        Repository.IsolateBuild(directory);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), Program);
        File.WriteAllText(Path.Combine(directory, "Quiet.cs"), Quiet);
        File.WriteAllText(Path.Combine(directory, "Everything.cs"), Everything);
    }

    private static void Copy(string from, string to)
    {
        if (File.Exists(from))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to);
            return;
        }

        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            string[] parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Contains("bin") || parts.Contains("obj"))
            {
                continue;
            }

            Copy(file, Path.Combine(to, relative));
        }
    }
}
