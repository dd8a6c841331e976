using System.Runtime.CompilerServices;

namespace SlaKit.Http;

/// <summary>
/// The plaintext stream of one HTTP/2 connection to a region, as <see cref="SocketsHttpHandler"/> reads and writes its
/// frames: passed through untouched, except that it notes when a read last brought something in, and that the failover
/// can abort it.
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
/// The time noted is when a read returned data, not when one began: a connection opened after the attempt began (often
/// the very one that attempt opened) on which nothing at all has come in, not even the server's SETTINGS, is as silent
/// as an old one, though its handler's first read began after the attempt did, once its region's usual latency has
/// passed since it was opened (<see cref="IsSilentSince"/>). A live connection whose requests are merely slow still
/// answers something: its other streams, a SETTINGS or WINDOW_UPDATE frame, or the acknowledgement of a keep-alive
/// PING (RFC 9113 §6.7) when the application has its handler send them (<see cref="SocketsHttpHandler.KeepAlivePingDelay"/>).
/// Without those, a connection whose only other stream stayed quiet (server-sent events, a gRPC server stream between
/// messages) for a whole attempt timeout is taken for silent with it. Reading the clock once per read that brings
/// something is all it costs.
/// </para>
/// </remarks>
internal sealed class Http2ConnectionStream : Stream
{
    private readonly Stream _inner;
    private readonly TimeProvider _time;
    private readonly RegionLane[] _lanes;
    private readonly long _opened;
    private long _lastReceived = long.MinValue;
    private int _aborting;
    private long _abortedAt = long.MaxValue;
    private int _closed;

    /// <summary>Wraps <paramref name="inner"/>, a connection to the regions of <paramref name="lanes"/>, and lists it with each.</summary>
    public Http2ConnectionStream(Stream inner, TimeProvider time, RegionLane[] lanes)
    {
        _inner = inner;
        _time = time;
        _lanes = lanes;
        _opened = time.GetTimestamp();
        foreach (RegionLane lane in lanes)
        {
            lane.AddConnection(this);
        }
    }

    /// <summary>
    /// When a read last brought something in, as a timestamp of the client's <see cref="TimeProvider"/>;
    /// <see cref="long.MinValue"/> while nothing has.
    /// </summary>
    public long LastReceived => Volatile.Read(ref _lastReceived);

    /// <summary>
    /// Whether nothing has come in on the connection since <paramref name="since"/> (a <see cref="TimeProvider"/>
    /// timestamp), when an attempt that began then timed out: it is silent, unless it was opened after that and less than
    /// <paramref name="grace"/> ago, with nothing in yet. Such a connection is new, not silent: its server's first frames
    /// are a round trip away, a few microseconds on loopback and 150 ms on a link across a continent.
    /// </summary>
    public bool IsSilentSince(long since, TimeSpan grace) =>
        LastReceived <= since && !(LastReceived == long.MinValue && _opened > since && _time.GetElapsedTime(_opened) < grace);

    /// <summary>Closes the connection under the handler: its read loop fails, every stream on it fails, and the pool drops it.</summary>
    /// <remarks>
    /// It never throws: it runs as a timed-out attempt is recorded, which must not fail for it, and before the region's
    /// other silent connections are closed. The stream under this one may be an application filter's, whose closing
    /// can fail (one that writes out what it buffered, on a connection that is gone); the connection is off the lists
    /// by then, and the handler's read loop, failing, drops it all the same.
    /// </remarks>
    public void Abort()
    {
        // Before the closing, a read or write that fails from here on says so (FailoverClosedConnectionException), and
        // before the clock is read: a write let through before this line began before that time, so only requests begun
        // before it can have left. One refused before the time is set carries none, and is never taken for unsent.
        if (Interlocked.Exchange(ref _aborting, 1) == 0)
        {
            Interlocked.CompareExchange(ref _abortedAt, _time.GetTimestamp(), long.MaxValue);
        }

        try
        {
            Dispose();
        }
#pragma warning disable CA1031 // Closing a connection being given up on; what its stream throws on the way changes nothing.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

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

    public override int Read(byte[] buffer, int offset, int count) => Received(_inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Received(_inner.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ValueTask<int> read;
        try
        {
            read = _inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception exception) when (Aborted)
        {
            // A socket's stream refuses a read at once once it is closed.
            return ValueTask.FromException<int>(new FailoverClosedConnectionException(AbortedAt, exception));
        }

        if (!read.IsCompletedSuccessfully)
        {
            return ReceivedAsync(read);
        }

        int count = read.Result;
        return count == 0 && Aborted
            ? ValueTask.FromException<int>(new FailoverClosedConnectionException(AbortedAt))
            : new ValueTask<int>(Received(count));
    }

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <remarks>
    /// Once the failover has closed the connection, nothing is written: the write fails at once with
    /// <see cref="FailoverClosedConnectionException"/>, and with it the request whose frames it carried, which never left.
    /// A write under way when it was closed fails with it too, so that the handler's connection ends with it whichever
    /// comes first.
    /// </remarks>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Aborted)
        {
            return ValueTask.FromException(new FailoverClosedConnectionException(AbortedAt));
        }

        ValueTask write;
        try
        {
            write = _inner.WriteAsync(buffer, cancellationToken);
        }
        catch (Exception exception) when (Aborted)
        {
            return ValueTask.FromException(new FailoverClosedConnectionException(AbortedAt, exception));
        }

        return write.IsCompletedSuccessfully ? write : WrittenAsync(write);
    }

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

    /// <summary>Notes the time when <paramref name="read"/> bytes, something, came in.</summary>
    private int Received(int read)
    {
        if (read > 0)
        {
            Volatile.Write(ref _lastReceived, _time.GetTimestamp());
        }

        return read;
    }

    /// <summary>Whether the failover has closed the connection, or is closing it (<see cref="Abort"/>).</summary>
    private bool Aborted => Volatile.Read(ref _aborting) != 0;

    /// <summary>When the failover closed the connection; <see cref="long.MaxValue"/> (never taken for earlier than a request) until that time is set.</summary>
    private long AbortedAt => Interlocked.Read(ref _abortedAt);

    /// <summary>A write still to complete; if it fails once the failover has closed the connection, it says so.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WrittenAsync(ValueTask write)
    {
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await write.ConfigureAwait(false);
        }
        catch (Exception exception) when (Aborted)
        {
            throw new FailoverClosedConnectionException(AbortedAt, exception);
        }
    }

    /// <summary>
    /// A read still to complete; once the failover has closed the connection, its end (nothing more, or the error of a
    /// closed stream) is <see cref="FailoverClosedConnectionException"/>, which the handler's read loop aborts the
    /// connection with, and every request it still gets fails with.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReceivedAsync(ValueTask<int> read)
    {
        int count;
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            count = await read.ConfigureAwait(false);
        }
        catch (Exception exception) when (Aborted)
        {
            throw new FailoverClosedConnectionException(AbortedAt, exception);
        }

        if (count == 0 && Aborted)
        {
            throw new FailoverClosedConnectionException(AbortedAt);
        }

        return Received(count);
    }

    private void Unlist()
    {
        foreach (RegionLane lane in _lanes)
        {
            lane.RemoveConnection(this);
        }
    }
}
