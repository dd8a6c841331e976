namespace SlaKit.Http;

/// <summary>
/// The plaintext stream of one HTTP/2 connection to a region, as <see cref="SocketsHttpHandler"/> reads and writes its
/// frames: passed through untouched, except that it notes when a read last began, and that the failover can abort it.
/// </summary>
/// <remarks>
/// <para>
/// Over HTTP/1.1 an attempt that times out closes its own connection, and the next attempt to the region opens a new
/// one. Over HTTP/2 every attempt to a region shares one connection (RFC 9113 §9.1), and a cancelled stream is only
/// reset (RST_STREAM, §6.4) on it: a connection that has gone silent for good (a load balancer that lost the flow, an
/// instance that hangs) stays in the pool, and every later attempt, trials included, waits its whole timeout on it,
/// while a new connection would reach the region. <see cref="RegionLane.AbortSilentConnections"/> closes such a
/// connection when an attempt times out on it without a byte having come in since that attempt began.
/// </para>
/// <para>
/// The handler's read loop begins its next read as soon as it has taken in what the last one brought, so the time a
/// read last began is the time data last came in. A live connection whose requests are merely slow still answers
/// something (its other streams, a SETTINGS or WINDOW_UPDATE frame) or, when it answers nothing at all for an attempt
/// timeout, has attempts timing out on it anyway. Reading the clock once per read is all it costs.
/// </para>
/// </remarks>
internal sealed class Http2ConnectionStream : Stream
{
    private readonly Stream _inner;
    private readonly TimeProvider _time;
    private readonly RegionLane[] _lanes;
    private long _lastRead;
    private int _closed;

    /// <summary>Wraps <paramref name="inner"/>, a connection to the regions of <paramref name="lanes"/>, and lists it with each.</summary>
    public Http2ConnectionStream(Stream inner, TimeProvider time, RegionLane[] lanes)
    {
        _inner = inner;
        _time = time;
        _lanes = lanes;
        _lastRead = time.GetTimestamp();
        foreach (RegionLane lane in lanes)
        {
            lane.AddConnection(this);
        }
    }

    /// <summary>When a read last began, as a timestamp of the client's <see cref="TimeProvider"/>.</summary>
    public long LastRead => Volatile.Read(ref _lastRead);

    /// <summary>Closes the connection under the handler: its read loop fails, every stream on it fails, and the pool drops it.</summary>
    public void Abort() => Dispose();

    public override bool CanRead => _inner.CanRead;

    public override bool CanWrite => _inner.CanWrite;

    public override bool CanSeek => false;

    public override bool CanTimeout => _inner.CanTimeout;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        Volatile.Write(ref _lastRead, _time.GetTimestamp());
        return _inner.Read(buffer, offset, count);
    }

    public override int Read(Span<byte> buffer)
    {
        Volatile.Write(ref _lastRead, _time.GetTimestamp());
        return _inner.Read(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastRead, _time.GetTimestamp());
        return _inner.ReadAsync(buffer, offset, count, cancellationToken);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Volatile.Write(ref _lastRead, _time.GetTimestamp());
        return _inner.ReadAsync(buffer, cancellationToken);
    }

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(buffer, cancellationToken);

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _closed, 1) == 0)
        {
            Unlist();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Unlist()
    {
        foreach (RegionLane lane in _lanes)
        {
            lane.RemoveConnection(this);
        }
    }
}
