using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SlaKit.Probes;

namespace SlaKit.Sip;

/// <summary>
/// Asks a SIP server whether it is up with an OPTIONS request (RFC 3261 §11): Healthy when it answers with one of the
/// accepted status codes (200 by default), Unhealthy when it answers otherwise, does not answer, or cannot be reached.
/// The result's latency runs from the transaction's start to the final response: the round trip, and over TCP or TLS
/// the opening of the connection when the probe had to open it (the probe keeps it open for the next ones).
/// </summary>
/// <remarks>
/// The probe keeps one socket (UDP) or connection (TCP) to its server and reuses it; dispose the probe to close it.
/// Each probe is a new transaction with a new Call-ID, From tag and Via branch.
/// </remarks>
public sealed class SipOptionsProbe : IHealthProbe, IAsyncDisposable, IDisposable
{
    private readonly SipOptionsProbeOptions _options;
    private readonly HashSet<int> _accepted;
    private readonly TimeProvider _time;
    private readonly SipTransactionLayer _layer;
    private int _disposed;

    /// <summary>Creates a probe of one server.</summary>
    /// <param name="target">The server.</param>
    /// <param name="options">Accepted codes, timers and timeout; the defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for the transaction's timers; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where malformed answers are logged; nowhere when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid; the message names each problem.</exception>
    public SipOptionsProbe(SipTarget target, SipOptionsProbeOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(target, options, timeProvider, SipConnectionFactory.Create((loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SlaKit.Sip.SipOptionsProbe"), options?.Tls))
    {
    }

    internal SipOptionsProbe(SipTarget target, SipOptionsProbeOptions? options, TimeProvider? timeProvider, Func<SipTarget, SipConnection> connectionFactory)
    {
        ArgumentNullException.ThrowIfNull(target);
        options ??= new SipOptionsProbeOptions();
        List<string> problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        Target = target;
        _options = options;
        _accepted = [.. options.AcceptedStatusCodes];
        _time = timeProvider ?? TimeProvider.System;
        _layer = new SipTransactionLayer(connectionFactory(target), new SipTimerSettings(options.T1, options.T2, SipTimerSettings.Default.T4), _time);
    }

    /// <summary>The server probed.</summary>
    public SipTarget Target { get; }

    /// <summary>
    /// Sends one OPTIONS to <paramref name="target"/> and reports what came back, closing the socket afterwards: the
    /// one-shot form of the probe for command lines and scripts.
    /// </summary>
    /// <param name="target">The server, as <c>sip:host[:port][;transport=udp|tcp]</c>.</param>
    /// <param name="options">Accepted codes, timers and timeout; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting; the result is then Unhealthy.</param>
    /// <returns>The probe's result; its detail holds the status line, such as <c>200 OK</c>.</returns>
    /// <exception cref="FormatException"><paramref name="target"/> is not such a URI.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid.</exception>
    public static async Task<HealthProbeResult> ProbeOnceAsync(string target, SipOptionsProbeOptions? options = null, CancellationToken cancellationToken = default)
    {
        SipTarget parsed = SipTarget.Parse(target);
        SipOptionsProbe probe = new(parsed, options);
        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        await using (probe.ConfigureAwait(false))
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            return await probe.ProbeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends one OPTIONS and waits for the final response, at most <see cref="SipOptionsProbeOptions.Timeout"/>.</summary>
    /// <param name="cancellationToken">Stops waiting; the result is then Unhealthy, saying how long it waited.</param>
    /// <returns>Healthy with the latency when an accepted code came back; otherwise Unhealthy, with the reason in its detail.</returns>
    /// <exception cref="ObjectDisposedException">The probe was disposed.</exception>
    public async ValueTask<HealthProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        SipRequest request = BuildRequest();
        long started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        SipTransactionResult result;
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            result = await _layer.SendAsync(request, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            TimeSpan waited = _time.GetElapsedTime(started);
            return HealthProbeResult.Unhealthy(waited, $"no answer within {SipDurations.Format(waited)}");
        }

        return Interpret(result);
    }

    /// <summary>Closes the probe's socket or connection.</summary>
    /// <returns>A task that completes when it is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            await _layer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Closes the probe's socket or connection.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The OPTIONS of RFC 3261 §11.1, without the Via that the transaction layer adds with a new branch.</summary>
    internal SipRequest BuildRequest() => SipRequests.Options(Target, _options.UserAgent);

    private HealthProbeResult Interpret(SipTransactionResult result)
    {
        switch (result.Outcome)
        {
            case SipTransactionOutcome.Response:
                SipResponse response = result.Response!;
                string detail = response.RetryAfter is { } retryAfter
                    ? string.Create(CultureInfo.InvariantCulture, $"{response.StatusText} (Retry-After {SipDurations.Format(retryAfter)})")
                    : response.StatusText;
                return _accepted.Contains(response.StatusCode)
                    ? HealthProbeResult.Healthy(result.Elapsed, detail)
                    : HealthProbeResult.Unhealthy(result.Elapsed, detail);
            case SipTransactionOutcome.Timeout:
                return HealthProbeResult.Unhealthy(result.Elapsed, result.Error?.Message ?? $"no answer within Timer F ({SipDurations.Format(result.Elapsed)})");
            default:
                return HealthProbeResult.Unhealthy(result.Elapsed, $"transport error: {result.Error?.Message}");
        }
    }
}
