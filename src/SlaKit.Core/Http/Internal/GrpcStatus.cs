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

    /// <summary>DEADLINE_EXCEEDED: the call ran out of time, and may have completed all the same.</summary>
    public const int DeadlineExceeded = 4;

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

    /// <summary>
    /// The status a gRPC call gets when every region it tried failed (<paramref name="failure"/>). A call that an attempt
    /// timeout or the total timeout ended somewhere gets DEADLINE_EXCEEDED: the region may have carried it out, and
    /// doc/statuscodes.md says of that status that a call which changes state may have completed. UNAVAILABLE ("try
    /// again") would ask the caller's retry policy to send it once more, charging twice. Any other failure (refused,
    /// reset, a failing status in every region, an open circuit) gets UNAVAILABLE, the status a gRPC client gives a
    /// transport failure itself.
    /// </summary>
    public static int ForFailover(RegionFailoverException failure)
    {
        if (failure.TotalTimeoutElapsed)
        {
            return DeadlineExceeded;
        }

        foreach (RegionAttemptOutcome outcome in failure.Outcomes)
        {
            if (outcome.Kind == RegionAttemptOutcomeKind.Timeout)
            {
                return DeadlineExceeded;
            }
        }

        return Unavailable;
    }

    /// <summary>
    /// The status code of a region's answer: in the headers of a trailers-only answer, or in the trailers of an answer
    /// read whole by <see cref="ReadWholeAsync"/>; <see langword="null"/> when there is none.
    /// </summary>
    public static int? Of(HttpResponseMessage response) => GrpcHeaders.Status(StatusHeaders(response));

    /// <summary>
    /// Whether the status of a gRPC call is still to come, in the trailers after its answer's body (PROTOCOL-HTTP2.md):
    /// an HTTP/2 or later 200 with an <c>application/grpc</c> body, no <c>grpc-status</c> in its headers (it is not
    /// trailers-only), and a body not yet read whole by <see cref="ReadWholeAsync"/>.
    /// </summary>
    /// <remarks>The version is looked at first: a plain HTTP/1.1 answer pays for nothing more (see <see cref="StatusHeaders"/>).</remarks>
    public static bool ComesInTrailers(HttpResponseMessage response) =>
        response.Version.Major >= 2 && response.StatusCode == System.Net.HttpStatusCode.OK && response.Content is not WholeReply &&
        GrpcHeaders.Status(response.Headers) is null && IsHttp2Grpc(response.Content.Headers.ContentType?.MediaType);

    /// <summary>
    /// Whether <paramref name="media"/> is gRPC over HTTP/2's own, <c>application/grpc</c> or <c>application/grpc+proto</c>
    /// and the like, whose status travels in HTTP trailers; gRPC-Web's (<c>application/grpc-web</c>) puts them in the body.
    /// </summary>
    private static bool IsHttp2Grpc(string? media) =>
        media is not null && media.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) &&
        (media.Length == "application/grpc".Length || media["application/grpc".Length] == '+');

    /// <summary>
    /// Whether <paramref name="status"/> is the service's fault rather than the caller's, as a 5xx is: UNKNOWN (2),
    /// DEADLINE_EXCEEDED (4), INTERNAL (13), UNAVAILABLE (14) and DATA_LOSS (15), the codes gRPC's status-code guide
    /// leaves to the server. The others (an invalid argument, a missing entity, a denied permission, a call the caller
    /// cancelled) are the caller's, as a 4xx is.
    /// </summary>
    public static bool IsServerFault(int status) => status is 2 or 4 or 13 or 14 or 15;

    /// <summary>The codes of <paramref name="statuses"/> (or the defaults, when it is empty) as a bit mask, bit n for code n.</summary>
    public static int FailureMask(ISet<int> statuses)
    {
        int mask = 0;
        foreach (int status in statuses.Count == 0 ? (IEnumerable<int>)RegionFailoverOptions.DefaultGrpcFailoverStatuses : statuses)
        {
            if (status is >= 0 and < 32)
            {
                // Stryker disable once Assignment : equivalent; a set holds each code once, so OR and XOR agree.
                mask |= 1 << status;
            }
        }

        return mask;
    }

    /// <summary>Whether an answer's gRPC status is one of those in <paramref name="failureMask"/> (see <see cref="FailureMask"/>).</summary>
    public static bool IsRegionFailure(HttpResponseMessage response, int failureMask) =>
        Of(response) is { } status && IsRegionFailure(status, failureMask);

    /// <summary>Whether the gRPC status <paramref name="status"/> is one of <paramref name="failureMask"/>'s (see <see cref="FailureMask"/>).</summary>
    public static bool IsRegionFailure(int status, int failureMask) =>
        status is >= 0 and < 32 && (failureMask & (1 << status)) != 0;

    /// <summary>
    /// How long the server asks the client not to call again: <c>grpc-retry-pushback-ms</c> (gRFC A6), beside the status.
    /// A negative or malformed value means "do not retry" and is no push-back to honour here. A value beyond what a
    /// <see cref="TimeSpan"/> holds is read as the longest one; the region's <c>MaxRetryAfter</c> caps it in any case.
    /// </summary>
    // Stryker disable once Linq : equivalent; TryGetValues has just found at least one value.
    public static TimeSpan? Pushback(HttpResponseMessage response) =>
        StatusHeaders(response).TryGetValues("grpc-retry-pushback-ms", out IEnumerable<string>? values) &&
        long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out long milliseconds) && milliseconds > 0
            ? TimeSpan.FromMilliseconds(Math.Min(milliseconds, LongestPushbackMilliseconds))
            : null;

    /// <summary>The most whole milliseconds a <see cref="TimeSpan"/> holds.</summary>
    private const long LongestPushbackMilliseconds = long.MaxValue / TimeSpan.TicksPerMillisecond;

    /// <summary>
    /// Reads a gRPC answer's body to its end, so that its trailers (and the status in them) are known before the call is
    /// judged: a service that fails after sending its headers puts UNAVAILABLE in the trailers (PROTOCOL-HTTP2.md). A
    /// trailers-only answer, or one that is not a 200, is returned as it is. The body is kept in memory for the caller,
    /// with the trailers still on the response, where a gRPC client reads them after the message.
    /// </summary>
    /// <exception cref="HttpRequestException">
    /// The body could not be read (the stream was reset or the connection lost), or an HTTP/2 gRPC answer ended without a
    /// <c>grpc-status</c> in its trailers (see <see cref="EndedWithoutStatus"/>).
    /// </exception>
    public static async ValueTask<HttpResponseMessage> ReadWholeAsync(Task<HttpResponseMessage> sent, CancellationToken cancellationToken)
    {
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        HttpResponseMessage response = await sent.ConfigureAwait(false);
        if (response.StatusCode != System.Net.HttpStatusCode.OK || GrpcHeaders.Status(response.Headers) is not null)
        {
            return response;
        }

        try
        {
            HttpContent original = response.Content;
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            byte[] body = await original.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var whole = new WholeReply(body);
            foreach (KeyValuePair<string, IEnumerable<string>> header in original.Headers)
            {
                whole.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = whole;
            original.Dispose();
            if (EndedWithoutStatus(response))
            {
                // As a call whose answer streams to its caller is judged (WatchedContent): no status at all is the
                // answer broken off, not the service's success, and the call moves on as if the body had not been read.
                throw new HttpRequestException(HttpRequestError.InvalidResponse, "The gRPC answer ended without a grpc-status in its trailers.");
            }

            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether an answer read whole by <see cref="ReadWholeAsync"/> is an HTTP/2 gRPC answer (<c>application/grpc</c>) that
    /// ended with no <c>grpc-status</c> in its trailers, as when a proxy drops them. PROTOCOL-HTTP2.md makes Status
    /// mandatory in Trailers, so such an answer says nothing of how the call ended. A gRPC-Web answer, whose status is in
    /// its body, and an answer of any other type (a plain stand-in for a region) are not looked at.
    /// </summary>
    private static bool EndedWithoutStatus(HttpResponseMessage response) =>
        response.Version.Major >= 2 && GrpcHeaders.Status(response.TrailingHeaders) is null &&
        IsHttp2Grpc(response.Content.Headers.ContentType?.MediaType);

    /// <summary>Where an answer's status is: its trailers once <see cref="ReadWholeAsync"/> has read it, else its headers.</summary>
    /// <remarks>
    /// Only an HTTP/2 or HTTP/3 answer can be gRPC's, and only its content is looked at: the getter of an answer with no
    /// content makes an empty one, which every plain HTTP/1.1 answer would otherwise pay for.
    /// </remarks>
    private static System.Net.Http.Headers.HttpResponseHeaders StatusHeaders(HttpResponseMessage response) =>
        response.Version.Major >= 2 && response.Content is WholeReply ? response.TrailingHeaders : response.Headers;

    /// <summary>A gRPC reply read whole by <see cref="ReadWholeAsync"/>: its status is in the response's trailers.</summary>
    private sealed class WholeReply(byte[] body) : ByteArrayContent(body);
}

/// <summary>Recognises a gRPC call among a client's requests, and the methods declared safe to repeat.</summary>
internal static class GrpcMethod
{
    /// <summary>Whether <paramref name="name"/> is written <c>package.Service/Method</c>: two non-empty parts, no spaces.</summary>
    public static bool IsWellFormed(string? name)
    {
        string trimmed = (name ?? "").TrimStart('/');
        int slash = trimmed.IndexOf('/', StringComparison.Ordinal);

        // Stryker disable once Equality : equivalent; with leading slashes trimmed no slash is at 0, and the second search starts past 1.
        return slash > 0 && slash < trimmed.Length - 1 && trimmed.IndexOf('/', slash + 1) < 0 && !trimmed.Any(char.IsWhiteSpace);
    }

    /// <summary>
    /// What kind of gRPC call <paramref name="request"/> is, if any: a client or bidirectional stream (a body
    /// Grpc.Net.Client writes as the call runs), a server stream (a method of <paramref name="streaming"/>) that is or is
    /// not also one of <paramref name="idempotent"/>, a unary call to one of <paramref name="idempotent"/> (its path is
    /// <c>/package.Service/Method</c>), or another unary call.
    /// </summary>
    public static GrpcCall Classify(HttpRequestMessage request, ISet<string> idempotent, ISet<string> streaming)
    {
        if (!IsGrpc(request))
        {
            return GrpcCall.None;
        }

        if (IsClientStream(request.Content!))
        {
            return GrpcCall.Streaming;
        }

        // Stryker disable once Equality : equivalent; an empty list lists nothing, the count only spares the look-up.
        if (streaming.Count > 0 && IsListed(request, streaming))
        {
            return idempotent.Count > 0 && IsListed(request, idempotent) ? GrpcCall.DeclaredIdempotentStream : GrpcCall.Streaming;
        }

        // Stryker disable once Equality : equivalent; as above.
        return idempotent.Count > 0 && IsListed(request, idempotent) ? GrpcCall.DeclaredIdempotent : GrpcCall.Unary;
    }

    /// <summary>Whether <paramref name="request"/> is a gRPC call: <c>Content-Type: application/grpc</c>, with or without a suffix (PROTOCOL-HTTP2.md).</summary>
    public static bool IsGrpc(HttpRequestMessage request) =>
        request.Content?.Headers.ContentType?.MediaType is { } media && media.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether <paramref name="content"/> is the body of a client or bidirectional stream: Grpc.Net.Client writes such a
    /// body with its <c>PushStreamContent</c> as the caller writes messages, and a unary or server-streaming call's with
    /// <c>PushUnaryContent</c>. The client marks a call's method type nowhere else a handler can see.
    /// </summary>
    private static bool IsClientStream(HttpContent content)
    {
        Type type = content.GetType();
        return type.Name.StartsWith("PushStreamContent", StringComparison.Ordinal) && type.Namespace?.StartsWith("Grpc.Net.Client.", StringComparison.Ordinal) == true;
    }

    private static bool IsListed(HttpRequestMessage request, ISet<string> methods)
    {
        if (request.RequestUri is not { } uri)
        {
            return false;
        }

        string path = AttemptRequestFactory.RequestPath(uri);
        return methods.Contains(path.TrimStart('/')) || methods.Contains(path);
    }
}

/// <summary>What a request is to gRPC, as <see cref="GrpcMethod.Classify"/> tells.</summary>
internal enum GrpcCall
{
    /// <summary>Not a gRPC call.</summary>
    None,

    /// <summary>A unary call whose method is not declared safe to repeat.</summary>
    Unary,

    /// <summary>A unary call to a method in <see cref="RegionFailoverOptions.IdempotentMethods"/>.</summary>
    DeclaredIdempotent,

    /// <summary>A client, server or bidirectional stream, sent once.</summary>
    Streaming,

    /// <summary>
    /// A server stream whose method is in <see cref="RegionFailoverOptions.IdempotentMethods"/> too: sent to one region at
    /// a time, and to the next while its region fails it before its answer's headers (see <see cref="RegionFailoverOptions.StreamingMethods"/>).
    /// </summary>
    DeclaredIdempotentStream,
}
