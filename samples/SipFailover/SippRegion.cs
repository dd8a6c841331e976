using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using SlaKit.Sip;

namespace SipFailover;

/// <summary>
/// A local SIP "region": SIPp on 127.0.0.1 answering OPTIONS and MESSAGE with 200 and a <c>Server</c> header naming
/// the region, or running the scenario it is given. It runs under <c>timeout</c>, so it cannot outlive the demo, and is
/// killed when disposed.
/// </summary>
internal sealed class SippRegion : IAsyncDisposable
{
    private const int SigStop = 19;
    private const int SigCont = 18;

    private readonly Process _timeout;
    private readonly string _directory;
    private int _pid;

    private SippRegion(string name, Process timeout, string directory, SipTarget target)
    {
        Name = name;
        _timeout = timeout;
        _directory = directory;
        Target = target;
    }

    public string Name { get; }

    public SipTarget Target { get; }

    /// <summary>The path of <c>sipp</c> on the PATH, if it is installed.</summary>
    public static string? FindSipp() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "sipp"))
            .FirstOrDefault(File.Exists);

    /// <summary>Says that SIPp is missing and how to install it, for a demo that runs <paramref name="what"/> with it.</summary>
    public static void TellHowToInstall(string what)
    {
        Console.WriteLine($"This demo runs {what} with SIPp, which is not installed.");
        Console.WriteLine("Install it, then run the demo again:");
        Console.WriteLine("  Debian/Ubuntu:  sudo apt-get install -y sip-tester");
        Console.WriteLine("  other systems:  https://github.com/SIPp/sipp (the binary must be on the PATH as sipp)");
    }

    /// <summary>Starts SIPp on a free UDP port of 127.0.0.1 with <paramref name="scenarioXml"/>, or the OPTIONS and MESSAGE answerer.</summary>
    public static async Task<SippRegion> StartAsync(string sipp, string name, int lifetimeSeconds, string? scenarioXml = null)
    {
        string directory = Directory.CreateTempSubdirectory("slakit-sipfailover-").FullName;
        string scenario = Path.Combine(directory, "region.xml");
        await File.WriteAllTextAsync(scenario, scenarioXml ?? Scenario(name));

        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var start = new ProcessStartInfo("timeout") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[]
        {
            "--kill-after=5", lifetimeSeconds.ToString(CultureInfo.InvariantCulture), sipp, "-sf", scenario,
            "-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "u1", "-nostdin",
        })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("timeout did not start");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var region = new SippRegion(name, process, directory, new SipTarget("127.0.0.1", port));

        var clock = Stopwatch.StartNew();
        while (!IsBound(port))
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                await region.DisposeAsync();
                throw new InvalidOperationException($"SIPp did not start on port {port}.");
            }

            await Task.Delay(20);
        }

        region._pid = ChildOf(process.Id);
        return region;
    }

    /// <summary>Stops SIPp with SIGSTOP: the port stays open and nothing answers, as when a server hangs.</summary>
    public void GoSilent() => Signal(SigStop);

    /// <summary>Lets SIPp run again with SIGCONT.</summary>
    public void Revive() => Signal(SigCont);

    public async ValueTask DisposeAsync()
    {
        if (!_timeout.HasExited)
        {
            _timeout.Kill(entireProcessTree: true);
        }

        await _timeout.WaitForExitAsync();
        _timeout.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static string Scenario(string name) => $"""
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="{name}: answer OPTIONS and MESSAGE with 200">
          <recv request="OPTIONS" optional="true" next="reply" />
          <recv request="MESSAGE" />
          <label id="reply" />
          <send>
            <![CDATA[

              SIP/2.0 200 OK
              [last_Via:]
              [last_From:]
              [last_To:];tag=[pid]x[call_number]
              [last_Call-ID:]
              [last_CSeq:]
              Server: {name}
              Content-Length: 0

            ]]>
          </send>
        </scenario>
        """;

    private static bool IsBound(int port)
    {
        string suffix = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        return File.ReadLines("/proc/net/udp").Skip(1)
            .Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var local, ..] && local.EndsWith(suffix, StringComparison.Ordinal));
    }

    // timeout runs SIPp as its child: the fourth field of /proc/<pid>/stat is the parent's id.
    private static int ChildOf(int parent)
    {
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) &&
                File.Exists(Path.Combine(directory, "stat")))
            {
                try
                {
                    string stat = File.ReadAllText(Path.Combine(directory, "stat"));
                    if (int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture) == parent)
                    {
                        return pid;
                    }
                }
                catch (IOException)
                {
                    // The process ended while it was read.
                }
            }
        }

        throw new InvalidOperationException("SIPp's process was not found.");
    }

    private void Signal(int signal)
    {
        if (Kill(_pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    // DllImport rather than LibraryImport: the generated stub would need unsafe code.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
