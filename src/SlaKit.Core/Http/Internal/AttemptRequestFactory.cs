using System.Net.Http.Headers;
using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>
/// Makes the request each attempt sends: the caller's own request (its URI pointed at the region) for the
/// first, and for the others a copy taken before anything was sent, so handlers further down that add
/// headers to the first attempt do not leak them into the rest. A copy of a gRPC call carries what remains of the
/// caller's <c>grpc-timeout</c>, not the whole of it, and says how many attempts of the call went before it.
/// </summary>
internal sealed class AttemptRequestFactory
{
    /// <summary>The header in which a retried or hedged gRPC attempt says how many attempts went before it (gRFC A6).</summary>
    internal const string PreviousAttemptsHeader = "grpc-previous-rpc-attempts";

    private HttpRequestMessage _request = null!;
    private Uri? _originalUri;
    private ReplayableContent? _content;
    private KeyValuePair<string, string[]>[]? _headers;
    private KeyValuePair<string, object?>[]? _options;

    // A gRPC call's grpc-timeout as the caller wrote it, its place among the headers, and the clock and timestamp its
    // time counts from; no timeout for any other request.
    private TimeSpan? _grpcTimeout;
    private int _grpcTimeoutAt;
    private TimeProvider? _time;
    private long _started;

    // Whether the request is a gRPC call, and how many attempts of it the caller's own grpc-previous-rpc-attempts says
    // went before (a retry of Grpc.Net.Client's own, below which this failover sits).
    private bool _grpc;
    private int _callersPreviousAttempts;

    /// <summary>A factory to be started with <see cref="Begin"/>, as a pooled request reuses it.</summary>
    public AttemptRequestFactory()
    {
    }

    public AttemptRequestFactory(HttpRequestMessage request, ReplayableContent? content, bool moreThanOneAttempt) =>
        Begin(request, content, moreThanOneAttempt);

    /// <summary>The caller's URI, before any region rewrote it.</summary>
    public Uri? OriginalUri => _originalUri;

    /// <summary>Takes the caller's request; when another attempt may follow, copies its headers and options now, before anything is sent.</summary>
    /// <param name="request">The caller's request.</param>
    /// <param name="content">Its body, made replayable, if it has one.</param>
    /// <param name="moreThanOneAttempt">Whether an attempt may send a copy.</param>
    /// <param name="grpcTime">
    /// For a gRPC call, the client's clock: a copy's <c>grpc-timeout</c> is then the caller's less the time since
    /// <paramref name="started"/>, and a copy says how many attempts went before it. <see langword="null"/> for any other
    /// request, whose headers are not looked at.
    /// </param>
    /// <param name="started">The timestamp of <paramref name="grpcTime"/> at which the request began.</param>
    public void Begin(HttpRequestMessage request, ReplayableContent? content, bool moreThanOneAttempt, TimeProvider? grpcTime = null, long started = 0)
    {
        _request = request;
        _originalUri = request.RequestUri;
        _content = content;
        _headers = null;
        _options = null;
        _grpcTimeout = null;
        _time = null;
        _grpc = false;
        _callersPreviousAttempts = 0;
        if (moreThanOneAttempt)
        {
            _headers = Snapshot(request.Headers);
            if (grpcTime is not null)
            {
                _grpc = true;
                TakeGrpcHeaders(grpcTime, started);
            }

            ICollection<KeyValuePair<string, object?>> options = request.Options;
            if (options.Count == 0)
            {
                _options = [];
            }
            else
            {
                _options = new KeyValuePair<string, object?>[options.Count];
                options.CopyTo(_options, 0);
            }
        }
    }

    /// <summary>Lets go of the caller's request, so a pooled factory does not keep it alive.</summary>
    public void Clear()
    {
        _request = null!;
        _originalUri = null;
        _content = null;
        _headers = null;
        _options = null;
        _grpcTimeout = null;
        _time = null;
        _grpc = false;
    }

    /// <summary>
    /// The request for an attempt against <paramref name="region"/>: the caller's own request when
    /// <paramref name="useCallersRequest"/> (the first attempt), otherwise a copy.
    /// </summary>
    public HttpRequestMessage Create(Region region, bool useCallersRequest) =>
        Create(RegionUri(region.Endpoint, _originalUri), useCallersRequest);

