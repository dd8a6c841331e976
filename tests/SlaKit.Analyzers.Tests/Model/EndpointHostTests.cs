using SlaKit.Analyzers.Model;

namespace SlaKit.Analyzers.Tests.Model;

public sealed class EndpointHostTests
{
    [Theory]
    [InlineData("https://eu.payments.example/v1/", "eu.payments.example")]
    [InlineData("http://10.0.0.5:8080/", "10.0.0.5")]
    [InlineData("http://[::1]:5000/", "::1")]
    [InlineData("sip:proxy.carrier.example", "proxy.carrier.example")]
    [InlineData("sip:trunk:secret@proxy.carrier.example:5060;transport=udp", "proxy.carrier.example")]
    [InlineData("SIPS:[2001:db8::1]:5061", "2001:db8::1")]
    [InlineData("proxy.carrier.example:5060", "proxy.carrier.example")]
    [InlineData("proxy.carrier.example.", "proxy.carrier.example")]
    public void The_host_is_read_from_each_endpoint_form(string endpoint, string host) =>
        Assert.Equal(host, EndpointHost.Read(endpoint));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("sip:")]
    [InlineData("https://")]
    public void No_host_is_unknown(string? endpoint) => Assert.Null(EndpointHost.Read(endpoint));
}
