using System.Globalization;
using SlaKit.Probes;

namespace SlaKit.Http;

/// <summary>
/// The gRPC status a region put in the headers of its answer. A gRPC server that fails a call before sending any
/// message answers HTTP 200 with <c>grpc-status</c> in the headers ("trailers-only", gRPC over HTTP/2, PROTOCOL-HTTP2.md);
/// the HTTP status alone would count that as a success.
/// </summary>
internal static class GrpcStatus
{
    /// <summary>UNAVAILABLE: the service cannot take the call now; the gRPC code for "try elsewhere".</summary>
    public const int Unavailable = 14;

    /// <summary>RESOURCE_EXHAUSTED: out of quota or capacity, the gRPC answer to overload.</summary>
    public const int ResourceExhausted = 8;

    /// <summary>
    /// A trailers-only answer with <paramref name="status"/>, as a gRPC server or proxy sends it: HTTP/2 200,
    /// <c>application/grpc</c>, and <c>grpc-status</c> and the percent-encoded <c>grpc-message</c> in the headers.
    /// </summary>
    public static HttpResponseMessage Answer(HttpRequestMessage request, int status, string message)
    {
        var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            RequestMessage = request,
            Version = System.Net.HttpVersion.Version20,
            Content = new ByteArrayContent([]),
        };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        response.Headers.TryAddWithoutValidation("grpc-status", status.ToString(CultureInfo.InvariantCulture));
        response.Headers.TryAddWithoutValidation("grpc-message", Uri.EscapeDataString(message));
        return response;
    }

    /// <summary>The status code in a trailers-only answer's headers; <see langword="null"/> when there is none.</summary>
    public static int? InHeaders(HttpResponseMessage response) => GrpcHeaders.Status(response.Headers);

    /// <summary>Whether a trailers-only answer's status is a failure of the region: UNAVAILABLE or RESOURCE_EXHAUSTED.</summary>
    public static bool IsRegionFailure(HttpResponseMessage response) =>
        InHeaders(response) is Unavailable or ResourceExhausted;

    /// <summary>
    /// How long the server asks the client not to call again: <c>grpc-retry-pushback-ms</c> (gRFC A6), in the headers of a
    /// trailers-only answer. A negative or malformed value means "do not retry" and is no push-back to honour here.
    /// </summary>
    public static TimeSpan? Pushback(HttpResponseMessage response) =>
        response.Headers.TryGetValues("grpc-retry-pushback-ms", out IEnumerable<string>? values) &&
        long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out long milliseconds) && milliseconds > 0
            ? TimeSpan.FromMilliseconds(milliseconds)
            : null;
}

/// <summary>Recognises a gRPC call among a client's requests, and the methods declared safe to repeat.</summary>
internal static class GrpcMethod
{
    /// <summary>Whether <paramref name="name"/> is written <c>package.Service/Method</c>: two non-empty parts, no spaces.</summary>
    public static bool IsWellFormed(string? name)
    {
        string trimmed = (name ?? "").TrimStart('/');
        int slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < trimmed.Length - 1 && trimmed.IndexOf('/', slash + 1) < 0 && !trimmed.Any(char.IsWhiteSpace);
    }

    /// <summary>
    /// Whether <paramref name="request"/> is a gRPC call (<c>Content-Type: application/grpc</c>, PROTOCOL-HTTP2.md) to one of
    /// <paramref name="idempotent"/>; its path is <c>/package.Service/Method</c>.
    /// </summary>
    public static bool IsDeclaredIdempotent(HttpRequestMessage request, ISet<string> idempotent) =>
        idempotent.Count > 0 && IsGrpc(request) && request.RequestUri is { } uri &&
        (idempotent.Contains(Path(uri).TrimStart('/')) || idempotent.Contains(Path(uri)));

    /// <summary>Whether <paramref name="request"/> is a gRPC call: <c>Content-Type: application/grpc</c>, with or without a suffix (PROTOCOL-HTTP2.md).</summary>
    public static bool IsGrpc(HttpRequestMessage request) =>
        request.Content?.Headers.ContentType?.MediaType is { } media && media.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    private static string Path(Uri uri) => uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];
}
