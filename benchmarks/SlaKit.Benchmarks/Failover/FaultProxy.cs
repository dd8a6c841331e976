using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SlaKit.Benchmarks.Failover;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of one region that injects a fault on the client's side of the network: it
/// relays, refuses, black-holes, delays or answers <c>503</c> itself, switchable while connections are open. Clients
/// reach it through a connect callback, so the request URI (and, for HTTPS, the TLS host name) stays the region's own.
/// </summary>
/// <remarks>
/// It works below HTTP, so it relays HTTPS as well; only <see cref="ProxyMode.Status503"/> writes HTTP itself, and so
/// needs plain HTTP/1.1. Each chunk a client sends counts as one request: HTTP/1.1 clients send one request at a time
/// per connection, and a small GET arrives in one piece on loopback.
/// </remarks>
internal sealed class FaultProxy : IAsyncDisposable
{
    private static readonly byte[] ServiceUnavailable =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nContent-Type: text/plain\r\n\r\n"u8.ToArray();

    private readonly EndPoint _upstream;
    private readonly Lock _gate = new();
    private readonly HashSet<Connection> _open = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _acceptLoops = [];
    private TcpListener? _listener;
    private ProxyMode _mode;
    private long _modeSince = Stopwatch.GetTimestamp();
    private int _requests;
    private int _connections;

    /// <summary>Starts listening on an ephemeral loopback port, relaying to <paramref name="upstream"/>.</summary>
    public FaultProxy(EndPoint upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        _upstream = upstream;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        EndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _acceptLoops.Add(AcceptAsync(_listener));
    }

    /// <summary>Where the proxy listens.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The delay of the n-th request (counted from 0) in <see cref="ProxyMode.Slow"/>; none by default.</summary>
    public Func<int, TimeSpan> SlowDelay { get; init; } = static _ => TimeSpan.Zero;

    /// <summary>How long each phase of <see cref="ProxyMode.Flapping"/> lasts; 1 second by default.</summary>
    public TimeSpan FlapPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests received from clients, in any mode.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Connections accepted from clients.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>What the proxy does now; <see cref="ProxyMode.Pass"/> at first. Setting it takes effect for open connections too.</summary>
    public ProxyMode Mode
    {
        get
        {
            lock (_gate)
            {
                return _mode;
            }
        }

        set
        {
            lock (_gate)
            {
                ProxyMode previous = _mode;
                _mode = value;
                _modeSince = Stopwatch.GetTimestamp();
                if (value == ProxyMode.Refuse && previous != ProxyMode.Refuse)
                {
                    // A dead process: the port closes, and the connections it had are reset.
                    _listener?.Stop();
                    _listener = null;
                    foreach (Connection connection in _open.ToArray())
                    {
                        connection.Reset();
                    }
                }
                else if (previous == ProxyMode.Refuse && value != ProxyMode.Refuse && !_stop.IsCancellationRequested)
                {
                    _listener = new TcpListener(EndPoint);
                    _listener.Start();
                    _acceptLoops.Add(AcceptAsync(_listener));
                }
            }
        }
    }

