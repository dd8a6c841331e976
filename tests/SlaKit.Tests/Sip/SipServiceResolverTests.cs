using System.Net;
using System.Net.Sockets;
using DnsClient;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Sip;

namespace SlaKit.Tests.Sip;

/// <summary>
/// RFC 3263 §4 lookups against a DNS server on 127.0.0.1 that serves exactly the records each test gives it: NAPTR order
/// and preference, the transports a client speaks, SRV fallbacks, A/AAAA on the default port, TTLs, and failures.
/// </summary>
public sealed class SipServiceResolverTests : IAsyncDisposable
{
    private const string Domain = "example.test";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
    private readonly LoopbackDnsServer _dns = new();
    private readonly SipServiceResolver _resolver;

    public SipServiceResolverTests() => _resolver = new SipServiceResolver([_dns.EndPoint], _time, new Random(7));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _dns.DisposeAsync();

    [Fact]
    public async Task The_NAPTR_records_are_taken_by_order_then_preference()
    {
        _dns.Add(
            DnsTestRecord.Naptr(Domain, order: 20, preference: 0, "s", "SIP+D2U", "_sip._udp." + Domain),
            DnsTestRecord.Naptr(Domain, order: 10, preference: 20, "s", "SIP+D2T", "_sip._tcp." + Domain),
            DnsTestRecord.Naptr(Domain, order: 10, preference: 10, "s", "SIPS+D2T", "_sips._tcp." + Domain),
            DnsTestRecord.Srv("_sip._udp." + Domain, 10, 0, 5160, "udp." + Domain),
            DnsTestRecord.Srv("_sip._tcp." + Domain, 10, 0, 5260, "tcp." + Domain),
            DnsTestRecord.Srv("_sips._tcp." + Domain, 10, 0, 5361, "tls." + Domain),
            DnsTestRecord.A("udp." + Domain, "127.0.0.11"),
            DnsTestRecord.A("tcp." + Domain, "127.0.0.12"),
            DnsTestRecord.A("tls." + Domain, "127.0.0.13"));

        IReadOnlyList<SipTarget> targets = await _resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct);

