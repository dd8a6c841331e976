using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>
/// How an <see cref="HttpClient"/> fails over between regions. Bound from configuration
/// (<c>SlaKit:Clients:&lt;name&gt;</c>) or set in code, and validated when the application starts.
/// </summary>
/// <remarks>
/// The regions and health thresholds are those every failover client shares (<see cref="RegionSetOptions"/>): endpoints
/// are absolute http or https base URIs, and <see cref="RegionSetOptions.BreakDuration"/> is also the break of each
/// region's circuit breaker.
/// </remarks>
public sealed class RegionFailoverOptions : RegionSetOptions
{
    /// <summary>The default of <see cref="AttemptTimeout"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The default of <see cref="TotalTimeout"/>: 15 seconds.</summary>
    public static readonly TimeSpan DefaultTotalTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The default of <see cref="HedgingDelay"/>: 100 milliseconds.</summary>
    public static readonly TimeSpan DefaultHedgingDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>How regions of the same priority share traffic. <see cref="RegionSelectionMode.PriorityWeighted"/> by default.</summary>
    public RegionSelectionMode Selection { get; set; } = RegionSelectionMode.PriorityWeighted;

    /// <summary>How long one attempt against one region may take before it counts as failed; positive. 5 seconds by default.</summary>
    /// <remarks>
    /// A caller who gives up sooner (its own token, <see cref="HttpClient.Timeout"/>, a gRPC deadline) gets its cancellation
    /// at once. An attempt made one after another (a request not safe to repeat, or with hedging off, with another region
    /// to go to) that its caller gives up on after its region's usual latency (3 × its p99, at least
    /// <see cref="HedgingDelay"/>) still runs on to this timeout (within <see cref="MaxLateAttempts"/>), so a region that has
    /// gone silent is found out even when every caller is more impatient than this; such a request with a buffered body
    /// sends a copy of it. Sooner than that, or with a body longer than <see cref="ReplayBufferLimit"/> (the caller's own to
    /// dispose), the attempt is cancelled with the caller, at the server too, and counts for nothing. A small answer (a
    /// <c>Content-Length</c> of at most 16 KiB) is read whole within this timeout before it is handed over. A longer one
    /// whose body breaks off after good headers counts against its region as a transport error, unless it was still
    /// flowing past this timeout (read from the start, with data reaching the caller later than this timeout after its
    /// attempt's start): such a body has outlived any attempt, so it is a stream (server-sent events, a long poll, a long
    /// download) that a load balancer's timeout or a server's shutdown cut on its way, and its region's health is left as
    /// it was. A body that stalled after its first bytes until something cut it still counts.
    /// </remarks>
    public TimeSpan AttemptTimeout { get; set; } = DefaultAttemptTimeout;

    /// <summary>How long a request may take over all its attempts; positive and at least <see cref="AttemptTimeout"/>. 15 seconds by default.</summary>
    /// <remarks>
    /// When it ends the request, the attempts still running are given up on as when a caller gives up (see
    /// <see cref="AttemptTimeout"/>), and being cut short is never held against a region: an attempt past its region's
    /// usual latency runs on to its own attempt timeout (within <see cref="MaxLateAttempts"/>; a hedged race's too) and is
    /// judged by its own outcome; any other is cancelled and counts for nothing. An attempt sending a body longer than
    /// <see cref="ReplayBufferLimit"/> is always cancelled: that body is the caller's.
    /// </remarks>
    public TimeSpan TotalTimeout { get; set; } = DefaultTotalTimeout;

    /// <summary>
    /// Whether a request that is safe to repeat is also sent to the next region while the first is pending.
    /// <see cref="HedgingMode.Adaptive"/> by default. Requests that are not safe to repeat are never hedged.
    /// </summary>
    public HedgingMode Hedging { get; set; } = HedgingMode.Adaptive;

    /// <summary>
    /// The hedging delay in <see cref="HedgingMode.Fixed"/> mode, and the floor of the adaptive delay; positive.
    /// 100 milliseconds by default, so a black-holed region costs the first request about that much.
    /// </summary>
    /// <remarks>
    /// Losing a hedge race is not a failure: the slower attempt is left to finish (see <see cref="MaxLateAttempts"/>), so
    /// a far region learns its own latency, and once it has answered twice the adaptive delay follows its own p99. An
    /// attempt that falls far behind its region's usual latency while another region answers within its own makes its
    /// region overdue (left out of selection until the attempt ends, unless no other region is left, and down if it then fails): that is how a
    /// black-holed region leaves first place after one request.
    /// </remarks>
    public TimeSpan HedgingDelay { get; set; } = DefaultHedgingDelay;

