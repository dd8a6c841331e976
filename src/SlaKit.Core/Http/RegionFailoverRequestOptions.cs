namespace SlaKit.Http;

/// <summary>Per-request settings and results of region failover, kept in <see cref="HttpRequestMessage.Options"/>.</summary>
public static class RegionFailoverRequestOptions
{
    /// <summary>
    /// Marks a POST or PATCH as safe to send to a second region (the server deduplicates it), as an
    /// <c>Idempotency-Key</c> header also does.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("SlaKit.Idempotent");

    /// <summary>
    /// Names the request's latency class: each region learns the latency of every class apart, and a request's hedging
    /// delay and the bound past which its attempt makes its region overdue come from its own class's answers. Give a slow
    /// endpoint a class of its own (a statement generated on the fly beside a balance lookup), so that its answers
    /// neither delay the hedges of the fast ones nor look overdue against them.
    /// </summary>
    /// <remarks>
    /// Requests without a class share the region's default class, as the warm-up does. Names are compared ordinally; a
    /// client keeps at most 32 of them, and a request that names another shares the default class (the first such name is
    /// logged as a warning). A <see langword="null"/>, empty or white-space name set here is taken as no class;
    /// <see cref="SetLatencyClass"/> refuses one. A unary gRPC call with no class set is classed by its method path
    /// (<c>/package.Service/Method</c>).
    /// </remarks>
    public static readonly HttpRequestOptionsKey<string> LatencyClass = new("SlaKit.LatencyClass");

    /// <summary>Set by the failover handler: the name of the region whose answer the caller received.</summary>
    public static readonly HttpRequestOptionsKey<string> ServedBy = new("SlaKit.ServedBy");

    /// <summary>Marks the request as safe to send to a second region; see <see cref="Idempotent"/>.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The same request, for chaining.</returns>
    public static HttpRequestMessage MarkIdempotent(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(Idempotent, true);
        return request;
    }

    /// <summary>Puts the request in the latency class <paramref name="latencyClass"/>; see <see cref="LatencyClass"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="latencyClass">The class's name, such as <c>"statements"</c>.</param>
    /// <returns>The same request, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="latencyClass"/> is empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="latencyClass"/> is <see langword="null"/>.</exception>
    public static HttpRequestMessage SetLatencyClass(this HttpRequestMessage request, string latencyClass)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(latencyClass);
        request.Options.Set(LatencyClass, latencyClass);
        return request;
    }

    /// <summary>The name of the region that answered the request, once it has been sent through a failover client.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The region's name, or <see langword="null"/>.</returns>
    public static string? GetServedRegion(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Options.TryGetValue(ServedBy, out string? region) ? region : null;
    }
}
