using SlaKit.Regions;

namespace SlaKit.Sip;

/// <summary>
/// How a <see cref="SipFailoverClient"/> or <see cref="SipRegionSelector"/> fails over between SIP servers. Set in
/// code or bound from configuration, and validated when the client is created (at host start-up with dependency injection).
/// </summary>
/// <remarks>
/// The regions and health thresholds are those every failover client shares (<see cref="RegionSetOptions"/>): each
/// endpoint is a SIP URI such as <c>sip:10.0.0.5:5060;transport=udp</c>, and regions of one priority share requests by
/// weight as RFC 2782 shares SRV targets.
/// </remarks>
public sealed class SipFailoverOptions : RegionSetOptions
{
    /// <summary>The default of <see cref="T1"/>: 500 milliseconds (RFC 3261 §17.1.1.1).</summary>
    public static readonly TimeSpan DefaultT1 = SipTimerSettings.Default.T1;

    /// <summary>The default of <see cref="T2"/>: 4 seconds (RFC 3261 §17.1.1.1).</summary>
    public static readonly TimeSpan DefaultT2 = SipTimerSettings.Default.T2;

    /// <summary>
    /// The transport for regions whose URI has no <c>transport</c> parameter. <see cref="SipTransportProtocol.Udp"/> by
    /// default, as RFC 3263 §4.1 chooses for a <c>sip:</c> URI.
    /// </summary>
    /// <remarks>
    /// For a region named in DNS (a host and no port), <see cref="SipTransportProtocol.Udp"/> lets NAPTR and SRV records
    /// choose the transport; <see cref="SipTransportProtocol.Tcp"/> or <see cref="SipTransportProtocol.Tls"/> is held
    /// to: only that transport's SRV records are asked (<c>_sip._tcp</c>, <c>_sips._tcp</c>), then the host's own
    /// addresses on its default port, so a client set to TLS never falls back to a server DNS lists for UDP.
    /// </remarks>
    public SipTransportProtocol Transport { get; set; } = SipTransportProtocol.Udp;

    /// <summary>
    /// T1, the round-trip estimate of RFC 3261 §17.1.1.1: over UDP a request is retransmitted after T1, then at doubling
    /// intervals up to <see cref="T2"/>, and a transaction times out after 64·T1 (Timer F). Positive, at most one minute.
    /// 500 milliseconds by default, so Timer F is 32 seconds.
    /// </summary>
    public TimeSpan T1 { get; set; } = DefaultT1;

    /// <summary>T2, the longest retransmission interval for non-INVITE requests; at least <see cref="T1"/>. 4 seconds by default.</summary>
    public TimeSpan T2 { get; set; } = DefaultT2;

    /// <summary>
    /// How long one attempt may wait for a final response before the next region is tried, the opening of its TCP or TLS
    /// connection included; positive and no longer than Timer F. <see langword="null"/> (the default) waits for Timer F
    /// (64·T1) from the attempt's start, as RFC 3261 does (§17.1.2.2): the connection opens within
    /// <see cref="ConnectTimeout"/>, and the time it took is deducted from the wait for the answer. Probes are the
    /// better way to avoid the wait: a region they mark down is not tried at all. For a call, it bounds only the opening of
    /// the trunk's connection, before the INVITE is sent, when shorter than <see cref="ConnectTimeout"/>;
    /// <see cref="ProvisionalTimeout"/> and <see cref="RingTimeout"/> bound the rest.
    /// </summary>
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary>The default of <see cref="ConnectTimeout"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a TCP or TLS connection to a region may take to open (the connect and the TLS handshake) before the region
    /// is left, for requests and calls alike; positive, at most one hour. 5 seconds by default: a far trunk needs a few
    /// round trips (about 1.2 s at 300 ms), and a server whose SYNs a firewall drops should not hold a call for Timer B. A
    /// shorter <see cref="AttemptTimeout"/>, or a shorter Timer F (Timer B for a call), bounds it instead. A connection
    /// that does not open in time is a transport error (<see cref="SipAttemptOutcomeKind.TransportError"/>), as a refused
    /// one is, so the requests and calls that waited on that one opening count once toward
    /// <see cref="RegionSetOptions.FailuresToMarkDown"/>. UDP opens no connection.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = DefaultConnectTimeout;

    /// <summary>The default of <see cref="ProvisionalTimeout"/>: 1 second.</summary>
    public static readonly TimeSpan DefaultProvisionalTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The default of <see cref="RingTimeout"/>: 60 seconds.</summary>
    public static readonly TimeSpan DefaultRingTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a call's INVITE waits, from its sending, for a first response (a 100 Trying, a 180, or a final) from a
    /// trunk before the call moves on to the next trunk. The silent trunk is abandoned: its INVITE is not sent again, and
    /// if it answers later it gets a CANCEL, or for a 2xx an ACK and a BYE, so the call is never established twice.
    /// Positive, at most Timer B (64·<see cref="T1"/>). 1 second by default: a working trunk sends 100 Trying within a
    /// round trip (RFC 3261 §8.2.6). The trunk's TCP or TLS connection is opened before the INVITE is sent, and is not
    /// counted here (nor in the post-dial delay): it may take several round trips, up to <see cref="ConnectTimeout"/>
    /// (or a shorter <see cref="AttemptTimeout"/>), after which the trunk is left with a transport error.
    /// </summary>
    public TimeSpan ProvisionalTimeout { get; set; } = DefaultProvisionalTimeout;

