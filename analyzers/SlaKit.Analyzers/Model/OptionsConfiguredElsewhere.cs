using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SlaKit.Analyzers.Model;

/// <summary>
/// Which failover options types one compilation configures through the options pattern outside the failover call, and
/// the diagnostics held until that is known. A failover registered by a method (<c>AddRegionFailover</c>) configures
/// named options, which <c>services.Configure&lt;RegionFailoverOptions&gt;("payments", …)</c> and its kind can add
/// regions to anywhere in the project: while the project does so, the failover's regions are not all in view.
/// </summary>
internal sealed class OptionsConfiguredElsewhere
{
    private readonly ImmutableArray<ResolvedEntryPoint> _entryPoints;
    private readonly int[] _configuredElsewhere;
    private readonly ConcurrentQueue<(ResolvedEntryPoint EntryPoint, Diagnostic Diagnostic)> _held = new();

    public OptionsConfiguredElsewhere(ImmutableArray<ResolvedEntryPoint> entryPoints)
    {
        _entryPoints = entryPoints;
        _configuredElsewhere = new int[entryPoints.Length];
    }

    /// <summary>Holds a diagnostic about a failover of <paramref name="entryPoint"/> until the compilation ends.</summary>
    public void Hold(ResolvedEntryPoint entryPoint, Diagnostic diagnostic) => _held.Enqueue((entryPoint, diagnostic));

    /// <summary>Notes an invocation or object creation that configures an entry point's options.</summary>
    public void Inspect(IOperation operation)
    {
        for (int i = 0; i < _entryPoints.Length; i++)
        {
            if (ReadsNamedOptions(_entryPoints[i]) && OptionsPatternReader.Configures(operation, _entryPoints[i].Options))
            {
                Interlocked.Exchange(ref _configuredElsewhere[i], 1);
            }
        }
    }

    /// <summary>Notes a class that configures an entry point's options (<c>IConfigureOptions&lt;RegionFailoverOptions&gt;</c>).</summary>
    public void Inspect(INamedTypeSymbol type)
    {
        for (int i = 0; i < _entryPoints.Length; i++)
        {
            if (ReadsNamedOptions(_entryPoints[i]) && OptionsPatternReader.Configures(type, _entryPoints[i].Options))
            {
                Interlocked.Exchange(ref _configuredElsewhere[i], 1);
            }
        }
    }

    /// <summary>Reports the held diagnostics of the failovers whose options the compilation configures nowhere else.</summary>
    public void Report(CompilationAnalysisContext context)
    {
        foreach ((ResolvedEntryPoint entryPoint, Diagnostic diagnostic) in _held)
        {
            if (Volatile.Read(ref _configuredElsewhere[_entryPoints.IndexOf(entryPoint)]) == 0)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }
    }

    /// <summary>Whether the entry point's regions come from the options pattern: a method registering the failover's options, not a constructor given them.</summary>
    private static bool ReadsNamedOptions(ResolvedEntryPoint entryPoint) =>
        entryPoint.Definition.Kind == FailoverEntryPointKind.Method && !entryPoint.Options.IsEmpty;
}
