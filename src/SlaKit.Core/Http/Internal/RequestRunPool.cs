namespace SlaKit.Http;

/// <summary>
/// A few <see cref="RequestRun"/>s kept for reuse, so that a request whose attempt finished before it returned
/// allocates no per-request state. Lock-free: each slot is taken and given back with one atomic exchange.
/// </summary>
internal sealed class RequestRunPool(TimeProvider time)
{
    private readonly RequestRun?[] _slots = new RequestRun?[Math.Max(4, Environment.ProcessorCount * 2)];

    /// <summary>A run from the pool, or a new one when the pool is empty.</summary>
    public RequestRun Rent()
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            if (Volatile.Read(ref _slots[i]) is not null && Interlocked.Exchange(ref _slots[i], null) is { } run)
            {
                return run;
            }
        }

        return new RequestRun(time);
    }

    /// <summary>Keeps <paramref name="run"/> for a later request if it can be reset and a slot is free; otherwise disposes it.</summary>
    public void Return(RequestRun run)
    {
        if (run.TryReset())
        {
            for (int i = 0; i < _slots.Length; i++)
            {
                if (Interlocked.CompareExchange(ref _slots[i], run, null) is null)
                {
                    return;
                }
            }
        }

        run.Dispose();
    }
}
