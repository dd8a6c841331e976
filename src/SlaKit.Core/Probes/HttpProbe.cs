namespace SlaKit.Probes;

/// <summary>
/// Probes an HTTP endpoint with GET: healthy when it answers an expected status in time. It follows redirects only
/// to the same scheme, host and port, so a probe never reaches a host it was not pointed at.
/// </summary>
public sealed class HttpProbe : IHealthProbe, IDisposable
{
    private readonly HttpMessageInvoker _invoker;
    private readonly bool _disposeInvoker;
    private readonly HttpProbeOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates a probe with its own connection pool (redirects off, connections recycled every minute).</summary>
    /// <param name="target">The absolute http or https URI to GET, such as <c>https://eu.example/health</c>.</param>
    /// <param name="options">How to check; the defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for latency; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="target"/> is not an absolute http or https URI, an option is out of range, or the version is 3.0 for an http target.</exception>
    public HttpProbe(Uri target, HttpProbeOptions? options = null, TimeProvider? timeProvider = null)
        : this(target, OwnHandler(), disposeHandler: true, options, timeProvider)
    {
    }

    /// <summary>The connection pool a probe keeps of its own: redirects off (a probe follows them itself), connections recycled every minute.</summary>
    internal static SocketsHttpHandler OwnHandler() => new() { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) };

    /// <summary>Creates a probe that sends through <paramref name="handler"/>.</summary>
    /// <param name="target">The absolute http or https URI to GET.</param>
    /// <param name="handler">The handler to send with; it should not follow redirects itself.</param>
    /// <param name="disposeHandler">Whether disposing the probe disposes <paramref name="handler"/>.</param>
    /// <param name="options">How to check; the defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for latency; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="target"/> is not an absolute http or https URI, an option is out of range, or the version is 3.0 for an http target.</exception>
    public HttpProbe(Uri target, HttpMessageHandler handler, bool disposeHandler, HttpProbeOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(handler);
        if (!target.IsAbsoluteUri || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{target}' is not an absolute http or https URI.", nameof(target));
        }

        _options = options ?? new HttpProbeOptions();
        if (_options.Problems().FirstOrDefault() is { Property: not null } problem)
        {
            throw new ArgumentException($"{problem.Property} ({problem.Value}) {problem.Message}.", nameof(options));
        }

        if (HttpVersions.ProblemWith(_options.Version, target) is { } versionProblem)
        {
            throw new ArgumentException($"Version ({_options.Version}) cannot be spoken to '{target}'; {versionProblem}.", nameof(options));
        }

        Target = target;
        _invoker = new HttpMessageInvoker(handler, disposeHandler);
        _disposeInvoker = true;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The URI the probe GETs.</summary>
    public Uri Target { get; }

    /// <inheritdoc/>
    public async ValueTask<HealthProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        Uri current = Target;
        try
        {
            for (int redirects = 0; ; redirects++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                if (_options.Version is { } version)
                {
                    request.Version = version;
                    request.VersionPolicy = HttpVersions.PolicyFor(version);
                }

                using HttpResponseMessage response = await _invoker.SendAsync(request, linked.Token).ConfigureAwait(false);
                TimeSpan latency = _time.GetElapsedTime(started);
                int status = (int)response.StatusCode;
                string detail = $"{status} {response.StatusCode}";

                if (status is >= 300 and < 400 && response.Headers.Location is { } location && !IsExpected(status))
                {
                    Uri next = location.IsAbsoluteUri ? location : new Uri(current, location);
                    if (!SameOrigin(next, Target))
                    {
                        return HealthProbeResult.Unhealthy(latency, $"{detail}: redirected to another host ({next.GetLeftPart(UriPartial.Authority)}), not followed");
                    }

                    if (redirects >= _options.MaxRedirects)
                    {
                        return HealthProbeResult.Unhealthy(latency, $"{detail}: more than {_options.MaxRedirects} redirects");
                    }

                    current = next;
                    continue;
                }

                if (!IsExpected(status))
                {
                    return HealthProbeResult.Unhealthy(latency, detail);
                }

                return _options.DegradedLatency is { } slow && latency > slow
                    ? HealthProbeResult.Degraded(latency, $"{detail} in {DurationText.Format(latency)}, slower than {DurationText.Format(slow)}")
                    : HealthProbeResult.Healthy(latency, detail);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return HealthProbeResult.Unhealthy(_time.GetElapsedTime(started), $"no answer within {DurationText.Format(_options.Timeout)}");
        }
        catch (HttpRequestException exception)
        {
            return HealthProbeResult.Unhealthy(_time.GetElapsedTime(started), exception.Message);
        }
    }

    /// <summary>Disposes the connection pool the probe owns.</summary>
    public void Dispose()
    {
        if (_disposeInvoker)
        {
            _invoker.Dispose();
        }
    }

    private bool IsExpected(int status) =>
        _options.ExpectedStatusCodes.Count == 0 ? status is >= 200 and < 300 : _options.ExpectedStatusCodes.Contains(status);

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) &&
        a.Port == b.Port;
}
