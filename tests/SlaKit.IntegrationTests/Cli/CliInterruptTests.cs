using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using SlaKit.Cli;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.IntegrationTests.Sip;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Cli;

/// <summary>
/// <c>slakit probe</c>, <c>slakit call</c> and <c>slakit report</c> interrupted as by Ctrl+C (the token the command line cancels on SIGINT), against
/// a Kestrel server and SIPp on loopback: what was done until then is printed, a call under way is hung up, and the exit
/// code is 130.
/// </summary>
public sealed class CliInterruptTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_interrupted_probe_run_prints_the_probes_made_until_then_and_exits_130()
    {
        await using RegionServer server = await RegionServer.StartAsync("a");
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var output = new StringWriter();
        using var error = new StringWriter();

        Task<int> run = SlaKitCli.RunAsync(["probe", server.BaseUri.ToString(), "--count", "100", "--interval", "200ms"], output, error, ctrlC.Token);

        // Probes run one after another: once the third has reached the server, the first two have their results.
        Assert.True(await Eventually.TrueAsync(() => server.Count >= 3, TimeSpan.FromSeconds(20), Ct));
        await ctrlC.CancelAsync();
        int exit = await run.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        Assert.True(exit == 130, $"exit {exit}: {error}");
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] probes = [.. lines.Where(static l => l.Contains(": Healthy in ", StringComparison.Ordinal))];
        Assert.True(probes.Length >= 2, output.ToString());
        Assert.Equal($"Interrupted after {probes.Length} of 100 probes.", lines[^1]);
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public async Task An_interrupted_probe_run_in_json_says_so_and_counts_the_probes_made()
    {
        await using RegionServer server = await RegionServer.StartAsync("a");
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var output = new StringWriter();
        using var error = new StringWriter();

        Task<int> run = SlaKitCli.RunAsync(["probe", server.BaseUri.ToString(), "--count", "100", "--interval", "200ms", "--json"], output, error, ctrlC.Token);
        Assert.True(await Eventually.TrueAsync(() => server.Count >= 2, TimeSpan.FromSeconds(20), Ct));
        await ctrlC.CancelAsync();
        int exit = await run.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        Assert.Equal(130, exit);
        using JsonDocument json = JsonDocument.Parse(output.ToString());
        Assert.True(json.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.InRange(json.RootElement.GetProperty("probes").GetInt32(), 1, server.Count);
    }

    [Fact]
    public async Task A_report_interrupted_while_the_prometheus_server_is_silent_says_so_and_exits_130()
    {
        // A server that takes the connection and never answers: the report waits on its first query.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var output = new StringWriter();
        using var error = new StringWriter();

        Task<int> run = SlaKitCli.RunAsync(["report", "--prometheus", $"http://127.0.0.1:{port}/", "--probe", "up", "--sla", "99.9", "--from", "2026-01"], output, error, ctrlC.Token);
        using Socket accepted = await silent.AcceptSocketAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await ctrlC.CancelAsync();
        int exit = await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(exit == 130, $"exit {exit}: {output}{error}");
        Assert.Equal("", output.ToString());
        Assert.Equal("slakit: interrupted before the report was made.", error.ToString().Trim());
    }

    [Fact]
    public async Task A_sip_probe_interrupted_while_it_waits_for_its_answer_reports_no_probe_and_exits_130()
    {
        // The SIP OPTIONS probe reports a cancellation as "no answer": Ctrl+C must not pass for a silent server.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)silent.LocalEndPoint!).Port;
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var output = new StringWriter();
        using var error = new StringWriter();

        Task<int> run = SlaKitCli.RunAsync(["probe", $"sip:127.0.0.1:{port}", "--timeout", "30s"], output, error, ctrlC.Token);
        await silent.ReceiveAsync(new byte[65535], SocketFlags.None, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await ctrlC.CancelAsync();
        int exit = await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(exit == 130, $"exit {exit}: {output}{error}");
        Assert.DoesNotContain("Unhealthy", output.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("Interrupted after 0 of 1 probes.", output.ToString().TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_interrupted_before_its_trunks_first_answer_is_cancelled_when_that_answer_comes()
    {
        // A trunk played by hand over UDP: it takes the INVITE, and says 100 Trying only after Ctrl+C.
        using var trunk = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        trunk.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)trunk.LocalEndPoint!).Port;
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var output = new StringWriter();
        using var error = new StringWriter();
        byte[] buffer = new byte[65535];

        Task<int> run = SlaKitCli.RunAsync(
            ["call", "sip:+4930123456@carrier.example", "--trunk", $"sip:127.0.0.1:{port}", "--provisional-timeout", "30s"], output, error, ctrlC.Token);
        SocketReceiveFromResult got = await trunk.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        string invite = Encoding.UTF8.GetString(buffer, 0, got.ReceivedBytes);
        Assert.StartsWith("INVITE ", invite, StringComparison.Ordinal);
        await ctrlC.CancelAsync();
        await trunk.SendToAsync(Encoding.UTF8.GetBytes(Answer(invite, "100 Trying")), SocketFlags.None, got.RemoteEndPoint, Ct);

        // RFC 3261 §9.1: the CANCEL goes once a provisional has come.
        string? cancel = null;
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            wait.CancelAfter(TimeSpan.FromSeconds(5));
            while (cancel is null && !wait.IsCancellationRequested)
            {
                SocketReceiveFromResult next = await trunk.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), wait.Token);
                string message = Encoding.UTF8.GetString(buffer, 0, next.ReceivedBytes);
                cancel = message.StartsWith("CANCEL ", StringComparison.Ordinal) ? message : null;
            }
        }

        int exit = await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(cancel is not null, $"no CANCEL reached the trunk; the command said: {output}");
        Assert.Equal(130, exit);
        Assert.Contains("Interrupted before any trunk answered", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_interrupted_call_is_hung_up_with_a_bye_reported_and_exits_130()
    {
        await using SippServer live = await SippServer.StartAsync(SippScenario.AnswerThenHangUp, SipTransportProtocol.Udp, Ct, calls: 1);
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var output = new StringWriter();
        using var error = new StringWriter();

        // Held for a minute; Ctrl+C comes within the first seconds of it (SIPp answers on loopback in milliseconds).
        Task<int> run = SlaKitCli.RunAsync(["call", "sip:+4930123456@carrier.example", "--trunk", live.Target.ToString(), "--hold", "60s"], output, error, ctrlC.Token);
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        Assert.False(run.IsCompleted, output.ToString() + error.ToString());
        await ctrlC.CancelAsync();
        int exit = await run.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        Assert.True(exit == 130, $"exit {exit}: {output}{error}");
        string last = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(last, @"^Call carried by .+; interrupted after [0-9.]+s of 1m, ended with BYE \(200 OK\)\.$"), last);

        // SIPp got its BYE and ran its scenario to the end.
        Assert.Equal(0, await live.WaitForExitAsync(TimeSpan.FromSeconds(15), Ct));
    }

    [Fact]
    public async Task A_call_interrupted_before_any_trunk_answered_is_cancelled_and_exits_130()
    {
        await using SippServer silent = await SippServer.StartAsync(SippScenario.SilentInvite, SipTransportProtocol.Udp, Ct);
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var output = new StringWriter();
        using var error = new StringWriter();

        // A trunk that never answers, given 30 s to: Ctrl+C comes while the INVITE waits.
        Task<int> run = SlaKitCli.RunAsync(["call", "sip:+4930123456@carrier.example", "--trunk", silent.Target.ToString(), "--provisional-timeout", "30s", "--json"], output, error, ctrlC.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        await ctrlC.CancelAsync();
        int exit = await run.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        Assert.True(exit == 130, $"exit {exit}: {output}{error}");
        using JsonDocument json = JsonDocument.Parse(output.ToString());
        Assert.True(json.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.Equal("", error.ToString());
    }

    /// <summary>A response to <paramref name="request"/> as a server writes it: its Via, From, To, Call-ID and CSeq, and no body.</summary>
    private static string Answer(string request, string status)
    {
        string[] copied = ["Via:", "From:", "To:", "Call-ID:", "CSeq:"];
        IEnumerable<string> headers = request.Split("\r\n").Where(l => copied.Any(h => l.StartsWith(h, StringComparison.OrdinalIgnoreCase)));
        return $"SIP/2.0 {status}\r\n{string.Join("\r\n", headers)}\r\nContent-Length: 0\r\n\r\n";
    }
}
