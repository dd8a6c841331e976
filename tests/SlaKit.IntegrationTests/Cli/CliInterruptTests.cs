using System.Text.Json;
using SlaKit.Cli;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.IntegrationTests.Sip;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Cli;

/// <summary>
/// <c>slakit probe</c> and <c>slakit call</c> interrupted as by Ctrl+C (the token the command line cancels on SIGINT), against
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
        Assert.True(await Eventually.TrueAsync(() => server.Count >= 2, TimeSpan.FromSeconds(20), Ct));
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
}
