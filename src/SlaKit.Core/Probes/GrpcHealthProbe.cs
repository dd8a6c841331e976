using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace SlaKit.Probes;

/// <summary>
/// Probes a gRPC server with the standard health protocol: one unary call to <c>grpc.health.v1.Health/Check</c> (gRPC's
/// health checking protocol, doc/health-checking.md in grpc/grpc), healthy when the service answers <c>SERVING</c>, with
/// <c>grpc-status</c> 0, in time; an answer without a <c>grpc-status</c> is unhealthy.
/// The call is made over HTTP/2 with <see cref="HttpClient"/>; its two one-field messages are written and read here, so
/// the probe needs no gRPC or Protocol Buffers package. A redirect is not followed: gRPC has none, so a 3xx comes from
/// a server that is not the gRPC server probed, and the probe is unhealthy. An answer body of more than 4 KiB (4,096
/// bytes, prefix included) is not read further and is unhealthy: a health answer is a few bytes.
/// </summary>
public sealed class GrpcHealthProbe : IHealthProbe, IDisposable
{
    private const string CheckPath = "grpc.health.v1.Health/Check";

    /// <summary>
    /// The longest answer body read: a framed <c>HealthCheckResponse</c> is 5 bytes of prefix and a few of message, so
    /// 4 KiB leaves room for fields a newer server may add while a server streaming without end is not read into memory.
    /// </summary>
    private const int MaxAnswerBytes = 4096;

    private readonly HttpMessageInvoker _invoker;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly byte[] _request;

    /// <summary>Creates a probe with its own connection pool (redirects off, connections recycled every minute).</summary>
    /// <param name="target">The server, an absolute http (HTTP/2 without TLS) or https URI such as <c>https://eu.example:5001/</c>.</param>
    /// <param name="service">The service whose health to ask for; empty (the default) asks for the server as a whole.</param>
    /// <param name="timeout">How long to wait for the answer; positive, at most 49.7 days. 2 seconds when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for latency; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> or <paramref name="service"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="target"/> is not an absolute http or https URI.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is out of range.</exception>
    public GrpcHealthProbe(Uri target, string service = "", TimeSpan? timeout = null, TimeProvider? timeProvider = null)
        : this(target, HttpProbe.OwnHandler(), disposeHandler: true, service, timeout, timeProvider)
    {
    }

