using System.Net;

namespace SlaKit.Tests.Infrastructure;

/// <summary>
/// A body that says whether it was disposed, and can end in a broken connection; one not <paramref name="sized"/> has no
/// <c>Content-Length</c>, as a chunked or streamed answer has none.
/// </summary>
internal sealed class TrackedContent(byte[] bytes, bool breakAtEnd = false, bool sized = true) : HttpContent
{
    public bool Disposed { get; private set; }

    /// <summary>Copies the body as .NET's own content does, from its connection: a broken one fails after its bytes.</summary>
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(bytes);
        if (breakAtEnd)
        {
            throw new IOException("The connection was reset.");
        }
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        stream.Write(bytes);
        if (breakAtEnd)
        {
            throw new IOException("The connection was reset.");
        }
    }

    protected override Task<Stream> CreateContentReadStreamAsync() =>
        Task.FromResult<Stream>(breakAtEnd ? new BreakingStream(bytes) : new MemoryStream(bytes));

    protected override bool TryComputeLength(out long length)
    {
        length = bytes.Length;
        return sized;
    }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }

    /// <summary>Reads the body, then fails as a reset connection would.</summary>
    private sealed class BreakingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position < Length ? base.ReadAsync(buffer, cancellationToken) : throw new IOException("The connection was reset.");

        public override int Read(byte[] buffer, int offset, int count) =>
            Position < Length ? base.Read(buffer, offset, count) : throw new IOException("The connection was reset.");
    }
}
