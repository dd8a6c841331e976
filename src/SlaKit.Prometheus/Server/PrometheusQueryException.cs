namespace SlaKit.Prometheus.Server;

/// <summary>
/// A Prometheus server could not give what a report needs: it did not answer, it refused the query, or the series
/// asked for holds no data in a month of the report. A report is never made from what is missing.
/// </summary>
public sealed class PrometheusQueryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PrometheusQueryException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public PrometheusQueryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public PrometheusQueryException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
