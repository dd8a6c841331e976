using System.Diagnostics;
using SlaKit.Regions;
using SlaKit.Sip;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>SIP failover between SIPp regions on 127.0.0.1: order, Retry-After, transport errors, silence and probes.</summary>
public sealed class SippFailoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_503_with_retry_after_moves_requests_to_the_next_region_and_keeps_them_off_the_busy_one()
    {
        await using SippServer busy = await SippServer.StartAsync(SippScenario.Answer503("busy", 30), SipTransportProtocol.Udp, Ct);
        await using SippServer spare = await SippServer.StartAsync(SippScenario.Answer200("spare"), SipTransportProtocol.Udp, Ct);
        string name = Unique();
        using var recorder = new SipAttemptRecorder(name);
        await using SipFailoverClient client = Client(name, o =>
        {
            o.Regions.Add(new Region("busy", busy.Target.ToUri()));
            o.Regions.Add(new Region("spare", spare.Target.ToUri()) { Priority = 1 });
        });

        SipResponse first = await client.SendAsync(Options(), Ct);
        SipResponse second = await client.SendAsync(Options(), Ct);

        Assert.Equal("spare", first.Headers["Server"]);
        Assert.Equal("spare", second.Headers["Server"]);
        Assert.Equal([("busy", "transient_status"), ("spare", "success"), ("spare", "success")], recorder.Attempts);
        Assert.Equal(RegionHealth.Unhealthy, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task Failover_follows_priority_through_a_503_a_timeout_and_a_closed_port()
    {
        await using SippServer busy = await SippServer.StartAsync(SippScenario.Answer503("busy", 5), SipTransportProtocol.Udp, Ct);
        await using SippServer silent = await SippServer.StartAsync(SippScenario.NeverAnswer, SipTransportProtocol.Udp, Ct);
        var closed = new SipTarget("127.0.0.1", SippServer.FreePort(SipTransportProtocol.Udp));
        await using SippServer good = await SippServer.StartAsync(SippScenario.Answer200("good"), SipTransportProtocol.Tcp, Ct);
        string name = Unique();
        using var recorder = new SipAttemptRecorder(name);
        await using SipFailoverClient client = Client(name, o =>
        {
            o.Regions.Add(new Region("good", good.Target.ToUri()) { Priority = 3 });
            o.Regions.Add(new Region("closed", closed.ToUri()) { Priority = 2 });
            o.Regions.Add(new Region("silent", silent.Target.ToUri()) { Priority = 1 });
            o.Regions.Add(new Region("busy", busy.Target.ToUri()));
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
        });

        SipResponse response = await client.SendAsync(Options(), Ct);

        Assert.Equal("good", response.Headers["Server"]);
        Assert.Equal([("busy", "transient_status"), ("silent", "timeout"), ("closed", "transport_error"), ("good", "success")], recorder.Attempts);
    }

    [Fact]
    public async Task When_every_region_fails_the_exception_says_how_each_did()
    {
        await using SippServer busy = await SippServer.StartAsync(SippScenario.Answer503("busy", 5), SipTransportProtocol.Tcp, Ct);
        var refused = new SipTarget("127.0.0.1", SippServer.FreePort(SipTransportProtocol.Tcp), SipTransportProtocol.Tcp);
        await using SipFailoverClient client = Client(Unique(), o =>
        {
            o.Regions.Add(new Region("busy", busy.Target.ToUri()));
            o.Regions.Add(new Region("refused", refused.ToUri()) { Priority = 1 });
        });

        SipFailoverException error = await Assert.ThrowsAsync<SipFailoverException>(() => client.SendAsync(Options(), Ct));

        Assert.Equal([SipAttemptOutcomeKind.ServiceUnavailable, SipAttemptOutcomeKind.TransportError], error.Outcomes.Select(o => o.Kind));
        Assert.Equal("busy", error.Outcomes[0].Response!.Headers["Server"]);
        Assert.Contains("refused the TCP connection", error.Outcomes[1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_region_that_goes_silent_leaves_the_rotation_within_seconds_with_one_second_probes_and_returns_when_it_answers_again()
    {
        await using SippServer primary = await SippServer.StartAsync(SippScenario.Answer200("primary"), SipTransportProtocol.Udp, Ct);
        await using SippServer secondary = await SippServer.StartAsync(SippScenario.Answer200("secondary"), SipTransportProtocol.Udp, Ct);
        await using SipFailoverClient client = Client(Unique(), o =>
        {
            o.Regions.Add(new Region("primary", primary.Target.ToUri()));
            o.Regions.Add(new Region("secondary", secondary.Target.ToUri()) { Priority = 1 });
            o.FailbackDelay = TimeSpan.FromSeconds(1);
        });
        var removed = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var silentSince = new Stopwatch();
        client.HealthChanged += (_, e) =>
        {
            if (e.Region.Name == "primary" && e.Current == RegionHealth.Unhealthy)
            {
                removed.TrySetResult(silentSince.Elapsed);
            }
        };
        await using var probes = new ProbeLoop(client, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(800));
        Assert.Equal("primary", (await client.SendAsync(Options(), Ct)).Headers["Server"]);

        primary.Suspend();
        silentSince.Start();
        TimeSpan detection = await removed.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        // A bare transaction would wait Timer F, 32 s; two failed 1-second probes take the region out in about 2-3 s.
        TestContext.Current.TestOutputHelper?.WriteLine($"silent region removed from rotation after {detection.TotalMilliseconds:0} ms");
        Assert.True(detection < TimeSpan.FromSeconds(10), $"removal took {detection.TotalMilliseconds:0} ms");
        var clock = Stopwatch.StartNew();
        Assert.Equal("secondary", (await client.SendAsync(Options(), Ct)).Headers["Server"]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"a request after the removal took {clock.ElapsedMilliseconds} ms");

        primary.Resume();
        bool back = false;
        for (int i = 0; i < 300 && !back; i++)
        {
            back = (await client.SendAsync(Options(), Ct)).Headers["Server"] == "primary";
            if (!back)
            {
                await Task.Delay(50, Ct);
            }
        }

        Assert.True(back, "the primary did not get traffic back after it answered probes again and the failback delay passed");
    }

    private static SipFailoverClient Client(string name, Action<SipFailoverOptions> configure)
    {
        var options = new SipFailoverOptions();
        configure(options);
        return new SipFailoverClient(name, options);
    }

    private static SipRequest Options() => new("OPTIONS", "sip:carrier.example");

    private static string Unique() => "sip-" + Guid.NewGuid().ToString("N")[..8];
}
