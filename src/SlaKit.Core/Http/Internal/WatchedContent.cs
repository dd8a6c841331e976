using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using SlaKit.Probes;

namespace SlaKit.Http;

/// <summary>
/// The body of an answer that is judged when it is known how the body ended, not at the answer's headers: a gRPC
/// answer whose status comes in the trailers, after the messages (PROTOCOL-HTTP2.md), as a server stream's does, or a
/// unary call's that failed after sending its headers; or any answer whose body may still break off after good headers
/// (a stream reset, a connection lost, a Content-Length cut short), which the caller then gets as an exception. The
/// body reaches the caller unchanged; the answer is judged once:
/// <list type="bullet">
/// <item>the body read to its end: by the <c>grpc-status</c> in the trailers, which .NET has then received (a body that
/// ends without one was cut short: no status), or, for an answer whose status is not in its trailers, as OK (0);</item>
/// <item>a read that fails with an <see cref="IOException"/> or <see cref="HttpRequestException"/> (a stream reset, a
/// connection lost, a body shorter than its length): no status, unless the caller had cancelled the call;</item>
/// <item>the body disposed before its end, or a read the caller cancelled: the caller gave up (<see cref="GaveUp"/>).</item>
/// </list>
/// The error budget (<c>AddErrorBudget</c>) and the region's health (<see cref="RegionAttempts"/>) judge answers so,
/// each with a subclass of its own, so that watching a body costs one object and no delegate.
/// </summary>
internal abstract class WatchedContent : HttpContent
{
    private readonly HttpResponseMessage _response;
    private readonly HttpContent _body;
    private readonly CancellationToken _callCancellation;
    private readonly bool _statusInTrailers;
    private int _settled;

