using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

public class AttemptRequestFactoryTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5001/", "http://payments.invalid/api/pay?x=1", "http://127.0.0.1:5001/api/pay?x=1")]
    [InlineData("https://b.example/region-b/", "http://payments.invalid/api/pay?x=1&y=2", "https://b.example/region-b/api/pay?x=1&y=2")]
    [InlineData("https://b.example/region-b", "http://payments.invalid/api/pay", "https://b.example/region-b/api/pay")]
    [InlineData("https://b.example:8443/region-b/", "http://payments.invalid/", "https://b.example:8443/region-b/")]
    [InlineData("http://127.0.0.1:5001/", "http://payments.invalid/a%20b/c?q=%2F", "http://127.0.0.1:5001/a%20b/c?q=%2F")]
    [InlineData("http://127.0.0.1:5001/base/", "orders/7?expand=lines", "http://127.0.0.1:5001/base/orders/7?expand=lines")]
    [InlineData("http://127.0.0.1:5001/base", "?expand=lines", "http://127.0.0.1:5001/base?expand=lines")]
    [InlineData("http://127.0.0.1:5001/base", "orders/7", "http://127.0.0.1:5001/base/orders/7")]
    [InlineData("http://127.0.0.1:5001/base", "", "http://127.0.0.1:5001/base")]
    [InlineData("https://b.example/base/", "http://x.invalid//double//slash", "https://b.example/base//double//slash")]
    [InlineData("https://b.example/", "http://x.invalid//double", "https://b.example//double")]
    public void Region_uri_takes_the_region_base_and_keeps_path_and_query(string endpoint, string request, string expected)
    {
        Uri requestUri = new(request, UriKind.RelativeOrAbsolute);

        Uri actual = AttemptRequestFactory.RegionUri(new Uri(endpoint), requestUri);

        Assert.Equal(expected, actual.AbsoluteUri);
    }

    [Fact]
    public async Task Later_attempts_copy_method_headers_options_and_body_as_they_were_before_the_first_was_sent()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://payments.invalid/orders/7")
        {
            Content = new StringContent("{\"total\":42}", System.Text.Encoding.UTF8, "application/json"),
            Version = new Version(2, 0),
        };
        request.Headers.Add("X-Trace", "abc");
        request.Options.Set(new HttpRequestOptionsKey<string>("custom"), "value");
        ReplayableContent content = await ReplayableContent.CreateAsync(request.Content, 1024, TestContext.Current.CancellationToken);
        var factory = new AttemptRequestFactory(request, content, moreThanOneAttempt: true);

        HttpRequestMessage first = factory.Create(new Region("a", new Uri("http://127.0.0.1:1/")), useCallersRequest: true);
        first.Headers.Add("X-Added-By-Inner-Handler", "1");
        using HttpRequestMessage second = factory.Create(new Region("b", new Uri("http://127.0.0.1:2/b/")), useCallersRequest: false);

        Assert.Same(request, first);
        Assert.Equal("http://127.0.0.1:1/orders/7", first.RequestUri!.AbsoluteUri);
        Assert.Equal(HttpMethod.Put, second.Method);
        Assert.Equal(new Version(2, 0), second.Version);
        Assert.Equal("http://127.0.0.1:2/b/orders/7", second.RequestUri!.AbsoluteUri);
        Assert.Equal(["abc"], second.Headers.GetValues("X-Trace"));
        Assert.False(second.Headers.Contains("X-Added-By-Inner-Handler"));
        Assert.True(second.Options.TryGetValue(new HttpRequestOptionsKey<string>("custom"), out string? custom));
        Assert.Equal("value", custom);
        Assert.Equal("{\"total\":42}", await second.Content!.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("application/json", second.Content.Headers.ContentType!.MediaType);

        factory.Restore();
        Assert.Equal("http://payments.invalid/orders/7", request.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public async Task A_body_of_unknown_length_or_beyond_the_limit_is_not_replayable()
    {
        using var unknown = new StreamContent(new NonSeekableStream(new byte[10]));
        using var large = new ByteArrayContent(new byte[2048]);
        using var small = new ByteArrayContent(new byte[16]);

        Assert.False((await ReplayableContent.CreateAsync(unknown, 1024, TestContext.Current.CancellationToken)).CanReplay);
        Assert.False((await ReplayableContent.CreateAsync(large, 1024, TestContext.Current.CancellationToken)).CanReplay);
        Assert.True((await ReplayableContent.CreateAsync(small, 1024, TestContext.Current.CancellationToken)).CanReplay);
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public void Without_a_uri_of_its_own_a_request_goes_to_the_regions_base()
    {
        Assert.Equal("https://b.example/base", AttemptRequestFactory.RegionUri(new Uri("https://b.example/base"), null).AbsoluteUri);
    }

    [Fact]
    public async Task The_first_attempt_sends_the_callers_own_body_and_every_later_one_a_copy_with_every_header()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://payments.invalid/orders") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        HttpContent callers = request.Content;
        request.Headers.Add("X-Trace", "abc");
        request.Headers.Add("X-Tenant", "eu");
        request.Headers.Add("Idempotency-Key", "k1");
        ReplayableContent content = await ReplayableContent.CreateAsync(callers, 1024, TestContext.Current.CancellationToken);
        var factory = new AttemptRequestFactory(request, content, moreThanOneAttempt: true);

        HttpRequestMessage first = factory.Create(new Region("a", new Uri("http://127.0.0.1:1/")), useCallersRequest: true);
        using HttpRequestMessage second = factory.Create(new Region("b", new Uri("http://127.0.0.1:2/")), useCallersRequest: false);

        Assert.Same(callers, first.Content);
        Assert.NotSame(callers, second.Content);
        Assert.Equal("{}", await second.Content!.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("application/json", second.Content.Headers.ContentType!.MediaType);
        Assert.Equal("abc", Assert.Single(second.Headers.GetValues("X-Trace")));
        Assert.Equal("eu", Assert.Single(second.Headers.GetValues("X-Tenant")));
        Assert.Equal("k1", Assert.Single(second.Headers.GetValues("Idempotency-Key")));
    }

    [Fact]
    public async Task A_body_exactly_at_the_replay_limit_is_replayable_and_one_sent_once_is_always_the_callers()
    {
        using var exact = new ByteArrayContent([1, 2, 3, 4]);
        using var once = new ByteArrayContent([1, 2, 3, 4, 5]);

        ReplayableContent atLimit = await ReplayableContent.CreateAsync(exact, 4, TestContext.Current.CancellationToken);
        ReplayableContent overLimit = await ReplayableContent.CreateAsync(once, 4, TestContext.Current.CancellationToken);

        Assert.True(atLimit.CanReplay);
        Assert.Same(exact, atLimit.ForAttempt(first: true));
        Assert.NotSame(exact, atLimit.ForAttempt(first: false));
        Assert.False(overLimit.CanReplay);
        Assert.Same(once, overLimit.ForAttempt(first: false));
    }

    [Fact]
    public void A_lane_reuses_the_uri_it_built_for_the_same_request_uri_and_builds_anew_for_another()
    {
        var lane = new RegionLane(Polly.ResiliencePipeline<HttpResponseMessage>.Empty, Polly.ResiliencePipeline<HttpResponseMessage>.Empty, new Polly.CircuitBreaker.CircuitBreakerStateProvider());
        var endpoint = new Uri("https://b.example/base/");

        Uri first = lane.RegionUri(endpoint, new Uri("http://payments.invalid/x?id=1"));
        Uri again = lane.RegionUri(endpoint, new Uri("http://payments.invalid/x?id=1"));
        Uri other = lane.RegionUri(endpoint, new Uri("http://payments.invalid/y"));
        Uri relative = lane.RegionUri(endpoint, new Uri("y", UriKind.Relative));

        Assert.Same(first, again);
        Assert.Equal("https://b.example/base/y", other.AbsoluteUri);
        Assert.NotSame(other, relative);
        Assert.Equal("https://b.example/base/y", relative.AbsoluteUri);
        Assert.Equal("https://b.example/base/", lane.RegionUri(endpoint, null).AbsoluteUri);
    }
}
