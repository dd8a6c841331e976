using System.Net;
using SlaKit.Probes;

namespace SlaKit.Http;

/// <summary>
/// The body of a gRPC answer whose status comes in the trailers, after the messages (PROTOCOL-HTTP2.md), as a server
/// stream's does, or a unary call's that failed after sending its headers. The body reaches the caller unchanged; the
/// call is judged once, when it is known how it ended:
/// <list type="bullet">
/// <item>the body read to its end: by the <c>grpc-status</c> in the trailers, which .NET has then received (a body that
/// ends without one was cut short: no status);</item>
/// <item>a read that fails (a stream reset, a connection lost): no status, unless the caller had cancelled the call;</item>
/// <item>the body disposed before its end, or a read the caller cancelled: the caller gave up, and nothing is judged.</item>
/// </list>
/// The error budget (<c>AddErrorBudget</c>) and the region's health (<see cref="RegionAttempts"/>) judge calls so. The
/// error budget also watches the body of any other answer it counts as good this way, made with no status to read: the
/// body read to its end is judged OK (status 0), and a read that fails is judged with no status.
/// </summary>
internal sealed class TrailerStatusContent : HttpContent
{
    private readonly HttpResponseMessage _response;
    private readonly HttpContent _body;
    private readonly CancellationToken _callCancellation;
    private readonly Action<int?> _judge;
    private readonly Action? _gaveUp;
    private readonly bool _statusInTrailers;
    private int _settled;

    /// <summary>Takes over <paramref name="response"/>'s content; put it back as the response's content.</summary>
    /// <param name="response">The answer, whose trailers hold the status once its body has ended.</param>
    /// <param name="judge">Given, at most once, the call's <c>grpc-status</c>, or <see langword="null"/> when it ended without one.</param>
    /// <param name="callCancellation">The token the call was sent with: once it is cancelled, a failed read is the caller's doing.</param>
    /// <param name="gaveUp">Called instead of <paramref name="judge"/> when the caller gives up before the body ends, if given.</param>
    /// <param name="statusInTrailers">
    /// Whether the answer's status is in its trailers (a gRPC answer); <see langword="false"/> for any other answer, whose
    /// body read to its end is judged OK (0).
    /// </param>
    public TrailerStatusContent(HttpResponseMessage response, Action<int?> judge, CancellationToken callCancellation, Action? gaveUp = null, bool statusInTrailers = true)
    {
        _gaveUp = gaveUp;
        _statusInTrailers = statusInTrailers;
        _response = response;
        _body = response.Content;
        _callCancellation = callCancellation;
        _judge = judge;
        foreach (KeyValuePair<string, IEnumerable<string>> header in _body.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        new Watched(this, await _body.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken) => new Watched(this, _body.ReadAsStream(cancellationToken));

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        Stream body = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            await body.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        using Stream body = CreateContentReadStream(cancellationToken);
        body.CopyTo(stream);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            GiveUp();
            _body.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The body has ended: the call is judged by the status in the trailers, or as OK when it has none to read.</summary>
    private void Ended()
    {
        if (Interlocked.Exchange(ref _settled, 1) == 0)
        {
            _judge(_statusInTrailers ? GrpcHeaders.Status(_response.TrailingHeaders) : 0);
        }
    }

    /// <summary>A read failed: the service's failure, unless the caller had given up on the call.</summary>
    private void Failed()
    {
        if (_callCancellation.IsCancellationRequested)
        {
            GiveUp();
        }
        else if (Interlocked.Exchange(ref _settled, 1) == 0)
        {
            _judge(null);
        }
    }

    private void GiveUp()
    {
        if (Interlocked.Exchange(ref _settled, 1) == 0)
        {
            _gaveUp?.Invoke();
        }
    }

    /// <summary>The body's stream, telling its content when it ends or fails.</summary>
    private sealed class Watched(TrailerStatusContent content, Stream body) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read;
            try
            {
                read = body.Read(buffer);
            }
            catch
            {
                content.Failed();
                throw;
            }

            return Seen(read, buffer.Length);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read;
            try
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The reader stopped waiting: that says nothing about the service.
                throw;
            }
            catch
            {
                content.Failed();
                throw;
            }

            return Seen(read, buffer.Length);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                content.GiveUp();
                body.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            content.GiveUp();
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await body.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        /// <summary>A read of nothing into room for something is the end of the body.</summary>
        private int Seen(int read, int room)
        {
            if (read == 0 && room > 0)
            {
                content.Ended();
            }

            return read;
        }
    }
}
