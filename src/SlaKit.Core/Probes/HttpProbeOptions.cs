namespace SlaKit.Probes;

/// <summary>How an <see cref="HttpProbe"/> checks its target.</summary>
public sealed class HttpProbeOptions
{
    /// <summary>How long the probe waits for an answer; positive. 2 seconds by default.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The status codes that mean healthy; empty (the default) accepts any 2xx.</summary>
    public IList<int> ExpectedStatusCodes { get; } = [];

    /// <summary>
    /// An answer slower than this, though expected, reports Degraded; <see langword="null"/> (the default) never does.
    /// </summary>
    public TimeSpan? DegradedLatency { get; set; }

    /// <summary>How many redirects to the same scheme, host and port are followed; zero or more. 3 by default.
    /// A redirect to any other host is never followed: it reports Unhealthy.</summary>
    public int MaxRedirects { get; set; } = 3;

    /// <summary>What is wrong with these options, each as the property, its value and why; empty when nothing is.</summary>
    internal IEnumerable<(string Property, object Value, string Message)> Problems()
    {
        if (!TimerDuration.IsPositiveAndAccepted(Timeout))
        {
            yield return (nameof(Timeout), Timeout, $"must be positive and at most {TimerDuration.MaximumText}");
        }

        if (MaxRedirects < 0)
        {
            yield return (nameof(MaxRedirects), MaxRedirects, "must not be negative");
        }

        if (DegradedLatency is { } slow && slow <= TimeSpan.Zero)
        {
            yield return (nameof(DegradedLatency), slow, "must be positive: every answer would be Degraded");
        }

        foreach (int status in ExpectedStatusCodes)
        {
            if (status is < 100 or > 599)
            {
                yield return (nameof(ExpectedStatusCodes), status, "is not an HTTP status code (100 to 599): no answer could match it");
            }
        }
    }
}