        SipTarget only = Assert.Single(targets);
        Assert.Equal(("127.0.0.13", 5361, SipTransportProtocol.Tls), (only.Host, only.Port, only.Transport));
        Assert.Equal(Domain, only.TlsName);
    }

    [Fact]
    public async Task The_NAPTR_records_for_services_the_client_does_not_speak_or_without_the_s_flag_are_passed_over()
    {
        _dns.Add(
            DnsTestRecord.Naptr(Domain, 1, 0, "s", "SIP+D2S", "_sip._sctp." + Domain),
            DnsTestRecord.Naptr(Domain, 2, 0, "a", "SIP+D2U", "udp." + Domain),
            DnsTestRecord.Naptr(Domain, 3, 0, "", "SIP+D2U", "_sip._udp." + Domain),
            DnsTestRecord.Naptr(Domain, 4, 0, "S", "sip+d2t", "_sip._tcp." + Domain),
            DnsTestRecord.Srv("_sip._sctp." + Domain, 0, 0, 5001, "sctp." + Domain),
            DnsTestRecord.Srv("_sip._udp." + Domain, 0, 0, 5002, "udp." + Domain),
            DnsTestRecord.Srv("_sip._tcp." + Domain, 0, 0, 5003, "tcp." + Domain),
            DnsTestRecord.A("sctp." + Domain, "127.0.0.21"),
            DnsTestRecord.A("udp." + Domain, "127.0.0.22"),
            DnsTestRecord.A("tcp." + Domain, "127.0.0.23"));

        SipTarget only = Assert.Single(await _resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct));

        // Flags and services compare without regard to case (RFC 3403 §4.1).
        Assert.Equal(("127.0.0.23", 5003, SipTransportProtocol.Tcp), (only.Host, only.Port, only.Transport));
        Assert.DoesNotContain(("_sip._sctp." + Domain, QueryType.SRV), _dns.Queries);
        Assert.DoesNotContain(("_sip._udp." + Domain, QueryType.SRV), _dns.Queries);
    }

    [Fact]
    public async Task A_NAPTR_record_whose_SRV_name_lists_no_usable_server_gives_way_to_the_next()
    {
        _dns.Add(
            DnsTestRecord.Naptr(Domain, 10, 0, "s", "SIP+D2T", "_sip._tcp." + Domain),
            // Its own SRV name, not the one asked without NAPTR: only this record leads there.
            DnsTestRecord.Naptr(Domain, 20, 0, "s", "SIP+D2U", "_sip._udp.edge." + Domain),
            // RFC 2782: "." says the service is decidedly not available; a target without addresses is no server either.
            DnsTestRecord.Srv("_sip._tcp." + Domain, 0, 0, 5060, "."),
            DnsTestRecord.Srv("_sip._tcp." + Domain, 0, 0, 5060, "nowhere." + Domain),
            DnsTestRecord.Srv("_sip._udp.edge." + Domain, 0, 0, 5070, "udp." + Domain),
            DnsTestRecord.A("udp." + Domain, "127.0.0.31"));

        SipTarget only = Assert.Single(await _resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct));

        Assert.Equal(("127.0.0.31", 5070, SipTransportProtocol.Udp), (only.Host, only.Port, only.Transport));
        Assert.Contains(("nowhere." + Domain, QueryType.AAAA), _dns.Queries);
    }

    [Fact]
    public async Task Without_NAPTR_SRV_is_asked_for_each_transport_in_the_clients_order()
    {
        _dns.Add(
            DnsTestRecord.Srv("_sip._tcp." + Domain, 0, 0, 5080, "tcp." + Domain),
            DnsTestRecord.Srv("_sips._tcp." + Domain, 0, 0, 5081, "tls." + Domain),
            DnsTestRecord.A("tcp." + Domain, "127.0.0.41"),
            DnsTestRecord.A("tls." + Domain, "127.0.0.42"));

        SipTarget only = Assert.Single(await _resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct));

        Assert.Equal(("127.0.0.41", 5080, SipTransportProtocol.Tcp), (only.Host, only.Port, only.Transport));
        Assert.Equal(
            [(Domain, QueryType.NAPTR), ("_sip._udp." + Domain, QueryType.SRV), ("_sip._tcp." + Domain, QueryType.SRV),
                ("tcp." + Domain, QueryType.A), ("tcp." + Domain, QueryType.AAAA)],
            _dns.Queries);
    }

    [Fact]
    public async Task A_transport_named_in_the_URI_skips_NAPTR_and_asks_SRV_for_that_transport_alone()
    {
        _dns.Add(
            DnsTestRecord.Naptr(Domain, 10, 0, "s", "SIP+D2U", "_sip._udp." + Domain),
            DnsTestRecord.Srv("_sip._udp." + Domain, 0, 0, 5090, "udp." + Domain),
            DnsTestRecord.A("udp." + Domain, "127.0.0.51"));

        // §4.1: the URI's transport decides; there is no TCP server, so the host's own address on 5060 remains.
        _dns.Add(DnsTestRecord.A(Domain, "127.0.0.52"));
        SipTarget only = Assert.Single(await _resolver.ResolveAsync(SipTarget.Parse($"sip:{Domain};transport=tcp"), Ct));

        Assert.Equal(("127.0.0.52", 5060, SipTransportProtocol.Tcp), (only.Host, only.Port, only.Transport));
        Assert.Equal(("_sip._tcp." + Domain, QueryType.SRV), _dns.Queries[0]);
        Assert.DoesNotContain(_dns.Queries, q => q.Type == QueryType.NAPTR || q.Name.StartsWith("_sip._udp.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(SipTransportProtocol.Tcp, "_sip._tcp.", "127.0.0.53", 5062)]
    [InlineData(SipTransportProtocol.Tls, "_sips._tcp.", "127.0.0.54", 5061)]
    public async Task A_client_transport_of_tcp_or_tls_skips_NAPTR_and_asks_SRV_for_that_transport_alone(SipTransportProtocol transport, string prefix, string host, int port)
    {
        _dns.Add(
            DnsTestRecord.Naptr(Domain, 10, 0, "s", "SIP+D2U", "_sip._udp." + Domain),
            DnsTestRecord.Srv("_sip._udp." + Domain, 0, 0, 5090, "udp." + Domain),
            DnsTestRecord.Srv("_sip._tcp." + Domain, 0, 0, 5062, "tcp." + Domain),
            DnsTestRecord.Srv("_sips._tcp." + Domain, 0, 0, 5061, "tls." + Domain),
            DnsTestRecord.A("udp." + Domain, "127.0.0.51"),
            DnsTestRecord.A("tcp." + Domain, "127.0.0.53"),
            DnsTestRecord.A("tls." + Domain, "127.0.0.54"));
        Assert.True(SipTarget.TryParse("sip:" + Domain, transport, out SipTarget? target, out string? error), error);

        SipTarget only = Assert.Single(await _resolver.ResolveAsync(target, Ct));

        Assert.Equal((host, port, transport), (only.Host, only.Port, only.Transport));
        Assert.Equal((prefix + Domain, QueryType.SRV), _dns.Queries[0]);
        Assert.DoesNotContain(_dns.Queries, q => q.Type == QueryType.NAPTR || q.Name.StartsWith("_sip._udp.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sips_URI_takes_only_TLS_from_NAPTR_and_SRV()
    {
        _dns.Add(
            DnsTestRecord.Naptr(Domain, 10, 0, "s", "SIP+D2U", "_sip._udp." + Domain),
            DnsTestRecord.Srv("_sip._udp." + Domain, 0, 0, 5100, "udp." + Domain),
            DnsTestRecord.Srv("_sips._tcp." + Domain, 0, 0, 5101, "tls." + Domain),
            DnsTestRecord.A("udp." + Domain, "127.0.0.61"),
            DnsTestRecord.A("tls." + Domain, "127.0.0.62"));

        SipTarget only = Assert.Single(await _resolver.ResolveAsync(SipTarget.Parse("sips:" + Domain), Ct));

        Assert.Equal(("127.0.0.62", 5101, SipTransportProtocol.Tls), (only.Host, only.Port, only.Transport));
        Assert.DoesNotContain(("_sip._udp." + Domain, QueryType.SRV), _dns.Queries);
    }

    [Theory]
    [InlineData("sip:" + Domain, 5060, SipTransportProtocol.Udp)]
    [InlineData("sips:" + Domain, 5061, SipTransportProtocol.Tls)]
    [InlineData("sip:" + Domain + ";transport=tcp", 5060, SipTransportProtocol.Tcp)]
    public async Task Without_NAPTR_or_SRV_the_hosts_own_addresses_serve_on_the_default_port(string uri, int port, SipTransportProtocol transport)
    {
        _dns.Add(DnsTestRecord.A(Domain, "127.0.0.71"), DnsTestRecord.A(Domain, "127.0.0.72"), DnsTestRecord.Aaaa(Domain, "::1"));

        IReadOnlyList<SipTarget> targets = await _resolver.ResolveAsync(SipTarget.Parse(uri), Ct);

        Assert.Equal(["127.0.0.71", "127.0.0.72", "[::1]"], targets.Select(static t => t.Host));
        Assert.All(targets, t => Assert.Equal((port, transport), (t.Port, t.Transport)));
    }

    [Fact]
    public async Task A_name_DNS_knows_nothing_about_is_refused_for_a_few_seconds_and_asked_again_after()
    {
        SipTransportException refused = await Assert.ThrowsAsync<SipTransportException>(() => _resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct));

        Assert.Equal($"DNS knows no SIP server for '{Domain}': no NAPTR, SRV, A or AAAA records.", refused.Message);
        int asked = _dns.Queries.Count;

        // The failure is kept a few seconds (RFC 9520 §3.2), without asking DNS; then the name is asked again, and found.
        _dns.Add(DnsTestRecord.A(Domain, "127.0.0.81"));
        _time.Advance(SipServiceResolver.FailureKept - TimeSpan.FromMilliseconds(1));
        Assert.Same(refused, await Assert.ThrowsAsync<SipTransportException>(() => _resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct)));
        Assert.Equal(asked, _dns.Queries.Count);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        SipTarget only = Assert.Single(await _resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct));
        Assert.Equal("127.0.0.81", only.Host);
        Assert.True(_dns.Queries.Count > asked, "the second call asked DNS nothing");
    }

    [Fact]
    public async Task An_SRV_record_on_port_0_names_no_server_and_the_others_are_used()
    {
        _dns.Add(
            DnsTestRecord.Srv("_sip._udp." + Domain, 10, 0, 0, "zero." + Domain),
            DnsTestRecord.Srv("_sip._udp." + Domain, 20, 0, 5070, "pbx." + Domain),
            DnsTestRecord.A("zero." + Domain, "127.0.0.61"),
            DnsTestRecord.A("pbx." + Domain, "127.0.0.62"));

        SipTarget only = Assert.Single(await _resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct));

        Assert.Equal(("127.0.0.62", 5070), (only.Host, only.Port));
    }

    [Fact]
    public async Task A_DNS_server_that_fails_to_answer_fails_the_lookup_instead_of_passing_for_no_records_and_is_asked_again()
    {
        string srv = "_sip._udp." + Domain;
        _dns.Fail(srv, QueryType.SRV, 2);
        _dns.Add(
            DnsTestRecord.Srv(srv, 10, 0, 5070, "pbx." + Domain),
            DnsTestRecord.A("pbx." + Domain, "127.0.0.62"),
            DnsTestRecord.A(Domain, "127.0.0.63", ttl: 3600));

        SipTransportException failed = await Assert.ThrowsAsync<SipTransportException>(() => _resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct));

        Assert.Equal($"DNS could not answer for the SRV records of '{srv}': ServerFailure.", failed.Message);
        Assert.DoesNotContain(_dns.Queries, q => q.Name == Domain && q.Type == QueryType.A);

        // The failure is kept only a few seconds: once the server answers, its SRV records are used, not the host's own address.
        _dns.Fail(srv, QueryType.SRV, 0);
        _time.Advance(SipServiceResolver.FailureKept);
        SipTarget only = Assert.Single(await _resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct));
        Assert.Equal(("127.0.0.62", 5070), (only.Host, only.Port));
    }

    [Fact]
    public async Task A_second_DNS_server_answers_for_one_that_fails_whichever_of_the_two_is_asked_first()
    {
        // The client starts from a server of its own choosing; a SERVFAIL from one must not fail a lookup the other answers.
        await using var broken = new LoopbackDnsServer();
        foreach ((string name, QueryType type) in new[]
        {
            (Domain, QueryType.NAPTR), ("_sip._udp." + Domain, QueryType.SRV), ("pbx." + Domain, QueryType.A), ("pbx." + Domain, QueryType.AAAA),
        })
        {
            broken.Fail(name, type, 2);
        }

        _dns.Add(DnsTestRecord.Srv("_sip._udp." + Domain, 10, 0, 5070, "pbx." + Domain), DnsTestRecord.A("pbx." + Domain, "127.0.0.64"));
        var answered = new List<string>();
        for (int seed = 0; seed < 8; seed++)
        {
            var resolver = new SipServiceResolver([broken.EndPoint, _dns.EndPoint], _time, new Random(seed));
            SipTarget only = Assert.Single(await resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct));
            answered.Add($"{only.Host}:{only.Port}");
        }

        Assert.All(answered, a => Assert.Equal("127.0.0.64:5070", a));
        Assert.NotEmpty(broken.Queries);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public async Task A_name_error_or_a_refusal_for_the_SRV_names_leaves_the_host_used_on_the_default_port(int responseCode)
    {
        // NXDOMAIN says there are none; REFUSED is how a local server such as dnsmasq answers for names outside its data.
        _dns.Fail(Domain, QueryType.NAPTR, responseCode);
        foreach (string prefix in new[] { "_sip._udp.", "_sip._tcp.", "_sips._tcp." })
        {
            _dns.Fail(prefix + Domain, QueryType.SRV, responseCode);
        }

        _dns.Add(DnsTestRecord.A(Domain, "127.0.0.63"));

        SipTarget only = Assert.Single(await _resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct));

        Assert.Equal(("127.0.0.63", 5060, SipTransportProtocol.Udp), (only.Host, only.Port, only.Transport));
    }

    [Fact]
    public async Task Addresses_carried_in_the_SRV_answer_are_used_without_asking_for_them()
    {
        _dns.Add(DnsTestRecord.Srv("_sip._udp." + Domain, 0, 0, 5110, "pbx." + Domain));
        _dns.AddAdditional("_sip._udp." + Domain, QueryType.SRV, DnsTestRecord.A("pbx." + Domain, "127.0.0.91"));
        _dns.AddAdditional("_sip._udp." + Domain, QueryType.SRV, DnsTestRecord.A("other." + Domain, "127.0.0.99"));

        SipTarget only = Assert.Single(await _resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct));

        Assert.Equal(("127.0.0.91", 5110), (only.Host, only.Port));
        Assert.DoesNotContain(_dns.Queries, static q => q.Type is QueryType.A or QueryType.AAAA);
    }

    [Fact]
    public async Task Additional_addresses_for_another_name_are_not_taken_for_the_target()
    {
        _dns.Add(DnsTestRecord.Srv("_sip._udp." + Domain, 0, 0, 5120, "pbx." + Domain), DnsTestRecord.A("pbx." + Domain, "127.0.0.92"));
        _dns.AddAdditional("_sip._udp." + Domain, QueryType.SRV, DnsTestRecord.A("other." + Domain, "127.0.0.99"));

        SipTarget only = Assert.Single(await _resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct));

        Assert.Equal("127.0.0.92", only.Host);
    }

    [Theory]
    [InlineData(30, 300, 300, false)] // the NAPTR record
    [InlineData(300, 30, 300, false)] // the SRV record
    [InlineData(300, 300, 30, false)] // the address, asked for
    [InlineData(300, 300, 30, true)] // the address, carried in the SRV answer
    public async Task An_answer_is_kept_for_the_smallest_TTL_among_its_records(int naptrTtl, int srvTtl, int addressTtl, bool additional)
    {
        _dns.Add(
            DnsTestRecord.Naptr(Domain, 10, 0, "s", "SIP+D2U", "_sip._udp." + Domain, ttl: (uint)naptrTtl),
            DnsTestRecord.Srv("_sip._udp." + Domain, 0, 0, 5130, "pbx." + Domain, ttl: (uint)srvTtl));
        DnsTestRecord address = DnsTestRecord.A("pbx." + Domain, "127.0.0.101", ttl: (uint)addressTtl);
        if (additional)
        {
            _dns.AddAdditional("_sip._udp." + Domain, QueryType.SRV, address);
        }
        else
        {
            _dns.Add(address);
        }

        SipTarget target = SipTarget.Parse("sip:" + Domain);
        int asked = await ResolveAndWaitOutAsync(target, TimeSpan.FromSeconds(30));

        // Expired at 30 s: asked again, and the new answer is the one served and kept.
        _dns.Clear();
        _dns.Add(DnsTestRecord.A(Domain, "127.0.0.102", ttl: 300));
        SipTarget renewed = Assert.Single(await _resolver.ResolveAsync(target, Ct));
        int askedAgain = _dns.Queries.Count;
        await _resolver.ResolveAsync(target, Ct);

        Assert.Equal("127.0.0.102", renewed.Host);
        Assert.True(askedAgain > asked, "the expired answer was served without asking DNS again");
        Assert.Equal(askedAgain, _dns.Queries.Count);
    }

    [Fact]
    public async Task An_expired_answer_is_served_stale_while_dns_fails_and_asked_again_every_half_minute_for_up_to_a_day()
    {
        string srv = "_sip._udp." + Domain;
        _dns.Add(
            DnsTestRecord.Srv(srv, 10, 0, 5070, "pbx." + Domain, ttl: 60),
            DnsTestRecord.A("pbx." + Domain, "127.0.0.64", ttl: 60));
        SipTarget target = SipTarget.Parse("sip:" + Domain);
        await ResolveAndWaitOutAsync(target, TimeSpan.FromSeconds(60));

        // The answer has expired, and DNS now fails: the last answer is served (RFC 8767), not an error for a server that is up.
        _dns.Fail(srv, QueryType.SRV, 2);
        int before = _dns.Queries.Count;
        SipTarget stale = Assert.Single(await _resolver.ResolveAsync(target, Ct));
        Assert.Equal(("127.0.0.64", 5070), (stale.Host, stale.Port));
        int asked = _dns.Queries.Count;
        Assert.True(asked > before, "DNS was not asked again once the answer expired");

        // The failed refresh is kept for half a minute, the stale answer served without asking; then DNS is asked again.
        _time.Advance(SipServiceResolver.StaleRefreshKept - TimeSpan.FromSeconds(1));
        Assert.Equal("127.0.0.64", Assert.Single(await _resolver.ResolveAsync(target, Ct)).Host);
        Assert.Equal(asked, _dns.Queries.Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("127.0.0.64", Assert.Single(await _resolver.ResolveAsync(target, Ct)).Host);
        Assert.True(_dns.Queries.Count > asked, "DNS was not asked again after half a minute");

        // A day past its TTL the answer is too old to serve: the failure is the caller's.
        _time.Advance(SipServiceResolver.StaleLimit);
        SipTransportException failed = await Assert.ThrowsAsync<SipTransportException>(() => _resolver.ResolveAsync(target, Ct));
        Assert.Contains("ServerFailure", failed.Message, StringComparison.Ordinal);

        // Once DNS answers again, the answer is fresh.
        _dns.Fail(srv, QueryType.SRV, 0);
        _time.Advance(SipServiceResolver.StaleRefreshKept);
        Assert.Equal("127.0.0.64", Assert.Single(await _resolver.ResolveAsync(target, Ct)).Host);
    }

    [Fact]
    public async Task An_answer_whose_records_all_live_long_is_kept_for_their_TTL_not_a_default()
    {
        _dns.Add(
            DnsTestRecord.Srv("_sip._udp." + Domain, 0, 0, 5140, "pbx." + Domain, ttl: 3600),
            DnsTestRecord.A("pbx." + Domain, "127.0.0.111", ttl: 3600));
        SipTarget target = SipTarget.Parse("sip:" + Domain);
        int asked = await ResolveAndWaitOutAsync(target, TimeSpan.FromHours(1));

        await _resolver.ResolveAsync(target, Ct);
        Assert.Equal(2 * asked, _dns.Queries.Count);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0x80000000u)] // RFC 2181 §8: a TTL with its top bit set is read as zero.
    public async Task A_zero_TTL_answer_is_asked_again_at_every_call(uint ttl)
    {
        _dns.Add(DnsTestRecord.A(Domain, "127.0.0.121", ttl));
        SipTarget target = SipTarget.Parse("sip:" + Domain);

        await _resolver.ResolveAsync(target, Ct);
        int asked = _dns.Queries.Count;
        await _resolver.ResolveAsync(target, Ct);

        Assert.Equal(2 * asked, _dns.Queries.Count);
    }

    [Fact]
    public async Task A_name_is_cached_without_regard_to_case_but_apart_for_each_transport_asked()
    {
        _dns.Add(DnsTestRecord.A(Domain, "127.0.0.131"));

        await _resolver.ResolveAsync(SipTarget.Parse("sip:EXAMPLE.test"), Ct);
        int asked = _dns.Queries.Count;
        await _resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct);
        Assert.Equal(asked, _dns.Queries.Count);

        SipTarget tcp = Assert.Single(await _resolver.ResolveAsync(SipTarget.Parse($"sip:{Domain};transport=tcp"), Ct));
        Assert.Equal(SipTransportProtocol.Tcp, tcp.Transport);
        SipTarget tls = Assert.Single(await _resolver.ResolveAsync(SipTarget.Parse("sips:" + Domain), Ct));
        Assert.Equal(SipTransportProtocol.Tls, tls.Transport);
    }

    [Fact]
    public async Task A_caller_that_cancels_stops_waiting_and_the_lookup_still_serves_the_next_caller()
    {
        _dns.Add(DnsTestRecord.A(Domain, "127.0.0.141"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), new CancellationToken(canceled: true)));

        SipTarget only = Assert.Single(await _resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct));
        Assert.Equal("127.0.0.141", only.Host);
    }

    [Fact]
    public async Task A_DNS_server_that_cannot_be_reached_is_reported_with_the_query_it_failed()
    {
        // A loopback port nobody listens on: the query is refused (ICMP port unreachable) or times out.
        IPEndPoint closed;
        using (var probe = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            closed = (IPEndPoint)probe.Client.LocalEndPoint!;
        }

        var resolver = new SipServiceResolver([closed], _time, new Random(7));

        SipTransportException refused = await Assert.ThrowsAsync<SipTransportException>(() => resolver.ResolveAsync(SipTarget.Parse("sip:" + Domain), Ct));

        Assert.StartsWith($"DNS could not be asked for the NAPTR records of '{Domain}': ", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(refused.InnerException);
    }

    [Theory]
    [InlineData("sip:sbc." + Domain + ":5070", SipTransportProtocol.Udp)]
    [InlineData("sip:sbc." + Domain + ":5070;transport=tcp", SipTransportProtocol.Tcp)]
    [InlineData("sips:sbc." + Domain + ":5070", SipTransportProtocol.Tls)]
    public async Task A_host_named_with_a_port_stands_for_each_of_its_addresses_on_that_port_without_NAPTR_or_SRV(string uri, SipTransportProtocol transport)
    {
        _dns.Add(
            DnsTestRecord.Naptr("sbc." + Domain, 10, 0, "s", "SIP+D2T", "_sip._tcp." + Domain),
            DnsTestRecord.Srv("_sip._udp.sbc." + Domain, 10, 0, 5090, "other." + Domain),
            DnsTestRecord.A("sbc." + Domain, "127.0.0.81"),
            DnsTestRecord.A("sbc." + Domain, "127.0.0.82"),
            DnsTestRecord.Aaaa("sbc." + Domain, "::1"));

        IReadOnlyList<SipTarget> targets = await _resolver.ResolveAsync(SipTarget.Parse(uri), Ct);

        // RFC 3263 §4.2: a port in the URI leaves NAPTR and SRV out; the addresses come in the order DNS gave them.
        Assert.Equal(["127.0.0.81", "127.0.0.82", "[::1]"], targets.Select(static t => t.Host));
        Assert.All(targets, static t => Assert.Equal((5070, "sbc." + Domain), (t.Port, t.TlsName)));
        Assert.All(targets, t => Assert.Equal(transport, t.Transport));
        Assert.Equal([("sbc." + Domain, QueryType.A), ("sbc." + Domain, QueryType.AAAA)], _dns.Queries);
    }

    [Fact]
    public async Task A_host_named_with_a_port_is_asked_again_when_its_TTL_ends_and_follows_the_new_address()
    {
        _dns.Add(DnsTestRecord.A("sbc." + Domain, "127.0.0.83", ttl: 30));
        SipTarget target = SipTarget.Parse($"sip:sbc.{Domain}:5070");
        await ResolveAndWaitOutAsync(target, TimeSpan.FromSeconds(30));

        _dns.Clear();
        _dns.Add(DnsTestRecord.A("sbc." + Domain, "127.0.0.84", ttl: 30));
        SipTarget moved = Assert.Single(await _resolver.ResolveAsync(target, Ct));

        Assert.Equal(("127.0.0.84", 5070), (moved.Host, moved.Port));
    }

    [Fact]
    public async Task An_IP_address_with_a_port_is_its_own_server_and_nothing_is_asked()
    {
        SipTarget target = SipTarget.Parse("sip:[::1]:5070;transport=tcp");

        IReadOnlyList<SipTarget> targets = await _resolver.ResolveAsync(target, Ct);

        Assert.Equal([target], targets);
        Assert.Empty(_dns.Queries);
    }

    [Fact]
    public async Task A_host_named_with_a_port_that_DNS_lists_no_address_for_is_asked_of_the_system_resolver_again_every_half_minute()
    {
        var answers = new Queue<string>(["127.0.0.91", "127.0.0.92"]);
        var asked = new List<string>();
        var resolver = new SipServiceResolver([_dns.EndPoint], _time, new Random(7), (host, _) =>
        {
            asked.Add(host);
            return Task.FromResult<IPAddress[]>([IPAddress.Parse(answers.Dequeue())]);
        });
        SipTarget target = SipTarget.Parse("sip:pbx:5070");

        SipTarget first = Assert.Single(await resolver.ResolveAsync(target, Ct));
        _time.Advance(SipServiceResolver.SystemAnswerKept - TimeSpan.FromSeconds(1));
        SipTarget kept = Assert.Single(await resolver.ResolveAsync(target, Ct));
        _time.Advance(TimeSpan.FromSeconds(1));
        SipTarget renewed = Assert.Single(await resolver.ResolveAsync(target, Ct));

        Assert.Equal(("127.0.0.91", 5070), (first.Host, first.Port));
        Assert.Equal("127.0.0.91", kept.Host);
        Assert.Equal("127.0.0.92", renewed.Host);
        Assert.Equal(["pbx", "pbx"], asked);
        Assert.Equal([("pbx", QueryType.A), ("pbx", QueryType.AAAA), ("pbx", QueryType.A), ("pbx", QueryType.AAAA)], _dns.Queries);
    }

    [Fact]
    public async Task A_host_named_with_a_port_is_asked_of_the_system_resolver_when_DNS_fails_and_the_failure_named_when_both_do()
    {
        _dns.Fail("pbx." + Domain, QueryType.A, 2);
        var resolver = new SipServiceResolver([_dns.EndPoint], _time, new Random(7), static (_, _) => Task.FromResult<IPAddress[]>([IPAddress.Loopback]));
        var unknown = new SipServiceResolver([_dns.EndPoint], _time, new Random(7), static (_, _) => Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound)));
        SipTarget target = SipTarget.Parse($"sip:pbx.{Domain}:5070");

        SipTarget served = Assert.Single(await resolver.ResolveAsync(target, Ct));
        SipTransportException failed = await Assert.ThrowsAsync<SipTransportException>(() => unknown.ResolveAsync(target, Ct));

        Assert.Equal("127.0.0.1", served.Host);
        Assert.Contains($"'pbx.{Domain}' does not resolve", failed.Message, StringComparison.Ordinal);
        Assert.Contains("ServerFailure", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Localhost_with_a_port_is_asked_of_the_system_resolver_alone()
    {
        IPAddress[] system = await Dns.GetHostAddressesAsync("localhost", Ct);

        IReadOnlyList<SipTarget> targets = await _resolver.ResolveAsync(SipTarget.Parse("sip:localhost:5070"), Ct);

        // RFC 6761 §6.3: localhost is not sent to DNS servers; each of its addresses is a server, in the system's order.
        Assert.Equal(system.Distinct().Select(static a => new SipTarget(a.ToString(), 5070)), targets);
        Assert.Empty(_dns.Queries);
    }

    /// <summary>
    /// Resolves <paramref name="target"/>, checks that a second call one second before <paramref name="ttl"/> ends asks
    /// DNS nothing, and leaves the clock at the moment the answer expires.
    /// </summary>
    /// <returns>How many queries the first lookup made.</returns>
    private async Task<int> ResolveAndWaitOutAsync(SipTarget target, TimeSpan ttl)
    {
        await _resolver.ResolveAsync(target, Ct);
        int asked = _dns.Queries.Count;

        _time.Advance(ttl - TimeSpan.FromSeconds(1));
        await _resolver.ResolveAsync(target, Ct);
        Assert.Equal(asked, _dns.Queries.Count);

        _time.Advance(TimeSpan.FromSeconds(1));
        return asked;
    }
}

