namespace SlaKit.Http;

/// <summary>
/// A request body that may be needed for more than one attempt: read into memory once when its length is
/// known (or, for JSON, once it is serialized) and within the replay limit, otherwise kept as the caller's one-shot
/// content and never sent twice.
/// </summary>
internal sealed class ReplayableContent
{
    private readonly HttpContent _original;
    private readonly byte[]? _buffer;

    private ReplayableContent(HttpContent original, byte[]? buffer)
    {
        _original = original;
        _buffer = buffer;
    }

    /// <summary>The caller's own content.</summary>
    public HttpContent Original => _original;

    /// <summary>Whether the body can be sent to more than one region.</summary>
    public bool CanReplay => _buffer is not null;

    /// <summary>Content that is sent once only, never read ahead.</summary>
    public static ReplayableContent OneShot(HttpContent content) => new(content, null);

    /// <summary>
    /// Buffers <paramref name="content"/> if its length is known and at most <paramref name="limit"/> bytes, and at
    /// most <see cref="Array.MaxLength"/> (what one array holds, about 2 GiB) whatever the limit.
    /// </summary>
    public static async ValueTask<ReplayableContent> CreateAsync(HttpContent content, long limit, CancellationToken cancellationToken)
    {
        // A limit set to "always" (long.MaxValue) would be refused by HttpContent's own buffering, which stops at int.MaxValue.
        limit = Math.Min(limit, Array.MaxLength);
        if (content is System.Net.Http.Json.JsonContent && content.Headers.ContentLength is null)
        {
            // JSON (PutAsJsonAsync, PostAsJsonAsync) has no length until it is serialized, but it is an object in memory,
            // written again on each read: serialized once here, within the limit, it can go to more than one region.
            try
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                await content.LoadIntoBufferAsync(limit, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                // Longer than the limit: sent once, serialized again as it goes.
                return new ReplayableContent(content, null);
            }
        }

        // A body of unknown length (a non-seekable stream) is never read ahead: it may be endless, and reading it
        // would consume it. It goes to one region only.
        if (content.Headers.ContentLength is { } length && length <= limit)
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            byte[] buffer = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return new ReplayableContent(content, buffer);
        }

        return new ReplayableContent(content, null);
    }

    /// <summary>
    /// The body for one attempt: the caller's own content for the first, a copy of the buffer for the others.
    /// One-shot content is handed out again only after an attempt that certainly never sent it.
    /// </summary>
    public HttpContent ForAttempt(bool first)
    {
        if (first || _buffer is null)
        {
            return _original;
        }

        var copy = new ByteArrayContent(_buffer);
        foreach (KeyValuePair<string, IEnumerable<string>> header in _original.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return copy;
    }
}
