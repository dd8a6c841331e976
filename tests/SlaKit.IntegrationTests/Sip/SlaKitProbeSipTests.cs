using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using SlaKit.Cli;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Sip;

/// <summary><c>slakit probe sip:…</c> against SIPp on loopback, the command line run in-process.</summary>
public sealed class SlaKitProbeSipTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (int ExitCode, JsonElement Json) Probe(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = SlaKitCli.Run(["probe", .. args, "--json"], output, error);
        Assert.Equal("", error.ToString());
        using JsonDocument document = JsonDocument.Parse(output.ToString());
        return (exitCode, document.RootElement.Clone());
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task A_server_answering_200_is_healthy_with_the_code_in_the_detail(string transport)
    {
        SipTransportProtocol protocol = transport == "tcp" ? SipTransportProtocol.Tcp : SipTransportProtocol.Udp;
        await using SippServer sipp = await SippServer.StartAsync(SippScenario.Answer200("a"), protocol, Ct);

        (int exitCode, JsonElement json) = Probe($"sip:127.0.0.1:{sipp.Target.Port};transport={transport}", "--timeout", "2s");

        Assert.Equal(0, exitCode);
        Assert.Equal("Healthy", json.GetProperty("status").GetString());
        Assert.Equal("200 OK", json.GetProperty("detail").GetString());
        Assert.True(json.GetProperty("latencyMs").GetDouble() > 0);
    }

    [Fact]
    public async Task A_server_answering_503_is_unhealthy_and_exits_1()
    {
        await using SippServer sipp = await SippServer.StartAsync(SippScenario.Answer503("a", 30), SipTransportProtocol.Udp, Ct);

        (int exitCode, JsonElement json) = Probe($"sip:127.0.0.1:{sipp.Target.Port}", "--timeout", "2s");

        Assert.Equal(1, exitCode);
        Assert.Equal("Unhealthy", json.GetProperty("status").GetString());
        Assert.Contains("503", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_unhealthy_after_the_timeout()
    {
        await using SippServer sipp = await SippServer.StartAsync(SippScenario.NeverAnswer, SipTransportProtocol.Udp, Ct);

        (int exitCode, JsonElement json) = Probe($"sip:127.0.0.1:{sipp.Target.Port}", "--timeout", "500ms");

        Assert.Equal(1, exitCode);
        Assert.Equal("Unhealthy", json.GetProperty("status").GetString());
        Assert.InRange(json.GetProperty("latencyMs").GetDouble(), 400, 5000);
    }

    [Fact]
    public void A_name_whose_dns_server_never_answers_is_unhealthy_at_the_timeout_not_after_the_resolvers_retries()
    {
        // A DNS server on loopback that reads every question and answers none.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        (int exitCode, JsonElement json) = Probe("sip:nowhere.invalid", "--dns", silent.LocalEndPoint!.ToString()!, "--timeout", "200ms");

        Assert.Equal(1, exitCode);
        Assert.Equal("Unhealthy", json.GetProperty("status").GetString());
        Assert.Equal("DNS gave no answer for nowhere.invalid within 0.2s", json.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("sip:")]
    [InlineData("sip:127.0.0.1:99999")]
    [InlineData("sip:127.0.0.1;transport=sctp")]
    public void A_malformed_sip_target_exits_2(string target)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exitCode = SlaKitCli.Run(["probe", target], output, error);

        Assert.Equal(2, exitCode);
        Assert.Contains($"'{target}'", error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
