namespace SlaKit.Benchmarks.Failover;

/// <summary>
/// Counts the attempts a client sends to one authority. Its handler sits right above the socket handler, below every
/// resilience handler, so each retry and hedge towards the primary passes it once.
/// </summary>
internal sealed class AttemptCounter(Uri watched)
{
    private int _count;

    /// <summary>Attempts sent to the watched authority so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>A handler over <paramref name="inner"/> that counts into this counter; one per handler the factory builds.</summary>
    public DelegatingHandler Over(HttpMessageHandler inner) => new CountingHandler(this) { InnerHandler = inner };

    private void Note(HttpRequestMessage request)
    {
        if (request.RequestUri is { IsAbsoluteUri: true } uri &&
            string.Equals(uri.IdnHost, watched.IdnHost, StringComparison.OrdinalIgnoreCase) && uri.Port == watched.Port)
        {
            Interlocked.Increment(ref _count);
        }
    }

    private sealed class CountingHandler(AttemptCounter counter) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            counter.Note(request);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
