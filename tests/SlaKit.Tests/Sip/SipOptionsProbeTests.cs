using Microsoft.Extensions.Time.Testing;
using SlaKit.Probes;
using SlaKit.Sip;
using static SlaKit.Tests.Sip.SipTestMessages;

namespace SlaKit.Tests.Sip;

public sealed class SipOptionsProbeTests : IAsyncDisposable
{
    private static readonly SipTarget Server = new("10.0.0.9", 5070);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemorySipConnection _connection = new(Server);
    private SipOptionsProbe? _probe;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_probe is not null)
        {
            await _probe.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sends_an_rfc_3261_options_request()
    {
        _connection.Responder = r => ResponseTo(r, 200, "OK");

        await Probe().ProbeAsync(Token);

        SipRequest sent = Assert.Single(_connection.Sent); // it parsed, so every mandatory header is there and well formed
        Assert.Equal("OPTIONS", sent.Method);
        Assert.Equal("sip:10.0.0.9:5070", sent.RequestUri);
        Assert.Equal("Via", sent.Headers.First().Key);
        Assert.StartsWith("z9hG4bK", Branch(sent), StringComparison.Ordinal);
        Assert.Equal("70", sent.Headers["Max-Forwards"]);
        Assert.Matches("^<sip:slakit@slakit.invalid>;tag=[0-9a-f]{16}$", sent.Headers["From"]);
        Assert.Equal("<sip:10.0.0.9:5070>", sent.Headers["To"]);
        Assert.Matches("^[0-9a-f]{32}$", sent.Headers["Call-ID"]);
        Assert.Equal("1 OPTIONS", sent.Headers["CSeq"]);
        Assert.Equal("application/sdp", sent.Headers["Accept"]);
        Assert.Equal("0", sent.Headers["Content-Length"]);
    }

    [Fact]
    public async Task A_200_is_healthy_with_the_round_trip_as_latency()
    {
        ValueTask<HealthProbeResult> pending = Probe().ProbeAsync(Token);
        _time.Advance(TimeSpan.FromMilliseconds(42));
        _connection.Receive(ResponseTo(_connection.Sent[0], 200, "OK"));

        HealthProbeResult result = await pending;

        Assert.Equal(new HealthProbeResult(ProbeStatus.Healthy, TimeSpan.FromMilliseconds(42), "200 OK"), result);
    }

    [Fact]
    public async Task A_503_is_unhealthy_and_says_how_long_to_stay_away()
    {
        _connection.Responder = r => ResponseTo(r, 503, "Service Unavailable", ("Retry-After", "30"));

        HealthProbeResult result = await Probe().ProbeAsync(Token);

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.Equal("503 Service Unavailable (Retry-After 30s)", result.Detail);
    }

    [Fact]
    public async Task Accepted_codes_are_configurable()
    {
        var options = new SipOptionsProbeOptions();
        options.AcceptedStatusCodes.Clear();
        options.AcceptedStatusCodes.Add(404);
        options.AcceptedStatusCodes.Add(405);
        int code = 405;
        _connection.Responder = r => ResponseTo(r, code, "Method Not Allowed");
        SipOptionsProbe probe = Probe(options);

        Assert.Equal(ProbeStatus.Healthy, (await probe.ProbeAsync(Token)).Status);
        code = 200;
        Assert.Equal(ProbeStatus.Unhealthy, (await probe.ProbeAsync(Token)).Status);
    }

    [Fact]
    public async Task No_answer_is_unhealthy_after_the_probe_timeout()
    {
        var options = new SipOptionsProbeOptions { Timeout = TimeSpan.FromSeconds(2) };
        ValueTask<HealthProbeResult> pending = Probe(options).ProbeAsync(Token);

        // In steps: a fake clock advanced at once re-arms timers from the end of the step.
        for (int i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        HealthProbeResult result = await pending;

        Assert.Equal(new HealthProbeResult(ProbeStatus.Unhealthy, TimeSpan.FromSeconds(2), "no answer within 2s"), result);
        Assert.Equal(3, _connection.Sent.Count); // sent at 0, retransmitted at 0.5 s and 1.5 s
    }

    [Fact]
    public async Task Timer_f_ends_the_probe_when_it_is_shorter_than_the_timeout()
    {
        var options = new SipOptionsProbeOptions { T1 = TimeSpan.FromMilliseconds(10), Timeout = TimeSpan.FromSeconds(5) };
        ValueTask<HealthProbeResult> pending = Probe(options).ProbeAsync(Token);

        _time.Advance(TimeSpan.FromMilliseconds(640));
        HealthProbeResult result = await pending;

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.Equal("no answer within Timer F (640ms)", result.Detail);
    }

    [Fact]
    public async Task A_transport_error_is_unhealthy_at_once()
    {
        ValueTask<HealthProbeResult> pending = Probe().ProbeAsync(Token);
        _connection.BreakTransport("10.0.0.9:5070 is unreachable over UDP (ICMP port unreachable: nothing listens there)");

        HealthProbeResult result = await pending;

        Assert.Equal(ProbeStatus.Unhealthy, result.Status);
        Assert.StartsWith("transport error: 10.0.0.9:5070 is unreachable", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_schedulers_cancellation_makes_it_unhealthy_rather_than_throwing()
    {
        using var cancel = new CancellationTokenSource();
        ValueTask<HealthProbeResult> pending = Probe().ProbeAsync(cancel.Token);
        _time.Advance(TimeSpan.FromMilliseconds(700));

        await cancel.CancelAsync();

        Assert.Equal(new HealthProbeResult(ProbeStatus.Unhealthy, TimeSpan.FromMilliseconds(700), "no answer within 700ms"), await pending);
    }

    [Fact]
    public async Task Each_probe_is_a_new_transaction_with_a_new_call_id()
    {
        _connection.Responder = r => ResponseTo(r, 200, "OK");
        SipOptionsProbe probe = Probe();

        await probe.ProbeAsync(Token);
        await probe.ProbeAsync(Token);

        Assert.NotEqual(_connection.Sent[0].Headers["Call-ID"], _connection.Sent[1].Headers["Call-ID"]);
        Assert.NotEqual(Branch(_connection.Sent[0]), Branch(_connection.Sent[1]));
    }

    [Fact]
    public async Task Disposing_closes_the_connection()
    {
        await Probe().DisposeAsync();

        Assert.True(_connection.Disposed);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await _probe!.ProbeAsync(Token));
    }

    [Fact]
    public void Invalid_options_are_refused_with_every_problem_named()
    {
        var options = new SipOptionsProbeOptions { T1 = TimeSpan.Zero, T2 = TimeSpan.FromSeconds(-1), Timeout = TimeSpan.Zero, UserAgent = "a\r\nb" };
        options.AcceptedStatusCodes.Add(180);

        ArgumentException error = Assert.Throws<ArgumentException>("options", () => new SipOptionsProbe(Server, options));

        foreach (string named in new[] { "180", "T1", "T2", "Timeout", "UserAgent" })
        {
            Assert.Contains(named, error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(200, 699, 1, 1)]
    [InlineData(200, 699, 60_000, 60_000)]
    public void Options_at_their_bounds_are_accepted(int lowest, int highest, int t1Milliseconds, int t2Milliseconds)
    {
        var options = new SipOptionsProbeOptions { T1 = TimeSpan.FromMilliseconds(t1Milliseconds), T2 = TimeSpan.FromMilliseconds(t2Milliseconds) };
        options.AcceptedStatusCodes.Add(lowest);
        options.AcceptedStatusCodes.Add(highest);

        Assert.Empty(options.Problems());
        Assert.Equal("SlaKit", new SipOptionsProbeOptions().UserAgent);
    }

    [Fact]
    public void Options_just_past_their_bounds_are_refused_one_problem_each()
    {
        static List<string> ProblemsOf(Action<SipOptionsProbeOptions> spoil)
        {
            var options = new SipOptionsProbeOptions();
            spoil(options);
            return options.Problems();
        }

        Assert.Equal(["AcceptedStatusCodes is empty: accept at least one status code, such as 200."], ProblemsOf(static o => o.AcceptedStatusCodes.Clear()));
        Assert.Equal(["AcceptedStatusCodes holds 700, which is not a final status code (200 to 699)."], ProblemsOf(static o => o.AcceptedStatusCodes.Add(700)));
        Assert.Equal(["T1 (00:00:00) must be positive and at most one minute."], ProblemsOf(static o => o.T1 = TimeSpan.Zero));
        Assert.Equal(
            ["T1 (00:01:00.0000001) must be positive and at most one minute."],
            ProblemsOf(static o => (o.T1, o.T2) = (TimeSpan.FromMinutes(1) + TimeSpan.FromTicks(1), TimeSpan.FromMinutes(2))));
        Assert.Equal(["T2 (00:00:00.4999999) must be at least T1 (00:00:00.5000000)."], ProblemsOf(static o => o.T2 = TimeSpan.FromMilliseconds(500) - TimeSpan.FromTicks(1)));
        Assert.Empty(ProblemsOf(static o => o.T2 = o.T1));
        ArgumentException error = Assert.Throws<ArgumentException>("options", () => new SipOptionsProbe(Server, new SipOptionsProbeOptions { T1 = TimeSpan.Zero, T2 = TimeSpan.FromTicks(-1) }));
        Assert.StartsWith("T1 (00:00:00) must be positive and at most one minute. T2 (-00:00:00.0000001) must be at least T1 (00:00:00).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_one_shot_form_refuses_a_target_that_is_not_a_sip_uri()
    {
        FormatException error = await Assert.ThrowsAsync<FormatException>(() => SipOptionsProbe.ProbeOnceAsync("sip:host:99999", cancellationToken: Token));

        Assert.Contains("99999", error.Message, StringComparison.Ordinal);
    }

    private SipOptionsProbe Probe(SipOptionsProbeOptions? options = null) =>
        _probe = new SipOptionsProbe(Server, options, _time, _ => _connection);
}