/// <summary>RFC 2782's order of the servers behind a name: priority, then a weighted draw; with a scripted <see cref="Random"/>.</summary>
public class SipServiceOrderTests
{
    private static SipServer Server(int priority, int weight, int port, params string[] addresses) =>
        new(priority, weight, port, SipTransportProtocol.Udp, [.. addresses.Select(IPAddress.Parse)]);

    [Fact]
    public void A_lower_priority_comes_first_whatever_the_weights()
    {
        var service = new SipService("example.test", [Server(20, 100, 1, "127.0.0.1"), Server(10, 1, 2, "127.0.0.2"), Server(15, 0, 3, "127.0.0.3")], DateTimeOffset.MaxValue);

        Assert.Equal([2, 3, 1], service.Order(new ScriptedRandom(0, 0, 0)).Select(static t => t.Port));
    }

    [Theory]
    [InlineData(9, 0, new[] { 1, 2, 3 }, new[] { 40, 30, 1 })] // draw 10: the running sum reaches it at the first server
    [InlineData(10, 9, new[] { 2, 1, 3 }, new[] { 40, 10, 1 })] // draw 11: past the first server's 10, within the second's 30
    [InlineData(39, 0, new[] { 2, 1, 3 }, new[] { 40, 10, 1 })] // draw 40: the last weighted server
    public void Within_a_priority_a_server_is_drawn_by_its_share_of_the_weights_left(int first, int second, int[] ports, int[] maxValues)
    {
        var service = new SipService("example.test", [Server(0, 10, 1, "127.0.0.1"), Server(0, 30, 2, "127.0.0.2"), Server(0, 0, 3, "127.0.0.3")], DateTimeOffset.MaxValue);
        var random = new ScriptedRandom(first, second, 0);

        Assert.Equal(ports, service.Order(random).Select(static t => t.Port));
        Assert.Equal(maxValues, random.MaxValues);
    }

