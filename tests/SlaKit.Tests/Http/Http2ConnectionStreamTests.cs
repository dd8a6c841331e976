using Microsoft.Extensions.Time.Testing;
using Polly;
using SlaKit.Http;

namespace SlaKit.Tests.Http;

/// <summary>The watch over a region's HTTP/2 connections: which are closed when an attempt times out.</summary>
public sealed class Http2ConnectionStreamTests
{
    private readonly FakeTimeProvider _time = new();
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(500);

    private readonly RegionLane _lane = new(ResiliencePipeline<HttpResponseMessage>.Empty, ResiliencePipeline<HttpResponseMessage>.Empty, new Polly.CircuitBreaker.CircuitBreakerStateProvider());

    [Fact]
    public async Task A_connection_that_took_nothing_in_since_the_attempt_began_is_closed_and_one_that_did_is_left_open()
    {
        using var silentInner = new MemoryStream([1, 2, 3]);
        using var liveInner = new MemoryStream([1, 2, 3]);
        using var silent = new Http2ConnectionStream(silentInner, _time, [_lane]);
        using var live = new Http2ConnectionStream(liveInner, _time, [_lane]);
        _time.Advance(TimeSpan.FromSeconds(1));
        long attemptStarted = _time.GetTimestamp();

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await live.ReadAsync(new byte[1], TestContext.Current.CancellationToken));
        _time.Advance(TimeSpan.FromSeconds(3));
        _lane.AbortSilentConnections(attemptStarted, Grace);

