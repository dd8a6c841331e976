namespace SlaKit.Http;

/// <summary>
/// Reads a small answer's body inside its attempt, before the answer is handed over: one whose <c>Content-Length</c>
/// is at most <see cref="MaxBytes"/>. Such a body almost always comes with its headers, and <see cref="HttpClient"/>
/// reads it whole anyway unless told otherwise. Read here, a body that breaks off is the attempt's transport error: a
/// request safe to repeat goes on to the next region instead of throwing at its caller after good headers, and the
/// answer needs no watching afterwards (<see cref="WatchedContent"/>), which only a longer or unsized body still gets.
/// </summary>
internal static class SmallAnswer
{
    /// <summary>The longest body read inside the attempt, in bytes.</summary>
    public const long MaxBytes = 16 * 1024;

    /// <summary>
    /// Whether the answer to a <paramref name="method"/> request is read whole inside its attempt: it may still have a
    /// body to come (<see cref="WatchedContent.MayBreakOff"/>), whose <c>Content-Length</c> is at most <see cref="MaxBytes"/>.
    /// </summary>
    public static bool IsReadWhole(HttpResponseMessage response, HttpMethod method) =>
        WatchedContent.MayBreakOff(response, method) && IsSmall(response);

    /// <summary>
    /// Whether an answer already known to have a body to come (<see cref="WatchedContent.MayBreakOff"/>) is small: its
    /// <c>Content-Length</c> is at most <see cref="MaxBytes"/>.
    /// </summary>
    public static bool IsSmall(HttpResponseMessage response) => response.Content.Headers.ContentLength is <= MaxBytes;

    /// <summary>
    /// The answer <paramref name="sent"/> gives, with its body read into memory when it is small (see <see cref="IsReadWhole"/>).
    /// An answer already there that is not small costs nothing more.
    /// </summary>
    /// <exception cref="HttpRequestException">The body broke off before its end (the answer is disposed).</exception>
    public static ValueTask<HttpResponseMessage> ReadAsync(Task<HttpResponseMessage> sent, HttpMethod method, CancellationToken cancellationToken)
    {
        if (sent.IsCompletedSuccessfully && !IsReadWhole(sent.Result, method))
        {
            return new ValueTask<HttpResponseMessage>(sent);
        }

        return ReadWholeAsync(sent, method, cancellationToken);
    }

    private static async ValueTask<HttpResponseMessage> ReadWholeAsync(Task<HttpResponseMessage> sent, HttpMethod method, CancellationToken cancellationToken)
    {
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        HttpResponseMessage response = await sent.ConfigureAwait(false);
        if (!IsReadWhole(response, method))
        {
            return response;
        }

        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch (HttpRequestException exception) when (!cancellationToken.IsCancellationRequested)
        {
            response.Dispose();
            throw new HttpRequestException(HttpRequestError.ResponseEnded, "its answer broke off after its headers", exception);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
