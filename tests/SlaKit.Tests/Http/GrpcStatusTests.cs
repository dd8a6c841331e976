using System.Net;
using System.Net.Http.Headers;
using SlaKit.Http;
using SlaKit.Tests.Infrastructure;

namespace SlaKit.Tests.Http;

public sealed class GrpcStatusTests
{
    private static readonly int Defaults = GrpcStatus.FailureMask(new HashSet<int>());

    private static HttpResponseMessage Answer(params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK);
        foreach ((string name, string value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    [Theory]
    [InlineData(new[] { RegionAttemptOutcomeKind.Timeout }, false, 4)]
    [InlineData(new[] { RegionAttemptOutcomeKind.TransportError, RegionAttemptOutcomeKind.Timeout }, false, 4)]
    [InlineData(new[] { RegionAttemptOutcomeKind.Timeout, RegionAttemptOutcomeKind.TransientStatus }, false, 4)]
    [InlineData(new RegionAttemptOutcomeKind[0], true, 4)]
    [InlineData(new[] { RegionAttemptOutcomeKind.CircuitOpen, RegionAttemptOutcomeKind.Cancelled }, true, 4)]
    [InlineData(new[] { RegionAttemptOutcomeKind.TransportError }, false, 14)]
    [InlineData(new[] { RegionAttemptOutcomeKind.CircuitOpen, RegionAttemptOutcomeKind.TransientStatus }, false, 14)]
    public void A_call_that_fails_everywhere_is_deadline_exceeded_when_a_timeout_ended_it_somewhere_and_unavailable_otherwise(
        RegionAttemptOutcomeKind[] outcomes, bool totalTimeout, int expected)
    {
        var region = new SlaKit.Regions.Region("a", new Uri("http://127.0.0.1:1/"));
        var failure = new RegionFailoverException(
            "payments",
            "failed",
            [.. outcomes.Select(kind => new RegionAttemptOutcome(region, kind, null, kind == RegionAttemptOutcomeKind.Cancelled ? new OperationCanceledException() : null, TimeSpan.FromSeconds(1)))],
            null)
        {
            TotalTimeoutElapsed = totalTimeout,
        };

        Assert.Equal(expected, GrpcStatus.ForFailover(failure));
    }

    [Theory]
    [InlineData("14", true)]
    [InlineData("8", true)]
    [InlineData("5", false)]
    [InlineData("0", false)]
    [InlineData("x", false)]
    [InlineData("40", false)]
    public void By_default_unavailable_and_resource_exhausted_in_the_headers_are_failures_of_the_region(string status, bool failure)
    {
        using HttpResponseMessage response = Answer(("grpc-status", status));

        Assert.Equal(failure, GrpcStatus.IsRegionFailure(response, Defaults));
    }

    [Fact]
    public void A_configured_set_replaces_the_defaults()
    {
        int mask = GrpcStatus.FailureMask(new HashSet<int> { 14, 13 });
        using HttpResponseMessage internalError = Answer(("grpc-status", "13"));
        using HttpResponseMessage exhausted = Answer(("grpc-status", "8"));

        Assert.True(GrpcStatus.IsRegionFailure(internalError, mask));
        Assert.False(GrpcStatus.IsRegionFailure(exhausted, mask));
        Assert.Equal(GrpcStatus.FailureMask(new HashSet<int> { 14, 8 }), Defaults);
    }

    [Fact]
    public void An_answer_without_a_grpc_status_has_none()
    {
        using HttpResponseMessage ok = Answer();

        Assert.Null(GrpcStatus.Of(ok));
        Assert.False(GrpcStatus.IsRegionFailure(ok, Defaults));
    }

    [Theory]
    [InlineData("1500", 1500)]
    [InlineData("-1", null)]
    [InlineData("0", null)]
    [InlineData("soon", null)]
    public void The_push_back_is_a_positive_number_of_milliseconds(string value, int? milliseconds)
    {
        using HttpResponseMessage response = Answer(("grpc-status", "14"), ("grpc-retry-pushback-ms", value));

        Assert.Equal(milliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : null, GrpcStatus.Pushback(response));
    }

    [Fact]
    public void A_push_back_longer_than_any_time_span_is_read_as_the_longest_one()
    {
        using HttpResponseMessage response = Answer(("grpc-status", "14"), ("grpc-retry-pushback-ms", "9223372036854775807"));

        TimeSpan? pushback = GrpcStatus.Pushback(response);

        Assert.NotNull(pushback);
        Assert.True(TimeSpan.MaxValue - pushback.Value < TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task An_answer_read_whole_is_judged_by_the_status_in_its_trailers_and_keeps_its_body_and_content_headers()
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = new ByteArrayContent([0, 0, 0, 0, 1, 42]) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        response.TrailingHeaders.TryAddWithoutValidation("grpc-status", "14");
        response.TrailingHeaders.TryAddWithoutValidation("grpc-retry-pushback-ms", "250");

        using HttpResponseMessage whole = await GrpcStatus.ReadWholeAsync(Task.FromResult(response), TestContext.Current.CancellationToken);

        Assert.Same(response, whole);
        Assert.Equal(14, GrpcStatus.Of(whole));
        Assert.True(GrpcStatus.IsRegionFailure(whole, Defaults));
        Assert.Equal(TimeSpan.FromMilliseconds(250), GrpcStatus.Pushback(whole));
        Assert.Equal("application/grpc", whole.Content.Headers.ContentType!.MediaType);
        Assert.Equal([0, 0, 0, 0, 1, 42], await whole.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("application/grpc-web", false)]
    [InlineData(null, false)]
    public async Task A_grpc_answer_read_whole_without_a_status_in_its_trailers_fails_as_a_transport_error_and_is_disposed(string? media, bool fails)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = new ByteArrayContent([0, 0, 0, 0, 0]) };
        if (media is not null)
        {
            response.Content.Headers.ContentType = new MediaTypeHeaderValue(media);
        }

        if (fails)
        {
            HttpRequestException thrown = await Assert.ThrowsAsync<HttpRequestException>(async () => await GrpcStatus.ReadWholeAsync(Task.FromResult(response), TestContext.Current.CancellationToken));
            Assert.Equal(HttpRequestError.InvalidResponse, thrown.HttpRequestError);
            Assert.Throws<ObjectDisposedException>(() => response.Content.ReadAsStream(TestContext.Current.CancellationToken));
        }
        else
        {
            using HttpResponseMessage whole = await GrpcStatus.ReadWholeAsync(Task.FromResult(response), TestContext.Current.CancellationToken);
            Assert.Null(GrpcStatus.Of(whole));
            Assert.False(GrpcStatus.IsRegionFailure(whole, Defaults));
        }
    }

    [Fact]
    public async Task A_trailers_only_or_failing_http_answer_is_not_read()
    {
        using HttpResponseMessage trailersOnly = Answer(("grpc-status", "5"));
        using var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("down") };
        HttpContent body = unavailable.Content;

        Assert.Equal(5, GrpcStatus.Of(await GrpcStatus.ReadWholeAsync(Task.FromResult(trailersOnly), TestContext.Current.CancellationToken)));
        Assert.Same(body, (await GrpcStatus.ReadWholeAsync(Task.FromResult(unavailable), TestContext.Current.CancellationToken)).Content);
    }

    [Fact]
    public async Task A_body_that_breaks_off_fails_the_attempt_as_a_transport_error_and_disposes_the_answer()
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new BrokenStream()) };

        await Assert.ThrowsAsync<HttpRequestException>(async () => await GrpcStatus.ReadWholeAsync(Task.FromResult(response), TestContext.Current.CancellationToken));
        Assert.Throws<ObjectDisposedException>(() => response.Content.ReadAsStream(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(null, false, "None")]
    [InlineData("application/json", false, "None")]
    [InlineData("application/grpc", false, "Unary")]
    [InlineData("application/grpc+proto", true, "DeclaredIdempotent")]
    public void A_request_is_classified_by_its_content_type_and_path(string? contentType, bool declared, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://a.example/pkg.Svc/Get");
        if (contentType is not null)
        {
            request.Content = new ByteArrayContent([]);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        var idempotent = new HashSet<string>(StringComparer.Ordinal);
        if (declared)
        {
            idempotent.Add("pkg.Svc/Get");
        }

        Assert.Equal(Enum.Parse<GrpcCall>(expected), GrpcMethod.Classify(request, idempotent, new HashSet<string>()));
    }

    [Theory]
    [InlineData("pkg.Svc/Get", "pkg.Svc/Other", "Streaming")]
    [InlineData("/pkg.Svc/Get", "pkg.Svc/Other", "Streaming")]
    [InlineData("pkg.Svc/Get", "pkg.Svc/Get", "DeclaredIdempotentStream")]
    [InlineData("/pkg.Svc/Get", "/pkg.Svc/Get", "DeclaredIdempotentStream")]
    [InlineData("pkg.Svc/Other", "pkg.Svc/Get", "DeclaredIdempotent")]
    public void A_method_listed_as_streaming_is_a_stream_and_one_declared_safe_too_a_stream_safe_to_repeat(string streaming, string idempotent, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://a.example/pkg.Svc/Get") { Content = new ByteArrayContent([]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");

        Assert.Equal(Enum.Parse<GrpcCall>(expected), GrpcMethod.Classify(request, new HashSet<string> { idempotent }, new HashSet<string> { streaming }));
    }

    private sealed class BrokenStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("The stream was reset.");

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void Codes_0_to_31_can_be_failures_and_nothing_outside_them()
    {
        int mask = GrpcStatus.FailureMask(new HashSet<int> { 0, 31, 32, -1 });

        Assert.Equal(1 | (1 << 31), mask);
        Assert.True(GrpcStatus.IsRegionFailure(Answer(("grpc-status", "0")), mask));
        Assert.True(GrpcStatus.IsRegionFailure(Answer(("grpc-status", "31")), mask));
        Assert.False(GrpcStatus.IsRegionFailure(Answer(("grpc-status", "32")), -1));
        Assert.False(GrpcStatus.IsRegionFailure(Answer(("grpc-status", "14")), mask));
    }

    [Fact]
    public void A_trailers_only_http2_answer_has_its_status_in_the_headers()
    {
        using HttpResponseMessage answer = Answer(("grpc-status", "14"));
        answer.Version = HttpVersion.Version20;
        answer.TrailingHeaders.TryAddWithoutValidation("grpc-status", "0");

        Assert.Equal(14, GrpcStatus.Of(answer));
    }

    [Fact]
    public async Task An_answer_read_whole_lets_go_of_its_streamed_body()
    {
        var streamed = new TrackedContent([0, 0, 0, 0, 0]);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = streamed };

        using HttpResponseMessage whole = await GrpcStatus.ReadWholeAsync(Task.FromResult(response), TestContext.Current.CancellationToken);

        Assert.NotSame(streamed, whole.Content);
        Assert.True(streamed.Disposed);
    }

    [Theory]
    [InlineData("pkg.Svc/Get", true)]
    [InlineData("/pkg.Svc/Get", true)]
    [InlineData("pkg.Svc/", false)]
    [InlineData("/pkg.Svc", false)]
    [InlineData("pkg.Svc/Get/More", false)]
    [InlineData("pkg Svc/Get", false)]
    [InlineData("pkg.Svc/Get\t", false)]
    [InlineData(null, false)]
    public void A_method_is_written_package_service_slash_method(string? name, bool wellFormed)
    {
        Assert.Equal(wellFormed, GrpcMethod.IsWellFormed(name));
    }

    [Fact]
    public void A_method_not_in_a_non_empty_idempotent_list_is_a_unary_call_and_a_relative_path_is_read_without_its_query()
    {
        using var other = Grpc(new Uri("http://a.example/pkg.Svc/Other"));
        using var relative = Grpc(new Uri("pkg.Svc/Get?trace=1", UriKind.Relative));
        var idempotent = new HashSet<string> { "pkg.Svc/Get" };

        Assert.Equal(GrpcCall.Unary, GrpcMethod.Classify(other, idempotent, new HashSet<string>()));
        Assert.Equal(GrpcCall.DeclaredIdempotent, GrpcMethod.Classify(relative, idempotent, new HashSet<string>()));
    }

    [Fact]
    public void A_body_grpc_writes_as_a_client_stream_is_a_stream_and_a_lookalike_elsewhere_is_not()
    {
        using var stream = Grpc(new Uri("http://a.example/pkg.Svc/Upload"), new global::Grpc.Net.Client.Internal.PushStreamContent<int, int>());
        using var lookalike = Grpc(new Uri("http://a.example/pkg.Svc/Upload"), new Elsewhere.PushStreamContent<int, int>());
        using var unary = Grpc(new Uri("http://a.example/pkg.Svc/Upload"), new global::Grpc.Net.Client.Internal.PushUnaryContent<int, int>());

        Assert.Equal(GrpcCall.Streaming, GrpcMethod.Classify(stream, new HashSet<string>(), new HashSet<string>()));
        Assert.Equal(GrpcCall.Unary, GrpcMethod.Classify(lookalike, new HashSet<string>(), new HashSet<string>()));
        Assert.Equal(GrpcCall.Unary, GrpcMethod.Classify(unary, new HashSet<string>(), new HashSet<string>()));
    }

    private static HttpRequestMessage Grpc(Uri uri, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content ?? new ByteArrayContent([]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        return request;
    }
}
