using System.Net;
using System.Net.Sockets;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Probes;

namespace SlaKit.IntegrationTests.Probes;

public sealed class TcpProbeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_open_port_is_healthy()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var probe = new TcpProbe("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port);

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Healthy, result.Status);
        Assert.StartsWith("connected to 127.0.0.1:", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_port_is_unhealthy()
    {
        Uri refused = RefusedPort.Create();
        var probe = new TcpProbe("127.0.0.1", refused.Port);

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.StartsWith("ConnectionRefused", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        Assert.Equal("host", Assert.Throws<ArgumentException>(() => new TcpProbe(" ", 80)).ParamName);
        Assert.Equal("port", Assert.Throws<ArgumentOutOfRangeException>(() => new TcpProbe("127.0.0.1", 0)).ParamName);
        Assert.Equal("port", Assert.Throws<ArgumentOutOfRangeException>(() => new TcpProbe("127.0.0.1", 70000)).ParamName);
        Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => new TcpProbe("127.0.0.1", 80, TimeSpan.Zero)).ParamName);
    }
}