    /// <summary>The factor k of the adaptive hedging delay, k × the region's recent p99; from 1 to 1,000. 3 by default.</summary>
    public double AdaptiveHedgingMultiplier { get; set; } = 3;

    /// <summary>The largest <see cref="AdaptiveHedgingMultiplier"/>: 1,000.</summary>
    public const double MaximumAdaptiveHedgingMultiplier = 1000;

    /// <summary>
    /// The most attempts per region that lost a hedge race, or that their caller or the total timeout gave up on (see
    /// <see cref="AttemptTimeout"/>, <see cref="TotalTimeout"/>), left to finish within their attempt timeout, so that their answer teaches the region's latency and only a real
    /// failure counts against it; at least 1. A loser beyond this is cancelled and counts neither way, except a request's
    /// first attempt in a race, which shares the request's own cancellation and so runs on unwatched: its outcome counts,
    /// its lateness does not. 4 by default.
    /// </summary>
    public int MaxLateAttempts { get; set; } = DefaultMaxLateAttempts;

    /// <summary>
    /// How long an attempt against a region that has not yet answered twice may run, while another region answers,
    /// before its region is overdue (left out of selection until the attempt ends, unless no other region is left); positive. Beyond
    /// <see cref="AttemptTimeout"/> it changes nothing: the attempt has timed out by then. A region's first answers pay for the connection, the TLS handshake and the
    /// process's first-call compilation, and a far region has nothing yet to be compared with: until it has a latency
    /// history, only this long a silence counts. 2 seconds by default.
    /// </summary>
    public TimeSpan ColdStartAllowance { get; set; } = DefaultColdStartAllowance;

    /// <summary>The default of <see cref="ColdStartAllowance"/>: 2 seconds.</summary>
    public static readonly TimeSpan DefaultColdStartAllowance = TimeSpan.FromSeconds(2);

    /// <summary>The default of <see cref="MaxLateAttempts"/>: 4.</summary>
    public const int DefaultMaxLateAttempts = 4;

    /// <summary>
    /// Whether, when the host starts, each region is sent two <c>HEAD</c> requests at <see cref="WarmUpPath"/> through
    /// the client's own handlers: the first opens the connection (TCP, TLS, the process's first-call compilation) so the
    /// first customer request does not pay for it, the second measures a warm round trip, so a far region's hedging
    /// delay fits it from the first request. Any answer will do; a region that does not answer within
    /// <see cref="WarmUpTimeout"/> or fails to connect is logged and counted as one failed attempt, never fatal.
    /// Runs only where hosted services run (a generic or web host). <see langword="true"/> by default.
    /// </summary>
    public bool WarmUp { get; set; } = true;

    /// <summary>The path, relative to each region's endpoint, that warm-up requests go to. Empty (the endpoint itself) by default.</summary>
    public string WarmUpPath { get; set; } = "";

    /// <summary>
    /// The HTTP version of the warm-up requests: 1.1 (the default), 2.0 or 3.0. From 2.0 the version is required, not
    /// negotiated down, so that the connection the warm-up opens is the one the client's calls use: a gRPC client's regions
    /// speak HTTP/2 only, over cleartext by prior knowledge (SlaKit.Grpc's <c>AddGrpcService</c> sets 2.0). 3.0 needs
    /// every region at an <c>https</c> endpoint (HTTP/3 runs over QUIC, which is always encrypted), and is refused at
    /// start-up otherwise; on a machine without QUIC (no libmsquic) it falls back to what the TLS handshake agrees.
    /// </summary>
    public Version WarmUpVersion { get; set; } = System.Net.HttpVersion.Version11;

    /// <summary>How long the warm-up may hold up the host's start, for all regions together; positive. 5 seconds by default.</summary>
    public TimeSpan WarmUpTimeout { get; set; } = DefaultWarmUpTimeout;

    /// <summary>The default of <see cref="WarmUpTimeout"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultWarmUpTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The most attempts one request makes, each to a different region; at least 1.
    /// <see langword="null"/> (the default) allows one attempt per region. A trial of a region that was down, which
    /// goes first and is always hedged, does not count against it, so a request always has a region it is owed besides
    /// the one on trial.
    /// </summary>
    public int? MaxAttempts { get; set; }

