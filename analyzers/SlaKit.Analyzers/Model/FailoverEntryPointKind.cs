namespace SlaKit.Analyzers.Model;

/// <summary>How a failover is set up: by calling a method, or by constructing a type.</summary>
internal enum FailoverEntryPointKind
{
    Method,
    Constructor,
}
