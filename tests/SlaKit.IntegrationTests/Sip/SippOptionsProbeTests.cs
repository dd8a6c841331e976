using System.Diagnostics;
using SlaKit.Probes;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>The OPTIONS probe against SIPp on 127.0.0.1, over UDP and TCP.</summary>
public sealed class SippOptionsProbeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(SipTransportProtocol.Udp)]
    [InlineData(SipTransportProtocol.Tcp)]
    public async Task A_server_answering_200_is_healthy_with_its_round_trip(SipTransportProtocol transport)
    {
        await using SippServer sipp = await SippServer.StartAsync(SippScenario.Answer200("a"), transport, Ct);
        await using var probe = new SipOptionsProbe(sipp.Target);

        var rtts = new List<double>();
        for (int i = 0; i < 50; i++)
        {
            HealthProbeResult result = await probe.ProbeAsync(Ct);
            Assert.Equal(ProbeStatus.Healthy, result.Status);
            Assert.Equal("200 OK", result.Detail);
            Assert.InRange(result.Latency, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(1));
            rtts.Add(result.Latency.TotalMilliseconds);
        }

        rtts.Sort();
        TestContext.Current.TestOutputHelper?.WriteLine($"OPTIONS round trip to SIPp over {transport}: p50 {rtts[25]:0.000} ms, max {rtts[^1]:0.000} ms");
    }

    [Fact]
    public async Task A_server_answering_503_with_retry_after_is_unhealthy_and_the_detail_says_so()
    {
        await using SippServer sipp = await SippServer.StartAsync(SippScenario.Answer503("busy", 30), SipTransportProtocol.Udp, Ct);
        await using var probe = new SipOptionsProbe(sipp.Target);

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.Equal("503 Service Unavailable (Retry-After 30s)", result.Detail);
    }

    [Fact]
    public async Task A_503_counts_as_up_when_the_probe_accepts_it()
    {
        await using SippServer sipp = await SippServer.StartAsync(SippScenario.Answer503("busy", 30), SipTransportProtocol.Tcp, Ct);
        var options = new SipOptionsProbeOptions();
        options.AcceptedStatusCodes.Add(503);
        await using var probe = new SipOptionsProbe(sipp.Target, options);

        Assert.Equal(ProbeStatus.Healthy, (await probe.ProbeAsync(Ct)).Status);
    }

    [Theory]
    [InlineData(SipTransportProtocol.Udp)]
    [InlineData(SipTransportProtocol.Tcp)]
    public async Task A_server_that_never_answers_is_unhealthy_after_the_probe_timeout(SipTransportProtocol transport)
    {
        await using SippServer sipp = await SippServer.StartAsync(SippScenario.NeverAnswer, transport, Ct);
        await using var probe = new SipOptionsProbe(sipp.Target, new SipOptionsProbeOptions { Timeout = TimeSpan.FromSeconds(1.2) });

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.StartsWith("no answer within", result.Detail, StringComparison.Ordinal);
        Assert.InRange(result.Latency, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_closed_udp_port_is_a_transport_error_at_once_from_icmp_port_unreachable()
    {
        var target = new SipTarget("127.0.0.1", SippServer.FreePort(SipTransportProtocol.Udp));
        await using var probe = new SipOptionsProbe(target);

        var clock = Stopwatch.StartNew();
        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.Contains("ICMP port unreachable", result.Detail, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.ElapsedMilliseconds} ms; a transport error needs no timer");
    }

    [Fact]
    public async Task A_refused_tcp_connection_is_a_transport_error_at_once()
    {
        var target = new SipTarget("127.0.0.1", SippServer.FreePort(SipTransportProtocol.Tcp), SipTransportProtocol.Tcp);
        await using var probe = new SipOptionsProbe(target);

        HealthProbeResult result = await probe.ProbeAsync(Ct);

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.Contains("refused the TCP connection", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tcp_server_that_went_away_is_connected_to_again_when_it_returns()
    {
        SippServer first = await SippServer.StartAsync(SippScenario.Answer200("first"), SipTransportProtocol.Tcp, Ct);
        await using var probe = new SipOptionsProbe(first.Target);
        Assert.Equal(ProbeStatus.Healthy, (await probe.ProbeAsync(Ct)).Status);

        await first.DisposeAsync();
        HealthProbeResult gone = await probe.ProbeAsync(Ct);
        Assert.Equal(ProbeStatus.Unhealthy, gone.Status);
        Assert.StartsWith("transport error", gone.Detail, StringComparison.Ordinal);

        await using SippServer second = await SippServer.StartAsync(SippScenario.Answer200("second"), SipTransportProtocol.Tcp, Ct, first.Target.Port);
        Assert.Equal(ProbeStatus.Healthy, (await probe.ProbeAsync(Ct)).Status);
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task The_one_shot_probe_parses_a_sip_target_and_asks_once(string transport)
    {
        SipTransportProtocol protocol = transport == "tcp" ? SipTransportProtocol.Tcp : SipTransportProtocol.Udp;
        await using SippServer sipp = await SippServer.StartAsync(SippScenario.Answer200("a"), protocol, Ct);

        HealthProbeResult result = await SipOptionsProbe.ProbeOnceAsync($"sip:127.0.0.1:{sipp.Target.Port};transport={transport}", cancellationToken: Ct);

        Assert.Equal(ProbeStatus.Healthy, result.Status);
        Assert.Equal("200 OK", result.Detail);
        Assert.True(result.Latency > TimeSpan.Zero);
    }
}
