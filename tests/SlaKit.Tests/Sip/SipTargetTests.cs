using SlaKit.Sip;

namespace SlaKit.Tests.Sip;

public class SipTargetTests
{
    [Theory]
    [InlineData("sip:10.0.0.5", "10.0.0.5", 5060, SipTransportProtocol.Udp)]
    [InlineData("sip:10.0.0.5:5070", "10.0.0.5", 5070, SipTransportProtocol.Udp)]
    [InlineData("sip:10.0.0.5:5070;transport=tcp", "10.0.0.5", 5070, SipTransportProtocol.Tcp)]
    [InlineData("SIP:Proxy.Carrier.example;TRANSPORT=UDP", "Proxy.Carrier.example", 5060, SipTransportProtocol.Udp)]
    [InlineData("sip:[2001:db8::1]:5080;transport=tcp", "[2001:db8::1]", 5080, SipTransportProtocol.Tcp)]
    [InlineData("sip:[::1]", "[::1]", 5060, SipTransportProtocol.Udp)]
    [InlineData("  sip:127.0.0.1:5060  ", "127.0.0.1", 5060, SipTransportProtocol.Udp)]
    [InlineData("sips:10.0.0.5", "10.0.0.5", 5061, SipTransportProtocol.Tls)]
    [InlineData("sips:proxy.carrier.example:5071", "proxy.carrier.example", 5071, SipTransportProtocol.Tls)]
    [InlineData("sip:10.0.0.5;transport=tls", "10.0.0.5", 5061, SipTransportProtocol.Tls)]
    [InlineData("SIPS:10.0.0.5;transport=TLS", "10.0.0.5", 5061, SipTransportProtocol.Tls)]
    public void Parses_host_port_and_transport(string text, string host, int port, SipTransportProtocol transport)
    {
        SipTarget target = SipTarget.Parse(text);

        Assert.Equal(host, target.Host);
        Assert.Equal(port, target.Port);
        Assert.Equal(transport, target.Transport);
        Assert.True(SipTarget.TryParse(text, out SipTarget? again));
        Assert.Equal(target, again);
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("http://10.0.0.5", "not a SIP URI")]
    [InlineData("10.0.0.5:5060", "not a SIP URI")]
    [InlineData("sips:10.0.0.5;transport=tcp", "over TLS only")]
    [InlineData("sip:alice@10.0.0.5", "names a user")]
    [InlineData("sip:10.0.0.5:0", "'0'")]
    [InlineData("sip:10.0.0.5:65536", "'65536'")]
    [InlineData("sip:10.0.0.5:", "not a port")]
    [InlineData("sip:10.0.0.5:50x", "'50x'")]
    [InlineData("sip:-bad-.example", "'-bad-.example'")]
    [InlineData("sip:10.0.0.256", "'10.0.0.256'")]
    [InlineData("sip:[2001:db8::zz]", "'[2001:db8::zz]'")]
    [InlineData("sip:10.0.0.5;transport=sctp", "transport 'sctp'")]
    [InlineData("sip:10.0.0.5;maddr=10.0.0.6", "'maddr=10.0.0.6'")]
    public void Refuses_what_is_not_a_udp_tcp_or_tls_server_and_names_the_bad_part(string text, string named)
    {
        FormatException error = Assert.Throws<FormatException>(() => SipTarget.Parse(text));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.False(SipTarget.TryParse(text, out _));
    }

    [Fact]
    public void Reads_a_region_endpoint_uri_and_writes_one_back()
    {
        var uri = new Uri("sip:127.0.0.1:5070;transport=tcp");

        SipTarget target = SipTarget.FromUri(uri);

        Assert.Equal(new SipTarget("127.0.0.1", 5070, SipTransportProtocol.Tcp), target);
        Assert.Equal("sip:127.0.0.1:5070;transport=tcp", target.ToString());
        Assert.Equal(target, SipTarget.FromUri(target.ToUri()));
        Assert.Throws<ArgumentException>("uri", () => SipTarget.FromUri(new Uri("https://example.com/")));
        Assert.Equal("sips:10.0.0.5:5061", SipTarget.Parse("sip:10.0.0.5;transport=tls").ToString());
        Assert.Equal(SipTarget.Parse("sips:10.0.0.5:5061"), SipTarget.Parse("sips:10.0.0.5:5061").ToUri() is { } tls ? SipTarget.FromUri(tls) : null);
    }

    [Fact]
    public void The_constructor_brackets_ipv6_and_checks_its_arguments()
    {
        Assert.Equal("[::1]", new SipTarget("::1").Host);
        Assert.Throws<ArgumentException>("host", () => new SipTarget("bad host"));
        Assert.Throws<ArgumentOutOfRangeException>("port", () => new SipTarget("a.example", 0));
        Assert.Throws<ArgumentOutOfRangeException>("transport", () => new SipTarget("a.example", 5060, (SipTransportProtocol)7));
        Assert.Throws<ArgumentNullException>("text", () => SipTarget.Parse(null!));
    }
}
