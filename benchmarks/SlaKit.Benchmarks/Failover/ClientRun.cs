namespace SlaKit.Benchmarks.Failover;

/// <summary>One client's requests through one fault, and what the figures in the report are made of.</summary>
/// <param name="Client">The client.</param>
/// <param name="Fault">The primary's fault.</param>
/// <param name="Samples">Every request, in order.</param>
/// <param name="AttemptsToPrimary">Attempts the client sent towards the primary once the fault was on (its hedges and retries included).</param>
/// <param name="Planned">How many requests the sequence had; fewer ran when the time budget ran out.</param>
internal sealed record ClientRun(HarnessClient Client, Fault Fault, IReadOnlyList<RequestSample> Samples, int AttemptsToPrimary, int Planned)
{
    /// <summary>The requests made during the fault: the report's figures are over these.</summary>
    public IReadOnlyList<RequestSample> DuringFault => [.. Samples.Where(static s => s.DuringFault)];

    public RunSummary Summarise()
    {
        IReadOnlyList<RequestSample> during = DuringFault;
        double[] latencies = [.. during.Select(static s => s.Latency.TotalMilliseconds)];
        RequestSample[] timed = [.. during.Where(static s => s.Below is not null)];
        double[] above = [.. timed.Select(static s => (s.Latency - s.Below!.Value).TotalMicroseconds)];
        double[] below = [.. timed.Select(static s => s.Below!.Value.TotalMicroseconds)];
        return new RunSummary(
            HarnessClientNames.Name(Client),
            FaultNames.Name(Fault),
            during.Count,
            during.Count(static s => s.Succeeded),
            during.Count == 0 ? double.NaN : during[0].Latency.TotalMilliseconds,
            Percentiles.NearestRank(latencies, 50),
            Percentiles.NearestRank(latencies, 99),
            latencies.Length == 0 ? double.NaN : latencies.Max(),
            AttemptsToPrimary,
            Client == HarnessClient.SecondaryDirect,
            Percentiles.NearestRank(above, 50),
            Percentiles.NearestRank(below, 50));
    }
}
