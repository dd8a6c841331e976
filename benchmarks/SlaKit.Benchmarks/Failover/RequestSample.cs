namespace SlaKit.Benchmarks.Failover;

/// <summary>One request of a run.</summary>
/// <param name="Index">Its place in the sequence, from 0.</param>
/// <param name="SinceFault">When it started, relative to the fault's onset (negative before it).</param>
/// <param name="Latency">How long the caller waited for the answer or the failure.</param>
/// <param name="Succeeded">Whether the caller got a 2xx answer.</param>
/// <param name="Outcome">The status code, or what failed.</param>
internal readonly record struct RequestSample(int Index, TimeSpan SinceFault, TimeSpan Latency, bool Succeeded, string Outcome)
{
    /// <summary>Whether the request started once the fault was on.</summary>
    public bool DuringFault => SinceFault >= TimeSpan.Zero;
}
