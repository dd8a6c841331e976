using System;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SlaKit.Analyzers.Configuration;

namespace SlaKit.Analyzers.Model;

/// <summary>What the failover rules know about one compilation: its types, its settings files and its SLA target.</summary>
internal sealed class FailoverCompilation
{
    private FailoverCompilation(KnownTypes types, ImmutableArray<AppSettingsView> appSettings, decimal? assemblyTarget)
    {
        Types = types;
        AppSettings = appSettings;
        AssemblyTarget = assemblyTarget;
    }

    public KnownTypes Types { get; }

    /// <summary>One view per environment of the <c>appsettings*.json</c> AdditionalFiles.</summary>
    public ImmutableArray<AppSettingsView> AppSettings { get; }

    /// <summary>The unavailability allowed by <c>[assembly: SlaTarget(…)]</c>, if declared.</summary>
    public decimal? AssemblyTarget { get; }

    /// <summary>
    /// Registers <paramref name="onCall"/> for every failover set up in a compilation that references SlaKit; the
    /// types are looked up once, and a compilation without them costs nothing more.
    /// </summary>
    public static void Register(AnalysisContext context, bool readsAppSettings, Action<OperationAnalysisContext, FailoverCall, FailoverCompilation> onCall)
    {
        context.RegisterCompilationStartAction(start =>
        {
            if (Create(start.Compilation, start.Options, readsAppSettings, start.CancellationToken) is not { } compilation)
            {
                return;
            }

            start.RegisterOperationAction(
                operationContext =>
                {
                    if (ReadCall(operationContext.Operation, compilation.Types) is { } call)
                    {
                        onCall(operationContext, call, compilation);
                    }
                },
                OperationKind.Invocation,
                OperationKind.ObjectCreation);
        });
    }

    /// <summary>
    /// Registers <paramref name="onCall"/> for every failover, as <see cref="Register"/> does, for a rule whose verdict
    /// holds only for the regions in view. A failover set up by a method (<c>AddRegionFailover</c>) configures named
    /// options, which <c>services.Configure&lt;RegionFailoverOptions&gt;(name, …)</c> and its kind can add regions to
    /// anywhere in the project; so the diagnostics <paramref name="onCall"/> reports are held until the compilation ends,
    /// and those of such a failover are dropped when the project configures its options type elsewhere. The rule's
    /// descriptor carries <see cref="WellKnownDiagnosticTags.CompilationEnd"/>.
    /// </summary>
    public static void RegisterUntilOptionsAreKnown(AnalysisContext context, bool readsAppSettings, Action<Action<Diagnostic>, FailoverCall, FailoverCompilation> onCall)
    {
        context.RegisterCompilationStartAction(start =>
        {
            if (Create(start.Compilation, start.Options, readsAppSettings, start.CancellationToken) is not { } compilation)
            {
                return;
            }

            var options = new OptionsConfiguredElsewhere(compilation.Types.EntryPoints);
            start.RegisterOperationAction(
                operationContext =>
                {
                    if (ReadCall(operationContext.Operation, compilation.Types) is { } call)
                    {
                        onCall(diagnostic => options.Hold(call.EntryPoint, diagnostic), call, compilation);
                        return;
                    }

                    options.Inspect(operationContext.Operation);
                },
                OperationKind.Invocation,
                OperationKind.ObjectCreation);
            start.RegisterSymbolAction(symbolContext => options.Inspect((INamedTypeSymbol)symbolContext.Symbol), SymbolKind.NamedType);
            start.RegisterCompilationEndAction(options.Report);
        });
    }

    private static FailoverCompilation? Create(Compilation compilation, AnalyzerOptions options, bool readsAppSettings, CancellationToken cancellationToken)
    {
        KnownTypes? types = KnownTypes.Create(compilation);
        if (types is null || types.EntryPoints.IsEmpty)
        {
            return null;
        }

        ImmutableArray<AppSettingsView> appSettings = readsAppSettings
            ? AppSettingsFiles.Read(options.AdditionalFiles, cancellationToken)
            : ImmutableArray<AppSettingsView>.Empty;
        return new FailoverCompilation(types, appSettings, ReadTarget(compilation.Assembly, types));
    }

    /// <summary>The failover an invocation or object creation sets up, or <see langword="null"/> when it sets up none.</summary>
    public static FailoverCall? ReadCall(IOperation operation, KnownTypes types)
    {
        foreach (ResolvedEntryPoint entryPoint in types.EntryPoints)
        {
            FailoverCall? call = operation switch
            {
                IInvocationOperation invocation when entryPoint.Matches(invocation) =>
                    FailoverCallReader.Read(invocation, invocation.Arguments, invocation.TargetMethod, entryPoint, types),
                IObjectCreationOperation { Constructor: { } constructor } creation when entryPoint.Matches(creation) =>
                    FailoverCallReader.Read(creation, creation.Arguments, constructor, entryPoint, types),
                _ => null,
            };

            if (call is not null)
            {
                return call;
            }
        }

        return null;
    }

    /// <summary>The unavailability a <c>[SlaTarget(percent)]</c> on <paramref name="symbol"/> allows, if it has a valid one.</summary>
    public static decimal? ReadTarget(ISymbol symbol, KnownTypes types)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (types.SlaTargetAttribute.Contains(attribute.AttributeClass) &&
                attribute.ConstructorArguments.Length == 1 &&
                attribute.ConstructorArguments[0].Value is double percent &&
                percent > 0)
            {
                return AvailabilityMath.FromPercent(percent);
            }
        }

        return null;
    }
}