    /// <summary>
    /// The largest request body buffered so that it can be sent to a second region, in bytes; zero or positive.
    /// Bodies that are larger, or whose length is unknown (a stream), are sent once only; JSON content
    /// (<c>PutAsJsonAsync</c>) is serialized once to learn its length. 1 MiB by default; whatever the limit, a body
    /// larger than one array holds (<see cref="Array.MaxLength"/>, about 2 GiB) is sent once.
    /// </summary>
    public long ReplayBufferLimit { get; set; } = 1024 * 1024;

    /// <summary>
    /// The unary gRPC methods that are safe to send to a second region, written <c>package.Service/Method</c> (as
    /// <c>slakit.payments.Payments/GetCharge</c>). gRPC carries no HTTP verb to say so, and a call's body has no known
    /// length, so by default a call goes to one region unless it certainly never reached it. A call to a method listed
    /// here has its body buffered (within <see cref="ReplayBufferLimit"/>) and is hedged and retried like a GET.
    /// A server stream listed here and in <see cref="StreamingMethods"/> is a stream safe to repeat (see there); one
    /// listed here alone would be read whole before its caller saw a message. Client and bidirectional streams are
    /// recognised and never replayed.
    /// </summary>
    /// <remarks>
    /// The answer to such a call is read whole before the call may move on, so that an UNAVAILABLE in its trailers (sent
    /// after the response headers) is seen as the region's failure; the caller then reads the reply from memory.
    /// </remarks>
    public ISet<string> IdempotentMethods { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The gRPC methods that stream, written <c>package.Service/Method</c>. A stream is sent once, to the best region, and
    /// has no attempt or total timeout of the failover's (the caller's deadline bounds it); it moves to another region only
    /// when it certainly never reached the first. Client and bidirectional streams of Grpc.Net.Client are recognised
    /// without being listed; a server stream looks like a unary call on the wire and must be listed here (or added with
    /// SlaKit.Grpc's <c>AddGrpcService</c>, from the proto), or it is timed like a unary call.
    /// </summary>
    /// <remarks>
    /// A server stream listed in <see cref="IdempotentMethods"/> too (one whose proto declares <c>NO_SIDE_EFFECTS</c> or
    /// <c>IDEMPOTENT</c>) has its request message buffered (within <see cref="ReplayBufferLimit"/>) and moves to the next
    /// region while its region fails it before the answer's headers: a failing status in a trailers-only answer (see
    /// <see cref="GrpcFailoverStatuses"/>), a transport error, or an open circuit. Once the headers have come the stream is
    /// the caller's, as gRFC A6 has a call committed then, and a failure after them reaches the caller. It is never hedged.
    /// </remarks>
    public ISet<string> StreamingMethods { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The gRPC status codes (1 to 16) that count as a failure of the region that answered them, moving a call that is
    /// safe to repeat on to the next region. Empty, the default, means <see cref="DefaultGrpcFailoverStatuses"/>. Every
    /// other status is the service's answer and goes to the caller unchanged.
    /// </summary>
    /// <remarks>
    /// Bound from configuration, the codes listed there are the set: an empty set is the only way to ask for the defaults,
    /// so a configured list replaces them rather than adding to them.
    /// </remarks>
    public ISet<int> GrpcFailoverStatuses { get; } = new HashSet<int>();

    /// <summary>
    /// The gRPC status codes that fail a region unless <see cref="GrpcFailoverStatuses"/> says otherwise: UNAVAILABLE (14),
    /// the code for "try elsewhere", and RESOURCE_EXHAUSTED (8), a server out of capacity (gRPC status codes, doc/statuscodes.md).
    /// </summary>
    public static IReadOnlySet<int> DefaultGrpcFailoverStatuses { get; } = System.Collections.Frozen.FrozenSet.ToFrozenSet([GrpcStatus.Unavailable, GrpcStatus.ResourceExhausted]);

    /// <summary>
    /// The failure ratio over <see cref="CircuitBreakerSamplingDuration"/> at which a region's circuit breaker
    /// opens, catching a region that fails often but never twice in a row; in (0, 1]. 0.5 by default.
    /// </summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>The attempts a region's circuit breaker needs in its sampling window before it may open; at least 2. 20 by default.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 20;

    /// <summary>The sampling window of a region's circuit breaker; at least 0.5 s. 30 seconds by default.</summary>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);
}
