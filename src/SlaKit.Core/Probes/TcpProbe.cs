using System.Net.Sockets;

namespace SlaKit.Probes;

/// <summary>Probes a TCP port: healthy when a connection opens in time. The connection is closed at once.</summary>
public sealed class TcpProbe : IHealthProbe
{
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    /// <summary>Creates the probe.</summary>
    /// <param name="host">The host name or IP address.</param>
    /// <param name="port">The port, 1 to 65535.</param>
    /// <param name="timeout">How long to wait for the connection; positive, at most 49.7 days. 2 seconds when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="host"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> or <paramref name="timeout"/> is out of range.</exception>
    public TcpProbe(string host, int port, TimeSpan? timeout = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        _timeout = timeout ?? TimeSpan.FromSeconds(2);
        if (!TimerDuration.IsPositiveAndAccepted(_timeout))
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, $"The probe timeout must be positive and at most {TimerDuration.MaximumText}.");
        }

        Host = host;
        Port = port;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The host probed.</summary>
    public string Host { get; }

    /// <summary>The port probed.</summary>
    public int Port { get; }

    /// <inheritdoc/>
    public async ValueTask<HealthProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(Host, Port, linked.Token).ConfigureAwait(false);
            return HealthProbeResult.Healthy(_time.GetElapsedTime(started), $"connected to {Host}:{Port}");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return HealthProbeResult.Unhealthy(_time.GetElapsedTime(started), $"no connection within {DurationText.Format(_timeout)}");
        }
        catch (SocketException exception)
        {
            return HealthProbeResult.Unhealthy(_time.GetElapsedTime(started), $"{exception.SocketErrorCode}: {exception.Message}");
        }
    }
}
