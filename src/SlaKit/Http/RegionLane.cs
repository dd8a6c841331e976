using Polly;

namespace SlaKit.Http;

/// <summary>One region of one client as attempts see it: its Polly pipeline and the last URI rewritten for it.</summary>
internal sealed class RegionLane(ResiliencePipeline<HttpResponseMessage> pipeline)
{
    private Rewritten? _last;

    /// <summary>The region's circuit breaker and attempt timeout.</summary>
    public ResiliencePipeline<HttpResponseMessage> Pipeline { get; } = pipeline;

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

    private sealed record Rewritten(Uri Source, Uri Target);
}
