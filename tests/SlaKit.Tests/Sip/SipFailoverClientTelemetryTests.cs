using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Regions;
using SlaKit.Sip;
using static SlaKit.Tests.Sip.SipTestMessages;

namespace SlaKit.Tests.Sip;

/// <summary>What a <see cref="SipFailoverClient"/> counts, traces and logs for each attempt, and what it refuses once disposed.</summary>
public sealed class SipFailoverClientTelemetryTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
    private readonly Region _primary = new("primary", new Uri("sip:10.0.0.1:5060"));
    private readonly Region _secondary = new("secondary", new Uri("sip:10.0.0.2:5060")) { Priority = 1 };
    private readonly InMemorySipConnection _a = new(new SipTarget("10.0.0.1"));
    private readonly InMemorySipConnection _b = new(new SipTarget("10.0.0.2"));
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeLogCollector _logs = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly FailoverTelemetry _telemetry;
    private readonly List<Activity> _traced = [];
    private readonly ActivityListener _listener;
    private SipFailoverClient? _client;

    public SipFailoverClientTelemetryTests()
    {
        _loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(_logs)));
        _telemetry = new FailoverTelemetry(_services.GetRequiredService<IMeterFactory>());
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source == _telemetry.ActivitySource,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                lock (_traced)
                {
                    _traced.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        _listener.Dispose();
        _telemetry.Dispose();
        _loggerFactory.Dispose();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task Each_request_attempt_is_counted_traced_and_a_failed_one_logged_with_its_region_method_and_outcome()
    {
        _a.Responder = r => ResponseTo(r, 503, "Service Unavailable");
        _b.Responder = r => ResponseTo(r, 202, "Accepted");
        using var attempts = new MetricCollector<long>(_services.GetRequiredService<IMeterFactory>(), "SlaKit", "slakit.failover.attempts");

        SipResponse response = await Client().SendAsync(Message(), Ct);

        Assert.Equal(202, response.StatusCode);
        Assert.Equal(
            [("carrier", "primary", "transient_status", "MESSAGE"), ("carrier", "secondary", "success", "MESSAGE")],
            attempts.GetMeasurementSnapshot().Select(static m => (m.Tags["client"], m.Tags["region"], m.Tags["outcome"], m.Tags["method"])).ToList<(object?, object?, object?, object?)>());
        Assert.Equal(
            [
                ("slakit.sip.attempt", ActivityKind.Client, "carrier", "primary", "MESSAGE", "transient_status", 503),
                ("slakit.sip.attempt", ActivityKind.Client, "carrier", "secondary", "MESSAGE", "success", 202),
            ],
            Traced().Select(static a => (
                a.OperationName, a.Kind, a.GetTagItem("slakit.client"), a.GetTagItem("slakit.region"), a.GetTagItem("sip.method"),
                a.GetTagItem("slakit.outcome"), a.GetTagItem("sip.status_code"))).ToList<(string, ActivityKind, object?, object?, object?, object?, object?)>());

        FakeLogRecord failed = Assert.Single(_logs.GetSnapshot(), static r => r.Id.Name == "SipAttemptFailed");
        Assert.Equal(
            (LogLevel.Information, "SlaKit.Sip.SipFailover.carrier", "Client carrier: MESSAGE to region primary failed (primary: 503 Service Unavailable after 0ms); trying the next region."),
            (failed.Level, failed.Category, failed.Message));
    }

    [Fact]
    public async Task A_request_that_fails_everywhere_lists_every_outcome_in_order_in_its_log_and_exception()
    {
        _a.Responder = r => ResponseTo(r, 503, "Service Unavailable");
        _b.OpenFailure = "refused";

        SipFailoverException error = await Assert.ThrowsAsync<SipFailoverException>(() => Client().SendAsync(Message(), Ct));

        const string Outcomes = "primary: 503 Service Unavailable after 0ms; secondary: refused after 0ms";
        Assert.Equal($"MESSAGE failed in every region of SIP client 'carrier': {Outcomes}.", error.Message);
        FakeLogRecord logged = Assert.Single(_logs.GetSnapshot(), static r => r.Id.Name == "AllRegionsFailed");
        Assert.Equal($"Client carrier: MESSAGE sip:bob@carrier.example failed in every region: {Outcomes}.", logged.Message);
        Assert.Equal(
            ["Client carrier: MESSAGE to region primary failed (primary: 503 Service Unavailable after 0ms); trying the next region.",
             "Client carrier: MESSAGE to region secondary failed (secondary: refused after 0ms); trying the next region."],
            _logs.GetSnapshot().Where(static r => r.Id.Name == "SipAttemptFailed").Select(static r => r.Message));
        Assert.Equal(["transient_status", "transport_error"], Traced().Select(static a => a.GetTagItem("slakit.outcome")));
        Assert.Null(Traced()[1].GetTagItem("sip.status_code"));
    }

    [Fact]
    public async Task A_connection_that_does_not_open_within_the_connect_timeout_is_a_transport_error_of_its_region_named_with_that_bound()
    {
        _a.Connecting = static ct => Task.Delay(Timeout.InfiniteTimeSpan, ct);
        _b.Responder = r => ResponseTo(r, 200, "OK");
        SipFailoverClient client = Client();
        var reasons = new List<(string, string)>();
        client.HealthChanged += (_, e) => reasons.Add((e.Region.Name, e.Reason));

        Task<SipResponse> sending = client.SendAsync(Message(), Ct);
        _time.Advance(SipFailoverOptions.DefaultConnectTimeout);
        SipResponse response = await sending.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(200, response.StatusCode);
        FakeLogRecord failed = Assert.Single(_logs.GetSnapshot(), static r => r.Id.Name == "SipAttemptFailed");
        Assert.Equal(
            "Client carrier: MESSAGE to region primary failed (primary: the UDP connection to 10.0.0.1:5060 did not open within ConnectTimeout (5s) after 5s); trying the next region.",
            failed.Message);
        Assert.Equal(["transport_error", "success"], Traced().Select(static a => a.GetTagItem("slakit.outcome")));
        Assert.Equal([("primary", "a transport error (the UDP connection to 10.0.0.1:5060 did not open within ConnectTimeout (5s))")], reasons);
    }

    [Fact]
    public async Task An_attempt_cut_by_the_attempt_timeout_is_a_timeout_of_that_region_named_with_the_time_it_waited()
    {
        _b.Responder = r => ResponseTo(r, 200, "OK");
        SipFailoverClient client = Client(o => o.AttemptTimeout = TimeSpan.FromSeconds(2));
        var reasons = new List<(string, string)>();
        client.HealthChanged += (_, e) => reasons.Add((e.Region.Name, e.Reason));

        Task<SipResponse> sending = client.SendAsync(Message(), Ct);
        _a.WaitForSent("MESSAGE");
        _time.Advance(TimeSpan.FromSeconds(2));
        SipResponse response = await sending;

        Assert.Equal(200, response.StatusCode);
        FakeLogRecord failed = Assert.Single(_logs.GetSnapshot(), static r => r.Id.Name == "SipAttemptFailed");
        Assert.Equal("Client carrier: MESSAGE to region primary failed (primary: no answer within the attempt timeout (2s) after 2s); trying the next region.", failed.Message);
        Assert.Equal(["timeout", "success"], Traced().Select(static a => a.GetTagItem("slakit.outcome")));
        Assert.Equal([("primary", "it did not answer within 2s")], reasons);
    }

    [Fact]
    public async Task Each_call_attempt_is_counted_traced_and_logged_and_the_callees_answer_is_logged_as_declined()
    {
        _a.Responder = r => r.Method == "INVITE" ? ResponseTo(r, 503, "Service Unavailable") : null;
        _b.Responder = r => r.Method == "INVITE" ? ResponseTo(r, 486, "Busy Here") : null;
        using var attempts = new MetricCollector<long>(_services.GetRequiredService<IMeterFactory>(), "SlaKit", "slakit.failover.attempts");

        SipCallDeclinedException declined = await Assert.ThrowsAsync<SipCallDeclinedException>(() => Client().InviteAsync(Invite(), Ct));

        Assert.Equal(486, declined.Response!.StatusCode);
        Assert.Equal(
            [("primary", "transient_status", "INVITE"), ("secondary", "success", "INVITE")],
            attempts.GetMeasurementSnapshot().Select(static m => (m.Tags["region"], m.Tags["outcome"], m.Tags["method"])).ToList<(object?, object?, object?)>());
        Assert.Equal(
            [("primary", "INVITE", "transient_status", 503), ("secondary", "INVITE", "success", 486)],
            Traced().Select(static a => (a.GetTagItem("slakit.region"), a.GetTagItem("sip.method"), a.GetTagItem("slakit.outcome"), a.GetTagItem("sip.status_code")))
                .ToList<(object?, object?, object?, object?)>());
        IReadOnlyList<FakeLogRecord> logs = _logs.GetSnapshot();
        Assert.Equal(
            "Client carrier: INVITE to region primary failed (primary: 503 Service Unavailable after 0ms); trying the next region.",
            Assert.Single(logs, static r => r.Id.Name == "SipAttemptFailed").Message);
        FakeLogRecord callDeclined = Assert.Single(logs, static r => r.Id.Name == "SipCallDeclined");
        Assert.Equal(LogLevel.Information, callDeclined.Level);
        Assert.Matches("^Client carrier: call [^ ]+ on trunk secondary ended with the callee's answer \\(secondary: 486 Busy Here after 0ms\\); no other trunk is tried\\.$", callDeclined.Message);
    }

    [Fact]
    public async Task A_call_no_trunk_carries_is_logged_once_with_every_outcome()
    {
        _a.Responder = r => r.Method == "INVITE" ? ResponseTo(r, 503, "Service Unavailable") : null;
        _b.Responder = r => r.Method == "INVITE" ? ResponseTo(r, 500, "Server Internal Error") : null;

        SipFailoverException error = await Assert.ThrowsAsync<SipFailoverException>(() => Client().InviteAsync(Invite(), Ct));

        const string Outcomes = "primary: 503 Service Unavailable after 0ms; secondary: 500 Server Internal Error after 0ms";
        Assert.Contains(Outcomes, error.Message, StringComparison.Ordinal);
        FakeLogRecord logged = Assert.Single(_logs.GetSnapshot(), static r => r.Id.Name == "AllRegionsFailed");
        Assert.Equal($"Client carrier: INVITE sip:+4930123456@carrier.example failed in every region: {Outcomes}.", logged.Message);
        Assert.Equal(2, _logs.GetSnapshot().Count(static r => r.Id.Name == "SipAttemptFailed"));
    }

    [Fact]
    public async Task A_cancelled_call_attempt_is_counted_and_traced_as_cancelled()
    {
        _a.Responder = r => r.Method switch
        {
            "INVITE" => ResponseTo(r, 180, "Ringing"),
            "CANCEL" => ResponseTo(r, 200, "OK"),
            _ => null,
        };
        using var attempts = new MetricCollector<long>(_services.GetRequiredService<IMeterFactory>(), "SlaKit", "slakit.failover.attempts");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task<SipCall> placing = Client().InviteAsync(Invite(), cancel.Token);
        _a.WaitForSent("INVITE");

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => placing);
        Assert.Equal(
            [("primary", "cancelled", "INVITE")],
            attempts.GetMeasurementSnapshot().Select(static m => (m.Tags["region"], m.Tags["outcome"], m.Tags["method"])).ToList<(object?, object?, object?)>());
        Assert.Equal("cancelled", Assert.Single(Traced()).GetTagItem("slakit.outcome"));
    }

    [Fact]
    public async Task Health_changes_reach_the_clients_subscribers_until_they_unsubscribe()
    {
        _a.Responder = r => ResponseTo(r, 503, "Service Unavailable");
        _b.Responder = r => ResponseTo(r, 200, "OK");
        SipFailoverClient client = Client();
        var changes = new List<(string Region, RegionHealth Health)>();
        void Note(object? sender, RegionHealthChangedEventArgs e) => changes.Add((e.Region.Name, e.Current));
        client.HealthChanged += Note;

        await client.SendAsync(Message(), Ct);
        client.HealthChanged -= Note;
        await client.SendAsync(Message(), Ct);

        Assert.Equal([("primary", RegionHealth.Degraded)], changes);
        Assert.Equal(RegionHealth.Unhealthy, client.GetStatus()[0].Health);
    }

    [Fact]
    public async Task A_disposed_client_refuses_requests_and_calls_and_may_be_disposed_again()
    {
        SipFailoverClient client = Client();

        await client.DisposeAsync();
        await client.DisposeAsync();
        client.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.SendAsync(Message(), Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.InviteAsync(Invite(), Ct));
        Assert.Empty(_a.Sent);
    }

    [Fact]
    public void A_probe_is_made_only_for_a_region_the_client_has()
    {
        SipFailoverClient client = Client(o => (o.T1, o.T2) = (TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)));

        Assert.Throws<ArgumentNullException>("regionName", () => client.CreateProbe(null!));
        Assert.Throws<ArgumentException>("regionName", () => client.CreateProbe(""));
        ArgumentException unknown = Assert.Throws<ArgumentException>("regionName", () => client.CreateProbe("elsewhere"));
        Assert.StartsWith("SIP client 'carrier' has no region named 'elsewhere'.", unknown.Message, StringComparison.Ordinal);

        using SipOptionsProbe probe = client.CreateProbe("SECONDARY");
        Assert.Equal(_b.Target, probe.Target);
    }

    [Fact]
    public async Task A_silent_region_is_named_with_timer_f()
    {
        _b.Responder = r => ResponseTo(r, 200, "OK");
        Task<SipResponse> sending = Client().SendAsync(Message(), Ct);
        _a.WaitForSent("MESSAGE");
        for (int i = 0; i < 320 && !sending.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        await sending;
        Assert.Equal(
            "Client carrier: MESSAGE to region primary failed (primary: no answer within Timer F (32s) after 32s); trying the next region.",
            Assert.Single(_logs.GetSnapshot(), static r => r.Id.Name == "SipAttemptFailed").Message);
    }

    [Fact]
    public async Task A_call_completed_handler_that_throws_is_logged_as_an_error_with_its_exception()
    {
        _a.Responder = r => r.Method == "INVITE" ? ResponseTo(r, 486, "Busy Here") : null;
        SipFailoverClient client = Client();
        var bug = new InvalidOperationException("a subscriber's bug");
        client.CallCompleted += (_, _) => throw bug;

        await Assert.ThrowsAsync<SipCallDeclinedException>(() => client.InviteAsync(Invite(), Ct));

        FakeLogRecord logged = Assert.Single(_logs.GetSnapshot(), static r => r.Id.Name == "SipCallCompletedHandlerThrew");
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Same(bug, logged.Exception);
        Assert.Matches("^Client carrier: a CallCompleted handler threw for call [^ ]+; the call goes on\\.$", logged.Message);
    }

    [Fact]
    public async Task A_disposed_client_leaves_the_health_and_active_call_gauges()
    {
        SipFailoverClient client = Client();
        IMeterFactory meters = _services.GetRequiredService<IMeterFactory>();
        using var health = new MetricCollector<int>(meters, "SlaKit", "slakit.region.health");
        using var calls = new MetricCollector<int>(meters, "SlaKit", "slakit.sip.active_calls");

        health.RecordObservableInstruments();
        calls.RecordObservableInstruments();
        Assert.Equal(["primary", "secondary"], health.GetMeasurementSnapshot().Where(static m => Equals(m.Tags["client"], "carrier")).Select(static m => m.Tags["region"]));
        Assert.Equal(["primary", "secondary"], calls.GetMeasurementSnapshot().Where(static m => Equals(m.Tags["client"], "carrier")).Select(static m => m.Tags["region"]));

        await client.DisposeAsync();
        health.Clear();
        calls.Clear();
        health.RecordObservableInstruments();
        calls.RecordObservableInstruments();

        Assert.DoesNotContain(health.GetMeasurementSnapshot(), static m => Equals(m.Tags["client"], "carrier"));
        Assert.DoesNotContain(calls.GetMeasurementSnapshot(), static m => Equals(m.Tags["client"], "carrier"));
    }

    [Fact]
    public async Task A_call_starts_a_background_trial_of_a_down_trunk_which_does_not_count_as_traffic_served()
    {
        _a.OpenFailure = "refused";
        _b.Responder = r => r.Method == "INVITE" ? ResponseTo(r, 486, "Busy Here") : null;
        SipFailoverClient client = Client();
        await Assert.ThrowsAsync<SipCallDeclinedException>(() => client.InviteAsync(Invite(), Ct));
        await Assert.ThrowsAsync<SipCallDeclinedException>(() => client.InviteAsync(Invite(), Ct));
        Assert.Equal(RegionHealth.Unhealthy, client.GetStatus()[0].Health);

        _a.OpenFailure = null;
        _a.Responder = r => ResponseTo(r, 200, "OK");
        _time.Advance(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<SipCallDeclinedException>(() => client.InviteAsync(Invite(), Ct));

        _a.WaitForSent("OPTIONS");
        Assert.Equal("OPTIONS", Assert.Single(_a.Sent).Method);
        await client.DisposeAsync(); // waits for the trial
        // The call after a went down started at b, the one switch; the trial that found a up again is none.
        Assert.Equal(
            ["Client carrier: traffic switched from region primary to region secondary."],
            _logs.GetSnapshot().Where(static r => r.Id.Name == "RegionSwitched").Select(static r => r.Message));
        Assert.Equal(3, _b.Sent.Count(static r => r.Method == "INVITE"));
    }

    private static SipRequest Message()
    {
        var request = new SipRequest("MESSAGE", "sip:bob@carrier.example") { Body = "hello"u8.ToArray() };
        request.Headers.Add("Content-Type", "text/plain");
        return request;
    }

    private static SipRequest Invite()
    {
        var request = new SipRequest("INVITE", "sip:+4930123456@carrier.example");
        request.Headers.Add("From", "<sip:agent@callcentre.example>;tag=agent1");
        return request;
    }

    private List<Activity> Traced()
    {
        lock (_traced)
        {
            return [.. _traced];
        }
    }

    private SipFailoverClient Client(Action<SipFailoverOptions>? configure = null)
    {
        var options = new SipFailoverOptions();
        options.Regions.Add(_primary);
        options.Regions.Add(_secondary);
        configure?.Invoke(options);
        var connections = new Dictionary<SipTarget, InMemorySipConnection> { [_a.Target] = _a, [_b.Target] = _b };
        return _client = new SipFailoverClient("carrier", options, _time, _loggerFactory, _telemetry, ownsTelemetry: false, target => connections[target], new Random(1));
    }
}
