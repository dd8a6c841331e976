using System.Text.Json;
using SlaKit.Cli;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Sip;

/// <summary><c>slakit call</c> and <c>slakit probe</c> on DNS names, against SIPp and dnsmasq on loopback, the command line run in-process.</summary>
public sealed class SlaKitCallSipTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_test_call_moves_from_a_silent_trunk_to_the_next_and_says_which_carried_it()
    {
        await using SippServer silent = await SippServer.StartAsync(SippScenario.SilentInvite, SipTransportProtocol.Udp, Ct);
        await using SippServer live = await SippServer.StartAsync(SippScenario.AnswerThenHangUp, SipTransportProtocol.Udp, Ct, calls: 1);
        string first = silent.Target.ToString(), second = live.Target.ToString();

        (int exit, JsonElement json, string error) = Call("sip:+4930123456@carrier.example", "--trunk", first, "--trunk", second, "--hold", "100ms", "--json");

        Assert.True(exit == 0, error);
        Assert.Equal(second, json.GetProperty("trunk").GetString());
        Assert.Equal(200, json.GetProperty("finalCode").GetInt32());
        JsonElement[] attempts = [.. json.GetProperty("attempts").EnumerateArray()];
        Assert.Equal([first, second], attempts.Select(static a => a.GetProperty("trunk").GetString()));
        Assert.Equal(["timeout", "answered"], attempts.Select(static a => a.GetProperty("outcome").GetString()));
        Assert.Equal(JsonValueKind.Null, attempts[0].GetProperty("code").ValueKind);
        Assert.InRange(attempts[0].GetProperty("elapsedMs").GetDouble(), 950, 1500);
        Assert.True(json.GetProperty("pddMs").GetDouble() >= 0);

        // The call was ended with a BYE: SIPp ran its scenario to the end.
        Assert.Equal(0, await live.WaitForExitAsync(TimeSpan.FromSeconds(15), Ct));
    }

    [Fact]
    public async Task A_busy_callee_exits_1_with_the_code_and_the_text_says_so()
    {
        await using SippServer busy = await SippServer.StartAsync(SippScenario.RingThenBusy, SipTransportProtocol.Udp, Ct, calls: 1);

        (int exit, string output, string error) = CallText("sip:+4930123456@carrier.example", "--trunk", busy.Target.ToString(), "--hold", "0s");

        Assert.Equal(1, exit);
        Assert.Equal("", error);
        Assert.Contains("declined, 486 Busy Here", output, StringComparison.Ordinal);
        Assert.Contains("The callee did not take the call", output, StringComparison.Ordinal);
        Assert.Equal(0, await busy.WaitForExitAsync(TimeSpan.FromSeconds(15), Ct));
    }

    [Theory]
    [InlineData(new[] { "call", "nobody", "--trunk", "sip:127.0.0.1:5999" }, "is not whom to call")]
    [InlineData(new[] { "call", "sip:+1@", "--trunk", "sip:127.0.0.1:5999" }, "is not whom to call")]
    [InlineData(new[] { "call", "sip:@carrier.example", "--trunk", "sip:127.0.0.1:5999" }, "is not whom to call")]
    [InlineData(new[] { "call", "sip:+1@x.example>", "--trunk", "sip:127.0.0.1:5999" }, "is not whom to call")]
    [InlineData(new[] { "call", "sip:+1@x.example:0", "--trunk", "sip:127.0.0.1:5999" }, "is not whom to call")]
    [InlineData(new[] { "call", "sip:+1@[::1", "--trunk", "sip:127.0.0.1:5999" }, "is not whom to call")]
    [InlineData(new[] { "call", "tel:+1", "--trunk", "sip:127.0.0.1:5999" }, "is not whom to call")]
    [InlineData(new[] { "call", "sip:bob@example.com", "--trunk", "http://127.0.0.1" }, "is not a SIP URI")]
    [InlineData(new[] { "call", "sip:bob@example.com", "--trunk", "sip:127.0.0.1:5999", "--provisional-timeout", "0s" }, "ProvisionalTimeout")]
    [InlineData(new[] { "call", "sip:bob@example.com", "--trunk", "sip:127.0.0.1:5999", "--hold", "soon" }, "--hold")]
    [InlineData(new[] { "call", "sip:bob@example.com", "--trunk", "sip:127.0.0.1:5999", "--dns", "dns.example" }, "DnsServers")]
    [InlineData(new[] { "call", "sip:bob@example.com" }, "--trunk")]
    [InlineData(new[] { "probe", "sip:host.test", "--dns", "nowhere" }, "--dns 'nowhere'")]
    public void Malformed_input_is_one_line_and_exit_2(string[] args, string named)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exit = SlaKitCli.Run(args, output, error);

        Assert.Equal(2, exit);
        Assert.Equal("", output.ToString());
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("slakit: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_finds_a_server_named_in_dns()
    {
        await using SippServer sipp = await SippServer.StartAsync(SippScenario.Answer200("named"), SipTransportProtocol.Udp, Ct);
        await using DnsmasqServer dns = await DnsmasqServer.StartAsync(
            [$"--srv-host=_sip._udp.probe.test,s.probe.test,{sipp.Target.Port},10,1", "--host-record=s.probe.test,127.0.0.1"], Ct);
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exit = SlaKitCli.Run(["probe", "sip:probe.test", "--dns", dns.Server, "--timeout", "2s", "--json"], output, error);

        Assert.True(exit == 0, error.ToString());
        using JsonDocument json = JsonDocument.Parse(output.ToString());
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.Contains($"from sip:127.0.0.1:{sipp.Target.Port};transport=udp", json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_takes_a_sips_target_and_reports_an_untrusted_certificate()
    {
        using var certificate = Infrastructure.TestCertificate.Create();
        await using TlsSipServer server = TlsSipServer.Start(certificate);
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exit = SlaKitCli.Run(["probe", $"sips:127.0.0.1:{server.Target.Port}", "--timeout", "2s", "--json"], output, error);

        Assert.Equal(1, exit);
        using JsonDocument json = JsonDocument.Parse(output.ToString());
        Assert.Equal("Unhealthy", json.RootElement.GetProperty("status").GetString());
        Assert.Contains("TLS handshake", json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static (int Exit, JsonElement Json, string Error) Call(params string[] args)
    {
        (int exit, string output, string error) = CallText(args);
        using JsonDocument document = JsonDocument.Parse(output);
        return (exit, document.RootElement.Clone(), error);
    }

    private static (int Exit, string Output, string Error) CallText(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = SlaKitCli.Run(["call", .. args], output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