    /// <summary>
    /// The request for an attempt sent to <paramref name="target"/>, the region's URI for this request: the caller's own
    /// when <paramref name="useCallersRequest"/>, otherwise a copy. A copy of a gRPC call made after
    /// <paramref name="previousAttempts"/> other attempts of it says so in <c>grpc-previous-rpc-attempts</c>.
    /// </summary>
    public HttpRequestMessage Create(Uri target, bool useCallersRequest, int previousAttempts = 0)
    {
        if (useCallersRequest)
        {
            _request.RequestUri = target;
            if (_content is not null)
            {
                _request.Content = _content.ForAttempt(first: true);
            }

            return _request;
        }

        var copy = new HttpRequestMessage(_request.Method, target)
        {
            Version = _request.Version,
            VersionPolicy = _request.VersionPolicy,
            Content = _content?.ForAttempt(first: false),
        };
        if (_grpc)
        {
            CopyGrpcHeaders(copy, previousAttempts);
        }
        else
        {
            foreach (KeyValuePair<string, string[]> header in _headers!)
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        IDictionary<string, object?> options = copy.Options;
        foreach (KeyValuePair<string, object?> option in _options!)
        {
            options[option.Key] = option.Value;
        }

        return copy;
    }

    /// <summary>
    /// Finds the gRPC call's <c>grpc-timeout</c> and <c>grpc-previous-rpc-attempts</c> among the headers taken. A timeout
    /// the spec's grammar does not read, or given more than once, is copied as the caller wrote it; a count that is not
    /// one whole number counts as none.
    /// </summary>
    private void TakeGrpcHeaders(TimeProvider time, long started)
    {
        KeyValuePair<string, string[]>[] headers = _headers!;
        bool timeoutSeen = false;
        for (int i = 0; i < headers.Length; i++)
        {
            if (string.Equals(headers[i].Key, GrpcTimeout.Header, StringComparison.OrdinalIgnoreCase))
            {
                if (!timeoutSeen && headers[i].Value is [string value] && GrpcTimeout.TryParse(value, out TimeSpan timeout))
                {
                    (_grpcTimeout, _grpcTimeoutAt, _time, _started) = (timeout, i, time, started);
                }

                timeoutSeen = true;
            }
            else if (string.Equals(headers[i].Key, PreviousAttemptsHeader, StringComparison.OrdinalIgnoreCase) &&
                headers[i].Value is [string count] &&
                int.TryParse(count, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int previous))
            {
                _callersPreviousAttempts = previous;
            }
        }
    }

    /// <summary>
    /// Copies the headers taken for a gRPC call's copy. What remains of the caller's <c>grpc-timeout</c> takes its place:
    /// PROTOCOL-HTTP2.md carries the deadline as a relative Timeout, counted from when the call is sent, so a copy sent
    /// later (a hedge, or the attempt after a region's attempt timeout) that repeated the caller's would give the next
    /// region the whole budget again, time the caller no longer waits for; Grpc.Net.Client recomputes it likewise for
    /// each of its own retries. The header keeps its place: the spec asks that Timeout come straight after the reserved
    /// headers. After them comes <c>grpc-previous-rpc-attempts</c>, the number of attempts of the call made before this
    /// one, which gRFC A6 has a client send with every retried or hedged attempt (and never with the first), so that a
    /// service can tell a repeat from a new call: the caller's own count, from a retry of its own, plus this failover's.
    /// </summary>
    private void CopyGrpcHeaders(HttpRequestMessage copy, int previousAttempts)
    {
        KeyValuePair<string, string[]>[] headers = _headers!;
        for (int i = 0; i < headers.Length; i++)
        {
            if (_grpcTimeout is { } timeout && i == _grpcTimeoutAt)
            {
                copy.Headers.TryAddWithoutValidation(headers[i].Key, GrpcTimeout.Format(timeout - _time!.GetElapsedTime(_started)));
            }
            else if (!string.Equals(headers[i].Key, PreviousAttemptsHeader, StringComparison.OrdinalIgnoreCase))
            {
                copy.Headers.TryAddWithoutValidation(headers[i].Key, headers[i].Value);
            }
        }

        int before = _callersPreviousAttempts + previousAttempts;
        if (before > 0)
        {
            copy.Headers.TryAddWithoutValidation(PreviousAttemptsHeader, before.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (Array.FindIndex(headers, static h => string.Equals(h.Key, PreviousAttemptsHeader, StringComparison.OrdinalIgnoreCase)) is int at and >= 0)
        {
            // A count this failover could not read goes on as the caller wrote it.
            copy.Headers.TryAddWithoutValidation(headers[at].Key, headers[at].Value);
        }
    }

    /// <summary>
    /// Whether <paramref name="exception"/> comes of the caller's own body having been disposed before it was written:
    /// <see cref="HttpContent"/> names its own type in the <see cref="ObjectDisposedException"/> it throws then, which
    /// tells it from a connection's stream closed under the request.
    /// </summary>
    public bool IsBodyDisposedIn(Exception exception)
    {
        if (_content?.Original is not { } body)
        {
            return false;
        }

        string name = body.GetType().ToString();
        for (Exception? cause = exception.InnerException; cause is not null; cause = cause.InnerException)
        {
            if (cause is ObjectDisposedException disposed && disposed.ObjectName == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the request's body, if it has one, can be sent again: it was buffered.</summary>
    public bool BodyReplays => _content is null || _content.CanReplay;

    /// <summary>
    /// The request to send again after <paramref name="sent"/> never left: a copy made from the headers taken before
    /// anything was sent, when they were (another attempt was possible), so that handlers below do not add theirs twice;
    /// otherwise <paramref name="sent"/> itself. The copy is the same attempt sent again: it counts the
    /// <paramref name="previousAttempts"/> that <paramref name="sent"/> counted.
    /// </summary>
    public HttpRequestMessage Again(HttpRequestMessage sent, int previousAttempts) =>
        _headers is null ? sent : Create(sent.RequestUri!, useCallersRequest: false, previousAttempts);

    /// <summary>Puts the caller's URI back.</summary>
    public void Restore() => _request.RequestUri = _originalUri;

    /// <summary>
    /// Puts the caller's URI back after the request has ended, unless the caller has disposed its request by then
    /// (a request's URI cannot be set once it is disposed, and nobody can read it any more).
    /// </summary>
    public void TryRestore()
    {
        try
        {
            Restore();
        }
        catch (ObjectDisposedException)
        {
            // The caller let go of its request: there is nothing to give back.
        }
    }

    /// <summary>
    /// The region's scheme, host, port and base path, followed by the request's own path and query:
    /// <c>https://b.example/region-b/</c> + <c>/api/pay?x=1</c> → <c>https://b.example/region-b/api/pay?x=1</c>.
    /// </summary>
    internal static Uri RegionUri(Uri endpoint, Uri? requestUri)
    {
        string path;
        string query;
        if (requestUri is null)
        {
            path = "";
            query = "";
        }
        else if (requestUri.IsAbsoluteUri)
        {
            path = requestUri.AbsolutePath;
            query = requestUri.Query;
        }
        else
        {
            string relative = requestUri.OriginalString;
            int mark = relative.IndexOf('?', StringComparison.Ordinal);
            path = mark < 0 ? relative : relative[..mark];
            query = mark < 0 ? "" : relative[mark..];
        }

        // One slash joins the two: the request's own path keeps every slash after its first, as the caller sent it
        // (a service may route "//a" apart from "/a").
        string basePath = endpoint.AbsolutePath;
        ReadOnlySpan<char> own = path.StartsWith('/') ? path.AsSpan(1) : path.AsSpan();
        string joined = basePath.EndsWith('/')
            ? string.Concat(basePath, own)
            : path.Length == 0 ? basePath : string.Concat(basePath, "/", own);
        return new Uri(string.Concat(endpoint.GetLeftPart(UriPartial.Authority), joined, query), UriKind.Absolute);
    }

    /// <summary>
    /// The path a request names, without query or fragment, whether its URI is absolute (<see cref="Uri.AbsolutePath"/>)
    /// or relative to the client's base address (its text up to the first <c>?</c> or <c>#</c>).
    /// </summary>
    internal static string RequestPath(Uri uri) => uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?', '#')[0];

    private static KeyValuePair<string, string[]>[] Snapshot(HttpRequestHeaders headers)
    {
        HttpHeadersNonValidated all = headers.NonValidated;
        if (all.Count == 0)
        {
            return [];
        }

        var copy = new KeyValuePair<string, string[]>[all.Count];
        int i = 0;
        foreach (KeyValuePair<string, HeaderStringValues> header in all)
        {
            copy[i++] = new(header.Key, [.. header.Value]);
        }

        return copy;
    }
}
