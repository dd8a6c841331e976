namespace SlaKit.Http;

/// <summary>Per-request settings and results of region failover, kept in <see cref="HttpRequestMessage.Options"/>.</summary>
public static class RegionFailoverRequestOptions
{
    /// <summary>
    /// Marks a POST or PATCH as safe to send to a second region (the server deduplicates it), as an
    /// <c>Idempotency-Key</c> header also does.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("SlaKit.Idempotent");

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

    /// <summary>The name of the region that answered the request, once it has been sent through a failover client.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The region's name, or <see langword="null"/>.</returns>
    public static string? GetServedRegion(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Options.TryGetValue(ServedBy, out string? region) ? region : null;
    }
}
