namespace SlaKit.Probes;

/// <summary>
/// Checks one target — an HTTP endpoint, a TCP port, a SIP server, or anything user code can measure — and says
/// how healthy it is. Probes run on a schedule and steer routing before customers notice a failure.
/// </summary>
/// <remarks>
/// A probe reports failures as an <see cref="ProbeStatus.Unhealthy"/> result rather than by throwing, and returns
/// promptly when <c>cancellationToken</c> is cancelled (the scheduler cancels it at the probe timeout).
/// Implementations must be safe to call from one scheduler at a time; they are not called concurrently.
/// </remarks>
public interface IHealthProbe
{
    /// <summary>Checks the target once.</summary>
    /// <param name="cancellationToken">Cancelled when the probe times out or the scheduler stops.</param>
    /// <returns>What the probe found.</returns>
    ValueTask<HealthProbeResult> ProbeAsync(CancellationToken cancellationToken);
}
