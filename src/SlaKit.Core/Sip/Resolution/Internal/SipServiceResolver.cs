using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;

namespace SlaKit.Sip;

/// <summary>
/// Finds the servers behind a SIP URI that names a host and no port, as RFC 3263 §4 does: NAPTR records choose the
/// transport (unless the URI names one; a <c>sips:</c> URI only TLS), SRV records the servers and their ports in RFC 2782 order, A and AAAA records
/// their addresses; without NAPTR, SRV is asked for each transport; without SRV, the host's own addresses on port 5060.
/// A URI that names a host and a port stands for the host's A and AAAA records, each address a server on that port
/// (§4.2); a name DNS lists no address for is asked of the system resolver (its hosts file, its search domains), whose
/// answer is kept for <see cref="SystemAnswerKept"/>, and a <c>localhost</c> name goes to the system resolver alone
/// (RFC 6761 §6.3). Answers are cached for their TTL. A lookup that fails once an answer has expired serves that answer, stale, for up to
/// a day (RFC 8767): a DNS server that is down or answers SERVFAIL does not take down SIP servers that are up. A failure
/// is kept for a few seconds before DNS is asked again (RFC 9520 §3.2), so that a DNS server that does not answer holds
/// up one request, not every one. Thread-safe.
/// </summary>
internal sealed class SipServiceResolver
{
    /// <summary>The NAPTR services this client speaks (RFC 3263 §4.1), and the SRV prefix of each (RFC 3263 §4.2).</summary>
    private static readonly (string Service, string SrvPrefix, SipTransportProtocol Transport)[] Services =
    [
        ("SIP+D2U", "_sip._udp.", SipTransportProtocol.Udp),
        ("SIP+D2T", "_sip._tcp.", SipTransportProtocol.Tcp),
        ("SIPS+D2T", "_sips._tcp.", SipTransportProtocol.Tls),
    ];

    private static readonly QueryType[] AddressTypes = [QueryType.A, QueryType.AAAA];

    /// <summary>How long a failed lookup is kept before DNS is asked again: RFC 9520 §3.2 asks for at least a second.</summary>
    internal static readonly TimeSpan FailureKept = TimeSpan.FromSeconds(5);

    /// <summary>How long a failed refresh is kept while the expired answer is served in its place: RFC 8767 §4's stale TTL.</summary>
    internal static readonly TimeSpan StaleRefreshKept = TimeSpan.FromSeconds(30);

    /// <summary>How long past its TTL an answer may still be served while DNS fails: RFC 8767 §5 suggests one to three days.</summary>
    internal static readonly TimeSpan StaleLimit = TimeSpan.FromDays(1);

    /// <summary>
    /// How long an answer of the system resolver is kept before it is asked again: it gives no TTL, and a name it answers
    /// for may move as a DNS name does.
    /// </summary>
    internal static readonly TimeSpan SystemAnswerKept = TimeSpan.FromSeconds(30);

    private readonly LookupClient _dns;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _system;
    private readonly ConcurrentDictionary<Query, Entry> _cache = new();

    /// <param name="servers">The DNS servers to ask; the system's when empty.</param>
    /// <param name="time">The clock that ages cached answers.</param>
    /// <param name="random">Draws RFC 2782's weighted order.</param>
    public SipServiceResolver(IReadOnlyList<IPEndPoint> servers, TimeProvider time, Random random)
        : this(servers, time, random, Dns.GetHostAddressesAsync)
    {
    }

    /// <param name="servers">The DNS servers to ask; the system's when empty.</param>
    /// <param name="time">The clock that ages cached answers.</param>
    /// <param name="random">Draws RFC 2782's weighted order.</param>
    /// <param name="system">The system resolver, asked for a host name with a port that DNS lists no address for.</param>
    internal SipServiceResolver(IReadOnlyList<IPEndPoint> servers, TimeProvider time, Random random, Func<string, CancellationToken, Task<IPAddress[]>> system)
    {
        var options = servers.Count == 0 ? new LookupClientOptions() : new LookupClientOptions([.. servers]);
        options.UseCache = false;
        options.Timeout = TimeSpan.FromSeconds(2);
        options.Retries = 1;
        options.ThrowDnsErrors = false;
        // An error from one server (SERVFAIL, or a name it does not know) sends the query to the next, so a second server
        // covers for a first that fails; only the last server's error reaches QueryAsync below.
        options.ContinueOnDnsError = true;
        options.ContinueOnEmptyResponse = false;
        _dns = new LookupClient(options);
        _time = time;
        _random = random;
        _system = system;
    }

