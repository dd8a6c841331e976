using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.Regions;

namespace SlaKit.Analyzers.Tests.Infrastructure;

/// <summary>Builds analyzer and code-fix tests whose sources compile against .NET 10 and the real SlaKit API, offline.</summary>
internal static class AnalyzerTest
{
    /// <summary>The .NET 10 reference pack the test project downloads at restore (see the csproj's PackageDownload).</summary>
    public static readonly ReferenceAssemblies Net10 = new(
        "net10.0",
        new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.10"),
        Path.Combine("ref", "net10.0"));

    /// <summary>SlaKit.Core, SlaKit.Hosting (where <c>AddRegionFailover</c> lives) and the Microsoft.Extensions assemblies its API mentions.</summary>
    internal static readonly ImmutableArray<MetadataReference> SlaKitReferences =
    [
        .. new[]
        {
            typeof(Region).Assembly,
            typeof(RegionFailoverHttpClientBuilderExtensions).Assembly,
            typeof(IHttpClientBuilder).Assembly,
            typeof(IServiceCollection).Assembly,
            typeof(IConfiguration).Assembly,
            typeof(Microsoft.Extensions.Options.OptionsBuilder<>).Assembly,
        }.Distinct().Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location)),
    ];

    /// <summary>Microsoft.Extensions.Http.Resilience and the Polly and Microsoft.Extensions assemblies its API mentions.</summary>
    internal static readonly ImmutableArray<MetadataReference> ResilienceReferences =
    [
        .. new[] { typeof(ResilienceHttpClientBuilderExtensions).Assembly, typeof(System.Threading.RateLimiting.RateLimiter).Assembly }
            .Concat(typeof(ResilienceHttpClientBuilderExtensions).Assembly.GetReferencedAssemblies()
                .Where(static name => name.Name is { } n && (n.StartsWith("Polly", StringComparison.Ordinal) || n.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)))
                .Select(System.Reflection.Assembly.Load))
            .Distinct()
            .Where(static a => !SlaKitReferences.OfType<PortableExecutableReference>().Any(r => r.FilePath == a.Location))
            .Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location)),
    ];

    /// <summary>The usings every test source starts with.</summary>
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Net.Http;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using SlaKit;
        using SlaKit.Http;
        using SlaKit.Regions;

        """;

    /// <summary>
    /// A source whose <c>Startup.Configure(services, configuration)</c> runs <paramref name="body"/>, with more members
    /// of <c>Startup</c> and more types after it.
    /// </summary>
    public static string InStartup(string body, string extraTypes = "", string startupMembers = "") => Usings + $$"""
        public static class Startup
        {
        {{Indent(startupMembers, 4)}}
            public static void Configure(IServiceCollection services, IConfiguration configuration)
            {
        {{Indent(body, 8)}}
            }
        }
        {{extraTypes}}
        """;

    public static CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> For<TAnalyzer>(string source, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { TestCode = source, ReferenceAssemblies = Net10 };
        test.TestState.AdditionalReferences.AddRange(SlaKitReferences);
        test.ExpectedDiagnostics.AddRange(expected);
        return test;
    }

    public static CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier> ForFix<TAnalyzer, TCodeFix>(string source, string fixedSource, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier> { TestCode = source, FixedCode = fixedSource, ReferenceAssemblies = Net10 };
        test.TestState.AdditionalReferences.AddRange(SlaKitReferences);
        test.FixedState.AdditionalReferences.AddRange(SlaKitReferences);
        test.ExpectedDiagnostics.AddRange(expected);
        return test;
    }

    /// <summary>The expected diagnostic of <typeparamref name="TAnalyzer"/> at markup location <c>{|#n:…|}</c>.</summary>
    public static DiagnosticResult Diagnostic<TAnalyzer>(int location, params object[] arguments)
        where TAnalyzer : DiagnosticAnalyzer, new() =>
        CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic().WithLocation(location).WithArguments(arguments);

    public static Task RunAsync<TAnalyzer>(string source, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new() =>
        For<TAnalyzer>(source, expected).RunAsync(TestContext.Current.CancellationToken);

    private static string Indent(string text, int spaces)
    {
        string pad = new(' ', spaces);
        return string.Join('\n', text.Split('\n').Select(line => line.Length == 0 ? line : pad + line));
    }
}
