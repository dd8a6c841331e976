using Microsoft.Extensions.Time.Testing;
using SlaKit.Probes;
using SlaKit.Regions;
using SlaKit.Sip;

namespace SlaKit.Tests.Sip;

public class SipRegionSelectorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly Region _primary = new("primary", new Uri("sip:10.0.0.1:5060"));
    private readonly Region _secondary = new("secondary", new Uri("sip:10.0.0.2:5060;transport=tcp")) { Priority = 1 };

    [Fact]
    public void Orders_regions_by_priority()
    {
        SipRegionSelector selector = Selector(_secondary, _primary);

        Assert.Equal([_primary, _secondary], selector.SelectRegions());
        Assert.Same(_primary, selector.SelectRegion());
        Assert.Equal([_secondary, _primary], selector.Regions);
    }

    [Fact]
    public void Shares_one_priority_by_weight_as_rfc_2782_shares_srv_targets()
    {
        var heavy = new Region("heavy", new Uri("sip:10.0.0.3")) { Weight = 3 };
        var light = new Region("light", new Uri("sip:10.0.0.4")) { Weight = 1 };
        SipRegionSelector selector = Selector(new Random(2782), heavy, light, _secondary);

        const int Requests = 20_000;
        int heavyFirst = 0;
        for (int i = 0; i < Requests; i++)
        {
            IReadOnlyList<Region> order = selector.SelectRegions();
            heavyFirst += order[0] == heavy ? 1 : 0;
            Assert.Same(_secondary, order[2]);
        }

        // RFC 2782: a target is chosen first with probability weight / total weight, here 3/4.
        Assert.InRange(heavyFirst / (double)Requests, 0.73, 0.77);
    }

    [Fact]
    public void A_down_backup_is_not_put_ahead_of_a_healthy_primary_after_its_break()
    {
        // A SIP request waits on its first region: a trial of a backup would hold it up while the primary serves.
        SipRegionSelector selector = Selector(_primary, _secondary);
        selector.ReportTimeout(_secondary);
        selector.ReportTimeout(_secondary);
        Assert.Equal([_primary], selector.SelectRegions());

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Same(_primary, selector.SelectRegion());
        Assert.Equal([_primary], selector.SelectRegions());
    }

    [Fact]
    public void A_503_whose_retry_after_capped_by_max_retry_after_is_shorter_than_the_break_counts_as_a_failure()
    {
        var options = new SipFailoverOptions { MaxRetryAfter = TimeSpan.FromSeconds(1) };
        options.Regions.Add(_primary);
        options.Regions.Add(_secondary);
        var selector = new SipRegionSelector("carrier", options, _time, null, new Random(1), FailoverTelemetry.Shared);

        // An hour asked for, a second granted: out a second at a time, it must still be marked down.
        for (int i = 0; i < 2; i++)
        {
            selector.ReportResponse(_primary, 503, TimeSpan.FromHours(1));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(RegionHealth.Unhealthy, selector.GetStatus()[0].Health);
    }

    [Fact]
    public void A_503_with_retry_after_keeps_the_region_out_for_that_long_and_no_longer()
    {
        SipRegionSelector selector = Selector(_primary, _secondary);

        selector.ReportResponse(_primary, 503, TimeSpan.FromSeconds(30));

        Assert.Equal([_secondary], selector.SelectRegions());
        _time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.Equal([_secondary], selector.SelectRegions());
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal([_primary, _secondary], selector.SelectRegions());
        Assert.Equal(RegionHealth.Healthy, selector.GetStatus()[0].Health);
    }

    [Fact]
    public void A_503_with_a_retry_after_shorter_than_the_break_counts_as_a_failure_and_keeps_the_region_out_for_its_delay()
    {
        SipRegionSelector selector = Selector(_primary, _secondary);

        selector.ReportResponse(_primary, 503, TimeSpan.FromSeconds(1));

        Assert.Equal([_secondary], selector.SelectRegions());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([_primary, _secondary], selector.SelectRegions());
        Assert.Equal(RegionHealth.Degraded, selector.GetStatus()[0].Health);

        // A second such answer in a row marks it down, as a second bare 503 would.
        selector.ReportResponse(_primary, 503, TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(RegionHealth.Unhealthy, selector.GetStatus()[0].Health);
        Assert.Equal([_secondary], selector.SelectRegions());
    }

    [Fact]
    public void Retry_after_is_capped_by_max_retry_after()
    {
        SipRegionSelector selector = Selector(_primary, _secondary);
        var response = new SipResponse(503, "Service Unavailable");
        response.Headers.Add("Retry-After", "3600");

        selector.ReportResponse(_primary, response);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Same(_primary, selector.SelectRegion());
    }

    [Fact]
    public void Timeouts_transport_errors_and_bare_503s_in_a_row_mark_a_region_down()
    {
        SipRegionSelector selector = Selector(_primary, _secondary);

        selector.ReportTimeout(_primary);
        Assert.Equal(RegionHealth.Degraded, selector.GetStatus()[0].Health);
        Assert.Same(_primary, selector.SelectRegion()); // a better priority, even degraded, comes first

        selector.ReportResponse(_primary, 200);
        selector.ReportTransportError(_primary, "ICMP port unreachable");
        Assert.Equal(RegionHealth.Degraded, selector.GetStatus()[0].Health);

        selector.ReportResponse(_primary, 503);
        Assert.Equal(RegionHealth.Unhealthy, selector.GetStatus()[0].Health);
        Assert.Equal([_secondary], selector.SelectRegions());
    }

    [Fact]
    public void Any_final_answer_but_503_counts_as_the_region_being_up()
    {
        SipRegionSelector selector = Selector(_primary, _secondary);
        selector.ReportTimeout(_primary);

        selector.ReportResponse(_primary, 404);

        Assert.Equal(RegionHealth.Healthy, selector.GetStatus()[0].Health);
    }

    [Fact]
    public void Probes_take_regions_out_up_front_and_bring_them_back_after_the_failback_delay()
    {
        SipRegionSelector selector = Selector(_primary, _secondary);

        selector.ReportProbeResult("primary", HealthProbeResult.Unhealthy(TimeSpan.FromSeconds(1), "no answer within 1s"));
        selector.ReportProbeResult("PRIMARY", RegionHealth.Unhealthy, "no answer");
        Assert.Equal([_secondary], selector.SelectRegions());

        selector.ReportProbeResult("primary", HealthProbeResult.Healthy(TimeSpan.FromMilliseconds(1), "200 OK"));
        selector.ReportProbeResult("primary", HealthProbeResult.Healthy(TimeSpan.FromMilliseconds(1), "200 OK"));
        Assert.Equal([_secondary, _primary], selector.SelectRegions()); // on standby
        Assert.True(selector.GetStatus()[0].IsStandby);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal([_primary, _secondary], selector.SelectRegions());
    }

    [Fact]
    public void When_every_region_is_down_all_are_offered_in_priority_order()
    {
        SipRegionSelector selector = Selector(_secondary, _primary);
        foreach (Region region in new[] { _primary, _secondary, _primary, _secondary })
        {
            selector.ReportTimeout(region);
        }

        Assert.Equal([_primary, _secondary], selector.SelectRegions());
    }

    [Fact]
    public void Without_probes_a_down_region_is_offered_to_one_request_at_a_time_after_the_break()
    {
        SipRegionSelector selector = Selector(_primary, _secondary);
        selector.ReportTimeout(_primary);
        selector.ReportTimeout(_primary);

        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal([_secondary], selector.SelectRegions());
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal([_primary, _secondary], selector.SelectRegions()); // the trial
        Assert.Equal([_secondary], selector.SelectRegions()); // one at a time

        selector.ReportResponse(_primary, 200);
        Assert.Equal([_primary, _secondary], selector.SelectRegions()); // recovering: the next trial
        selector.ReportResponse(_primary, 200);
        Assert.Equal([_secondary, _primary], selector.SelectRegions()); // recovered, on standby
    }

    [Fact]
    public void An_unreported_trial_frees_its_slot_after_timer_f()
    {
        SipRegionSelector selector = Selector(_primary, _secondary);
        selector.ReportTransportError(_primary);
        selector.ReportTransportError(_primary);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Same(_primary, selector.SelectRegion());

        _time.Advance(TimeSpan.FromSeconds(31.9));
        Assert.Same(_secondary, selector.SelectRegion());
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Same(_primary, selector.SelectRegion());
    }

    [Theory]
    [InlineData("primary", new[] { "secondary" })]
    [InlineData("secondary", new[] { "primary", "secondary" })]
    public void Probes_alone_bring_back_a_region_they_report_on_and_any_other_gets_its_trial(string probed, string[] afterTheBreak)
    {
        SipRegionSelector selector = Selector(_primary, _secondary);
        selector.ReportProbeResult(probed, RegionHealth.Healthy);
        selector.ReportTimeout(_primary);
        selector.ReportTimeout(_primary);
        Assert.Equal(["secondary"], selector.SelectRegions().Select(static r => r.Name));

        _time.Advance(TimeSpan.FromMinutes(1));

        // A trial of the primary goes first, with the secondary behind it; none while a probe reports on the primary.
        Assert.Equal(afterTheBreak, selector.SelectRegions().Select(static r => r.Name));
    }

    [Fact]
    public async Task A_region_a_probe_scheduler_watched_gets_its_trial_again_once_the_scheduler_stops()
    {
        SipRegionSelector selector = Selector(_primary, _secondary);
        selector.ReportTimeout(_primary);
        selector.ReportTimeout(_primary);
        var reported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var scheduler = new RegionProbeScheduler(
            selector, "primary", new DelegateProbe(static _ => ValueTask.FromResult(HealthProbeResult.Unhealthy(TimeSpan.Zero, "no answer"))), EverySecond, _time);
        scheduler.ProbeCompleted += (_, _) => reported.TrySetResult();
        scheduler.Start();
        await reported.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // While the scheduler runs its probes decide; its stopping leaves the region to trials again.
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(["secondary"], selector.SelectRegions().Select(static r => r.Name));
        await scheduler.StopAsync();
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(["primary", "secondary"], selector.SelectRegions().Select(static r => r.Name));
    }

    [Fact]
    public async Task Two_schedulers_of_one_region_leave_it_to_probes_until_both_stop_and_results_reported_by_hand_for_good()
    {
        SipRegionSelector selector = Selector(_primary, _secondary);
        var probe = new DelegateProbe(static _ => ValueTask.FromResult(HealthProbeResult.Unhealthy(TimeSpan.Zero, "no answer")));
        var first = new RegionProbeScheduler(selector, "primary", probe, EverySecond, _time);
        var second = new RegionProbeScheduler(selector, "PRIMARY", probe, EverySecond, _time);
        first.Start();
        second.Start();
        selector.ReportTimeout(_primary);
        selector.ReportTimeout(_primary);
        _time.Advance(TimeSpan.FromMinutes(1));

        await first.DisposeAsync();
        Assert.Equal(["secondary"], selector.SelectRegions().Select(static r => r.Name));
        await second.DisposeAsync();
        _time.Advance(TimeSpan.FromMinutes(1));
        IReadOnlyList<Region> trial = selector.SelectRegions();
        selector.ReportTimeout(_primary);
        selector.ReportProbeResult("primary", RegionHealth.Unhealthy, "no answer");
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(["primary", "secondary"], trial.Select(static r => r.Name));
        Assert.Equal(["secondary"], selector.SelectRegions().Select(static r => r.Name));
    }

    [Fact]
    public void Health_changes_are_raised_with_their_reason()
    {
        SipRegionSelector selector = Selector(_primary, _secondary);
        var changes = new List<RegionHealthChangedEventArgs>();
        selector.HealthChanged += (_, e) => changes.Add(e);

        selector.ReportTimeout(_primary);
        selector.ReportResponse(_primary, 503, TimeSpan.FromSeconds(10));

        Assert.Equal([(RegionHealth.Healthy, RegionHealth.Degraded), (RegionHealth.Degraded, RegionHealth.Unhealthy)], changes.Select(c => (c.Previous, c.Current)));
        Assert.All(changes, c => Assert.Equal("carrier", c.ClientName));
        Assert.Contains("Retry-After", changes[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Targets_take_the_default_transport_when_the_uri_names_none()
    {
        var options = new SipFailoverOptions { Transport = SipTransportProtocol.Tcp };
        options.Regions.Add(_primary);
        options.Regions.Add(new Region("udp", new Uri("sip:10.0.0.5:5070;transport=udp")));
        var selector = new SipRegionSelector("carrier", options, _time);

        Assert.Equal(new SipTarget("10.0.0.1", 5060, SipTransportProtocol.Tcp), selector.GetTarget(_primary));
        Assert.Equal(new SipTarget("10.0.0.5", 5070, SipTransportProtocol.Udp), selector.GetTarget(selector.Regions[1]));
    }

    [Fact]
    public void Reports_check_their_arguments()
    {
        SipRegionSelector selector = Selector(_primary, _secondary);
        var stranger = new Region("primary", new Uri("sip:10.0.0.1"));

        Assert.Throws<ArgumentOutOfRangeException>("statusCode", () => selector.ReportResponse(_primary, 180));
        Assert.Throws<ArgumentOutOfRangeException>("retryAfter", () => selector.ReportResponse(_primary, 503, TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentException>("region", () => selector.ReportTimeout(stranger));
        Assert.Throws<ArgumentException>("regionName", () => selector.ReportProbeResult("elsewhere", RegionHealth.Healthy));
        Assert.Throws<ArgumentOutOfRangeException>("observed", () => selector.ReportProbeResult("primary", (RegionHealth)9));
        Assert.Throws<ArgumentException>("options", () => new SipRegionSelector("carrier", new SipFailoverOptions()));
        Assert.Throws<ArgumentException>("name", () => new SipRegionSelector(" ", Options(_primary)));
    }

    [Fact]
    public void Each_report_gives_the_health_change_its_own_reason()
    {
        var third = new Region("third", new Uri("sip:10.0.0.3:5060"));
        var fourth = new Region("fourth", new Uri("sip:10.0.0.4:5060"));
        SipRegionSelector selector = Selector(_primary, _secondary, third, fourth);
        var reasons = new List<(string, RegionHealth, string)>();
        selector.HealthChanged += (_, e) => reasons.Add((e.Region.Name, e.Current, e.Reason));

        selector.ReportResponse(_primary, 503);
        selector.ReportTimeout(_secondary);
        selector.ReportTransportError(third);
        selector.ReportTransportError(fourth, "connection reset");
        selector.ReportResponse(_primary, new SipResponse(200, "OK"));

        Assert.Equal(
            [
                ("primary", RegionHealth.Degraded, "it answered 503"),
                ("secondary", RegionHealth.Degraded, "it did not answer within the transaction timeout"),
                ("third", RegionHealth.Degraded, "a transport error (unreachable)"),
                ("fourth", RegionHealth.Degraded, "a transport error (connection reset)"),
                ("primary", RegionHealth.Healthy, "it answered"),
            ],
            reasons);
    }

    [Fact]
    public void A_selection_that_starts_at_another_region_than_the_last_is_logged_as_a_switch_and_a_response_from_the_backup_alone_is_not()
    {
        var logs = new Microsoft.Extensions.Logging.Testing.FakeLogCollector();
        using var loggerFactory = new Microsoft.Extensions.Logging.LoggerFactory([new Microsoft.Extensions.Logging.Testing.FakeLoggerProvider(logs)]);
        var selector = new SipRegionSelector("carrier", Options(_primary, _secondary), _time, loggerFactory);

        Assert.Equal(_primary, selector.SelectRegion());
        selector.ReportResponse(_secondary, 486);
        Assert.DoesNotContain(logs.GetSnapshot(), static r => r.Id.Name == "RegionSwitched");

        selector.ReportTimeout(_primary);
        selector.ReportTimeout(_primary);
        Assert.Equal(_secondary, selector.SelectRegion());
        Assert.Equal(_secondary, selector.SelectRegion());

        Microsoft.Extensions.Logging.Testing.FakeLogRecord switched = Assert.Single(logs.GetSnapshot(), static r => r.Id.Name == "RegionSwitched");
        Assert.Equal(("SlaKit.Sip.SipFailover.carrier", "Client carrier: traffic switched from region primary to region secondary."), (switched.Category, switched.Message));
    }

    [Fact]
    public void Final_codes_from_200_to_699_and_a_retry_after_of_zero_are_accepted()
    {
        SipRegionSelector selector = Selector(_primary, _secondary);

        selector.ReportResponse(_primary, 200);
        selector.ReportResponse(_primary, 699);
        selector.ReportResponse(_primary, 503, TimeSpan.Zero);

        Assert.Equal([_primary, _secondary], selector.SelectRegions());
        Assert.Throws<ArgumentOutOfRangeException>("statusCode", () => selector.ReportResponse(_primary, 700));
        ArgumentOutOfRangeException negative = Assert.Throws<ArgumentOutOfRangeException>("retryAfter", () => selector.ReportResponse(_primary, 503, TimeSpan.FromTicks(-1)));
        Assert.StartsWith("Retry-After must not be negative.", negative.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>("response", () => selector.ReportResponse(_primary, null!));
        Assert.Throws<ArgumentNullException>("region", () => selector.ReportTimeout(null!));
        ArgumentException stranger = Assert.Throws<ArgumentException>("region", () => selector.ReportTransportError(new Region("primary", new Uri("sip:10.0.0.1"))));
        Assert.StartsWith("Region 'primary' is not one of SIP client 'carrier's regions.", stranger.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>("options", () => new SipRegionSelector("carrier", null!));

        // The 503 asked for no rest, so it counted as the failure it is.
        Assert.Equal(RegionHealth.Degraded, selector.GetStatus()[0].Health);
    }

    private static ProbeScheduleOptions EverySecond => new() { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromMilliseconds(400), Jitter = 0 };

    private SipRegionSelector Selector(params Region[] regions) => Selector(new Random(1), regions);

    private SipRegionSelector Selector(Random random, params Region[] regions) => new("carrier", Options(regions), _time, null, random, FailoverTelemetry.Shared);

    private static SipFailoverOptions Options(params Region[] regions)
    {
        var options = new SipFailoverOptions();
        foreach (Region region in regions)
        {
            options.Regions.Add(region);
        }

        return options;
    }
}
