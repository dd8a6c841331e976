using System.Net;
using SlaKit.Http;

namespace SlaKit.Tests.Http;

public sealed class GrpcStatusTests
{
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
    [InlineData("14", true)]
    [InlineData("8", true)]
    [InlineData("5", false)]
    [InlineData("0", false)]
    [InlineData("x", false)]
    public void Unavailable_and_resource_exhausted_in_the_headers_are_failures_of_the_region(string status, bool failure)
    {
        using HttpResponseMessage response = Answer(("grpc-status", status));

        Assert.Equal(failure, GrpcStatus.IsRegionFailure(response));
        Assert.Equal(failure, HttpRegionSet.IsRegionFailure(response));
    }

    [Fact]
    public void An_answer_without_a_grpc_status_is_judged_by_its_http_status()
    {
        using HttpResponseMessage ok = Answer();
        using var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.Null(GrpcStatus.InHeaders(ok));
        Assert.False(HttpRegionSet.IsRegionFailure(ok));
        Assert.True(HttpRegionSet.IsRegionFailure(unavailable));
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
}
