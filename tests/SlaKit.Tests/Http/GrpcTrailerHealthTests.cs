using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>
/// A unary gRPC call not safe to repeat gets its answer as it comes, so its region is judged by the status in the
/// trailers once the caller has read the body to its end, not at the answer's headers. Region a starts Degraded (one
/// failure), so a success shows as a heal and no verdict as no change.
/// </summary>
public sealed class GrpcTrailerHealthTests : HeldRegionTests
{
    public GrpcTrailerHealthTests() => A.RecordFailure(Time.GetUtcNow(), "down once before the test");

    private static HttpRequestMessage Call()
    {
        var content = new ByteArrayContent([0, 0, 0, 0, 0]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        return new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/slakit.tests.Payments/Charge") { Content = content, Version = HttpVersion.Version20 };
    }

    /// <summary>An HTTP/2 gRPC answer with a message and, once its body has been read, <paramref name="status"/> in its trailers.</summary>
    private static HttpResponseMessage Answer(string? status)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = new ByteArrayContent([0, 0, 0, 0, 0]) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        if (status is not null)
        {
            response.TrailingHeaders.TryAddWithoutValidation("grpc-status", status);
        }

        return response;
    }

    private async Task<HttpResponseMessage> SendAsync(string? status)
    {
        Task<HttpResponseMessage> sending = Invoker.SendAsync(Call(), TestContext.Current.CancellationToken);
        Held a = await Terminal.NextHeldAsync();
        a.Pending.TrySetResult(Answer(status));
        HttpResponseMessage response = await sending.WaitAsync(Wait, TestContext.Current.CancellationToken);
        Assert.Equal("a", response.RequestMessage!.GetServedRegion());
        return response;
    }

    [Theory]
    [InlineData("14", RegionHealth.Unhealthy, "it answered gRPC status 14 after its headers", "transient_status")]
    [InlineData("8", RegionHealth.Unhealthy, "it answered gRPC status 8 after its headers", "transient_status")]
    [InlineData(null, RegionHealth.Unhealthy, "its gRPC answer ended without a status", "transport_error")]
    [InlineData("0", RegionHealth.Healthy, "it answered", "success")]
    [InlineData("5", RegionHealth.Healthy, "it answered", "success")]
    public async Task The_status_in_the_trailers_judges_the_region_and_counts_the_attempt_once_the_body_is_read(string? status, RegionHealth health, string reason, string outcome)
    {
        using var attempts = new MetricCollector<long>(Telemetry.Attempts);
        using HttpResponseMessage response = await SendAsync(status);

        // Nothing is judged, or counted, at the headers.
        Assert.Equal(RegionHealth.Degraded, A.HealthAt(Time.GetUtcNow()));
        Assert.Empty(attempts.GetMeasurementSnapshot());
        Assert.Equal(5, (await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length);

        Assert.Equal(("a", health, reason), Changes[^1]);
        Assert.Equal(("a", outcome), attempts.GetMeasurementSnapshot().Select(static m => (m.Tags["region"], m.Tags["outcome"])).Single());
    }

    [Fact]
    public async Task An_answer_the_caller_leaves_before_its_end_judges_nothing_counts_as_answered_and_its_latency_is_learnt()
    {
        using var attempts = new MetricCollector<long>(Telemetry.Attempts);
        HttpResponseMessage response = await SendAsync("14");
        response.Dispose();

        Assert.Equal(RegionHealth.Degraded, A.HealthAt(Time.GetUtcNow()));
        // Learnt in the latency class of its method.
        Assert.Equal(0, A.LatencyOf(Client.Classes.IndexOf("/slakit.tests.Payments/Charge")).FirstMilliseconds);
        Assert.Equal(("a", RegionHealth.Degraded, "down once before the test"), Assert.Single(Changes));
        Assert.Equal("success", Assert.Single(attempts.GetMeasurementSnapshot()).Tags["outcome"]);
    }

    [Theory]
    [InlineData(null, RegionHealth.Degraded, "success")]
    [InlineData("14", RegionHealth.Unhealthy, "transient_status")]
    public async Task An_answer_without_a_status_after_outliving_the_attempt_timeout_judges_nothing_while_a_failing_status_still_counts(
        string? status, RegionHealth health, string outcome)
    {
        using var attempts = new MetricCollector<long>(Telemetry.Attempts);
        using HttpResponseMessage response = await SendAsync(status);

        // A server stream the client took for a unary call, still flowing after minutes, then at its end.
        Stream body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        await using (body)
        {
            Assert.Equal(2, await body.ReadAtLeastAsync(new byte[2], 2, throwOnEndOfStream: false, TestContext.Current.CancellationToken));
            Time.Advance(RegionFailoverOptions.DefaultAttemptTimeout + TimeSpan.FromMinutes(10));
            Assert.Equal(3, await body.ReadAtLeastAsync(new byte[16], 16, throwOnEndOfStream: false, TestContext.Current.CancellationToken));
        }

        Assert.Equal(health, A.HealthAt(Time.GetUtcNow()));
        Assert.Equal(outcome, Assert.Single(attempts.GetMeasurementSnapshot()).Tags["outcome"]);
    }
}
