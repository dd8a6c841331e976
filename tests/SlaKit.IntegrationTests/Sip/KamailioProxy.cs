using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>
/// A Kamailio process on free ports of 127.0.0.1, run as a stateless proxy that adds no Record-Route: a request for the
/// trunk's domain (<c>carrier.example</c>) goes to one next hop over UDP, any other (the dialog's ACK and BYE, addressed
/// to a Contact) where its Request-URI says, so the dialog's later requests go between the two ends without it (RFC 3261
/// §16.6 step 4, §12.2.1.1). Given a certificate it also takes SIP over TLS (module <c>tls.so</c>), and sends a request
/// for a Contact on a TLS connection back over the connection that Contact's party opened, as Kamailio finds an open
/// connection by its far address. It runs in the foreground under <c>timeout</c>, so it cannot outlive a crashed test run.
/// Without Kamailio (Debian packages <c>kamailio</c> and <c>kamailio-tls-modules</c>) the test skips, unless
/// <c>SLAKIT_REQUIRE_KAMAILIO=1</c>, as CI sets it.
/// </summary>
public sealed class KamailioProxy : IAsyncDisposable
{
    private const string Install = "kamailio is not installed: apt-get install -y kamailio kamailio-tls-modules";

    /// <summary>Where Debian puts kamailio: in sbin, which a non-root PATH may lack.</summary>
    private static readonly string[] SystemPaths = ["/usr/sbin/kamailio", "/sbin/kamailio"];

    private readonly Process _process;
    private readonly string _directory;
    private readonly List<string> _log = [];

    private KamailioProxy(Process process, string directory, SipTarget target, SipTarget? tlsTarget)
    {
        _process = process;
        _directory = directory;
        Target = target;
        TlsTarget = tlsTarget;
    }

    /// <summary>Where the proxy takes requests over UDP.</summary>
    public SipTarget Target { get; }

    /// <summary>Where the proxy takes requests over TLS, when it was given a certificate.</summary>
    public SipTarget? TlsTarget { get; }

    /// <summary>
    /// Starts Kamailio relaying requests for the trunk's domain to <paramref name="nextHop"/> over UDP, over TLS too with
    /// <paramref name="certificate"/> (and its private key), and waits until it listens.
    /// </summary>
    public static async Task<KamailioProxy> StartAsync(SipTarget nextHop, CancellationToken cancellationToken, X509Certificate2? certificate = null)
    {
        string kamailio = RequirePath();
        if (certificate is not null)
        {
            RequireTlsModule(kamailio);
        }

        string directory = Directory.CreateTempSubdirectory("slakit-kamailio-").FullName;
        int port = SippServer.FreePort(SipTransportProtocol.Udp);
        int? tlsPort = certificate is null ? null : SippServer.FreePort(SipTransportProtocol.Tcp);
        string configuration = Path.Combine(directory, "kamailio.cfg");
        string tls = "disable_tcp=yes";
        if (certificate is not null)
        {
            string certificateFile = Path.Combine(directory, "certificate.pem");
            string keyFile = Path.Combine(directory, "key.pem");
            await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem(), cancellationToken);
            await File.WriteAllTextAsync(keyFile, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem(), cancellationToken);
            tls = $"""
                listen=tls:127.0.0.1:{tlsPort}
                enable_tls=yes
                tcp_children=1
                loadmodule "tls.so"
                modparam("tls", "certificate", "{certificateFile}")
                modparam("tls", "private_key", "{keyFile}")
                modparam("tls", "tls_method", "TLSv1.2+")
                """;
        }

        // Core functions and the TLS module only: no control socket, FIFO or PID file to clean up.
        await File.WriteAllTextAsync(configuration, $$"""
            #!KAMAILIO
            debug=2
            log_stderror=yes
            children=1
            listen=udp:127.0.0.1:{{port}}
            auto_aliases=no
            dns=no
            rev_dns=no
            {{tls}}

            request_route {
                if (uri=~"@carrier\.example") {
                    forward_udp("{{nextHop.Host}}", {{nextHop.Port}});
                    exit;
                }

                forward();
                exit;
            }
            """, cancellationToken);

        var start = new ProcessStartInfo("timeout") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { "--kill-after=5", "300", kamailio, "-f", configuration, "-DD", "-E", "-m", "32", "-M", "4" })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("timeout did not start");
        var proxy = new KamailioProxy(
            process, directory, new SipTarget("127.0.0.1", port), tlsPort is { } listening ? new SipTarget("127.0.0.1", listening, SipTransportProtocol.Tls) : null);
        process.ErrorDataReceived += (_, e) => proxy.Keep(e.Data);
        process.OutputDataReceived += (_, e) => proxy.Keep(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var clock = Stopwatch.StartNew();
        while (!SippServer.IsBound(proxy.Target) || (tlsPort is { } tcp && !SippServer.IsBound(new SipTarget("127.0.0.1", tcp, SipTransportProtocol.Tcp))))
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
        string? found = ExternalProgram.Find("kamailio", SystemPaths);
        ExternalProgram.Require(found is not null, "SLAKIT_REQUIRE_KAMAILIO", Install);
        return found!;
    }

    /// <summary>Skips the test, or fails it when Kamailio is required, if Kamailio's TLS module is not installed beside it.</summary>
    private static void RequireTlsModule(string kamailio) => ExternalProgram.Require(
        Directory.Exists("/usr/lib") && Directory.EnumerateDirectories("/usr/lib").Any(d => File.Exists(Path.Combine(d, "kamailio", "modules", "tls.so"))),
        "SLAKIT_REQUIRE_KAMAILIO",
        $"{kamailio} has no TLS module: apt-get install -y kamailio-tls-modules");

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
