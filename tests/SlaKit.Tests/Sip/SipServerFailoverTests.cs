using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Probes;
using SlaKit.Regions;
using SlaKit.Sip;
using static SlaKit.Tests.Sip.SipTestMessages;

namespace SlaKit.Tests.Sip;

/// <summary>
/// A region whose servers RFC 3263 finds in DNS (a DNS server on 127.0.0.1; the SIP servers in memory): the region is
/// judged by the request, each server by its own answers (RFC 3263 §4.3, RFC 3261 §21.5.4).
/// </summary>
public sealed class SipServerFailoverTests : IAsyncDisposable
{
    private const string Domain = "carrier.test";
    private const string First = "127.0.0.31";
    private const string Second = "127.0.0.32";
    private const string OtherRegion = "10.0.0.2";
    private const string Sbc = "sbc." + Domain;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly LoopbackDnsServer _dns = new();
    private readonly ConcurrentDictionary<SipTarget, InMemorySipConnection> _connections = new();
    private SipFailoverClient? _client;

    public SipServerFailoverTests()
    {
        _dns.Add(
            DnsTestRecord.Srv("_sip._udp." + Domain, 10, 0, 5060, "s1." + Domain),
            DnsTestRecord.Srv("_sip._udp." + Domain, 20, 0, 5060, "s2." + Domain),
            DnsTestRecord.A("s1." + Domain, First, ttl: 3600),
            DnsTestRecord.A("s2." + Domain, Second, ttl: 3600));
        Connection(OtherRegion).Responder = static r => ResponseTo(r, 200, "OK");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        await _dns.DisposeAsync();
    }

    [Fact]
    public async Task A_503_with_retry_after_from_one_server_keeps_that_server_out_not_the_region_its_other_server_serves()
    {
        SipFailoverClient client = Client();
        Connection(First).Responder = static r => ResponseTo(r, 503, "Service Unavailable", ("Retry-After", "120"));
        Connection(Second).Responder = static r => ResponseTo(r, 200, "OK");

        SipResponse first = await client.SendAsync(Options(), Ct);

        Assert.Equal(200, first.StatusCode);
        Assert.Equal(RegionHealth.Healthy, Primary(client));

        // The next requests go to the second server, not to the other region, for as long as the first asked.
        Connection(First).Responder = static r => ResponseTo(r, 200, "OK");
        _time.Advance(TimeSpan.FromSeconds(119));
        await client.SendAsync(Options(), Ct);
        Assert.Single(Connection(First).Sent);
        Assert.Equal(2, Connection(Second).Sent.Count);
        Assert.Empty(Connection(OtherRegion).Sent);

        _time.Advance(TimeSpan.FromSeconds(1));
        await client.SendAsync(Options(), Ct);
        Assert.Equal(2, Connection(First).Sent.Count);
    }

    [Fact]
    public async Task A_region_fails_a_request_once_when_every_server_it_has_fails_it()
    {
        SipFailoverClient client = Client();
        Connection(First).Responder = static r => ResponseTo(r, 503, "Service Unavailable");
        Connection(Second).Responder = static r => ResponseTo(r, 503, "Service Unavailable");
        var changes = new List<RegionHealth>();
        client.HealthChanged += (_, e) =>
        {
            if (e.Region.Name == "primary")
            {
                changes.Add(e.Current);
            }
        };

        SipResponse served = await client.SendAsync(Options(), Ct);

        Assert.Equal(200, served.StatusCode);
        Assert.Equal([RegionHealth.Degraded], changes);
        Assert.Single(Connection(OtherRegion).Sent);
    }

    [Fact]
    public async Task Each_tls_region_on_a_shared_address_gets_a_connection_checked_for_its_own_domain()
    {
        // Two carriers' SRV records lead to one SBC address, which presents a certificate per domain (by SNI). RFC 5922
        // §7.2: each region's server is checked for that region's own domain, so the two cannot share one connection.
        _dns.Add(
            DnsTestRecord.Srv("_sips._tcp.a.test", 10, 0, 5061, "sbc.shared.test"),
            DnsTestRecord.Srv("_sips._tcp.b.test", 10, 0, 5061, "sbc.shared.test"),
            DnsTestRecord.A("sbc.shared.test", "127.0.0.41"));
        var opened = new ConcurrentBag<string>();
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("a", new Uri("sips:a.test")));
        options.Regions.Add(new Region("b", new Uri("sips:b.test")) { Priority = 1 });
        options.DnsServers.Add(_dns.EndPoint.ToString());
        SipFailoverClient client = _client = new SipFailoverClient("carriers", options, _time, null, null, ownsTelemetry: false, t =>
        {
            opened.Add(t.TlsName);
            return new InMemorySipConnection(t, reliable: true) { Responder = static r => ResponseTo(r, 200, "OK") };
        }, new Random(1));

