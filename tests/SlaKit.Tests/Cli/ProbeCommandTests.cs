using System.Net;
using System.Net.Sockets;

namespace SlaKit.Tests.Cli;

public sealed class ProbeCommandTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public ProbeCommandTests() => _listener.Start();

    public void Dispose() => _listener.Dispose();

    private int OpenPort => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Fact]
    public void An_open_tcp_port_is_healthy_and_exits_0()
    {
        CliRun run = CliRun.Of("probe", $"tcp://127.0.0.1:{OpenPort}", "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(run.Output);
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.Contains("connected", json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(json.RootElement.GetProperty("latencyMs").GetDouble() >= 0);
    }

    [Fact]
    public void A_refused_port_is_unhealthy_and_exits_1()
    {
        CliRun run = CliRun.Of("probe", $"tcp://127.0.0.1:{ClosedPort()}", "--json");

        Assert.Equal(1, run.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(run.Output);
        Assert.Equal("Unhealthy", json.RootElement.GetProperty("status").GetString());
        Assert.Contains("ConnectionRefused", json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_http_target_that_refuses_is_unhealthy_and_count_sends_several()
    {
        CliRun run = CliRun.Of("probe", $"http://127.0.0.1:{ClosedPort()}/health", "--count", "3", "--interval", "0", "--json");

        Assert.Equal(1, run.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(run.Output);
        Assert.Equal(3, json.RootElement.GetProperty("probes").GetInt32());
        Assert.Equal("Unhealthy", json.RootElement.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("ftp://example.invalid/")]
    [InlineData("tcp://127.0.0.1")]
    [InlineData("not a target")]
    [InlineData("tcp://127.0.0.1:80/path")]
    public void A_malformed_target_exits_2(string target) =>
        CliRun.Of("probe", target).AssertBadInput($"'{target}'");

    [Theory]
    [InlineData("--timeout", "fast", "--timeout 'fast'")]
    [InlineData("--timeout", "0", "--timeout '0'")]
    [InlineData("--count", "0", "--count '0'")]
    [InlineData("--count", "101", "--count '101'")]
    public void Bad_options_exit_2(string option, string value, string named) =>
        CliRun.Of("probe", $"tcp://127.0.0.1:{OpenPort}", option, value).AssertBadInput(named);
}
