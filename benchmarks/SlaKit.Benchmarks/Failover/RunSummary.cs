namespace SlaKit.Benchmarks.Failover;

/// <summary>One row of the report: a client's requests during one fault.</summary>
/// <param name="Client">The client's name.</param>
/// <param name="Fault">The fault's name.</param>
/// <param name="Requests">Requests made during the fault.</param>
/// <param name="Succeeded">Of those, the ones answered 2xx.</param>
/// <param name="FirstMs">The first request's latency once the fault was on, in milliseconds.</param>
/// <param name="P50Ms">The median latency, in milliseconds.</param>
/// <param name="P99Ms">The 99th percentile latency, in milliseconds.</param>
/// <param name="MaxMs">The longest wait, in milliseconds.</param>
/// <param name="AttemptsToPrimary">Attempts sent towards the faulty primary.</param>
/// <param name="IsBaseline">Whether this client never calls the primary (the secondary-direct baseline).</param>
/// <param name="AboveP50Us">
/// Over the requests answered by the secondary, the median of each one's wait less its time below the client's handlers
/// (<see cref="RequestSample.Below"/>), in microseconds: the client's own time; NaN when none was timed.
/// </param>
/// <param name="BelowP50Us">Over the same requests, the median time below the client's handlers, in microseconds.</param>
internal sealed record RunSummary(
    string Client, string Fault, int Requests, int Succeeded, double FirstMs, double P50Ms, double P99Ms, double MaxMs, int AttemptsToPrimary, bool IsBaseline,
    double AboveP50Us = double.NaN, double BelowP50Us = double.NaN)
{
    /// <summary>The share of requests answered 2xx; NaN when none ran.</summary>
    public double SuccessRatio => Requests == 0 ? double.NaN : (double)Succeeded / Requests;
}
