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
/// The probe keeps one socket (UDP) or connection (TCP) to its server and reuses it; dispose the probe to close it. A
/// probe of a name DNS resolves keeps one per server listed, and closes those of servers DNS no longer lists.
/// Each probe is a new transaction with a new Call-ID, From tag and Via branch.
/// </remarks>
public sealed class SipOptionsProbe : IHealthProbe, IAsyncDisposable, IDisposable
{
    private readonly SipOptionsProbeOptions _options;
    private readonly HashSet<int> _accepted;
    private readonly TimeProvider _time;
    private readonly SipTimerSettings _timers;
    private readonly Func<SipTarget, SipConnection> _connectionFactory;
    private readonly Func<CancellationToken, Task<IReadOnlyList<SipTarget>>>? _resolve;
    private readonly Dictionary<SipTarget, SipTransactionLayer> _layers = [];
    private readonly Lock _gate = new();
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
        : this(target, options, timeProvider, connectionFactory, null)
    {
    }

    /// <summary>
    /// Creates a probe of the servers <paramref name="resolve"/> finds for <paramref name="target"/> before each probe
    /// (RFC 3263 for a region named by DNS), or of <paramref name="target"/> itself when it is <see langword="null"/>.
    /// </summary>
    internal SipOptionsProbe(
        SipTarget target,
        SipOptionsProbeOptions? options,
        TimeProvider? timeProvider,
        Func<SipTarget, SipConnection> connectionFactory,
        Func<CancellationToken, Task<IReadOnlyList<SipTarget>>>? resolve)
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
        _timers = new SipTimerSettings(options.T1, options.T2, SipTimerSettings.Default.T4);
        _connectionFactory = connectionFactory;
        _resolve = resolve;
        if (resolve is null)
        {
            _layers[target] = new SipTransactionLayer(connectionFactory(target), _timers, _time);
        }
    }

    /// <summary>
    /// The server probed. For a probe that <see cref="SipFailoverClient.CreateProbe"/> made of a region named by a host
    /// without a port, the name whose servers DNS lists (RFC 3263), found again before each probe; its port and transport
    /// are then defaults that DNS overrules.
    /// </summary>
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

    /// <summary>
    /// Sends one OPTIONS and waits for the final response, at most <see cref="SipOptionsProbeOptions.Timeout"/>. A probe
    /// of a name DNS resolves asks DNS for its servers first, within the same timeout, and sends each server listed an
    /// OPTIONS at once: the name is up when one of them answers with an accepted code, as a request is carried when one
    /// of them answers it (RFC 3263 §4.3).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the result is then Unhealthy, saying how long it waited.</param>
    /// <returns>
    /// Healthy with the latency when an accepted code came back; otherwise Unhealthy, with the reason in its detail. The
    /// detail of a probe of a name DNS resolves says which server answered, or how each failed.
    /// </returns>
    /// <exception cref="ObjectDisposedException">The probe was disposed.</exception>
    public async ValueTask<HealthProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        long started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        if (_resolve is null)
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            return await ProbeServerAsync(_layers[Target], BuildRequest(), started, linked.Token).ConfigureAwait(false);
        }

        IReadOnlyList<SipTarget> servers;
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            servers = await _resolve(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            TimeSpan waited = _time.GetElapsedTime(started);
            return HealthProbeResult.Unhealthy(waited, $"DNS gave no answer for {Target.Host} within {SipDurations.Format(waited)}");
        }
        catch (SipTransportException e)
        {
            return HealthProbeResult.Unhealthy(_time.GetElapsedTime(started), e.Message);
        }

        // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
        return await ProbeServersAsync(servers, started, linked.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Probes every server in <paramref name="servers"/> at once: Healthy with the first accepted answer (the others are
    /// then abandoned), Unhealthy with each server's reason when none gave one.
    /// </summary>
    private async Task<HealthProbeResult> ProbeServersAsync(IReadOnlyList<SipTarget> servers, long started, CancellationToken cancellationToken)
    {
        if (servers.Count == 0)
        {
            return HealthProbeResult.Unhealthy(_time.GetElapsedTime(started), $"DNS lists no server for {Target.Host}");
        }

        Dictionary<SipTarget, SipTransactionLayer> layers = Hold(servers);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var probes = new List<(SipTarget Server, Task<HealthProbeResult> Result)>(layers.Count);
            foreach (SipTarget server in servers.Distinct())
            {
                probes.Add((server, ProbeServerAsync(layers[server], SipRequests.Options(server, _options.UserAgent), started, done.Token)));
            }

            var pending = probes.Select(static p => p.Result).ToList();
            while (pending.Count > 0)
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                Task<HealthProbeResult> first = await Task.WhenAny(pending).ConfigureAwait(false);
                HealthProbeResult result = first.Result;
                if (result.Status == ProbeStatus.Healthy)
                {
                    // The others are abandoned; each ends at once, as a cancelled probe does.
                    // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                    await done.CancelAsync().ConfigureAwait(false);
                    // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                    await Task.WhenAll(pending).ConfigureAwait(false);
                    return result with { Detail = $"{result.Detail} from {probes.First(p => p.Result == first).Server}" };
                }

                pending.Remove(first);
            }

            return HealthProbeResult.Unhealthy(
                _time.GetElapsedTime(started), string.Join("; ", probes.Select(static p => $"{p.Server}: {p.Result.Result.Detail}")));
        }
        finally
        {
            foreach (SipTransactionLayer layer in layers.Values)
            {
                layer.Leave();
            }
        }
    }

    /// <summary>
    /// The layers of <paramref name="servers"/>, each held until <see cref="SipTransactionLayer.Leave"/>, made for the
    /// servers new to the list; those of servers DNS no longer lists are closed once nothing uses them.
    /// </summary>
    private Dictionary<SipTarget, SipTransactionLayer> Hold(IReadOnlyList<SipTarget> servers)
    {
        var held = new Dictionary<SipTarget, SipTransactionLayer>();
        List<SipTransactionLayer>? unlisted = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            foreach (SipTarget gone in _layers.Keys.Where(k => !servers.Contains(k)).ToList())
            {
                if (_layers[gone].IsIdle)
                {
                    (unlisted ??= []).Add(_layers[gone]);
                    _layers.Remove(gone);
                }
            }

            foreach (SipTarget server in servers)
            {
                if (!_layers.TryGetValue(server, out SipTransactionLayer? layer))
                {
                    layer = new SipTransactionLayer(_connectionFactory(server), _timers, _time);
                    _layers[server] = layer;
                }

                if (held.TryAdd(server, layer))
                {
                    layer.Enter();
                }
            }
        }

        foreach (SipTransactionLayer layer in unlisted ?? [])
        {
            _ = layer.DisposeAsync().AsTask();
        }

        return held;
    }

    /// <summary>One OPTIONS to one server, as <see cref="ProbeAsync"/> reports it.</summary>
    private async Task<HealthProbeResult> ProbeServerAsync(SipTransactionLayer layer, SipRequest request, long started, CancellationToken cancellationToken)
    {
        SipTransactionResult result;
        try
        {
            // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
            result = await layer.SendAsync(request, cancellationToken).ConfigureAwait(false);
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
            SipTransactionLayer[] layers;
            lock (_gate)
            {
                layers = [.. _layers.Values];
            }

            foreach (SipTransactionLayer layer in layers)
            {
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                await layer.DisposeAsync().ConfigureAwait(false);
            }
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
                return HealthProbeResult.Unhealthy(result.Elapsed, $"no answer within Timer F ({SipDurations.Format(result.Elapsed)})");
            default:
                return HealthProbeResult.Unhealthy(result.Elapsed, $"transport error: {result.Error?.Message}");
        }
    }
}
