using Polly;
using Polly.CircuitBreaker;

namespace SlaKit.Http;

/// <summary>One region of one client as attempts see it: its Polly pipelines and the last URI rewritten for it.</summary>
/// <param name="breaker">The region's circuit breaker alone.</param>
/// <param name="timed">The same circuit breaker around Polly's attempt timeout.</param>
/// <param name="circuit">The state of that circuit breaker.</param>
internal sealed class RegionLane(ResiliencePipeline<HttpResponseMessage> breaker, ResiliencePipeline<HttpResponseMessage> timed, CircuitBreakerStateProvider circuit)
{
    private readonly List<Http2ConnectionStream> _connections = [];
    private Rewritten? _last;

    /// <summary>The region's circuit breaker, for an attempt whose request carries its own attempt timeout (<see cref="RequestRun.OwnAttemptTimeout"/>).</summary>
    public ResiliencePipeline<HttpResponseMessage> Breaker { get; } = breaker;

    /// <summary>The region's circuit breaker and attempt timeout, for every other attempt.</summary>
    public ResiliencePipeline<HttpResponseMessage> Pipeline { get; } = timed;

    /// <summary>Whether the region's circuit breaker is closed: it lets every attempt through, and only counts their outcomes.</summary>
    public bool IsClosed => circuit.CircuitState == CircuitState.Closed;

    /// <summary>
    /// The URI an attempt against <paramref name="endpoint"/> sends <paramref name="requestUri"/> to, as
    /// <see cref="AttemptRequestFactory.RegionUri"/> builds it, reusing the last answer when the caller's URI is the same.
    /// </summary>
    /// <remarks>
    /// Building a <see cref="Uri"/> means parsing a string; a client that calls the same URI again and again (a status
    /// endpoint, a balance lookup) need not pay for that every time. Two URIs of the same kind with the same original
    /// string parse to the same path and query, so the text decides a hit. <see cref="Uri"/> is immutable, so the
    /// cached one may be shared by any number of requests.
    /// </remarks>
    public Uri RegionUri(Uri endpoint, Uri? requestUri)
    {
        if (requestUri is null)
        {
            return AttemptRequestFactory.RegionUri(endpoint, requestUri);
        }

        Rewritten? last = Volatile.Read(ref _last);
        if (last is not null && (ReferenceEquals(last.Source, requestUri) ||
            (last.Source.IsAbsoluteUri == requestUri.IsAbsoluteUri && string.Equals(last.Source.OriginalString, requestUri.OriginalString, StringComparison.Ordinal))))
        {
            return last.Target;
        }

        Uri target = AttemptRequestFactory.RegionUri(endpoint, requestUri);
        Volatile.Write(ref _last, new Rewritten(requestUri, target));
        return target;
    }

    /// <summary>Lists an HTTP/2 connection open to the region (<see cref="Http2ConnectionStream"/>).</summary>
    public void AddConnection(Http2ConnectionStream connection)
    {
        lock (_connections)
        {
            _connections.Add(connection);
        }
    }

    /// <summary>Takes a closed connection off the list.</summary>
    public void RemoveConnection(Http2ConnectionStream connection)
    {
        lock (_connections)
        {
            _connections.Remove(connection);
        }
    }

    /// <summary>
    /// Closes every HTTP/2 connection to the region on which nothing has come in since <paramref name="since"/> (a
    /// <see cref="TimeProvider"/> timestamp): called when an attempt that began then has timed out, so that the next
    /// attempt opens a new connection, as it would over HTTP/1.1, instead of waiting on one that has gone silent. A
    /// connection opened after <paramref name="since"/> with nothing in yet is left open while it is younger than
    /// <paramref name="grace"/> (see <see cref="Http2ConnectionStream.IsSilentSince"/>).
    /// </summary>
    public void AbortSilentConnections(long since, TimeSpan grace)
    {
        Http2ConnectionStream[] open;
        lock (_connections)
        {
            if (_connections.Count == 0)
            {
                return;
            }

            open = [.. _connections];
        }

        foreach (Http2ConnectionStream connection in open)
        {
            if (connection.IsSilentSince(since, grace))
            {
                connection.Abort();
            }
        }
    }

    private sealed record Rewritten(Uri Source, Uri Target);
}