        await client.SendAsync(new SipRequest("OPTIONS", "sip:a.test"), Ct);
        client.ReportProbeResult("a", RegionHealth.Unhealthy);
        client.ReportProbeResult("a", RegionHealth.Unhealthy);
        Assert.Equal(RegionHealth.Unhealthy, client.GetStatus()[0].Health);
        SipResponse viaB = await client.SendAsync(new SipRequest("OPTIONS", "sip:b.test"), Ct);

        Assert.Equal(200, viaB.StatusCode);
        Assert.Equal("a.test, b.test", string.Join(", ", opened.Order()));
    }

    [Theory]
    [InlineData(SipTransportProtocol.Tls, "127.0.0.43:5061")]
    [InlineData(SipTransportProtocol.Tcp, "127.0.0.42:5062")]
    public async Task A_client_set_to_tls_or_tcp_uses_only_that_transports_servers_however_dns_ranks_udp(SipTransportProtocol transport, string expected)
    {
        // The carrier publishes all three transports, UDP first; a client told to use TLS must not send a call in clear.
        _dns.Add(
            DnsTestRecord.Naptr("all.test", 10, 0, "s", "SIP+D2U", "_sip._udp.all.test"),
            DnsTestRecord.Naptr("all.test", 20, 0, "s", "SIP+D2T", "_sip._tcp.all.test"),
            DnsTestRecord.Naptr("all.test", 30, 0, "s", "SIPS+D2T", "_sips._tcp.all.test"),
            DnsTestRecord.Srv("_sip._udp.all.test", 10, 0, 5060, "udp.all.test"),
            DnsTestRecord.Srv("_sip._tcp.all.test", 10, 0, 5062, "tcp.all.test"),
            DnsTestRecord.Srv("_sips._tcp.all.test", 10, 0, 5061, "tls.all.test"),
            DnsTestRecord.A("udp.all.test", "127.0.0.41"),
            DnsTestRecord.A("tcp.all.test", "127.0.0.42"),
            DnsTestRecord.A("tls.all.test", "127.0.0.43"));
        var used = new ConcurrentBag<string>();
        var options = new SipFailoverOptions { Transport = transport };
        options.Regions.Add(new Region("primary", new Uri("sip:all.test")));
        options.DnsServers.Add(_dns.EndPoint.ToString());
        SipFailoverClient client = _client = new SipFailoverClient("carrier", options, _time, null, null, ownsTelemetry: false, t =>
        {
            used.Add($"{t.Host}:{t.Port} {t.Transport}");
            return new InMemorySipConnection(t, reliable: true) { Responder = static r => ResponseTo(r, 200, "OK") };
        }, new Random(1));

        SipResponse answer = await client.SendAsync(new SipRequest("OPTIONS", "sip:all.test"), Ct);

        Assert.Equal(200, answer.StatusCode);
        Assert.Equal([$"{expected} {transport}"], used);
    }

    [Fact]
    public async Task A_server_dns_no_longer_lists_loses_its_connection_and_its_standing()
    {
        List(First, Second);
        var made = new ConcurrentDictionary<string, int>();
        SipFailoverClient client = Client(made);
        Connection(First).Responder = static r => ResponseTo(r, 503, "Service Unavailable", ("Retry-After", "120"));
        Connection(Second).Responder = static r => ResponseTo(r, 200, "OK");
        await client.SendAsync(Options(), Ct);

        // Past the answers' TTL, and past the time the first server's transaction keeps absorbing its answer (Timer K).
        List(Second);
        _time.Advance(TimeSpan.FromSeconds(10));
        await client.SendAsync(Options(), Ct);
        Assert.True(await client.DrainAsync(TimeSpan.FromSeconds(10)));
        Assert.True(Connection(First).Disposed);

        // Listed again while its Retry-After would still run, it is a server DNS gave afresh: first in line, on a new connection.
        Connection(First).Responder = static r => ResponseTo(r, 200, "OK");
        List(First, Second);
        _time.Advance(TimeSpan.FromSeconds(10));
        await client.SendAsync(Options(), Ct);

        Assert.Equal(2, Connection(First).Sent.Count);
        Assert.Equal(2, made[First]);
        Assert.Equal(1, made[Second]);
        Assert.False(Connection(Second).Disposed);
    }

    [Fact]
    public async Task A_server_dns_no_longer_lists_keeps_its_connection_until_the_request_waiting_on_it_is_over()
    {
        List(First, Second);
        SipFailoverClient client = Client();
        Connection(Second).Responder = static r => ResponseTo(r, 200, "OK");
        Task<SipResponse> waiting = client.SendAsync(Options(), Ct);
        Connection(First).WaitForSent("OPTIONS");

        List(Second);
        _time.Advance(TimeSpan.FromSeconds(2));
        await client.SendAsync(Options(), Ct);
        Assert.True(await client.DrainAsync(TimeSpan.FromSeconds(10)));
        Assert.False(Connection(First).Disposed);

        // Timer F: the waiting request leaves the silent server for the second; the next request finds the first unused.
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(200, (await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct)).StatusCode);
        await client.SendAsync(Options(), Ct);
        Assert.True(await client.DrainAsync(TimeSpan.FromSeconds(10)));

        Assert.True(Connection(First).Disposed);
        Assert.False(Connection(OtherRegion).Disposed);
    }

    [Fact]
    public async Task A_server_dns_no_longer_lists_keeps_its_socket_while_a_call_on_it_is_up()
    {
        List(First, Second);
        SipFailoverClient client = Client();
        Connection(First).Responder = static r => r.Method switch
        {
            "INVITE" => ResponseTo(r, 200, "OK", ("Contact", $"<sip:callee@{First}:5060>")),
            "BYE" => ResponseTo(r, 200, "OK"),
            _ => null,
        };
        Connection(Second).Responder = static r => ResponseTo(r, 200, "OK");
        SipCall call = await client.InviteAsync(new SipRequest("INVITE", "sip:+4930123456@" + Domain), Ct);

        // Past the answers' TTL and the INVITE transaction's Timer M: only the call's dialog still uses the first server.
        List(Second);
        _time.Advance(TimeSpan.FromMinutes(1));
        await client.SendAsync(Options(), Ct);
        Assert.True(await client.DrainAsync(TimeSpan.FromSeconds(10)));
        Assert.False(Connection(First).Disposed);

        await call.ByeAsync(Ct);
        _time.Advance(TimeSpan.FromSeconds(10));
        await client.SendAsync(Options(), Ct);
        Assert.True(await client.DrainAsync(TimeSpan.FromSeconds(10)));

        Assert.True(Connection(First).Disposed);
    }

    [Fact]
    public async Task A_probe_of_a_region_dns_names_asks_the_servers_dns_lists_for_it()
    {
        _dns.Add(
            DnsTestRecord.Naptr("tcp.test", 10, 0, "s", "SIP+D2T", "_sip._tcp.tcp.test"),
            DnsTestRecord.Srv("_sip._tcp.tcp.test", 10, 0, 5080, "sbc1.tcp.test"),
            DnsTestRecord.A("sbc1.tcp.test", "127.0.0.51"));
        var opened = new ConcurrentBag<SipTarget>();
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("primary", new Uri("sip:tcp.test")));
        options.DnsServers.Add(_dns.EndPoint.ToString());
        SipFailoverClient client = _client = new SipFailoverClient("carrier", options, _time, null, null, ownsTelemetry: false, t =>
        {
            opened.Add(t);
            return new InMemorySipConnection(t, reliable: true) { Responder = static r => ResponseTo(r, 200, "OK") };
        }, new Random(1));
        await using SipOptionsProbe probe = client.CreateProbe("primary");

        HealthProbeResult result = await probe.ProbeAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        // The NAPTR record's transport and the SRV record's server and port, not the name itself on 5060 over UDP.
        Assert.Equal(ProbeStatus.Healthy, result.Status);
        Assert.Equal("200 OK from sip:127.0.0.51:5080;transport=tcp", result.Detail);
        Assert.Equal([new SipTarget("127.0.0.51", 5080, SipTransportProtocol.Tcp)], opened);
    }

    [Fact]
    public async Task A_probe_of_a_region_dns_names_finds_it_up_while_one_of_its_servers_answers_and_follows_dns()
    {
        List(First, Second);
        SipFailoverClient client = Client();
        await using SipOptionsProbe probe = client.CreateProbe("primary");
        Connection(First).OpenFailure = "refused";
        Connection(Second).Responder = static r => ResponseTo(r, 200, "OK");

        HealthProbeResult second = await probe.ProbeAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(ProbeStatus.Healthy, second.Status);
        Assert.Equal($"200 OK from sip:{Second}:5060;transport=udp", second.Detail);

        // Past the answers' TTL (and Timer K) DNS lists the first server alone, which is still down: the region is down,
        // and the socket of the server no longer listed is closed.
        List(First);
        _time.Advance(TimeSpan.FromSeconds(10));
        HealthProbeResult down = await probe.ProbeAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(ProbeStatus.Unhealthy, down.Status);
        Assert.Equal($"sip:{First}:5060;transport=udp: transport error: refused", down.Detail);
        Assert.True(Connection(Second).Disposed);
        Assert.Single(Connection(Second).Sent);
    }

    [Fact]
    public async Task A_probe_of_a_region_dns_cannot_resolve_is_unhealthy_and_says_why()
    {
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("primary", new Uri("sip:nowhere.test")));
        options.DnsServers.Add(_dns.EndPoint.ToString());
        SipFailoverClient client = _client = new SipFailoverClient("carrier", options, _time, null, null, ownsTelemetry: false, t => Connection(t.Host), new Random(1));
        await using SipOptionsProbe probe = client.CreateProbe("primary");

        HealthProbeResult result = await probe.ProbeAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.Contains("nowhere.test", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(_connections.Keys, static t => t.Host == "nowhere.test");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_region_named_by_a_host_and_port_sends_to_its_second_address_when_the_first_is_down_and_stays_healthy(bool silent)
    {
        // RFC 3263 §4.2, §4.3: the name's addresses are servers to try in turn, each on the port the URI gives.
        _dns.Add(DnsTestRecord.A(Sbc, First, ttl: 3600), DnsTestRecord.A(Sbc, Second, ttl: 3600));
        var opened = new ConcurrentQueue<SipTarget>();
        SipFailoverClient client = Client(primary: $"sip:{Sbc}:5070", opened: opened);
        Connection(First).OpenFailure = silent ? null : "refused";
        Connection(Second).Responder = static r => ResponseTo(r, 200, "OK");

        Task<SipResponse> sent = client.SendAsync(Options(), Ct);
        if (silent)
        {
            // Timer F: the first address never answers.
            Connection(First).WaitForSent("OPTIONS");
            _time.Advance(TimeSpan.FromSeconds(32));
        }

        SipResponse answer = await sent.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(200, answer.StatusCode);
        Assert.Equal(RegionHealth.Healthy, Primary(client));
        Assert.Empty(Connection(OtherRegion).Sent);
        Assert.Equal([new SipTarget(First, 5070), new SipTarget(Second, 5070)], opened);

        // The first address stays behind the second for the break duration: the next request goes to the second at once.
        await SendAsync(client);
        Assert.Equal(2, Connection(Second).Sent.Count);
        Assert.Equal(RegionHealth.Healthy, Primary(client));
    }

    [Fact]
    public async Task A_region_named_by_a_host_and_port_follows_dns_to_its_new_address_and_closes_the_old_socket_once_unused()
    {
        _dns.Add(DnsTestRecord.A(Sbc, First, ttl: 60));
        SipFailoverClient client = Client(primary: $"sip:{Sbc}:5070");
        Connection(First).Responder = static r => ResponseTo(r, 200, "OK");
        Connection(Second).Responder = static r => ResponseTo(r, 200, "OK");
        await SendAsync(client);

        // The carrier moves its SBC: DNS lists the second address alone. Within the answer's TTL the first is still used.
        _dns.Clear();
        _dns.Add(DnsTestRecord.A(Sbc, Second, ttl: 60));
        _time.Advance(TimeSpan.FromSeconds(30));
        await SendAsync(client);
        Assert.Equal(2, Connection(First).Sent.Count);
        Assert.Empty(Connection(Second).Sent);

        // Past the TTL (and the first transaction's Timer K) the name is asked again: the request goes to the new address,
        // and the old address's socket, unused, is closed.
        _time.Advance(TimeSpan.FromSeconds(30));
        await SendAsync(client);
        Assert.True(await client.DrainAsync(TimeSpan.FromSeconds(10)));

        Assert.Single(Connection(Second).Sent);
        Assert.Equal(2, Connection(First).Sent.Count);
        Assert.True(Connection(First).Disposed);
        Assert.False(Connection(Second).Disposed);
        Assert.Empty(Connection(OtherRegion).Sent);
    }

    [Fact]
    public async Task A_region_named_localhost_with_a_port_reaches_the_first_address_the_system_resolver_gives()
    {
        IPAddress[] system = await Dns.GetHostAddressesAsync("localhost", Ct);
        foreach (IPAddress address in system)
        {
            Connection(address.ToString()).Responder = static r => ResponseTo(r, 200, "OK");
        }

        var opened = new ConcurrentQueue<SipTarget>();
        SipFailoverClient client = Client(primary: "sip:localhost:5070", opened: opened);

        SipResponse answer = await SendAsync(client, "sip:localhost");

        // The name is not sent to the DNS server (RFC 6761 §6.3); its address is a server of its own.
        Assert.Equal(200, answer.StatusCode);
        Assert.Equal([new SipTarget(system[0].ToString(), 5070)], opened);
        Assert.DoesNotContain(_dns.Queries, static q => q.Name == "localhost");
    }

    [Fact]
    public async Task A_probe_of_a_region_named_by_a_host_and_port_finds_it_up_while_one_of_its_addresses_answers()
    {
        _dns.Add(DnsTestRecord.A(Sbc, First), DnsTestRecord.A(Sbc, Second));
        SipFailoverClient client = Client(primary: $"sip:{Sbc}:5070");
        await using SipOptionsProbe probe = client.CreateProbe("primary");
        Connection(First).OpenFailure = "refused";
        Connection(Second).Responder = static r => ResponseTo(r, 200, "OK");

        HealthProbeResult result = await probe.ProbeAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(ProbeStatus.Healthy, result.Status);
        Assert.Equal($"200 OK from sip:{Second}:5070;transport=udp", result.Detail);
    }

    private static RegionHealth Primary(SipFailoverClient client) => client.GetStatus().Single(static s => s.Region.Name == "primary").Health;

    private static SipRequest Options() => new("OPTIONS", "sip:" + Domain);

    /// <summary>Sends an OPTIONS, and fails the test when no answer comes within ten seconds.</summary>
    private static Task<SipResponse> SendAsync(SipFailoverClient client, string uri = "sip:" + Domain) =>
        client.SendAsync(new SipRequest("OPTIONS", uri), Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);

    /// <summary>The in-memory server at <paramref name="host"/>; a name no system resolver knows fails to open, as a socket would.</summary>
    private InMemorySipConnection Connection(string host) => _connections.GetOrAdd(
        new SipTarget(host),
        static t => new InMemorySipConnection(t) { OpenFailure = IPAddress.TryParse(t.TlsName, out _) ? null : $"{t.Host} does not resolve" });

    /// <summary>Has DNS list <paramref name="addresses"/> as the primary's servers, in that order of priority, for a second.</summary>
    private void List(params string[] addresses)
    {
        _dns.Clear();
        for (int i = 0; i < addresses.Length; i++)
        {
            _dns.Add(
                DnsTestRecord.Srv("_sip._udp." + Domain, (ushort)(10 * (i + 1)), 0, 5060, $"s{i + 1}." + Domain, ttl: 1),
                DnsTestRecord.A($"s{i + 1}." + Domain, addresses[i], ttl: 1));
        }
    }

    /// <param name="made">When given, counts the connections made to each host.</param>
    /// <param name="primary">The primary region's endpoint.</param>
    /// <param name="opened">When given, the servers connections were made to, in order.</param>
    private SipFailoverClient Client(ConcurrentDictionary<string, int>? made = null, string primary = "sip:" + Domain, ConcurrentQueue<SipTarget>? opened = null)
    {
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("primary", new Uri(primary)));
        options.Regions.Add(new Region("secondary", new Uri($"sip:{OtherRegion}:5060")) { Priority = 1 });
        options.DnsServers.Add(_dns.EndPoint.ToString());
        return _client = new SipFailoverClient("carrier", options, _time, null, null, ownsTelemetry: false, target =>
        {
            made?.AddOrUpdate(target.Host, 1, static (_, n) => n + 1);
            opened?.Enqueue(target);
            return Connection(target.Host);
        }, new Random(1));
    }
}
