namespace SlaKit.Probes;

/// <summary>How often a probe runs and how long it may take.</summary>
public class ProbeScheduleOptions
{
    /// <summary>The time between the starts of two probes; at least 10 ms. 1 second by default.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one probe may take before it counts as Unhealthy; positive. 1 second by default.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A random spread of each interval, as a fraction of it (0.1 = ±10%), so that many clients do not probe in
    /// step; in [0, 0.5]. 0.1 by default.
    /// </summary>
    public double Jitter { get; set; } = 0.1;

    /// <summary>Checks the values, naming the first that is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        foreach ((string property, object value, string message) in Problems())
        {
            throw new ArgumentOutOfRangeException(property, value, message);
        }
    }

    /// <summary>Every value out of range, with what is wrong with it.</summary>
    internal IEnumerable<(string Property, object Value, string Message)> Problems()
    {
        if (Interval < TimeSpan.FromMilliseconds(10) || Interval > TimerDuration.Maximum)
        {
            yield return (nameof(Interval), Interval, $"The probe interval must be at least 10 ms and at most {TimerDuration.MaximumText}.");
        }

        if (!TimerDuration.IsPositiveAndAccepted(Timeout))
        {
            yield return (nameof(Timeout), Timeout, $"The probe timeout must be positive and at most {TimerDuration.MaximumText}.");
        }

        if (double.IsNaN(Jitter) || Jitter < 0 || Jitter > 0.5)
        {
            yield return (nameof(Jitter), Jitter, "The probe jitter must be in [0, 0.5].");
        }
    }
}