    /// <summary>
    /// The servers <paramref name="target"/> stands for, best first: SRV priority, then RFC 2782's weighted draw (a new draw
    /// each call), each server's addresses in DNS order. For a host name with a port, its addresses in the order the
    /// resolver gave them, each on that port and transport; for an IP address, the target itself.
    /// </summary>
    /// <exception cref="SipTransportException">DNS knows no server for the name, or could not be asked.</exception>
    public async Task<IReadOnlyList<SipTarget>> ResolveAsync(SipTarget target, CancellationToken cancellationToken)
    {
        if (!target.NeedsLookup)
        {
            return [target];
        }

        Query key = target.NeedsServiceLookup
            ? new Query(target.Host.ToLowerInvariant(), target.TransportGiven ? target.Transport : null, target.IsSecure, Port: 0)
            : new Query(target.Host.ToLowerInvariant(), target.Transport, target.IsSecure, target.Port);
        DateTimeOffset now = _time.GetUtcNow();
        Entry entry = _cache.GetOrAdd(key, k => new Entry(AnswerAsync(k), Stale: null));
        if (entry.Lookup.IsCompleted && (!entry.Lookup.IsCompletedSuccessfully || IsDue(entry, now)))
        {
            // An expired answer, or a failure kept long enough: ask again, keeping the last answer to serve if that fails.
            var fresh = new Entry(AnswerAsync(key), (entry.Lookup.IsCompletedSuccessfully ? entry.Lookup.Result.Service : null) ?? entry.Stale);
            entry = _cache.TryUpdate(key, fresh, entry) ? fresh : _cache.GetValueOrDefault(key, fresh);
        }

        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        Answer answer = await entry.Lookup.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (answer.Service is { } service)
        {
            return service.Order(_random);
        }

        // RFC 8767 §4: when the refresh fails, the expired answer is served rather than none.
        return entry.Stale is { } stale && _time.GetUtcNow() - stale.ExpiresAt < StaleLimit
            ? stale.Order(_random)
            : throw answer.Error!;
    }

    /// <summary>Whether DNS is to be asked again: the answer has expired, or the failure has been kept long enough.</summary>
    private static bool IsDue(Entry entry, DateTimeOffset now)
    {
        Answer answer = entry.Lookup.Result;
        return answer.Service is { } service
            ? service.ExpiresAt <= now
            : now >= answer.At + (entry.Stale is null ? FailureKept : StaleRefreshKept);
    }

    /// <summary>One lookup's outcome, a failure included, so that a failure can be kept: it never faults.</summary>
    private async Task<Answer> AnswerAsync(Query key)
    {
        try
        {
            SipService service = key.Port == 0
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                ? await LookUpAsync(key.Host, key.Transport, key.Secure).ConfigureAwait(false)
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                : await LookUpAddressesAsync(key.Host, key.Port, key.Transport!.Value).ConfigureAwait(false);
            return new Answer(service, null, _time.GetUtcNow());
        }
        catch (SipTransportException e)
        {
            return new Answer(null, e, _time.GetUtcNow());
        }
    }

    /// <summary>
    /// What a lookup asks: the servers of a name without a port (<paramref name="Port"/> 0), by the transport the URI named
    /// if any; or the addresses of a name with a port, on that port and transport.
    /// </summary>
    private readonly record struct Query(string Host, SipTransportProtocol? Transport, bool Secure, int Port);

