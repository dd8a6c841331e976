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
        Assert.Throws<ArgumentNullException>("host", () => new SipTarget(null!));
        Assert.Throws<ArgumentNullException>("uri", () => SipTarget.FromUri(null!));
        Assert.StartsWith("'bad host' is not a host name or an IP address.", Assert.Throws<ArgumentException>(() => new SipTarget("bad host")).Message, StringComparison.Ordinal);
        Assert.StartsWith("Unknown SIP transport.", Assert.Throws<ArgumentOutOfRangeException>(() => new SipTarget("a.example", 5060, (SipTransportProtocol)7)).Message, StringComparison.Ordinal);
        Assert.Equal(65535, new SipTarget("a.example", 65535).Port);
        Assert.Throws<ArgumentOutOfRangeException>("port", () => new SipTarget("a.example", 65536));
    }

    [Theory]
    [InlineData("sip:10.0.0.5:1", 1)]
    [InlineData("sip:10.0.0.5:65535", 65535)]
    [InlineData("sip:10.0.0.5:05060", 5060)]
    [InlineData("sip:[::1]:65535", 65535)]
    public void Ports_are_read_up_to_their_bounds(string text, int port) =>
        Assert.Equal(port, SipTarget.Parse(text).Port);

    [Theory]
    [InlineData("sip:10.0.0.5:000005060", "'000005060' in 'sip:10.0.0.5:000005060' is not a port from 1 to 65535.")]
    [InlineData("sip:[::1]:", "'' in 'sip:[::1]:' is not a port from 1 to 65535.")]
    [InlineData("sip:10.0.0.5;transport", "transport '' in 'sip:10.0.0.5;transport' is not supported; use udp, tcp or tls.")]
    [InlineData("sip:10.0.0.5;transport=tcp;lr", "'lr' in 'sip:10.0.0.5;transport=tcp;lr' is not supported; the only parameter is transport=udp or transport=tcp.")]
    [InlineData("sip:10.0.0.5;=tcp", "'=tcp' in 'sip:10.0.0.5;=tcp' is not supported; the only parameter is transport=udp or transport=tcp.")]
    public void A_bad_port_or_parameter_is_named_in_full(string text, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => SipTarget.Parse(text)).Message);

    [Theory]
    [InlineData("sip:pbx.example", SipTransportProtocol.Udp, true, false, SipTransportProtocol.Udp)]
    [InlineData("sip:pbx.example", SipTransportProtocol.Tcp, true, true, SipTransportProtocol.Tcp)]
    [InlineData("sip:pbx.example", SipTransportProtocol.Tls, true, true, SipTransportProtocol.Tls)]
    [InlineData("sip:pbx.example:5060", SipTransportProtocol.Tcp, false, true, SipTransportProtocol.Tcp)]
    [InlineData("sip:10.0.0.5", SipTransportProtocol.Tcp, false, true, SipTransportProtocol.Tcp)]
    [InlineData("sip:[2001:db8::1]", SipTransportProtocol.Tcp, false, true, SipTransportProtocol.Tcp)]
    [InlineData("sips:pbx.example", SipTransportProtocol.Tcp, true, false, SipTransportProtocol.Tls)]
    [InlineData("sip:pbx.example;transport=udp", SipTransportProtocol.Tcp, true, true, SipTransportProtocol.Udp)]
    [InlineData("sip:pbx.example;transport=tcp", SipTransportProtocol.Udp, true, true, SipTransportProtocol.Tcp)]
    [InlineData("sip:pbx.example;transport=tcp;transport=udp", SipTransportProtocol.Tls, true, true, SipTransportProtocol.Udp)]
    [InlineData("sips:pbx.example", SipTransportProtocol.Udp, true, false, SipTransportProtocol.Tls)]
    public void What_rfc_3263_leaves_to_dns_is_known(string text, SipTransportProtocol defaultTransport, bool lookup, bool transportGiven, SipTransportProtocol transport)
    {
        Assert.True(SipTarget.TryParse(text, defaultTransport, out SipTarget? target, out string? error), error);
        Assert.Equal((lookup, transportGiven, transport), (target.NeedsServiceLookup, target.TransportGiven, target.Transport));
        Assert.Equal(text.StartsWith("sips:", StringComparison.Ordinal), target.IsSecure);
    }
}
