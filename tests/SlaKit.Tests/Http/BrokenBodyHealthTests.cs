using System.Net;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SlaKit.Http;
using SlaKit.Regions;
using SlaKit.Tests.Infrastructure;

namespace SlaKit.Tests.Http;

/// <summary>
/// An answer whose body is still to come when the failover hands it over is judged when its body ends: one that breaks
/// off after good headers is a transport error of its region, unless it broke off only after outliving the attempt
/// timeout (a stream cut on its way); one read to its end or left unread by its caller is a success.
/// </summary>
public sealed class BrokenBodyHealthTests : HeldRegionTests
{
    private static readonly byte[] Body = [1, 2, 3, 4, 5];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Sends a <paramref name="method"/> request, held at region a, which answers 200 with <paramref name="content"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpContent content, HttpMethod? method = null, HttpStatusCode status = HttpStatusCode.OK, CancellationTokenSource? caller = null)
    {
        Task<HttpResponseMessage> sending = Invoker.SendAsync(new HttpRequestMessage(method ?? HttpMethod.Get, "http://payments.invalid/pay"), caller?.Token ?? Ct);
        Held a = await Terminal.NextHeldAsync();
        a.Pending.TrySetResult(new HttpResponseMessage(status) { Content = content, RequestMessage = a.Request });
        HttpResponseMessage response = await sending.WaitAsync(Wait, Ct);
        Assert.Equal("a", response.RequestMessage!.GetServedRegion());
        return response;
    }

    [Fact]
    public async Task An_answer_whose_body_breaks_off_is_a_transport_error_and_two_in_a_row_take_its_region_down()
    {
        using var attempts = new MetricCollector<long>(Telemetry.Attempts);
        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage response = await SendAsync(new TrackedContent(Body, breakAtEnd: true, sized: false));
            Stream body = await response.Content.ReadAsStreamAsync(Ct);
            await using (body)
            {
                await Assert.ThrowsAsync<IOException>(() => body.CopyToAsync(Stream.Null, Ct));
            }
        }

        Assert.Equal(
            [("a", RegionHealth.Degraded, "a transport error: its answer broke off after its headers"), ("a", RegionHealth.Unhealthy, "a transport error: its answer broke off after its headers")],
            Changes);
        Assert.Equal(["transport_error", "transport_error"], attempts.GetMeasurementSnapshot().Select(static m => (string)m.Tags["outcome"]!));

        using HttpResponseMessage next = await Invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/pay"), Ct).WaitAsync(Wait, Ct);
        Assert.Equal("b", next.RequestMessage!.GetServedRegion());
    }

    /// <summary>
    /// Sends three requests that region a answers at once, and lets each body flow for <paramref name="flowing"/> of fake
    /// time after its headers before it breaks off, as a stream a load balancer cuts does.
    /// </summary>
    private async Task ThreeStreamsBreakOffAfterAsync(TimeSpan flowing)
    {
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage response = await SendAsync(new TrackedContent(Body, breakAtEnd: true, sized: false));
            Stream body = await response.Content.ReadAsStreamAsync(Ct);
            await using (body)
            {
                // Part of the body at once, the rest after the stream has flowed for a while, then the cut.
                byte[] buffer = new byte[16];
                Assert.Equal(2, await body.ReadAtLeastAsync(buffer.AsMemory(0, 2), 2, throwOnEndOfStream: false, Ct));
                Time.Advance(flowing);
                Assert.Equal(Body.Length - 2, await body.ReadAtLeastAsync(buffer.AsMemory(2), Body.Length - 2, throwOnEndOfStream: false, Ct));
                await Assert.ThrowsAsync<IOException>(() => body.ReadAsync(buffer.AsMemory(), Ct).AsTask());
            }
        }
    }

    [Fact]
    public async Task Streams_whose_bodies_break_off_after_outliving_the_attempt_timeout_leave_their_region_healthy()
    {
        Start(static o => (o.AttemptTimeout, o.FailuresToMarkDown) = (TimeSpan.FromSeconds(5), 3));
        using var attempts = new MetricCollector<long>(Telemetry.Attempts);

        await ThreeStreamsBreakOffAfterAsync(TimeSpan.FromMinutes(10));

        Assert.Empty(Changes);
        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
        Assert.Equal(["success", "success", "success"], attempts.GetMeasurementSnapshot().Select(static m => (string)m.Tags["outcome"]!));
    }

    [Fact]
    public async Task A_stream_cut_after_the_attempt_timeout_is_no_success_either_so_it_hides_no_failure_of_its_region()
    {
        Start(static o => o.AttemptTimeout = TimeSpan.FromSeconds(5));
        A.RecordFailure(Time.GetUtcNow(), "down once before the test");
        using var attempts = new MetricCollector<long>(Telemetry.Attempts);

        using HttpResponseMessage response = await SendAsync(new TrackedContent(Body, breakAtEnd: true, sized: false));
        Stream body = await response.Content.ReadAsStreamAsync(Ct);
        await using (body)
        {
            Assert.Equal(2, await body.ReadAtLeastAsync(new byte[2], 2, throwOnEndOfStream: false, Ct));
            Time.Advance(TimeSpan.FromMinutes(10));
            await Assert.ThrowsAsync<IOException>(() => body.CopyToAsync(Stream.Null, Ct));
        }

        Assert.Equal(RegionHealth.Degraded, A.HealthAt(Time.GetUtcNow()));
        Assert.Equal("success", Assert.Single(attempts.GetMeasurementSnapshot()).Tags["outcome"]);
    }

    [Fact]
    public async Task Bodies_that_stall_after_their_first_bytes_until_an_idle_timeout_cuts_them_take_their_region_down()
    {
        Start(static o => (o.AttemptTimeout, o.FailuresToMarkDown) = (TimeSpan.FromSeconds(5), 2));
        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage response = await SendAsync(new TrackedContent(Body, breakAtEnd: true, sized: false));
            Stream body = await response.Content.ReadAsStreamAsync(Ct);
            await using (body)
            {
                // A backend hung mid-answer: nothing more comes until a load balancer's idle timeout resets the connection.
                Assert.Equal(Body.Length, await body.ReadAtLeastAsync(new byte[16], Body.Length, throwOnEndOfStream: false, Ct));
                Time.Advance(TimeSpan.FromSeconds(60));
                await Assert.ThrowsAsync<IOException>(() => body.ReadAsync(new byte[16].AsMemory(), Ct).AsTask());
            }
        }

        Assert.Equal(RegionHealth.Unhealthy, A.HealthAt(Time.GetUtcNow()));
        Assert.Equal(("a", RegionHealth.Unhealthy, "a transport error: its answer broke off after its headers"), Changes[^1]);
    }

    [Fact]
    public async Task A_broken_body_its_caller_first_reads_after_the_attempt_timeout_still_counts_against_its_region()
    {
        Start(static o => o.AttemptTimeout = TimeSpan.FromSeconds(5));
        using HttpResponseMessage response = await SendAsync(new TrackedContent(Body, breakAtEnd: true, sized: false));

        // A caller that comes back to the answer late (a queue worker): the body was broken all along.
        Time.Advance(TimeSpan.FromSeconds(6));
        await Assert.ThrowsAsync<HttpRequestException>(() => response.Content.ReadAsByteArrayAsync(Ct));

        Assert.Equal(("a", RegionHealth.Degraded, "a transport error: its answer broke off after its headers"), Assert.Single(Changes));
    }

    [Fact]
    public async Task Streams_whose_bodies_break_off_within_the_attempt_timeout_still_take_their_region_down()
    {
        Start(static o => (o.AttemptTimeout, o.FailuresToMarkDown) = (TimeSpan.FromSeconds(5), 3));
        using var attempts = new MetricCollector<long>(Telemetry.Attempts);

        // Up to the attempt timeout itself: a proxy that cuts every answer short, however late within it.
        await ThreeStreamsBreakOffAfterAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(RegionHealth.Unhealthy, A.HealthAt(Time.GetUtcNow()));
        Assert.Equal(("a", RegionHealth.Unhealthy, "a transport error: its answer broke off after its headers"), Changes[^1]);
        Assert.Equal(["transport_error", "transport_error", "transport_error"], attempts.GetMeasurementSnapshot().Select(static m => (string)m.Tags["outcome"]!));
    }

    [Fact]
    public async Task An_answer_whose_body_breaks_off_while_it_is_buffered_counts_against_its_region()
    {
        using HttpResponseMessage response = await SendAsync(new TrackedContent(Body, breakAtEnd: true, sized: false));
        await Assert.ThrowsAsync<HttpRequestException>(() => response.Content.LoadIntoBufferAsync(Ct));

        Assert.Equal(("a", RegionHealth.Degraded, "a transport error: its answer broke off after its headers"), Assert.Single(Changes));
    }

    [Fact]
    public async Task An_answer_whose_body_breaks_off_while_it_is_copied_synchronously_counts_against_its_region()
    {
        using HttpResponseMessage response = await SendAsync(new TrackedContent(Body, breakAtEnd: true, sized: false));
        using var copy = new MemoryStream();
        Assert.Throws<HttpRequestException>(() => response.Content.CopyTo(copy, context: null, Ct));

        Assert.Equal(Body, copy.ToArray());
        Assert.Equal(("a", RegionHealth.Degraded, "a transport error: its answer broke off after its headers"), Assert.Single(Changes));
    }

    [Fact]
    public async Task A_copy_whose_destination_fails_is_the_callers_failure_and_not_its_regions()
    {
        using var attempts = new MetricCollector<long>(Telemetry.Attempts);
        using (HttpResponseMessage response = await SendAsync(new TrackedContent(Body, sized: false)))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => response.Content.CopyToAsync(new FullDisk(), Ct));
            Assert.Throws<HttpRequestException>(() => response.Content.CopyTo(new FullDisk(), context: null, Ct));
        }

        // Given up on, the answer counts as a success once its caller lets it go.
        Assert.Empty(Changes);
        Assert.Equal("success", Assert.Single(attempts.GetMeasurementSnapshot()).Tags["outcome"]);
    }

    [Fact]
    public async Task A_body_disposed_under_its_copy_is_not_held_against_its_region()
    {
        using HttpResponseMessage response = await SendAsync(new DisposedUnderneath());
        await Assert.ThrowsAnyAsync<Exception>(() => response.Content.LoadIntoBufferAsync(Ct));

        Assert.Empty(Changes);
        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
    }

    [Fact]
    public async Task An_answer_buffered_to_its_end_is_a_success_counted_when_its_body_ends()
    {
        A.RecordFailure(Time.GetUtcNow(), "down once before the test");
        using var attempts = new MetricCollector<long>(Telemetry.Attempts);
        using HttpResponseMessage response = await SendAsync(new TrackedContent(Body, sized: false));
        await response.Content.LoadIntoBufferAsync(Ct);

        Assert.Equal(("a", RegionHealth.Healthy, "it answered"), Changes[^1]);
        Assert.Equal("success", Assert.Single(attempts.GetMeasurementSnapshot()).Tags["outcome"]);
        Assert.Equal(Body, await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task An_answer_read_to_its_end_is_a_success_counted_when_its_body_ends()
    {
        A.RecordFailure(Time.GetUtcNow(), "down once before the test");
        using var attempts = new MetricCollector<long>(Telemetry.Attempts);
        using HttpResponseMessage response = await SendAsync(new TrackedContent(Body, sized: false));

        // Nothing is judged, or counted, at the headers.
        Assert.Equal(RegionHealth.Degraded, A.HealthAt(Time.GetUtcNow()));
        Assert.Empty(attempts.GetMeasurementSnapshot());

        Assert.Equal(Body, await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(("a", RegionHealth.Healthy, "it answered"), Changes[^1]);
        Assert.Equal("success", Assert.Single(attempts.GetMeasurementSnapshot()).Tags["outcome"]);
    }

    [Fact]
    public async Task An_answer_its_caller_disposes_unread_is_a_success_and_its_body_is_let_go()
    {
        A.RecordFailure(Time.GetUtcNow(), "down once before the test");
        using var attempts = new MetricCollector<long>(Telemetry.Attempts);
        var content = new TrackedContent(Body, breakAtEnd: true, sized: false);
        HttpResponseMessage response = await SendAsync(content);
        response.Dispose();

        Assert.True(content.Disposed);
        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
        Assert.Equal("success", Assert.Single(attempts.GetMeasurementSnapshot()).Tags["outcome"]);
    }

    [Fact]
    public async Task A_body_that_breaks_off_after_its_caller_gave_up_on_the_request_is_not_held_against_its_region()
    {
        using var caller = new CancellationTokenSource();
        using HttpResponseMessage response = await SendAsync(new TrackedContent(Body, breakAtEnd: true, sized: false), caller: caller);
        await caller.CancelAsync();
        using Stream body = await response.Content.ReadAsStreamAsync(Ct);
        byte[] buffer = new byte[16];
        Assert.Equal(Body.Length, await body.ReadAtLeastAsync(buffer, Body.Length, throwOnEndOfStream: false, Ct));
        await Assert.ThrowsAsync<IOException>(() => body.ReadAsync(buffer.AsMemory(), Ct).AsTask());

        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
        Assert.Empty(Changes);
    }

    [Fact]
    public async Task A_read_its_reader_cancels_is_not_held_against_its_region()
    {
        using HttpResponseMessage response = await SendAsync(new TrackedContent(Body, breakAtEnd: true, sized: false));
        using Stream body = await response.Content.ReadAsStreamAsync(Ct);
        using var reader = new CancellationTokenSource();
        await reader.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => body.ReadAsync(new byte[16].AsMemory(), reader.Token).AsTask());
        await body.DisposeAsync();

        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
        Assert.Empty(Changes);
    }

    [Theory]
    [InlineData("HEAD", HttpStatusCode.OK)]
    [InlineData("GET", HttpStatusCode.NoContent)]
    [InlineData("GET", HttpStatusCode.NotModified)]
    public async Task An_answer_with_no_body_is_judged_at_its_headers_and_left_as_it_came(string method, HttpStatusCode status)
    {
        A.RecordFailure(Time.GetUtcNow(), "down once before the test");
        var content = new TrackedContent(Body, sized: false);
        using HttpResponseMessage response = await SendAsync(content, new HttpMethod(method), status: status);

        Assert.Same(content, response.Content);
        Assert.Equal(("a", RegionHealth.Healthy, "it answered"), Changes[^1]);
    }

    [Fact]
    public async Task An_answer_whose_body_is_already_in_memory_or_empty_is_judged_at_its_headers_and_left_as_it_came()
    {
        var inMemory = new StringContent("ok");
        using HttpResponseMessage first = await SendAsync(inMemory);
        Assert.Same(inMemory, first.Content);

        var empty = new TrackedContent([]);
        empty.Headers.ContentLength = 0;
        using HttpResponseMessage second = await SendAsync(empty);
        Assert.Same(empty, second.Content);
    }

    [Fact]
    public async Task The_watched_body_keeps_the_content_headers_of_the_answer()
    {
        // Longer than a small answer, which is read whole before it is handed over and not watched.
        byte[] body = new byte[SmallAnswer.MaxBytes + 1];
        var content = new TrackedContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        content.Headers.ContentLanguage.Add("en");
        content.Headers.ContentLanguage.Add("fr");
        using HttpResponseMessage response = await SendAsync(content);

        Assert.IsAssignableFrom<WatchedContent>(response.Content);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(["en", "fr"], response.Content.Headers.ContentLanguage);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public void A_response_with_no_content_is_told_apart_without_giving_it_one()
    {
        using var none = new HttpResponseMessage(HttpStatusCode.OK);
        using var some = new HttpResponseMessage(HttpStatusCode.OK) { Content = new TrackedContent(Body, sized: false) };

        Assert.Null(WatchedContent.ContentOf(none));
        Assert.Same(some.Content, WatchedContent.ContentOf(some));
        Assert.False(WatchedContent.MayBreakOff(none, HttpMethod.Get));
        Assert.Null(WatchedContent.ContentOf(none));
        Assert.True(WatchedContent.MayBreakOff(some, HttpMethod.Get));
    }

    /// <summary>A destination that takes nothing, as a full disk would.</summary>
    private sealed class FullDisk : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("There is not enough space on the disk.");

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("There is not enough space on the disk.");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("There is not enough space on the disk."));

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromException(new IOException("There is not enough space on the disk."));
    }

    /// <summary>A body whose connection was disposed under it, as a handler rotated away or a response disposed mid-copy leaves it.</summary>
    private sealed class DisposedUnderneath : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            Task.FromException(new ObjectDisposedException("HttpConnection"));

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
