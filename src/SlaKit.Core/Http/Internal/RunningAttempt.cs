using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>
/// An attempt of a hedged request under way, started at the <see cref="TimeProvider"/> timestamp <see cref="Started"/>;
/// <see cref="Cancel"/> is <see langword="null"/> for a first attempt that uses the run's own token.
/// </summary>
internal sealed record RunningAttempt(Task<AttemptResult> Task, CancellationTokenSource? Cancel, TrackedRegion Region, int Index, long Started);
