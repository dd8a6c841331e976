using System;
using System.Collections.Immutable;
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
            KnownTypes? types = KnownTypes.Create(start.Compilation);
            if (types is null || types.EntryPoints.IsEmpty)
            {
                return;
            }

            ImmutableArray<AppSettingsView> appSettings = readsAppSettings
                ? AppSettingsFiles.Read(start.Options.AdditionalFiles, start.CancellationToken)
                : ImmutableArray<AppSettingsView>.Empty;
            var compilation = new FailoverCompilation(types, appSettings, ReadTarget(start.Compilation.Assembly, types));

            start.RegisterOperationAction(
                operationContext =>
                {
                    if (ReadCall(operationContext.Operation, types) is { } call)
                    {
                        onCall(operationContext, call, compilation);
                    }
                },
                OperationKind.Invocation,
                OperationKind.ObjectCreation);
        });
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
