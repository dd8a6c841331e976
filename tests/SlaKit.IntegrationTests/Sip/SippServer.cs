using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>
/// A SIPp process answering on 127.0.0.1 with one scenario. It runs under <c>timeout</c> (never <c>-bg</c>), so it
/// cannot outlive a crashed test run, and is killed when disposed. <see cref="Suspend"/> stops the process without
/// closing its socket: the server goes silent, as a hung server does, without the ICMP errors a closed port gives.
/// </summary>
public sealed class SippServer : IAsyncDisposable
{
    /// <summary>How long SIPp may run at most, whatever happens to the test.</summary>
    private const int LifetimeSeconds = 300;

    private readonly Process _timeout;
    private readonly string _directory;
    private readonly List<string> _output = [];
    private int _sippPid;
    private int _disposed;

    private SippServer(Process timeout, string directory, SipTarget target)
    {
        _timeout = timeout;
        _directory = directory;
        Target = target;
    }

    /// <summary>Where the server listens.</summary>
    public SipTarget Target { get; }

    /// <summary>Starts SIPp and waits until it listens.</summary>
    /// <param name="scenario">What SIPp answers.</param>
    /// <param name="transport">UDP or TCP.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <param name="port">The port to listen on; a free one when 0.</param>
    /// <param name="calls">When given, SIPp exits after that many calls (<c>-m</c>), with 0 if every one ran its scenario to the end.</param>
    /// <param name="address">The loopback address to listen on: 127.0.0.1, or ::1.</param>
    public static async Task<SippServer> StartAsync(
        SippScenario scenario, SipTransportProtocol transport, CancellationToken cancellationToken, int port = 0, int? calls = null, string address = "127.0.0.1")
    {
        string sipp = SippInstallation.RequirePath();
        string directory = Directory.CreateTempSubdirectory("slakit-sipp-").FullName;
        string file = Path.Combine(directory, scenario.Name + ".xml");
        await File.WriteAllTextAsync(file, scenario.Xml, cancellationToken);
        port = port == 0 ? FreePort(transport) : port;

        var start = new ProcessStartInfo("timeout")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "--kill-after=5", LifetimeSeconds.ToString(CultureInfo.InvariantCulture), sipp,
            "-sf", file, "-i", address, "-p", port.ToString(CultureInfo.InvariantCulture),
            "-t", transport == SipTransportProtocol.Tcp ? "t1" : "u1", "-nostdin",
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (calls is { } count)
        {
            start.ArgumentList.Add("-m");
            start.ArgumentList.Add(count.ToString(CultureInfo.InvariantCulture));
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("timeout did not start");
        var server = new SippServer(process, directory, new SipTarget(address, port, transport));
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await server.WaitUntilListeningAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>
    /// Waits for SIPp, started with <c>calls</c>, to exit; its exit code: 0 when every call ran its scenario to the end.
    /// </summary>
    /// <exception cref="TimeoutException">SIPp is still running after <paramref name="within"/>: a call is stuck in its scenario.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(within);
        try
        {
            await _timeout.WaitForExitAsync(bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            string output;
            lock (_output)
            {
                output = string.Join(Environment.NewLine, _output);
            }

            throw new TimeoutException($"SIPp did not finish its calls within {within}:{Environment.NewLine}{output}");
        }

        return _timeout.ExitCode;
    }

    /// <summary>Stops the SIPp process (SIGSTOP): its socket stays open and nothing answers.</summary>
    public void Suspend() => Signal(Posix.SigStop);

    /// <summary>Lets a suspended SIPp run again (SIGCONT).</summary>
    public void Resume() => Signal(Posix.SigCont);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_timeout.HasExited)
        {
            _timeout.Kill(entireProcessTree: true);
        }

        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _timeout.WaitForExitAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            // Killed already; the exit notification did not arrive in time, which leaks nothing.
        }

        _timeout.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A port nothing listens on right now, of the kind the transport needs.</summary>
    public static int FreePort(SipTransportProtocol transport)
    {
        using var socket = transport == SipTransportProtocol.Tcp
            ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 50)
            {
                _output.RemoveAt(0);
            }
        }
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!IsListening())
        {
            if (_timeout.HasExited || clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                string output;
                lock (_output)
                {
                    output = string.Join(Environment.NewLine, _output);
                }

                throw new InvalidOperationException($"SIPp did not start listening on {Target}:{Environment.NewLine}{output}");
            }

            await Task.Delay(20, cancellationToken);
        }

        _sippPid = FindChild(_timeout.Id);
    }

    private bool IsListening() => IsBound(Target);

    /// <summary>
    /// Whether the kernel's socket tables have a UDP socket bound to the target's port, or a TCP socket listening on it
    /// (state 0A).
    /// </summary>
    public static bool IsBound(SipTarget target)
    {
        string hexPort = target.Port.ToString("X4", CultureInfo.InvariantCulture);
        string table = (target.Transport == SipTransportProtocol.Tcp ? "/proc/net/tcp" : "/proc/net/udp") + (target.Host.Contains(':', StringComparison.Ordinal) ? "6" : "");
        foreach (string line in File.ReadLines(table).Skip(1))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 3 && fields[1].EndsWith(":" + hexPort, StringComparison.Ordinal) &&
                (target.Transport == SipTransportProtocol.Udp || fields[3] == "0A"))
            {
                return true;
            }
        }

        return false;
    }

    // timeout runs SIPp as its child: find it by its parent process id (the fourth field of /proc/<pid>/stat).
    private static int FindChild(int parent)
    {
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue; // the process ended meanwhile
            }

            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
            {
                return pid;
            }
        }

        throw new InvalidOperationException("SIPp's process was not found under timeout.");
    }

    private void Signal(int signal)
    {
        if (Posix.Kill(_sippPid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_sippPid}, {signal}) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }
}