    /// <summary>A name's cached lookup, and the last answer before it, served while the lookup fails (see <see cref="IsDue"/>).</summary>
    private sealed record Entry(Task<Answer> Lookup, SipService? Stale);

    /// <summary>A lookup's answer, or its failure, and when it came.</summary>
    private sealed record Answer(SipService? Service, SipTransportException? Error, DateTimeOffset At);

    private async Task<SipService> LookUpAsync(string host, SipTransportProtocol? transport, bool secure)
    {
        // Not on the caller's token: the answer is shared by every caller until its TTL ends.
        CancellationToken none = CancellationToken.None;
        DateTimeOffset now = _time.GetUtcNow();
        var ttl = new MinimumTtl();

        IEnumerable<(string Service, string SrvPrefix, SipTransportProtocol Transport)> candidates =
            transport is { } given ? Services.Where(s => s.Transport == given)
            : secure ? Services.Where(static s => s.Transport == SipTransportProtocol.Tls)
            : Services;

        if (transport is null)
        {
            // §4.1: NAPTR records with the "s" flag and a service we speak, by order then preference, lead to SRV names.
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            IDnsQueryResponse naptr = await QueryAsync(host, QueryType.NAPTR, none).ConfigureAwait(false);
            foreach (NAPtrRecord record in naptr.Answers.NAPtrRecords().OrderBy(static r => r.Order).ThenBy(static r => r.Preference))
            {
                ttl.Note(record.TimeToLive);
                (string Service, string SrvPrefix, SipTransportProtocol Transport) spoken =
                    candidates.FirstOrDefault(s => string.Equals(s.Service, record.Services, StringComparison.OrdinalIgnoreCase));
                if (spoken.Service is null || !string.Equals(record.Flags, "s", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                List<SipServer> servers = await ServersAsync(Name(record.Replacement), spoken.Transport, ttl).ConfigureAwait(false);
                if (servers.Count > 0)
                {
                    return new SipService(host, servers, now + ttl.Value);
                }
            }
        }

        // §4.1: without a usable NAPTR, SRV for each transport the client speaks, in its own order of preference.
        foreach ((_, string prefix, SipTransportProtocol protocol) in candidates)
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            List<SipServer> servers = await ServersAsync(prefix + host, protocol, ttl).ConfigureAwait(false);
            if (servers.Count > 0)
            {
                return new SipService(host, servers, now + ttl.Value);
            }
        }

        // §4.2: no SRV either: the host's own addresses, on the default port.
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        IReadOnlyList<IPAddress> addresses = await AddressesAsync(host, [], ttl).ConfigureAwait(false);
        if (addresses.Count == 0)
        {
            throw new SipTransportException($"DNS knows no SIP server for '{host}': no NAPTR, SRV, A or AAAA records.");
        }

        SipTransportProtocol fallback = transport ?? (secure ? SipTransportProtocol.Tls : SipTransportProtocol.Udp);
        return new SipService(host, [new SipServer(0, 0, SipTarget.DefaultPortOf(fallback), fallback, addresses)], now + ttl.Value);
    }

    /// <summary>
    /// The addresses of a host name given with a port (RFC 3263 §4.2: A and AAAA records, no NAPTR or SRV), each a server on
    /// that port. When DNS lists none, or cannot be asked, the system resolver answers instead, so that a name only the
    /// hosts file or a search domain knows still reaches its server; its answer is kept for <see cref="SystemAnswerKept"/>.
    /// </summary>
    private async Task<SipService> LookUpAddressesAsync(string host, int port, SipTransportProtocol transport)
    {
        DateTimeOffset now = _time.GetUtcNow();
        var ttl = new MinimumTtl();
        IReadOnlyList<IPAddress> addresses = [];
        SipTransportException? failed = null;

        // RFC 6761 §6.3: localhost names are the system's own, and are not sent to DNS servers.
        if (!IsLocalhost(host))
        {
            try
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                addresses = await AddressesAsync(host, [], ttl).ConfigureAwait(false);
            }
            catch (SipTransportException e)
            {
                failed = e;
            }
        }

        TimeSpan kept = ttl.Value;
        if (addresses.Count == 0)
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            addresses = await SystemAddressesAsync(host, failed).ConfigureAwait(false);
            kept = SystemAnswerKept;
        }