    /// <summary>Takes over <paramref name="response"/>'s content; put it back as the response's content.</summary>
    /// <param name="response">The answer, whose trailers hold the status once its body has ended.</param>
    /// <param name="statusInTrailers">
    /// Whether the answer's status is in its trailers (a gRPC answer); <see langword="false"/> for any other answer, whose
    /// body read to its end is judged OK (0).
    /// </param>
    /// <param name="callCancellation">The token the call was sent with: once it is cancelled, a failed read is the caller's doing.</param>
    protected WatchedContent(HttpResponseMessage response, bool statusInTrailers, CancellationToken callCancellation)
    {
        _statusInTrailers = statusInTrailers;
        _response = response;
        _body = response.Content;
        _callCancellation = callCancellation;

        // The raw values, as they came: nothing parsed, and one value (the usual case) added as the string it is.
        foreach (KeyValuePair<string, HeaderStringValues> header in _body.Headers.NonValidated)
        {
            if (header.Value.Count == 1)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value.ToString());
            }
            else
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
    }

    /// <summary>Whether the answer's status is in its trailers (a gRPC answer's), rather than in its headers.</summary>
    protected bool StatusInTrailers => _statusInTrailers;

    /// <summary>The token the call was sent with.</summary>
    protected CancellationToken CallCancellation => _callCancellation;

    /// <summary>
    /// Whether the answer to a <paramref name="method"/> request may still have a body to read that can break off: not
    /// one to HEAD, nor a 1xx, 204 or 304 (RFC 9110 §6.4.1), nor one with no content, content already in memory or a
    /// <c>Content-Length</c> of 0.
    /// </summary>
    /// <remarks>
    /// The response's content is looked at without its getter where the runtime allows: the getter of an answer with no
    /// content (an in-memory handler's) makes an empty one, which every such answer would otherwise pay for.
    /// </remarks>
    public static bool MayBreakOff(HttpResponseMessage response, HttpMethod method)
    {
        HttpStatusCode status = response.StatusCode;
        if (status is < HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.NotModified || method == HttpMethod.Head)
        {
            return false;
        }

        HttpContent? content = ContentOf(response);
        return content is not (null or ByteArrayContent or ReadOnlyMemoryContent) &&
            !(content.Headers.NonValidated.TryGetValues("Content-Length", out HeaderStringValues length) && length.Count == 1 && length.ToString() == "0");
    }

    /// <summary>The response's content, or <see langword="null"/> when it has none (read so only where the runtime's field can be).</summary>
    internal static HttpContent? ContentOf(HttpResponseMessage response) => ContentField.Readable ? ContentField.Of(response) : response.Content;

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        ReadingStarted();
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        return new Watched(this, await _body.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken)
    {
        ReadingStarted();
        return new Watched(this, _body.ReadAsStream(cancellationToken));
    }

    /// <remarks>
    /// The answer's own content copies itself (.NET's straight from its connection's buffer, as it would for a client
    /// with no failover) rather than through <see cref="Watched"/>: buffering an answer, as <see cref="HttpClient"/>
    /// does for every request not read as a stream, then costs no read loop and no copy buffer of its own. A failure to
    /// write to <paramref name="stream"/> (the caller's disk full, the client's buffer limit) is the caller's, not the
    /// service's: only a failure of the copy that did not come from writing judges the answer.
    /// </remarks>
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        ReadingStarted();
        var destination = new Destination(this, stream);
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await _body.CopyToAsync(destination, context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!destination.WriteFailed && IsBreak(exception))
        {
            Failed();
            throw;
        }

        Ended();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        ReadingStarted();
        var destination = new Destination(this, stream);
        try
        {
            _body.CopyTo(destination, context, cancellationToken);
        }
        catch (Exception exception) when (!destination.WriteFailed && IsBreak(exception))
        {
            Failed();
            throw;
        }

        Ended();
    }

    /// <summary>
    /// Whether a copy's failure is the body breaking off: an <see cref="IOException"/>, or the
    /// <see cref="HttpRequestException"/> a copy wraps one in, but not a body disposed under it (an
    /// <see cref="ObjectDisposedException"/>, wrapped the same way), which says nothing of the service.
    /// </summary>
    private static bool IsBreak(Exception exception) =>
        exception is IOException || exception is HttpRequestException { InnerException: not ObjectDisposedException };

    /// <summary>The length the answer's own content knows: its <c>Content-Length</c>, or one it computes.</summary>
    protected override bool TryComputeLength(out long length)
    {
        long? known = _body.Headers.ContentLength;
        length = known.GetValueOrDefault();
        return known is not null;
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

    /// <summary>
    /// Judges the answer, at most once: by <paramref name="status"/>, its <c>grpc-status</c> (0 for an answer whose
    /// status is not in its trailers, read to its end), or <see langword="null"/> when its body broke off or ended without one.
    /// </summary>
    protected abstract void Judge(int? status);

    /// <summary>Called instead of <see cref="Judge"/>, at most once, when the caller gives up before the body ends.</summary>
    protected abstract void GaveUp();

    /// <summary>Called as the caller starts reading the body: it asks for its stream, or to have it copied.</summary>
    protected virtual void ReadingStarted()
    {
    }

    /// <summary>Called each time part of the body reaches the caller.</summary>
    protected virtual void BodyFlowed()
    {
    }

    private void Flowed(int bytes)
    {
        if (bytes > 0)
        {
            BodyFlowed();
        }
    }

    /// <summary>The body has ended: the answer is judged by the status in the trailers, or as OK when it has none to read.</summary>
    private void Ended()
    {
        if (Interlocked.Exchange(ref _settled, 1) == 0)
        {
            Judge(_statusInTrailers ? GrpcHeaders.Status(_response.TrailingHeaders) : 0);
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
            Judge(null);
        }
    }

    private void GiveUp()
    {
        if (Interlocked.Exchange(ref _settled, 1) == 0)
        {
            GaveUp();
        }
    }

    /// <summary>Reads <see cref="HttpResponseMessage"/>'s content field, where its getter would make an empty content for none.</summary>
    private static class ContentField
    {
        /// <summary>Whether this runtime's response has the field; where it has not, the getter is used.</summary>
        public static readonly bool Readable = CanRead();

        public static HttpContent? Of(HttpResponseMessage response) => Field(response);

        [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_content")]
        private static extern ref HttpContent? Field(HttpResponseMessage response);

        private static bool CanRead()
        {
            try
            {
                using var probe = new HttpResponseMessage();
                return Field(probe) is null;
            }
            catch (MissingFieldException)
            {
                return false;
            }
        }
    }

    /// <summary>Where a copy of the body goes, remembering whether writing to it failed.</summary>
    private sealed class Destination(WatchedContent content, Stream target) : Stream
    {
        /// <summary>Whether a write to the target threw.</summary>
        public bool WriteFailed { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                target.Write(buffer);
                content.Flowed(buffer.Length);
            }
            catch
            {
                WriteFailed = true;
                throw;
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            ValueTask written;
            try
            {
                content.Flowed(buffer.Length);
                written = target.WriteAsync(buffer, cancellationToken);
            }
            catch
            {
                WriteFailed = true;
                throw;
            }

            return written.IsCompletedSuccessfully ? written : Awaited(written);
        }

        public override void Flush()
        {
            try
            {
                target.Flush();
            }
            catch
            {
                WriteFailed = true;
                throw;
            }
        }

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            try
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                await target.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                WriteFailed = true;
                throw;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private async ValueTask Awaited(ValueTask written)
        {
            try
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                await written.ConfigureAwait(false);
            }
            catch
            {
                WriteFailed = true;
                throw;
            }
        }
    }

    /// <summary>The body's stream, telling its content when it ends or fails.</summary>
    private sealed class Watched(WatchedContent content, Stream body) : Stream
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
            catch (Exception exception) when (exception is IOException or HttpRequestException)
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
            catch (Exception exception) when (exception is IOException or HttpRequestException)
            {
                // A reader that stopped waiting gets an OperationCanceledException instead: that says nothing about the
                // service, nor does a body read after its response was disposed (ObjectDisposedException).
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
            content.Flowed(read);
            if (read == 0 && room > 0)
            {
                content.Ended();
            }

            return read;
        }
    }
}
