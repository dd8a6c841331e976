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
}