    /// <summary>The mode that applies to a request arriving now: a flapping proxy is black-holed in its even periods.</summary>
    private ProxyMode Current
    {
        get
        {
            lock (_gate)
            {
                if (_mode != ProxyMode.Flapping)
                {
                    return _mode;
                }

                long phase = (long)(Stopwatch.GetElapsedTime(_modeSince) / FlapPeriod);
                return phase % 2 == 0 ? ProxyMode.BlackHole : ProxyMode.Pass;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] loops;
        Connection[] open;
        lock (_gate)
        {
            _stop.Cancel();
            _listener?.Stop();
            _listener = null;
            loops = [.. _acceptLoops];
            open = [.. _open];
        }

        foreach (Connection connection in open)
        {
            connection.Close();
        }

        await Task.WhenAll(loops);
        _stop.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // Stopped: refusing from now on, or disposed.
                return;
            }

            client.NoDelay = true;
            Interlocked.Increment(ref _connections);
            var connection = new Connection(this, client);
            lock (_gate)
            {
                if (_mode == ProxyMode.Refuse || _stop.IsCancellationRequested)
                {
                    connection.Reset();
                    continue;
                }

                _open.Add(connection);
            }

            _ = connection.RunAsync();
        }
    }

    private void Forget(Connection connection)
    {
        lock (_gate)
        {
            _open.Remove(connection);
        }
    }

    /// <summary>One client connection and, once something is relayed, its connection to the region.</summary>
    private sealed class Connection(FaultProxy proxy, Socket client)
    {
        private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

        private readonly CancellationTokenSource _closed = CancellationTokenSource.CreateLinkedTokenSource(proxy._stop.Token);
        private Socket? _upstream;
        private int _headMatched;
        private int _isClosed;

        public async Task RunAsync()
        {
            byte[] buffer = new byte[16 * 1024];
            CancellationToken token = _closed.Token;
            try
            {
                while (true)
                {
                    int read = await client.ReceiveAsync(buffer, SocketFlags.None, token);
                    if (read == 0)
                    {
                        break;
                    }

                    int index = Interlocked.Increment(ref proxy._requests) - 1;
                    ReadOnlyMemory<byte> chunk = buffer.AsMemory(0, read);
                    switch (proxy.Current)
                    {
                        case ProxyMode.BlackHole:
                            // Read and dropped: the request went somewhere and nothing will come back.
                            break;
                        case ProxyMode.Status503:
                            for (int heads = CountHeadEnds(chunk.Span); heads > 0; heads--)
                            {
                                await client.SendAsync(ServiceUnavailable, SocketFlags.None, token);
                            }

                            break;
                        case ProxyMode.Refuse:
                            Reset();
                            return;
                        case ProxyMode.Slow:
                            await Task.Delay(proxy.SlowDelay(index), token);
                            await RelayAsync(chunk, token);
                            break;
                        default:
                            await RelayAsync(chunk, token);
                            break;
                    }
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client, the region or the proxy closed the connection.
            }
            finally
            {
                Close();
            }
        }

        /// <summary>Drops the connection with a TCP reset, as a host whose process died does.</summary>
        public void Reset()
        {
            try
            {
                client.LingerState = new LingerOption(true, 0);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                // Already closed.
            }

            Close();
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _isClosed, 1) != 0)
            {
                return;
            }

            proxy.Forget(this);
            _closed.Cancel();
            client.Dispose();
            _upstream?.Dispose();
            _closed.Dispose();
        }

        private async Task RelayAsync(ReadOnlyMemory<byte> chunk, CancellationToken token)
        {
            if (_upstream is null)
            {
                var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await upstream.ConnectAsync(proxy._upstream, token);
                }
                catch
                {
                    upstream.Dispose();
                    throw;
                }

                _upstream = upstream;
                _ = PumpBackAsync(upstream, token);
            }

            await _upstream.SendAsync(chunk, SocketFlags.None, token);
        }

        /// <summary>Copies the region's answers back to the client until either side closes.</summary>
        private async Task PumpBackAsync(Socket upstream, CancellationToken token)
        {
            byte[] buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    int read = await upstream.ReceiveAsync(buffer, SocketFlags.None, token);
                    if (read == 0)
                    {
                        break;
                    }

                    await client.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, token);
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Either side closed.
            }

            Close();
        }

        /// <summary>How many request heads (ending in an empty line) end in <paramref name="chunk"/>, across chunk boundaries.</summary>
        private int CountHeadEnds(ReadOnlySpan<byte> chunk)
        {
            int ends = 0;
            foreach (byte b in chunk)
            {
                if (b == HeadEnd[_headMatched])
                {
                    _headMatched++;
                    if (_headMatched == HeadEnd.Length)
                    {
                        ends++;
                        _headMatched = 0;
                    }
                }
                else
                {
                    _headMatched = b == HeadEnd[0] ? 1 : 0;
                }
            }

            return ends;
        }
    }
}
