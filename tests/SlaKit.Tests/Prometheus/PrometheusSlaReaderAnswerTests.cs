using System.Net;
using System.Text;
using SlaKit.Prometheus.Server;
using SlaKit.Tests.Infrastructure;

namespace SlaKit.Tests.Prometheus;

/// <summary>
/// What <see cref="PrometheusSlaReader"/> makes of answers that are not a whole Prometheus query result (not one at
/// all, or one with warnings that it is partial): each is a <see cref="PrometheusQueryException"/> that says what came,
/// and the answer is let go.
/// </summary>
public sealed class PrometheusSlaReaderAnswerTests
{
    private static readonly SlaPeriod September = SlaPeriod.CalendarMonth(2026, 9);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(HttpStatusCode.OK, "<html><body>Grafana</body></html>", "answered 200 with something other than Prometheus's query API")]
    [InlineData(HttpStatusCode.OK, "[1, 2, 3]", "answered 200 with JSON other than Prometheus's query API")]
    [InlineData(HttpStatusCode.OK, "\"ok\"", "answered 200 with JSON other than Prometheus's query API")]
    [InlineData(HttpStatusCode.BadRequest, """{"status":"error","errorType":"bad_data","error":"parse error at char 5"}""", "refused the query last_over_time(slakit_slo_events_total{slo=\"checkout\"}[31d]): 400 parse error at char 5")]
    [InlineData(HttpStatusCode.OK, """{"status":"error","error":42}""", "refused the query last_over_time(slakit_slo_events_total{slo=\"checkout\"}[31d]): 200 {\"status\":\"error\",\"error\":42}")]
    [InlineData(HttpStatusCode.BadGateway, "", "answered 502 with something other than Prometheus's query API")]
    [InlineData(HttpStatusCode.OK, """{"status":"success"}""", "answered the query last_over_time(slakit_slo_events_total{slo=\"checkout\"}[31d]) with a result SlaKit cannot read")]
    [InlineData(HttpStatusCode.OK, """{"status":"success","data":{"resultType":"vector","result":null}}""", "with a result SlaKit cannot read")]
    [InlineData(HttpStatusCode.OK, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1767225600,2]}]}}""", "with a result SlaKit cannot read")]
    [InlineData(HttpStatusCode.OK, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1767225600]}]}}""", "with a result SlaKit cannot read")]
    [InlineData(HttpStatusCode.OK, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1767225600,"many"]}]}}""", "with a result SlaKit cannot read")]
    [InlineData(HttpStatusCode.OK, """{"status":"success","data":{"resultType":"scalar","result":[1767225600,"2"]}}""", "with a result SlaKit cannot read")]
    [InlineData(HttpStatusCode.OK, """{"status":"success","data":{"resultType":"vector","result":[]},"warnings":["remote read failed: store unavailable","the result was cut"]}""", "answered the query last_over_time(slakit_slo_events_total{slo=\"checkout\"}[31d]) only in part, with warnings: remote read failed: store unavailable; the result was cut")]
    [InlineData(HttpStatusCode.OK, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{"outcome":"good"},"value":[1767225600,"1"]}]},"warnings":"partial"}""", "only in part, with warnings: \"partial\"")]
    public async Task An_answer_that_is_not_a_query_result_is_an_error_that_says_what_came(HttpStatusCode status, string body, string expected)
    {
        using var handler = new OneAnswer(status, new TrackedContent(Encoding.UTF8.GetBytes(body)));
        using var http = new HttpClient(handler);

        PrometheusQueryException error = await Assert.ThrowsAsync<PrometheusQueryException>(() => Reader(http).ReadSloEventsAsync("checkout", September, September, cancellationToken: Ct));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.True(handler.Content.Disposed, "the answer was not disposed");
    }

    [Fact]
    public async Task An_answer_cut_off_mid_body_did_not_answer()
    {
        using var handler = new OneAnswer(HttpStatusCode.OK, new TrackedContent(Encoding.UTF8.GetBytes("""{"status":"success","data":{"resultType":"vector","result":[{"metric":"""), breakAtEnd: true));
        using var http = new HttpClient(handler);

        PrometheusQueryException error = await Assert.ThrowsAsync<PrometheusQueryException>(() => Reader(http).ReadSloEventsAsync("checkout", September, September, cancellationToken: Ct));

        Assert.StartsWith("Prometheus at http://127.0.0.1:9090/ did not answer: ", error.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(error.InnerException);
        Assert.True(handler.Content.Disposed, "the answer was not disposed");
    }

    private static PrometheusSlaReader Reader(HttpClient http) =>
        new(http, new PrometheusServerOptions { Server = new Uri("http://127.0.0.1:9090/") });

    private sealed class OneAnswer(HttpStatusCode status, TrackedContent content) : HttpMessageHandler
    {
        public TrackedContent Content { get; } = content;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = Content, RequestMessage = request });
    }
}