    /// <summary>Creates a probe that sends through <paramref name="handler"/>.</summary>
    /// <param name="target">The server, an absolute http or https URI.</param>
    /// <param name="handler">
    /// The handler to send with; it should not follow redirects itself. When it does, an answer that comes from another
    /// URI than the one asked is unhealthy.
    /// </param>
    /// <param name="disposeHandler">Whether disposing the probe disposes <paramref name="handler"/>.</param>
    /// <param name="service">The service whose health to ask for; empty asks for the server as a whole.</param>
    /// <param name="timeout">How long to wait for the answer; positive, at most 49.7 days. 2 seconds when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for latency; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="target"/> is not an absolute http or https URI.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is out of range.</exception>
    public GrpcHealthProbe(Uri target, HttpMessageHandler handler, bool disposeHandler, string service = "", TimeSpan? timeout = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(service);
        if (!target.IsAbsoluteUri || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{target}' is not an absolute http or https URI.", nameof(target));
        }

        _timeout = timeout ?? TimeSpan.FromSeconds(2);
        if (!TimerDuration.IsPositiveAndAccepted(_timeout))
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, $"The probe timeout must be positive and at most {TimerDuration.MaximumText}.");
        }

        Target = target;
        Service = service;
        _invoker = new HttpMessageInvoker(handler, disposeHandler);
        _time = timeProvider ?? TimeProvider.System;
        _request = Frame(HealthCheckRequest(service));
    }

    /// <summary>The server probed.</summary>
    public Uri Target { get; }

    /// <summary>The service whose health is asked for; empty for the server as a whole.</summary>
    public string Service { get; }

    /// <inheritdoc/>
    public async ValueTask<HealthProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using HttpRequestMessage request = Request();
            Uri asked = request.RequestUri!;
            using HttpResponseMessage response = await _invoker.SendAsync(request, linked.Token).ConfigureAwait(false);

            // gRPC has no redirects: every answer is ":status 200" (PROTOCOL-HTTP2.md, HTTP-Status). A 3xx is not followed,
            // and a handler that followed one anyway brought an answer from a server the probe was not pointed at.
            if (response.RequestMessage?.RequestUri is { } answered && answered != asked)
            {
                return HealthProbeResult.Unhealthy(_time.GetElapsedTime(started), $"the answer came from {answered.GetLeftPart(UriPartial.Path)}, not the server probed: the handler followed a redirect");
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                string detail = $"HTTP {(int)response.StatusCode} {response.StatusCode}";
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    detail += $": redirected to {new Uri(asked, location).GetLeftPart(UriPartial.Path)}, not followed";
                }

                return HealthProbeResult.Unhealthy(_time.GetElapsedTime(started), detail);
            }

            // A call that failed before any message (unknown service, no health service) is "trailers-only": its status
            // is in the headers.
            if (GrpcHeaders.Status(response.Headers) is { } failed && failed != 0)
            {
                return HealthProbeResult.Unhealthy(_time.GetElapsedTime(started), Describe(failed, response.Headers));
            }

            byte[]? body = await ReadAnswerAsync(response.Content, linked.Token).ConfigureAwait(false);
            TimeSpan latency = _time.GetElapsedTime(started);
            if (body is null)
            {
                return HealthProbeResult.Unhealthy(latency, $"an answer of more than {MaxAnswerBytes.ToString(CultureInfo.InvariantCulture)} bytes, not a grpc.health.v1.HealthCheckResponse");
            }

            // Every answer carries its status, in the trailers or, trailers-only, in the headers: Status is required in
            // both (PROTOCOL-HTTP2.md, Trailers and Trailers-Only). Without one, the call is not known to have succeeded.
            int? status = GrpcHeaders.Status(response.TrailingHeaders) ?? GrpcHeaders.Status(response.Headers);
            if (status is null)
            {
                return HealthProbeResult.Unhealthy(latency, "no grpc-status in the answer's headers or trailers");
            }

            if (status != 0)
            {
                return HealthProbeResult.Unhealthy(latency, Describe(status.Value, response.TrailingHeaders));
            }

            return ReadServingStatus(body) switch
            {
                1 => HealthProbeResult.Healthy(latency, "SERVING"),
                2 => HealthProbeResult.Unhealthy(latency, "NOT_SERVING"),
                3 => HealthProbeResult.Unhealthy(latency, "SERVICE_UNKNOWN"),
                0 => HealthProbeResult.Unhealthy(latency, "UNKNOWN"),
                null => HealthProbeResult.Unhealthy(latency, "the answer is not a grpc.health.v1.HealthCheckResponse"),
                int other => HealthProbeResult.Unhealthy(latency, $"serving status {other.ToString(CultureInfo.InvariantCulture)}"),
            };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return HealthProbeResult.Unhealthy(_time.GetElapsedTime(started), $"no answer within {DurationText.Format(_timeout)}");
        }
        catch (HttpRequestException exception)
        {
            return HealthProbeResult.Unhealthy(_time.GetElapsedTime(started), $"a transport error: {exception.Message}");
        }
    }

    /// <summary>Closes the probe's connections (when it owns its handler).</summary>
    public void Dispose() => _invoker.Dispose();

    private HttpRequestMessage Request()
    {
        string basePath = Target.AbsolutePath.EndsWith('/') ? Target.AbsolutePath : Target.AbsolutePath + "/";
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Target, basePath + CheckPath))
        {
            // gRPC runs on HTTP/2 only (PROTOCOL-HTTP2.md); without TLS there is no negotiation, so it is asked for exactly.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(_request),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }

    private static string Describe(int status, System.Net.Http.Headers.HttpHeaders headers)
    {
        string name = status switch
        {
            5 => "NOT_FOUND (no such service)",
            12 => "UNIMPLEMENTED (no health service)",
            14 => "UNAVAILABLE",
            _ => status.ToString(CultureInfo.InvariantCulture),
        };
        string? message = headers.TryGetValues("grpc-message", out IEnumerable<string>? values) ? Uri.UnescapeDataString(values.FirstOrDefault() ?? "") : null;
        return string.IsNullOrEmpty(message) ? $"gRPC status {name}" : $"gRPC status {name}: {message}";
    }

    /// <summary>
    /// The answer body to its end, which is when the trailers arrive; <see langword="null"/> once it runs past
    /// <see cref="MaxAnswerBytes"/>, without reading the rest.
    /// </summary>
    private static async Task<byte[]?> ReadAnswerAsync(HttpContent content, CancellationToken cancellationToken)
    {
        Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            byte[] buffer = new byte[MaxAnswerBytes + 1];
            int length = 0;
            while (length < buffer.Length)
            {
                int read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer[..length];
                }

                length += read;
            }

            return null;
        }
    }

    /// <summary><c>HealthCheckRequest { string service = 1; }</c>: nothing for the empty string (proto3 default).</summary>
    private static byte[] HealthCheckRequest(string service)
    {
        if (service.Length == 0)
        {
            return [];
        }

        byte[] text = Encoding.UTF8.GetBytes(service);
        var message = new List<byte>(text.Length + 6) { 0x0A }; // field 1, length-delimited
        for (uint length = (uint)text.Length; ; length >>= 7)
        {
            if (length < 0x80)
            {
                message.Add((byte)length);
                break;
            }

            message.Add((byte)((length & 0x7F) | 0x80));
        }

        message.AddRange(text);
        return [.. message];
    }

    /// <summary>A gRPC message on the wire: not compressed, a 4-byte big-endian length, the message (PROTOCOL-HTTP2.md, Length-Prefixed-Message).</summary>
    private static byte[] Frame(byte[] message)
    {
        byte[] frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>
    /// The <c>status</c> (field 1, an enum) of the <c>HealthCheckResponse</c> in a framed answer: 0 when the field is absent
    /// (proto3 default, UNKNOWN); <see langword="null"/> when the answer is not one uncompressed message. Other fields, as a
    /// newer server may add, are skipped by their wire type (Protocol Buffers encoding: 0 varint, 1 fixed 8 bytes, 2
    /// length-delimited, 5 fixed 4 bytes); a field that runs past the message's end, or of the deprecated group types 3
    /// and 4, makes it no message.
    /// </summary>
    private static int? ReadServingStatus(byte[] body)
    {
        if (body.Length < 5 || body[0] != 0 || BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1, 4)) != body.Length - 5)
        {
            return null;
        }

        ReadOnlySpan<byte> message = body.AsSpan(5);
        int status = 0;
        while (!message.IsEmpty)
        {
            if (ReadVarint(ref message) is not { } key)
            {
                return null;
            }

            switch (key & 7)
            {
                case 0 when ReadVarint(ref message) is { } value:
                    if (key >> 3 == 1)
                    {
                        status = (int)value;
                    }

                    break;
                case 1 when message.Length >= 8:
                    message = message[8..];
                    break;
                case 2 when ReadVarint(ref message) is { } length && length <= (ulong)message.Length:
                    message = message[(int)length..];
                    break;
                case 5 when message.Length >= 4:
                    message = message[4..];
                    break;
                default:
                    return null;
            }
        }

        return status;
    }

    private static ulong? ReadVarint(ref ReadOnlySpan<byte> data)
    {
        ulong value = 0;
        for (int shift = 0, i = 0; i < data.Length && shift < 64; i++, shift += 7)
        {
            value |= (ulong)(data[i] & 0x7F) << shift;
            if ((data[i] & 0x80) == 0)
            {
                data = data[(i + 1)..];
                return value;
            }
        }

        return null;
    }
}
