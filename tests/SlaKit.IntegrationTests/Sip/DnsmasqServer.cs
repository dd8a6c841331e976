using System.Diagnostics;
using System.Globalization;
using System.Net;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>
/// A dnsmasq process serving only the records a test gives it, on a free port of 127.0.0.1: no upstream servers, no
/// /etc/hosts, no configuration file. It logs every query, so a test can count what a client asked. Without dnsmasq
/// (Debian package <c>dnsmasq-base</c>) the test skips, unless <c>SLAKIT_REQUIRE_DNSMASQ=1</c>, as CI sets it.
/// </summary>
public sealed class DnsmasqServer : IAsyncDisposable
{
    private const string Install = "dnsmasq is not installed: apt-get install -y dnsmasq-base";

    /// <summary>Where Debian puts dnsmasq: in sbin, which a non-root PATH may lack.</summary>
    private static readonly string[] SystemPaths = ["/usr/sbin/dnsmasq", "/sbin/dnsmasq"];

    private readonly Process _process;
    private readonly List<string> _log = [];

    private DnsmasqServer(Process process, IPEndPoint endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    /// <summary>Where it answers.</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary>The endpoint as <see cref="SipFailoverOptions.DnsServers"/> takes it.</summary>
    public string Server => Endpoint.ToString();

    /// <summary>
    /// Starts dnsmasq with <paramref name="records"/> (its own options, such as <c>--srv-host=…</c>,
    /// <c>--naptr-record=…</c>, <c>--host-record=…</c>), every record with <paramref name="ttlSeconds"/> as its TTL.
    /// </summary>
    public static async Task<DnsmasqServer> StartAsync(IEnumerable<string> records, CancellationToken cancellationToken, int ttlSeconds = 60)
    {
        string dnsmasq = RequirePath();
        string[] given = [.. records];

        // dnsmasq listens on UDP and TCP: a port free for UDP may be taken for TCP, or taken by another test in between.
        for (int attempt = 1; ; attempt++)
        {
            DnsmasqServer server = Launch(dnsmasq, given, ttlSeconds);
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(TimeSpan.FromSeconds(10));
            while (!server.Logged("started") || server.Logged("failed to create listening socket"))
            {
                if (server._process.HasExited)
                {
                    break;
                }

                await Task.Delay(20, bounded.Token);
            }

            // dnsmasq logs "started" before it binds, and exits when it cannot.
            await Task.Delay(50, bounded.Token);
            if (!server._process.HasExited)
            {
                return server;
            }

            string log = string.Join(Environment.NewLine, server.Log);
            await server.DisposeAsync();
            if (attempt == 5 || !log.Contains("Address already in use", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"dnsmasq exited: {log}");
            }
        }
    }

    private static DnsmasqServer Launch(string dnsmasq, string[] records, int ttlSeconds)
    {
        int port = SippServer.FreePort(SipTransportProtocol.Udp);
        var start = new ProcessStartInfo("timeout") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[]
        {
            "--kill-after=5", "300", dnsmasq,
            "--keep-in-foreground", "--no-daemon", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--pid-file=",
            "--listen-address=127.0.0.1", "--bind-interfaces", "--port=" + port.ToString(CultureInfo.InvariantCulture),
            "--local-ttl=" + ttlSeconds.ToString(CultureInfo.InvariantCulture), "--auth-ttl=" + ttlSeconds.ToString(CultureInfo.InvariantCulture),
            "--log-queries", "--log-facility=-",
        }.Concat(records))
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("timeout did not start");
        var server = new DnsmasqServer(process, new IPEndPoint(IPAddress.Loopback, port));
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return server;
    }

    /// <summary>What dnsmasq logged so far.</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_log)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>
    /// How many queries of <paramref name="type"/> (NAPTR, SRV, A, AAAA) for <paramref name="name"/> it has logged, once it
    /// has logged at least <paramref name="atLeast"/> (its log arrives through a pipe, a little after the answer) or five
    /// seconds have passed.
    /// </summary>
    public async Task<int> QueriesAsync(string type, string name, int atLeast, CancellationToken cancellationToken)
    {
        for (int i = 0; i < 250 && Count() < atLeast; i++)
        {
            await Task.Delay(20, cancellationToken);
        }

        return Count();

        int Count() => Log.Count(l => l.Contains($"query[{type}] {name} from", StringComparison.OrdinalIgnoreCase));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            // Killed already; the exit notification was late, which leaks nothing.
        }

        _process.Dispose();
    }

    private static string RequirePath()
    {
        string? found = ExternalProgram.Find("dnsmasq", SystemPaths);
        ExternalProgram.Require(found is not null, "SLAKIT_REQUIRE_DNSMASQ", Install);
        return found!;
    }

    private bool Logged(string text) => Log.Any(l => l.Contains(text, StringComparison.Ordinal));

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.Add(line);
            }
        }
    }
}
