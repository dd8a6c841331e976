namespace SlaKit.Benchmarks.Failover;

/// <summary>One request of a run.</summary>
/// <param name="Index">Its place in the sequence, from 0.</param>
/// <param name="SinceFault">When it started, relative to the fault's onset (negative before it).</param>
/// <param name="Latency">How long the caller waited for the answer or the failure.</param>
/// <param name="Succeeded">Whether the caller got a 2xx answer.</param>
/// <param name="Outcome">The status code, or what failed.</param>
/// <param name="Below">
/// How long its attempt answered by the secondary took below the client's own handlers (in the socket handler and on the
/// wire), when one was; the rest of <paramref name="Latency"/> is the client's own time and any attempts elsewhere. (The
/// last such answer before the request ended: a hedge that lost to another region and answered later would count with the
/// next request; in a black hole's steady state each request makes one attempt.)
/// </param>
internal readonly record struct RequestSample(int Index, TimeSpan SinceFault, TimeSpan Latency, bool Succeeded, string Outcome, TimeSpan? Below = null)
{
    /// <summary>Whether the request started once the fault was on.</summary>
    public bool DuringFault => SinceFault >= TimeSpan.Zero;
}
