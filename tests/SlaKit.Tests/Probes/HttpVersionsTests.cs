using SlaKit.Probes;

namespace SlaKit.Tests.Probes;

/// <summary>How a probe or warm-up asks for its HTTP version, with and without QUIC on the machine.</summary>
public class HttpVersionsTests
{
    [Theory]
    [InlineData(1, 1, true, HttpVersionPolicy.RequestVersionOrLower)]
    [InlineData(1, 1, false, HttpVersionPolicy.RequestVersionOrLower)]
    [InlineData(2, 0, true, HttpVersionPolicy.RequestVersionOrHigher)]
    [InlineData(2, 0, false, HttpVersionPolicy.RequestVersionOrHigher)]
    [InlineData(3, 0, true, HttpVersionPolicy.RequestVersionOrHigher)]
    [InlineData(3, 0, false, HttpVersionPolicy.RequestVersionOrLower)]
    public void Http3_is_required_only_where_quic_is_available(int major, int minor, bool quicAvailable, HttpVersionPolicy expected)
    {
        Assert.Equal(expected, HttpVersions.PolicyFor(new Version(major, minor), quicAvailable));
    }

    [Fact]
    public void The_policy_follows_this_machines_quic()
    {
        Assert.Equal(
            HttpVersions.QuicAvailable ? HttpVersionPolicy.RequestVersionOrHigher : HttpVersionPolicy.RequestVersionOrLower,
            HttpVersions.PolicyFor(System.Net.HttpVersion.Version30));
    }

    [Theory]
    [InlineData("http://a.example/", 3, true)]
    [InlineData("https://a.example/", 3, false)]
    [InlineData("http://a.example/", 2, false)]
    [InlineData("http://a.example/", 1, false)]
    public void Only_http3_to_a_cleartext_endpoint_is_a_problem(string endpoint, int major, bool problem)
    {
        Version version = major == 1 ? System.Net.HttpVersion.Version11 : new Version(major, 0);

        Assert.Equal(problem, HttpVersions.ProblemWith(version, new Uri(endpoint)) is not null);
    }
}