    [Fact]
    public void Servers_of_weight_zero_alone_are_taken_in_a_uniform_random_order()
    {
        var service = new SipService("example.test", [Server(0, 0, 1, "127.0.0.1"), Server(0, 0, 2, "127.0.0.2"), Server(0, 0, 3, "127.0.0.3")], DateTimeOffset.MaxValue);
        var random = new ScriptedRandom(2, 0, 0);

        Assert.Equal([3, 1, 2], service.Order(random).Select(static t => t.Port));
        Assert.Equal([3, 2, 1], random.MaxValues);
    }

    [Fact]
    public void Shares_of_first_place_follow_the_weights()
    {
        var service = new SipService("example.test", [Server(0, 1, 1, "127.0.0.1"), Server(0, 3, 2, "127.0.0.2")], DateTimeOffset.MaxValue);
        var random = new Random(2782);
        const int Draws = 20_000;

        int lightFirst = Enumerable.Range(0, Draws).Count(_ => service.Order(random)[0].Port == 1);

        // 25% expected; a draw from 0 rather than 1 would give the first server 50%. Four standard deviations each side.
        Assert.InRange(lightFirst, Draws / 4 - 245, Draws / 4 + 245);
    }

    [Fact]
    public void Each_servers_addresses_follow_in_DNS_order_with_its_port_transport_and_the_domain_as_TLS_name()
    {
        var tls = new SipServer(0, 0, 5061, SipTransportProtocol.Tls, [IPAddress.Parse("127.0.0.5"), IPAddress.Parse("::1")]);
        var service = new SipService("example.test", [tls], DateTimeOffset.MaxValue);

        IReadOnlyList<SipTarget> targets = service.Order(new ScriptedRandom(0));

        Assert.Equal(["127.0.0.5", "[::1]"], targets.Select(static t => t.Host));
        Assert.All(targets, static t => Assert.Equal((5061, SipTransportProtocol.Tls, "example.test"), (t.Port, t.Transport, t.TlsName)));
    }

    /// <summary>Answers <see cref="Next(int)"/> from a script, and remembers each bound it was asked for.</summary>
    private sealed class ScriptedRandom(params int[] script) : Random
    {
        private int _next;

        public List<int> MaxValues { get; } = [];

        public override int Next(int maxValue)
        {
            MaxValues.Add(maxValue);
            int value = script[_next++];
            Assert.InRange(value, 0, maxValue - 1);
            return value;
        }
    }
}
