using System.Diagnostics;

namespace SlaKit.Benchmarks.Failover;

/// <summary>
/// Counts the attempts a client sends to one authority, and times the requests it sends anywhere else. Its handler sits
/// right above the socket handler, below every resilience handler, so each retry and hedge towards the primary passes it
/// once, and the time a request spends below it is the socket handler's and the wire's, not the client's own.
/// </summary>
internal sealed class AttemptCounter(Uri watched)
{
    private const long NoneTimed = -1;

    private int _count;
    private long _below = NoneTimed;

    /// <summary>Attempts sent to the watched authority so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>A handler over <paramref name="inner"/> that counts into this counter; one per handler the factory builds.</summary>
    public DelegatingHandler Over(HttpMessageHandler inner) => new CountingHandler(this) { InnerHandler = inner };

    /// <summary>
    /// How long the last request sent to another authority than the watched one spent below this counter's handlers, from
    /// the call until its headers came back; <see langword="null"/> when none was timed since the last call. Each time is
    /// taken once.
    /// </summary>
    public TimeSpan? TakeTimeBelow()
    {
        long ticks = Interlocked.Exchange(ref _below, NoneTimed);
        return ticks == NoneTimed ? null : Stopwatch.GetElapsedTime(0, ticks);
    }

    private bool IsWatched(HttpRequestMessage request) =>
        request.RequestUri is { IsAbsoluteUri: true } uri &&
        string.Equals(uri.IdnHost, watched.IdnHost, StringComparison.OrdinalIgnoreCase) && uri.Port == watched.Port;

    private sealed class CountingHandler(AttemptCounter counter) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (counter.IsWatched(request))
            {
                Interlocked.Increment(ref counter._count);
                return base.SendAsync(request, cancellationToken);
            }

            return TimedAsync(request, cancellationToken);
        }

        private async Task<HttpResponseMessage> TimedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            long start = Stopwatch.GetTimestamp();
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref counter._below, Stopwatch.GetTimestamp() - start);
            return response;
        }
    }
}