        return new SipService(host, [new SipServer(0, 0, port, transport, [.. addresses.Distinct()])], now + kept) { InResolverOrder = true };
    }

    /// <summary>The addresses the system resolver gives for a name, in its order (RFC 6724's).</summary>
    /// <param name="host">The name.</param>
    /// <param name="failed">Why DNS gave none, when it failed rather than answer that it has none.</param>
    private async Task<IReadOnlyList<IPAddress>> SystemAddressesAsync(string host, SipTransportException? failed)
    {
        string dns = IsLocalhost(host) ? "" : $"{failed?.Message.TrimEnd('.') ?? "DNS lists no A or AAAA record for it"}; ";
        IPAddress[] addresses;
        try
        {
            // Not on the caller's token: the answer is shared by every caller until it is asked again.
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            addresses = await _system(host, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new SipTransportException($"'{host}' does not resolve: {dns}the system resolver answered: {e.Message}", e);
        }

        // getaddrinfo reports a name without addresses as an error, which arrives above; an empty list is refused all the same.
        return addresses.Length > 0 ? addresses : throw new SipTransportException($"'{host}' does not resolve: {dns}the system resolver gave no address.");
    }

    /// <summary>Whether <paramref name="host"/> is <c>localhost</c> or a name under it (RFC 6761 §6.3).</summary>
    private static bool IsLocalhost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>The servers an SRV name lists, with their addresses; empty when there are none (or the one record is ".").</summary>
    private async Task<List<SipServer>> ServersAsync(string name, SipTransportProtocol transport, MinimumTtl ttl)
    {
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        IDnsQueryResponse response = await QueryAsync(name, QueryType.SRV, CancellationToken.None).ConfigureAwait(false);
        var servers = new List<SipServer>();
        foreach (SrvRecord record in response.Answers.SrvRecords())
        {
            ttl.Note(record.TimeToLive);
            string target = Name(record.Target);
            if (target.Length == 0 || record.Port == 0)
            {
                // RFC 2782: a target of "." means the service is decidedly not available here; and port 0 is no port a
                // request can be sent to, so such a record names no server either.
                continue;
            }

            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            IReadOnlyList<IPAddress> addresses = await AddressesAsync(target, response.Additionals, ttl).ConfigureAwait(false);
            if (addresses.Count > 0)
            {
                servers.Add(new SipServer(record.Priority, record.Weight, record.Port, transport, addresses));
            }
        }

        return servers;
    }

    /// <summary>A name's IPv4 and IPv6 addresses: from the SRV answer's additional records when it carried them, else asked.</summary>
    private async Task<IReadOnlyList<IPAddress>> AddressesAsync(string name, IReadOnlyList<DnsResourceRecord> additionals, MinimumTtl ttl)
    {
        var addresses = new List<IPAddress>();
        foreach (AddressRecord record in additionals.OfType<AddressRecord>().Where(r => string.Equals(Name(r.DomainName), name, StringComparison.OrdinalIgnoreCase)))
        {
            ttl.Note(record.TimeToLive);
            addresses.Add(record.Address);
        }

        if (addresses.Count > 0)
        {
            return addresses;
        }

        foreach (QueryType type in AddressTypes)
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            IDnsQueryResponse response = await QueryAsync(name, type, CancellationToken.None).ConfigureAwait(false);
            foreach (AddressRecord record in response.Answers.OfType<AddressRecord>())
            {
                ttl.Note(record.TimeToLive);
                addresses.Add(record.Address);
            }
        }

        return addresses;
    }

    private async Task<IDnsQueryResponse> QueryAsync(string name, QueryType type, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            response = await _dns.QueryAsync(name, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DnsResponseException or SocketException)
        {
            throw new SipTransportException($"DNS could not be asked for the {type} records of '{name}': {e.Message}", e);
        }

        // An answer with no records, NXDOMAIN, or a server that will not answer for the name (REFUSED, as a local server
        // such as dnsmasq answers for names outside its data) leaves RFC 3263 §4 to go on to the next kind of record. A
        // server that failed (SERVFAIL: its upstream timed out, a signature did not validate) says nothing of the records:
        // going on could send SIP to a host's web address for as long as its A record lives. It fails the lookup, which the
        // next request asks again.
        if (response.Header.ResponseCode == DnsHeaderResponseCode.ServerFailure)
        {
            throw new SipTransportException($"DNS could not answer for the {type} records of '{name}': {response.Header.ResponseCode}.");
        }

        return response;
    }

    /// <summary>A DNS name without its final dot; empty for the root.</summary>
    private static string Name(DnsString name) => name.Value.TrimEnd('.');

    /// <summary>The smallest TTL among the records an answer was built from: the answer is as old as its oldest part.</summary>
    private sealed class MinimumTtl
    {
        /// <summary>How long an answer with no records at all is kept: a minute, so that a name that appears is found soon.</summary>
        private static readonly TimeSpan NoRecords = TimeSpan.FromMinutes(1);

        public TimeSpan Value { get; private set; } = NoRecords;

        private bool _noted;

        public void Note(int seconds)
        {
            TimeSpan ttl = TimeSpan.FromSeconds(Math.Max(0, seconds));
            if (!_noted || ttl < Value)
            {
                Value = ttl;
                _noted = true;
            }
        }
    }
}