        Assert.False(silentInner.CanRead);
        Assert.True(liveInner.CanRead);
    }

    [Fact]
    public void A_connection_whose_last_read_began_as_the_attempt_began_took_nothing_in_since_and_is_closed()
    {
        using var inner = new MemoryStream([1, 2, 3]);
        using var connection = new Http2ConnectionStream(inner, _time, [_lane]);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, connection.Read(new byte[1], 0, 1));
        long attemptStarted = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(2));

        _lane.AbortSilentConnections(attemptStarted, Grace);

        Assert.False(inner.CanRead);
    }

    [Fact]
    public async Task A_connection_opened_after_the_attempt_began_on_which_nothing_has_come_in_is_closed()
    {
        long attemptStarted = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(100));
        using var inner = new MemoryStream();
        using var connection = new Http2ConnectionStream(inner, _time, [_lane]);
        _time.Advance(TimeSpan.FromMilliseconds(100));

        // The handler's first read waits for the server's SETTINGS, and nothing comes (here, the end of the stream).
        Assert.Equal(0, await connection.ReadAsync(new byte[16], TestContext.Current.CancellationToken));
        _time.Advance(TimeSpan.FromSeconds(2));
        _lane.AbortSilentConnections(attemptStarted, Grace);

        Assert.False(inner.CanRead);
    }

    [Fact]
    public async Task A_connection_opened_moments_ago_with_its_first_frames_still_on_the_way_is_left_open_until_its_grace_is_spent()
    {
        // The attempt's own connection keeps delivering other requests' answers: the attempt is merely slow.
        using var liveInner = new MemoryStream(new byte[100]);
        using var live = new Http2ConnectionStream(liveInner, _time, [_lane]);
        long attemptStarted = _time.GetTimestamp();
        for (int i = 0; i < 49; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            Assert.Equal(1, await live.ReadAsync(new byte[1], TestContext.Current.CancellationToken));
        }

        // 80 ms before the attempt times out another connection is opened; over a 150 ms link its server's SETTINGS are
        // still on their way when the attempt times out.
        _time.Advance(TimeSpan.FromMilliseconds(20));
        using var freshInner = new MemoryStream();
        using var fresh = new Http2ConnectionStream(freshInner, _time, [_lane]);
        _time.Advance(TimeSpan.FromMilliseconds(80));
        _lane.AbortSilentConnections(attemptStarted, Grace);
        Assert.True(liveInner.CanRead);
        Assert.True(freshInner.CanRead);

        // Still nothing once the grace is spent: silent after all.
        _time.Advance(Grace);
        _lane.AbortSilentConnections(attemptStarted, Grace);
        Assert.True(liveInner.CanRead);
        Assert.False(freshInner.CanRead);
    }

    [Fact]
    public void A_connection_whose_stream_fails_to_close_neither_fails_the_attempt_nor_keeps_the_others_open()
    {
        // An application's own filter may wrap the connection in a stream that writes what it buffered when closed.
        using var failing = new Http2ConnectionStream(new FailingToClose(), _time, [_lane]);
        using var inner = new MemoryStream();
        using var other = new Http2ConnectionStream(inner, _time, [_lane]);
        _time.Advance(TimeSpan.FromSeconds(1));
        long attemptStarted = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(2));

        _lane.AbortSilentConnections(attemptStarted, Grace);

        Assert.False(inner.CanRead);
    }

    private sealed class FailingToClose : MemoryStream
    {
        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            throw new IOException("Broken pipe");
        }
    }

    [Fact]
    public async Task Once_the_failover_has_closed_a_connection_its_writes_and_reads_fail_saying_so_and_when()
    {
        using var inner = new MemoryStream([1, 2, 3]);
        using var connection = new Http2ConnectionStream(inner, _time, [_lane]);
        _time.Advance(TimeSpan.FromSeconds(1));
        long closedAt = _time.GetTimestamp();

        connection.Abort();
        _time.Advance(TimeSpan.FromSeconds(1));

        // Nothing is written after the closing; the read loop's wait for more ends as the closing, not as the server's.
        FailoverClosedConnectionException write = await Assert.ThrowsAsync<FailoverClosedConnectionException>(
            () => connection.WriteAsync(new byte[] { 1 }, TestContext.Current.CancellationToken).AsTask());
        Assert.Equal(closedAt, write.ClosedAt);
        FailoverClosedConnectionException read = await Assert.ThrowsAsync<FailoverClosedConnectionException>(
            () => connection.ReadAsync(Memory<byte>.Empty, TestContext.Current.CancellationToken).AsTask());
        Assert.Equal(closedAt, read.ClosedAt);
        Assert.IsType<ObjectDisposedException>(read.InnerException);

        // A request whose attempt began after the closing never left; one already on its way may have.
        var failed = new HttpRequestException("An error occurred while sending the request.", new IOException("The request was aborted.", write));
        Assert.True(FailoverClosedConnectionException.ClosedBefore(failed, closedAt + 1));
        Assert.False(FailoverClosedConnectionException.ClosedBefore(failed, closedAt));
        Assert.False(FailoverClosedConnectionException.ClosedBefore(new HttpRequestException("An error occurred while sending the request.", new IOException("The request was aborted.")), closedAt + 1));
    }

    [Fact]
    public async Task A_connection_the_handler_closes_itself_ends_its_reads_as_it_always_did()
    {
        using var inner = new MemoryStream();
        var connection = new Http2ConnectionStream(inner, _time, [_lane]);

        Assert.Equal(0, await connection.ReadAsync(new byte[4], TestContext.Current.CancellationToken));
        await connection.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.WriteAsync(new byte[] { 1 }, TestContext.Current.CancellationToken).AsTask());
    }

    [Fact]
    public async Task A_write_under_way_when_the_failover_closes_the_connection_fails_saying_so()
    {
        using var inner = new PendingWrites();
        using var connection = new Http2ConnectionStream(inner, _time, [_lane]);
        ValueTask write = connection.WriteAsync(new byte[] { 1 }, TestContext.Current.CancellationToken);
        Assert.False(write.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        long closedAt = _time.GetTimestamp();

        connection.Abort();

        FailoverClosedConnectionException failed = await Assert.ThrowsAsync<FailoverClosedConnectionException>(() => write.AsTask());
        Assert.Equal(closedAt, failed.ClosedAt);
        Assert.IsType<ObjectDisposedException>(failed.InnerException);
    }

    /// <summary>A stream whose writes wait until it is closed, and then fail as a socket's do.</summary>
    private sealed class PendingWrites : MemoryStream
    {
        private readonly TaskCompletionSource _pending = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => new(_pending.Task);

        protected override void Dispose(bool disposing)
        {
            _pending.TrySetException(new ObjectDisposedException(nameof(PendingWrites)));
            base.Dispose(disposing);
        }
    }
}
