namespace SlaKit.Probes;

/// <summary>
/// A probe written as a function: check a CPU or concurrency threshold, a queue depth, a recognition rate.
/// </summary>
/// <example>
/// <code>
/// var cpu = new DelegateProbe(ct =&gt; ValueTask.FromResult(cpuPercent() switch
/// {
///     &gt; 95 =&gt; HealthProbeResult.Unhealthy(TimeSpan.Zero, "CPU above 95%"),
///     &gt; 80 =&gt; HealthProbeResult.Degraded(TimeSpan.Zero, "CPU above 80%"),
///     _ =&gt; HealthProbeResult.Healthy(TimeSpan.Zero, "CPU normal"),
/// }));
/// </code>
/// </example>
public sealed class DelegateProbe : IHealthProbe
{
    private readonly Func<CancellationToken, ValueTask<HealthProbeResult>> _probe;

    /// <summary>Creates the probe.</summary>
    /// <param name="probe">The check; it should honour the token and report failures as results.</param>
    /// <exception cref="ArgumentNullException"><paramref name="probe"/> is <see langword="null"/>.</exception>
    public DelegateProbe(Func<CancellationToken, ValueTask<HealthProbeResult>> probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        _probe = probe;
    }

    /// <inheritdoc/>
    public ValueTask<HealthProbeResult> ProbeAsync(CancellationToken cancellationToken) => _probe(cancellationToken);
}
