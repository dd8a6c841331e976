using System.Net;
using System.Net.Sockets;
using SlaKit.Sip;

namespace SlaKit.Tests.Sip;

/// <summary>From a target to a socket address, and from a local address to a Via sent-by; loopback names only.</summary>
public class SipEndpointsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("127.0.0.1", 5070, "127.0.0.1")]
    [InlineData("[::1]", 5071, "::1")]
    [InlineData("::1", 5072, "::1")]
    public async Task An_ip_literal_is_its_own_address(string host, int port, string address)
    {
        IPEndPoint endPoint = await SipEndpoints.ResolveAsync(new SipTarget(host, port), Ct);

        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), endPoint);
    }

    [Fact]
    public async Task A_name_is_resolved_by_the_system_resolver()
    {
        // localhost is answered from the hosts file: no query leaves the machine.
        IPEndPoint endPoint = await SipEndpoints.ResolveAsync(new SipTarget("localhost", 5080), Ct);

        Assert.True(IPAddress.IsLoopback(endPoint.Address), $"{endPoint.Address} is not a loopback address");
        Assert.Equal(5080, endPoint.Port);
    }

    [Theory]
    [InlineData("SIP/2.0/UDP 10.0.0.60:5062;branch=z9hG4bK1", "10.0.0.61:5062")]
    [InlineData("SIP/2.0/UDP 10.0.0.60;branch=z9hG4bK1", "10.0.0.61:5060")]
    [InlineData("SIP/2.0/UDP callee.example:5070;branch=z9hG4bK1", "10.0.0.61:5070")]
    [InlineData("SIP/2.0/UDP 10.0.0.60:5062;rport;branch=z9hG4bK1", "10.0.0.61:40000")]
    [InlineData("SIP/2.0/UDP 10.0.0.60:5062;branch=z9hG4bK1;rport=40000;received=10.0.0.61", "10.0.0.61:40000")]
    [InlineData("SIP/2.0/UDP 10.0.0.60:5062;branch=z9hG4bK1, SIP/2.0/UDP 10.0.0.70;rport", "10.0.0.61:5062")]
    public void A_response_to_a_request_from_another_peer_goes_to_its_source_address_and_its_sent_by_port_unless_it_asks_for_rport(string via, string destination)
    {
        var request = new SipRequest("BYE", "sip:slakit@127.0.0.1:5099");
        request.Headers.Add("Via", via);

        IPEndPoint to = SipEndpoints.ResponseDestination(request, IPEndPoint.Parse("10.0.0.61:40000"));

        Assert.Equal(IPEndPoint.Parse(destination), to);
    }

    [Fact]
    public void A_response_to_a_request_without_a_readable_via_goes_back_to_its_source()
    {
        var request = new SipRequest("BYE", "sip:slakit@127.0.0.1:5099");

        Assert.Equal(IPEndPoint.Parse("10.0.0.61:40000"), SipEndpoints.ResponseDestination(request, IPEndPoint.Parse("10.0.0.61:40000")));
    }

    [Fact]
    public void A_sent_by_brackets_ipv6_and_keeps_the_port()
    {
        Assert.Equal("127.0.0.1:5060", SipEndpoints.SentBy(new IPEndPoint(IPAddress.Loopback, 5060)));
        Assert.Equal("[::1]:5061", SipEndpoints.SentBy(new IPEndPoint(IPAddress.IPv6Loopback, 5061)));
        Assert.Equal(new DnsEndPoint("pbx.example", 5062).ToString(), SipEndpoints.SentBy(new DnsEndPoint("pbx.example", 5062)));
    }

    [Theory]
    [InlineData(SocketError.ConnectionRefused, true)]
    [InlineData(SocketError.ConnectionReset, true)]
    [InlineData(SocketError.TimedOut, false)]
    [InlineData(SocketError.HostUnreachable, false)]
    public void Refused_means_nothing_listens(SocketError error, bool refused) =>
        Assert.Equal(refused, SipEndpoints.IsRefused(new SocketException((int)error)));
}
