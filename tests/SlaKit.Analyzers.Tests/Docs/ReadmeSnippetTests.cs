using System.Text;
using System.Text.RegularExpressions;
using SlaKit.Analyzers.Tests.EndToEnd;
using SlaKit.Analyzers.Tests.Infrastructure;

namespace SlaKit.Analyzers.Tests.Docs;

/// <summary>
/// Every C# block of the README compiles as written, with the SDK's own compiler, in the setting a reader copies it
/// into: an application with the Web or Worker SDK's implicit usings, and <c>services</c>, <c>configuration</c>,
/// <c>provider</c> and <c>cancellationToken</c> in scope. A block's own <c>using</c> lines are its own: a missing one
/// fails here.
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);

    /// <summary>The Web and Worker SDKs' implicit usings beyond a console app's.</summary>
    private static readonly string[] HostUsings =
        ["Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging"];

    [Fact]
    public async Task Every_csharp_block_of_the_readme_compiles_as_written()
    {
        List<(int Line, string Code)> snippets = Snippets();
        Assert.True(snippets.Count >= 6, $"README.md has {snippets.Count} C# blocks.");
        string work = Directory.CreateTempSubdirectory("slakit-readme-").FullName;
        try
        {
            WriteProject(work);
            foreach ((int line, string code) in snippets)
            {
                File.WriteAllText(Path.Combine(work, $"Block{line}.cs"), Wrap(line, code));
            }

            var build = await DotNetCli.RunAsync(
                work, ["build", "-nodeReuse:false", "-tl:off", "-v:q", "-clp:NoSummary"], new Dictionary<string, string?>(), BuildTimeout, TestContext.Current.CancellationToken);

            string[] errors = [.. build.Output.Split('\n').Where(static l => l.Contains(": error ", StringComparison.Ordinal)).Distinct()];
            Assert.True(build.ExitCode == 0 && errors.Length == 0, $"README.md's C# blocks do not compile:\n{string.Join('\n', errors)}\n{(errors.Length == 0 ? build.Output : "")}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>One block as the body of a method that has the names the README takes to be in scope.</summary>
    private static string Wrap(int line, string code)
    {
        string[] lines = code.Split('\n');
        bool IsUsing(string l) => l.StartsWith("using ", StringComparison.Ordinal) && l.TrimEnd().EndsWith(';') && !l.Contains('(', StringComparison.Ordinal) && !l.Contains('=', StringComparison.Ordinal);
        var text = new StringBuilder();
        foreach (string l in lines.TakeWhile(l => IsUsing(l) || l.Length == 0))
        {
            text.Append(l).Append('\n');
        }

        int bodyLine = line + lines.TakeWhile(l => IsUsing(l) || l.Length == 0).Count();
        text.Append($$"""
            internal static class Block{{line}}
            {
                internal static async Task RunAsync(IServiceCollection services, IConfiguration configuration, IServiceProvider provider, CancellationToken cancellationToken)
                {
            #line {{bodyLine}} "README.md"

            """);
        foreach (string l in lines.SkipWhile(l => IsUsing(l) || l.Length == 0))
        {
            text.Append(l).Append('\n');
        }

        text.Append("""
            #line default
                    await Task.CompletedTask;
                }
            }

            """);
        return text.ToString();
    }

    /// <summary>A library project that references the SlaKit assemblies and their dependencies beside this test.</summary>
    private static void WriteProject(string directory)
    {
        string references = string.Join("\n", Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll")
            .Where(static f => Path.GetFileName(f) is { } name &&
                (name.StartsWith("SlaKit.", StringComparison.Ordinal) || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) ||
                 name.StartsWith("Polly", StringComparison.Ordinal) || name.StartsWith("Grpc.", StringComparison.Ordinal) || name.StartsWith("Google.Protobuf", StringComparison.Ordinal)) &&
                !name.StartsWith("SlaKit.Analyzers", StringComparison.Ordinal))
            .Select(static f => $"    <Reference Include=\"{Path.GetFileNameWithoutExtension(f)}\" HintPath=\"{f}\" />"));
        string usings = string.Join("\n", HostUsings.Select(static u => $"    <Using Include=\"{u}\" />"));
        File.WriteAllText(Path.Combine(directory, "Readme.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <NoWarn>$(NoWarn);CS0168;CS0219;CS8321</NoWarn>
              </PropertyGroup>
              <ItemGroup>
            {usings}
            {references}
              </ItemGroup>
            </Project>
            """);

        File.WriteAllText(Path.Combine(directory, "Payments.cs"), GeneratedPayments);
        Repository.IsolateBuild(directory);
    }

    /// <summary>
    /// The outline of what Grpc.Tools generates for the README's <c>Payments</c> service (its descriptor and its client), the
    /// one user type the gRPC block takes to be in scope.
    /// </summary>
    private const string GeneratedPayments = """
        public static partial class Payments
        {
            public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => throw new NotSupportedException();

            public partial class PaymentsClient : Grpc.Core.ClientBase<PaymentsClient>
            {
                public PaymentsClient(Grpc.Core.CallInvoker callInvoker) : base(callInvoker)
                {
                }

                protected PaymentsClient(ClientBaseConfiguration configuration) : base(configuration)
                {
                }

                protected override PaymentsClient NewInstance(ClientBaseConfiguration configuration) => new(configuration);
            }
        }
        """;

    private static List<(int Line, string Code)> Snippets()
    {
        string readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md")).ReplaceLineEndings("\n");
        var snippets = new List<(int Line, string Code)>();
        foreach (Match match in CSharpBlock().Matches(readme))
        {
            int line = readme.AsSpan(0, match.Index).Count('\n') + 2;
            snippets.Add((line, match.Groups["code"].Value));
        }

        return snippets;
    }

    [GeneratedRegex(@"^```csharp\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