    /// <summary>
    /// How long a call may take, from its INVITE's sending, to be answered once a trunk has sent a provisional response; then it is
    /// cancelled (RFC 3261 §9.1) and ends as not answered, without trying another trunk (which would ring the same callee).
    /// Positive, at most one hour; at least <see cref="ProvisionalTimeout"/>. 60 seconds by default.
    /// </summary>
    public TimeSpan RingTimeout { get; set; } = DefaultRingTimeout;

    /// <summary>The default of <see cref="ProgressTimeout"/>: 20 seconds.</summary>
    public static readonly TimeSpan DefaultProgressTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long a call's INVITE may wait, from its sending, for a sign of the callee (180 Ringing, 183 Session Progress,
    /// any other provisional above 100, or a final response) from a trunk that has sent only 100 Trying; then it is
    /// cancelled (RFC 3261 §9.1) and the call moves on to the next trunk, the attempt counted as the trunk's failure.
    /// 100 Trying says only that the next hop has the INVITE (§21.1.1): a trunk whose route onward is dead sends it and
    /// nothing more, and waiting out <see cref="RingTimeout"/> on it would count as a callee who did not answer. A
    /// <see cref="RingTimeout"/> shorter than this ends the wait instead, as the same failure. Positive, at most one hour;
    /// <see langword="null"/> waits for <see cref="RingTimeout"/> and counts it as not answered. 20 seconds by default, past
    /// the post-dial delay of a call across the world.
    /// </summary>
    public TimeSpan? ProgressTimeout { get; set; } = DefaultProgressTimeout;

    /// <summary>
    /// Final responses to a call's INVITE, besides 401, 407, 408 and every 5xx, on which the call moves on to the next
    /// trunk: for example 403 when a carrier refuses a trunk it has blocked, or 302 from a trunk that redirects (redirects
    /// are not followed: only configured trunks are contacted). Codes 300–699; never 404, 486, 600 or 603, which are the
    /// callee's own answer (another trunk would ring the same person). Empty by default.
    /// </summary>
    public IList<int> CallFailoverStatusCodes { get; } = [];

    /// <summary>
    /// The channels bought on each trunk, by region name: at most this many calls are being set up or in progress on it at
    /// once, and a full trunk is skipped (not marked down) when a call is placed. A region not listed has no limit.
    /// </summary>
    public IDictionary<string, int> MaxConcurrentCalls { get; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The DNS servers that find the servers behind a region whose endpoint names a host and no port, such as
    /// <c>sip:trunk.carrier.example</c>: RFC 3263's NAPTR, SRV, A and AAAA lookups; and the addresses of a host named
    /// with a port, such as <c>sip:sbc.carrier.example:5060</c> (its A and AAAA records; a name they list no address for
    /// is asked of the system resolver, which serves the hosts file). Each is an address with an optional port
    /// (<c>10.0.0.53</c>, <c>127.0.0.1:5353</c>, <c>[::1]:53</c>). Empty (the default) asks the system's DNS servers.
    /// </summary>
    public IList<string> DnsServers { get; } = [];

    /// <summary>
    /// How TLS connections are made, to regions written <c>sips:host</c> or <c>sip:host;transport=tls</c> (and to servers
    /// DNS offers over TLS): how the server's certificate is checked, which client certificates are offered.
    /// </summary>
    public SipTlsOptions Tls { get; } = new();

    /// <summary>The default of <see cref="MinimumNer"/>: 0.8.</summary>
    public const double DefaultMinimumNer = 0.8;

    /// <summary>
    /// How many of a trunk's last calls its network effectiveness ratio (NER: calls the network delivered, answered or
    /// not, ÷ attempts) is judged over; between 1 and 10,000. 20 by default.
    /// </summary>
    public int NerWindow { get; set; } = 20;

    /// <summary>
    /// How old a call may be and still count in <see cref="NerWindow"/>: a Degraded trunk gets little traffic, so its old
    /// failures age out and it is judged again. Positive, at most one day. 5 minutes by default.
    /// </summary>
    public TimeSpan NerMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The least NER over a trunk's last <see cref="NerWindow"/> calls: below it the trunk is Degraded, so calls go to a
    /// Healthy trunk of its priority first, and to it only when none is left. Between 0 and 1; <see langword="null"/> turns
    /// the judgement off. 0.8 by default (4 network failures in the last 20 calls degrade a trunk).
    /// </summary>
    public double? MinimumNer { get; set; } = DefaultMinimumNer;

    internal SipTimerSettings Timers => new(T1, T2, SipTimerSettings.Default.T4);
}
