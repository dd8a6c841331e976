using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Regions;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>RFC 3263 resolution against dnsmasq on 127.0.0.1: NAPTR, SRV order and weights, A fallback, TTLs, failover between servers.</summary>
public sealed class DnsResolutionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Naptr_chooses_the_transport_by_order_and_leads_to_its_srv_records()
    {
        await using DnsmasqServer dns = await DnsmasqServer.StartAsync(
        [
            "--naptr-record=carrier.test,20,10,s,SIP+D2U,,_sip._udp.carrier.test",
            "--naptr-record=carrier.test,10,10,s,SIP+D2T,,_sip._tcp.carrier.test",
            "--naptr-record=carrier.test,5,10,s,SIPS+D2T,,_sips._tcp.carrier.test",
            "--naptr-record=carrier.test,1,10,s,SIP+D2S,,_sip._sctp.carrier.test",
            "--srv-host=_sips._tcp.carrier.test,tls1.carrier.test,5073,10,1",
            "--srv-host=_sip._tcp.carrier.test,tcp1.carrier.test,5071,10,1",
            "--srv-host=_sip._udp.carrier.test,udp1.carrier.test,5072,10,1",
            "--host-record=tls1.carrier.test,127.0.0.13",
            "--host-record=tcp1.carrier.test,127.0.0.11",
            "--host-record=udp1.carrier.test,127.0.0.12",
        ], Ct);
        SipServiceResolver resolver = Resolver(dns);

        IReadOnlyList<SipTarget> chosen = await resolver.ResolveAsync(SipTarget.Parse("sip:carrier.test"), Ct);
        IReadOnlyList<SipTarget> secure = await resolver.ResolveAsync(SipTarget.Parse("sips:carrier.test"), Ct);
        IReadOnlyList<SipTarget> udp = await resolver.ResolveAsync(SipTarget.Parse("sip:carrier.test;transport=udp"), Ct);
        IReadOnlyList<SipTarget> tcp = await resolver.ResolveAsync(SipTarget.Parse("sip:carrier.test;transport=tcp"), Ct);

        // Order 1 is SCTP, which this client does not speak; order 5 is TLS, whose certificate is checked for the domain
        // asked for (RFC 5922), not for the SRV target's name.
        SipTarget tls = Assert.Single(chosen);
        Assert.Equal(new SipTarget("127.0.0.13", 5073, SipTransportProtocol.Tls), tls);
        Assert.Equal("carrier.test", tls.TlsName);
        Assert.Equal(chosen, secure);

        // §4.1: a URI that names its transport skips NAPTR and asks SRV for that transport.
        Assert.Equal([new SipTarget("127.0.0.12", 5072, SipTransportProtocol.Udp)], udp);
        Assert.Equal([new SipTarget("127.0.0.11", 5071, SipTransportProtocol.Tcp)], tcp);
        Assert.Equal(2, await dns.QueriesAsync("NAPTR", "carrier.test", 2, Ct));
    }

    [Fact]
    public async Task A_sips_uri_takes_only_the_tls_service_whatever_the_naptr_order()
    {
        await using DnsmasqServer dns = await DnsmasqServer.StartAsync(
        [
            "--naptr-record=secure.test,10,10,s,SIP+D2T,,_sip._tcp.secure.test",
            "--naptr-record=secure.test,20,10,s,SIPS+D2T,,_sips._tcp.secure.test",
            "--srv-host=_sip._tcp.secure.test,tcp.secure.test,5071,10,1",
            "--srv-host=_sips._tcp.secure.test,tls.secure.test,5073,10,1",
            "--host-record=tcp.secure.test,127.0.0.14",
            "--host-record=tls.secure.test,127.0.0.15",
        ], Ct);
        SipServiceResolver resolver = Resolver(dns);

        IReadOnlyList<SipTarget> plain = await resolver.ResolveAsync(SipTarget.Parse("sip:secure.test"), Ct);
        IReadOnlyList<SipTarget> secure = await resolver.ResolveAsync(SipTarget.Parse("sips:secure.test"), Ct);

        Assert.Equal([new SipTarget("127.0.0.14", 5071, SipTransportProtocol.Tcp)], plain);
        Assert.Equal([new SipTarget("127.0.0.15", 5073, SipTransportProtocol.Tls)], secure);
    }

    [Fact]
    public async Task Without_naptr_srv_is_asked_for_udp_then_tcp_and_priority_orders_the_servers()
    {
        await using DnsmasqServer dns = await DnsmasqServer.StartAsync(
        [
            "--srv-host=_sip._tcp.trunks.test,backup.trunks.test,5080,20,1",
            "--srv-host=_sip._tcp.trunks.test,main.trunks.test,5070,10,1",
            "--host-record=main.trunks.test,127.0.0.21,::1",
            "--host-record=backup.trunks.test,127.0.0.22",
        ], Ct);

        IReadOnlyList<SipTarget> servers = await Resolver(dns).ResolveAsync(SipTarget.Parse("sip:trunks.test"), Ct);

        Assert.Equal(
            [
                new SipTarget("127.0.0.21", 5070, SipTransportProtocol.Tcp),
                new SipTarget("::1", 5070, SipTransportProtocol.Tcp),
                new SipTarget("127.0.0.22", 5080, SipTransportProtocol.Tcp),
            ],
            servers);
        Assert.Equal(1, await dns.QueriesAsync("SRV", "_sip._udp.trunks.test", 1, Ct));
        Assert.Equal(1, await dns.QueriesAsync("SRV", "_sip._tcp.trunks.test", 1, Ct));
    }

    [Fact]
    public async Task Srv_weights_share_first_place_among_servers_of_one_priority()
    {
        await using DnsmasqServer dns = await DnsmasqServer.StartAsync(
        [
            "--srv-host=_sip._udp.weights.test,light.weights.test,5070,10,1",
            "--srv-host=_sip._udp.weights.test,heavy.weights.test,5070,10,3",
            "--host-record=light.weights.test,127.0.0.31",
            "--host-record=heavy.weights.test,127.0.0.32",
        ], Ct);
        SipServiceResolver resolver = Resolver(dns, new Random(7));

        int heavyFirst = 0;
        const int Draws = 2000;
        for (int i = 0; i < Draws; i++)
        {
            IReadOnlyList<SipTarget> order = await resolver.ResolveAsync(SipTarget.Parse("sip:weights.test"), Ct);
            Assert.Equal(2, order.Count);
            heavyFirst += order[0].Host == "127.0.0.32" ? 1 : 0;
        }

        // RFC 2782: weight 3 against 1 comes first three times in four; one DNS answer serves every draw.
        Assert.InRange(heavyFirst / (double)Draws, 0.70, 0.80);
        Assert.Equal(1, await dns.QueriesAsync("SRV", "_sip._udp.weights.test", 1, Ct));
    }

    [Fact]
    public async Task Without_srv_the_hosts_own_addresses_are_used_on_port_5060()
    {
        await using DnsmasqServer dns = await DnsmasqServer.StartAsync(["--host-record=plain.test,127.0.0.41"], Ct);

        IReadOnlyList<SipTarget> servers = await Resolver(dns).ResolveAsync(SipTarget.Parse("sip:plain.test"), Ct);

        Assert.Equal([new SipTarget("127.0.0.41", 5060, SipTransportProtocol.Udp)], servers);
    }

    [Fact]
    public async Task Answers_are_kept_for_their_ttl_and_asked_again_after_it()
    {
        await using DnsmasqServer dns = await DnsmasqServer.StartAsync(
            ["--srv-host=_sip._udp.ttl.test,s.ttl.test,5070,10,1", "--host-record=s.ttl.test,127.0.0.51"], Ct, ttlSeconds: 30);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var resolver = new SipServiceResolver([dns.Endpoint], time, new Random(1));
        SipTarget name = SipTarget.Parse("sip:ttl.test");

        await resolver.ResolveAsync(name, Ct);
        time.Advance(TimeSpan.FromSeconds(29));
        await resolver.ResolveAsync(name, Ct);
        Assert.Equal(1, await dns.QueriesAsync("SRV", "_sip._udp.ttl.test", 1, Ct));

        time.Advance(TimeSpan.FromSeconds(2));
        await resolver.ResolveAsync(name, Ct);
        Assert.Equal(2, await dns.QueriesAsync("SRV", "_sip._udp.ttl.test", 2, Ct));
    }

    [Fact]
    public async Task A_name_dns_does_not_know_fails_with_its_name()
    {
        await using DnsmasqServer dns = await DnsmasqServer.StartAsync(["--host-record=other.test,127.0.0.61"], Ct);

        SipTransportException error = await Assert.ThrowsAsync<SipTransportException>(() => Resolver(dns).ResolveAsync(SipTarget.Parse("sip:nowhere.test"), Ct));

        Assert.Contains("'nowhere.test'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_region_named_in_dns_fails_over_between_its_servers_and_leaves_the_failed_one_for_a_while()
    {
        int closed = SippServer.FreePort(SipTransportProtocol.Udp);
        await using SippServer live = await SippServer.StartAsync(SippScenario.Answer200("live"), SipTransportProtocol.Udp, Ct);
        await using DnsmasqServer dns = await DnsmasqServer.StartAsync(
        [
            Srv("_sip._udp.region.test", "closed.region.test", closed, 10),
            Srv("_sip._udp.region.test", "live.region.test", live.Target.Port, 20),
            "--host-record=closed.region.test,127.0.0.1",
            "--host-record=live.region.test,127.0.0.1",
        ], Ct);
        string name = "dns-" + Guid.NewGuid().ToString("N")[..8];
        using var recorder = new SipAttemptRecorder(name);
        var options = new SipFailoverOptions { FailuresToMarkDown = 5 };
        options.Regions.Add(new Region("carrier", new Uri("sip:region.test")));
        options.DnsServers.Add(dns.Server);
        await using var client = new SipFailoverClient(name, options);

        SipResponse first = await client.SendAsync(new SipRequest("OPTIONS", "sip:region.test"), Ct);
        SipResponse second = await client.SendAsync(new SipRequest("OPTIONS", "sip:region.test"), Ct);

        Assert.Equal(("live", "live"), (first.Headers["Server"], second.Headers["Server"]));
        Assert.Equal([("carrier", "transport_error"), ("carrier", "success"), ("carrier", "success")], recorder.Attempts);
    }

    [Fact]
    public async Task A_call_to_a_trunk_named_in_dns_moves_from_a_silent_server_to_the_next()
    {
        await using SippServer silent = await SippServer.StartAsync(SippScenario.SilentInvite, SipTransportProtocol.Udp, Ct);
        await using SippServer live = await SippServer.StartAsync(SippScenario.AnswerThenHangUp, SipTransportProtocol.Udp, Ct, calls: 1);
        await using DnsmasqServer dns = await DnsmasqServer.StartAsync(
        [
            Srv("_sip._udp.trunk.test", "a.trunk.test", silent.Target.Port, 10),
            Srv("_sip._udp.trunk.test", "b.trunk.test", live.Target.Port, 20),
            "--host-record=a.trunk.test,127.0.0.1",
            "--host-record=b.trunk.test,127.0.0.1",
        ], Ct);
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("carrier", new Uri("sip:trunk.test")));
        options.DnsServers.Add(dns.Server);
        await using var client = new SipFailoverClient("dns-call-" + Guid.NewGuid().ToString("N")[..8], options);
        var invite = new SipRequest("INVITE", "sip:+4930123456@trunk.test");

        await using SipCall call = await client.InviteAsync(invite, Ct);

        Assert.Equal([silent.Target.Port, live.Target.Port], call.Attempts.Select(static a => a.Target!.Port));
        Assert.Equal([SipAttemptOutcomeKind.Timeout, SipAttemptOutcomeKind.Answered], call.Attempts.Select(static a => a.Kind));
        await call.ByeAsync(Ct);
        Assert.Equal(0, await live.WaitForExitAsync(TimeSpan.FromSeconds(15), Ct));
    }

    [Fact]
    public async Task A_region_named_by_a_host_and_port_fails_over_between_the_addresses_dns_gives_the_name()
    {
        // RFC 3263 §4.2, §4.3: the name's A and AAAA records are servers to try in turn on the URI's port. Nothing listens
        // on the first, 127.0.0.1; SIPp answers on ::1.
        await using SippServer live = await SippServer.StartAsync(SippScenario.Answer200("live"), SipTransportProtocol.Udp, Ct, address: "::1");
        await using DnsmasqServer dns = await DnsmasqServer.StartAsync(["--host-record=sbc.carrier.test,127.0.0.1,::1"], Ct);
        string name = "dns-port-" + Guid.NewGuid().ToString("N")[..8];
        using var recorder = new SipAttemptRecorder(name);
        var options = new SipFailoverOptions { FailuresToMarkDown = 1 };
        options.Regions.Add(new Region("carrier", new Uri($"sip:sbc.carrier.test:{live.Target.Port}")));
        options.DnsServers.Add(dns.Server);
        await using var client = new SipFailoverClient(name, options);

        SipResponse first = await client.SendAsync(new SipRequest("OPTIONS", "sip:sbc.carrier.test"), Ct);
        SipResponse second = await client.SendAsync(new SipRequest("OPTIONS", "sip:sbc.carrier.test"), Ct);

        // The refused address goes last for the break duration; one address's failure does not count against the region.
        Assert.Equal(("live", "live"), (first.Headers["Server"], second.Headers["Server"]));
        Assert.Equal([("carrier", "transport_error"), ("carrier", "success"), ("carrier", "success")], recorder.Attempts);
        Assert.Equal(RegionHealth.Healthy, client.GetStatus()[0].Health);
        Assert.Equal(1, await dns.QueriesAsync("A", "sbc.carrier.test", 1, Ct));
    }

    private static string Srv(string service, string target, int port, int priority) =>
        string.Create(CultureInfo.InvariantCulture, $"--srv-host={service},{target},{port},{priority},1");

    private static SipServiceResolver Resolver(DnsmasqServer dns, Random? random = null) =>
        new([dns.Endpoint], TimeProvider.System, random ?? new Random(1));
}
