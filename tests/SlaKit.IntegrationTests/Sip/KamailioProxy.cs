using System.Diagnostics;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>
/// A Kamailio process on a free UDP port of 127.0.0.1, run as a stateless proxy that relays every request to one next
/// hop and adds no Record-Route: the dialog's later requests then go between the two ends without it (RFC 3261 §16.6
/// step 4, §12.2.1.1). It runs in the foreground under <c>timeout</c>, so it cannot outlive a crashed test run. Without
/// Kamailio (Debian package <c>kamailio</c>) the test skips, unless <c>SLAKIT_REQUIRE_KAMAILIO=1</c>, as CI sets it.
/// </summary>
public sealed class KamailioProxy : IAsyncDisposable
{
    private const string Install = "kamailio is not installed: apt-get install -y kamailio";

    /// <summary>Where Debian puts kamailio: in sbin, which a non-root PATH may lack.</summary>
    private static readonly string[] SystemPaths = ["/usr/sbin/kamailio", "/sbin/kamailio"];

    private readonly Process _process;
    private readonly string _directory;
    private readonly List<string> _log = [];

    private KamailioProxy(Process process, string directory, SipTarget target)
    {
        _process = process;
        _directory = directory;
        Target = target;
    }

    /// <summary>Where the proxy takes requests.</summary>
    public SipTarget Target { get; }

    /// <summary>Starts Kamailio relaying every request to <paramref name="nextHop"/> over UDP, and waits until it listens.</summary>
    public static async Task<KamailioProxy> StartAsync(SipTarget nextHop, CancellationToken cancellationToken)
    {
        string kamailio = RequirePath();
        string directory = Directory.CreateTempSubdirectory("slakit-kamailio-").FullName;
        int port = SippServer.FreePort(SipTransportProtocol.Udp);
        string configuration = Path.Combine(directory, "kamailio.cfg");

        // Core functions only: no module, so no control socket, FIFO or PID file to clean up.
        await File.WriteAllTextAsync(configuration, $$"""
            #!KAMAILIO
            debug=2
            log_stderror=yes
            children=1
            listen=udp:127.0.0.1:{{port}}
            disable_tcp=yes
            auto_aliases=no
            dns=no
            rev_dns=no

            request_route {
                forward("{{nextHop.Host}}", {{nextHop.Port}});
                exit;
            }
            """, cancellationToken);

        var start = new ProcessStartInfo("timeout") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { "--kill-after=5", "300", kamailio, "-f", configuration, "-DD", "-E", "-m", "32", "-M", "4" })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("timeout did not start");
        var proxy = new KamailioProxy(process, directory, new SipTarget("127.0.0.1", port));
        process.ErrorDataReceived += (_, e) => proxy.Keep(e.Data);
        process.OutputDataReceived += (_, e) => proxy.Keep(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var clock = Stopwatch.StartNew();
        while (!SippServer.IsBound(proxy.Target))
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                string log = string.Join(Environment.NewLine, proxy.Log);
                await proxy.DisposeAsync();
                throw new InvalidOperationException($"Kamailio did not start listening on {proxy.Target}:{Environment.NewLine}{log}");
            }

            await Task.Delay(20, cancellationToken);
        }

        return proxy;
    }

    /// <summary>What Kamailio logged so far.</summary>
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
        Directory.Delete(_directory, recursive: true);
    }

    private static string RequirePath()
    {
        string? found = SystemPaths
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "kamailio")))
            .FirstOrDefault(File.Exists);
        bool required = Environment.GetEnvironmentVariable("SLAKIT_REQUIRE_KAMAILIO") == "1" || Environment.GetEnvironmentVariable("SLAKIT_REQUIRE_EXTERNAL_TOOLS") == "1";
        if (found is null && required)
        {
            Assert.Fail($"{Install} (SLAKIT_REQUIRE_KAMAILIO=1 makes it required)");
        }

        Assert.SkipUnless(found is not null, Install);
        return found!;
    }

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