/// <summary>One server an SRV record names (or the host itself, without SRV), with its addresses.</summary>
internal sealed record SipServer(int Priority, int Weight, int Port, SipTransportProtocol Transport, IReadOnlyList<IPAddress> Addresses);

/// <summary>The servers behind a domain, and when the answer expires.</summary>
internal sealed record SipService(string Domain, IReadOnlyList<SipServer> Servers, DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// Whether the answer is a host's own addresses for a URI with a port (RFC 3263 §4.2), tried in the order the resolver
    /// gave them (RFC 6724's, for the system resolver), with no draw.
    /// </summary>
    public bool InResolverOrder { get; init; }

    /// <summary>
    /// The servers' addresses in the order to try them (RFC 2782): lowest priority first; within a priority, a server is
    /// drawn with probability its weight ÷ the weights left, until none is left. Zero-weight servers, which RFC 2782 gives
    /// "a very small chance", come after every weighted one, in a random order. The addresses of an answer
    /// <see cref="InResolverOrder"/> keep the resolver's order.
    /// </summary>
    public IReadOnlyList<SipTarget> Order(Random random)
    {
        if (InResolverOrder)
        {
            return [.. Servers.SelectMany(s => s.Addresses.Select(a => new SipTarget(a.ToString(), s.Port, s.Transport) { TlsName = Domain }))];
        }

        var ordered = new List<SipTarget>();
        foreach (IGrouping<int, SipServer> priority in Servers.GroupBy(static s => s.Priority).OrderBy(static g => g.Key))
        {
            List<SipServer> left = [.. priority];
            while (left.Count > 0)
            {
                // RFC 2782's running sums, with the draw taken from 1 to the total so that shares follow the weights exactly
                // (a draw from 0, as its text has it, favours the first server listed).
                int total = left.Sum(static s => s.Weight);
                int chosen = total == 0 ? random.Next(left.Count) : left.Count - 1;
                if (total > 0)
                {
                    int draw = random.Next(total) + 1;
                    int running = 0;
                    for (int i = 0; i < left.Count; i++)
                    {
                        running += left[i].Weight;
                        if (running >= draw)
                        {
                            chosen = i;
                            break;
                        }
                    }
                }

                SipServer server = left[chosen];
                left.RemoveAt(chosen);
                // RFC 5922 §7.2: a TLS server is checked for the domain asked for, not for the SRV target's name.
                ordered.AddRange(server.Addresses.Select(a => new SipTarget(a.ToString(), server.Port, server.Transport) { TlsName = Domain }));
            }
        }

        return ordered;
    }
}
