using System.Net;
using System.Net.Sockets;

namespace SlaKit.IntegrationTests.Infrastructure;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a region, standing in for the load balancer or NAT between a client and it.
/// <see cref="FreezeExisting"/> makes every connection it carries go silent in both directions while staying open (the
/// state of those flows lost, or the instance behind them hung), while connections made afterwards are carried as before.
/// </summary>
public sealed class FreezingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly List<Relay> _relays = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    /// <summary>A relay to <paramref name="target"/>'s host and port; <see cref="BaseUri"/> keeps its scheme, so TLS passes through.</summary>
    public FreezingProxy(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _listener.Start();
        BaseUri = new Uri($"{target.Scheme}://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _acceptLoop = AcceptAsync();
    }

    public Uri BaseUri { get; }

    /// <summary>How many connections it has carried.</summary>
    public int Connections
    {
        get
        {
            lock (_relays)
            {
                return _relays.Count;
            }
        }
    }

    /// <summary>From now on, nothing more passes on the connections open now, either way; they are not closed.</summary>
    public void FreezeExisting()
    {
        lock (_relays)
        {
            foreach (Relay relay in _relays)
            {
                relay.Frozen = true;
            }
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                Socket client = await _listener.AcceptSocketAsync(_stop.Token);
                var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await server.ConnectAsync(_target, _stop.Token);
                client.NoDelay = true;
                var relay = new Relay(client, server);
                lock (_relays)
                {
                    _relays.Add(relay);
                }

                _ = PumpAsync(relay, client, server);
                _ = PumpAsync(relay, server, client);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Disposed; InvalidOperationException ("Not listening") when the listener stopped between two accepts.
        }
    }

    private async Task PumpAsync(Relay relay, Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (relay.Frozen)
                {
                    // Swallowed, like packets into a black hole; the connection stays open until the proxy is disposed.
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            if (!relay.Frozen)
            {
                // One side went away: so does the other, as a relay's would.
                from.Dispose();
                to.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        lock (_relays)
        {
            foreach (Relay relay in _relays)
            {
                relay.Client.Dispose();
                relay.Server.Dispose();
            }
        }

        _stop.Dispose();
    }

    private sealed class Relay(Socket client, Socket server)
    {
        public Socket Client { get; } = client;

        public Socket Server { get; } = server;

        public volatile bool Frozen;
    }
}
