using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;
using SlaKit.Telemetry;

namespace SlaKit.IntegrationTests;

/// <summary>What failover tells the outside: metrics, activities, logs, and region health through the monitor registry.</summary>
public sealed class TelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IRegionHealthMonitor Monitor(FailoverClient client) =>
        client.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor(FailoverClient.Name);

    private static async Task<string> GetAsync(FailoverClient client)
    {
        using HttpResponseMessage response = await client.Http.GetAsync("pay", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("X-Region").Single();
    }

    /// <summary>Records the SlaKit measurements of one container's meter factory, so tests running alongside do not interfere.</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();

        public Measurements(IMeterFactory scope)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SlaKitInstrumentation.MeterName && ReferenceEquals(instrument.Meter.Scope, scope))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        public ConcurrentQueue<(string Instrument, long Value, Dictionary<string, string?> Tags)> All { get; } = new();

        public void Observe() => _listener.RecordObservableInstruments();

        public long Sum(string instrument, params (string Key, string Value)[] tags) =>
            All.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.GetValueOrDefault(t.Key) == t.Value)).Sum(m => m.Value);

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                copy[tag.Key] = tag.Value?.ToString();
            }

            All.Enqueue((instrument.Name, value, copy));
        }
    }

    [Fact]
    public async Task Attempts_and_switches_are_counted_with_client_region_and_outcome()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = new FailoverClient(
            o =>
            {
                o.Regions.Add(new Region("a", a.BaseUri));
                o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            },
            services => services.AddMetrics());
        using var measurements = new Measurements(client.Services.GetRequiredService<IMeterFactory>());

        Assert.Equal("a", await GetAsync(client));
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("b", await GetAsync(client));
        Assert.Equal("b", await GetAsync(client));
        Assert.Equal("b", await GetAsync(client));

        const string attempts = "slakit.failover.attempts";
        Assert.Equal(1, measurements.Sum(attempts, ("client", "payments"), ("region", "a"), ("outcome", "success")));
        Assert.Equal(2, measurements.Sum(attempts, ("client", "payments"), ("region", "a"), ("outcome", "transient_status")));
        Assert.Equal(3, measurements.Sum(attempts, ("client", "payments"), ("region", "b"), ("outcome", "success")));
        Assert.Equal(6, measurements.Sum(attempts));
        // Traffic moved once, from a to b; staying on b is not a switch.
        Assert.Equal(1, measurements.Sum("slakit.failover.switches", ("client", "payments"), ("from", "a"), ("to", "b")));
        Assert.Equal(1, measurements.Sum("slakit.failover.switches"));

        measurements.Observe();
        Assert.Equal(0, measurements.Sum("slakit.region.health", ("client", "payments"), ("region", "a")));
        Assert.Equal(2, measurements.Sum("slakit.region.health", ("client", "payments"), ("region", "b")));
    }

    [Fact]
    public async Task Transport_and_timeout_outcomes_are_tagged_as_such()
    {
        await using var hole = new BlackHole();
        await using RegionServer c = await RegionServer.StartAsync("c");
        await using var client = new FailoverClient(
            o =>
            {
                o.Regions.Add(new Region("a", RefusedPort.Create()));
                o.Regions.Add(new Region("b", hole.BaseUri) { Priority = 1 });
                o.Regions.Add(new Region("c", c.BaseUri) { Priority = 2 });
                o.Hedging = HedgingMode.Off;
                o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
            },
            services => services.AddMetrics());
        using var measurements = new Measurements(client.Services.GetRequiredService<IMeterFactory>());

        Assert.Equal("c", await GetAsync(client));

        const string attempts = "slakit.failover.attempts";
        Assert.Equal(1, measurements.Sum(attempts, ("region", "a"), ("outcome", "transport_error")));
        Assert.Equal(1, measurements.Sum(attempts, ("region", "b"), ("outcome", "timeout")));
        Assert.Equal(1, measurements.Sum(attempts, ("region", "c"), ("outcome", "success")));
    }

    [Fact]
    public async Task The_monitor_registry_shows_region_health_changing_and_raises_health_changed()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.BreakDuration = TimeSpan.FromMilliseconds(500);
            o.FailbackDelay = TimeSpan.Zero;
            o.SuccessesToMarkUp = 1;
        });
        var registry = client.Services.GetRequiredService<IRegionHealthMonitorRegistry>();
        Assert.Equal([FailoverClient.Name], registry.ClientNames);
        IRegionHealthMonitor monitor = registry.GetMonitor(FailoverClient.Name);
        Assert.Equal(FailoverClient.Name, monitor.ClientName);
        var changes = new ConcurrentQueue<RegionHealthChangedEventArgs>();
        monitor.HealthChanged += (_, e) => changes.Enqueue(e);

        Assert.All(monitor.GetStatus(), s => Assert.Equal(RegionHealth.Healthy, s.Health));
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await GetAsync(client);
        Assert.Equal(RegionHealth.Degraded, monitor.GetStatus()[0].Health);
        await GetAsync(client);
        Assert.Equal(RegionHealth.Unhealthy, monitor.GetStatus()[0].Health);
        Assert.Equal(RegionHealth.Healthy, monitor.GetStatus()[1].Health);

        a.Behaviour = RegionServer.Healthy;
        bool back = await Eventually.TrueAsync(
            async () =>
            {
                await GetAsync(client);
                return monitor.GetStatus()[0].Health == RegionHealth.Healthy;
            },
            interval: TimeSpan.FromMilliseconds(50),
            within: TimeSpan.FromSeconds(3),
            Ct);
        Assert.True(back, "a never came back");

        Assert.Equal(
            [(RegionHealth.Healthy, RegionHealth.Degraded), (RegionHealth.Degraded, RegionHealth.Unhealthy), (RegionHealth.Unhealthy, RegionHealth.Healthy)],
            changes.Select(c => (c.Previous, c.Current)));
        Assert.All(changes, c =>
        {
            Assert.Equal("a", c.Region.Name);
            Assert.Equal(FailoverClient.Name, c.ClientName);
            Assert.False(string.IsNullOrWhiteSpace(c.Reason));
        });
        Assert.Contains("503", changes.First().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_results_move_a_region_down_and_up_and_traffic_follows()
    {
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region("a", a.BaseUri));
            o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            o.FailuresToMarkDown = 2;
            o.SuccessesToMarkUp = 2;
            o.FailbackDelay = TimeSpan.Zero;
            o.BreakDuration = TimeSpan.FromSeconds(30);
        });
        IRegionHealthMonitor monitor = Monitor(client);
        Assert.Equal("a", await GetAsync(client));

        monitor.ReportProbeResult("a", RegionHealth.Unhealthy, "probe: connection refused");
        Assert.Equal(RegionHealth.Degraded, monitor.GetStatus()[0].Health);
        monitor.ReportProbeResult("A", RegionHealth.Unhealthy, "probe: connection refused");
        Assert.Equal(RegionHealth.Unhealthy, monitor.GetStatus()[0].Health);
        Assert.Equal("b", await GetAsync(client));
        Assert.Equal("b", await GetAsync(client));
        Assert.Equal(1, a.Count);

        monitor.ReportProbeResult("a", RegionHealth.Healthy);
        Assert.Equal(RegionHealth.Unhealthy, monitor.GetStatus()[0].Health);
        monitor.ReportProbeResult("a", RegionHealth.Healthy);
        Assert.Equal(RegionHealth.Healthy, monitor.GetStatus()[0].Health);
        Assert.Equal("a", await GetAsync(client));

        // A degraded verdict keeps it Degraded until a healthy one; alone in its priority it still serves.
        monitor.ReportProbeResult("a", RegionHealth.Degraded, "MOS 3.1");
        Assert.Equal(RegionHealth.Degraded, monitor.GetStatus()[0].Health);
        Assert.Equal("a", await GetAsync(client));
        monitor.ReportProbeResult("a", RegionHealth.Healthy);
        Assert.Equal(RegionHealth.Healthy, monitor.GetStatus()[0].Health);

        Assert.Throws<ArgumentException>(() => monitor.ReportProbeResult("nowhere", RegionHealth.Healthy));
        Assert.Throws<ArgumentException>(() => client.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor("ledger"));
    }

    [Fact]
    public async Task Each_attempt_is_an_activity_tagged_with_its_region_and_outcome()
    {
        string tag = Guid.NewGuid().ToString("N");
        string regionA = $"a-{tag}", regionB = $"b-{tag}";
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SlaKitInstrumentation.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("slakit.region") is string region && region.EndsWith(tag, StringComparison.Ordinal))
                {
                    stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await using var client = new FailoverClient(o =>
        {
            o.Regions.Add(new Region(regionA, a.BaseUri));
            o.Regions.Add(new Region(regionB, b.BaseUri) { Priority = 1 });
        });

        Assert.Equal("b", await GetAsync(client));

        Assert.Equal(2, stopped.Count);
        Activity failed = stopped.Single(x => (string?)x.GetTagItem("slakit.region") == regionA);
        Activity served = stopped.Single(x => (string?)x.GetTagItem("slakit.region") == regionB);
        Assert.Equal("slakit.failover.attempt", failed.OperationName);
        Assert.Equal(FailoverClient.Name, failed.GetTagItem("slakit.client"));
        Assert.Equal("GET", failed.GetTagItem("http.request.method"));
        Assert.Equal(503, failed.GetTagItem("http.response.status_code"));
        Assert.Equal("TransientStatus", failed.GetTagItem("slakit.outcome"));
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal(200, served.GetTagItem("http.response.status_code"));
        Assert.Equal("Success", served.GetTagItem("slakit.outcome"));
        Assert.NotEqual(ActivityStatusCode.Error, served.Status);
    }

    [Fact]
    public async Task Health_changes_switches_and_total_failures_are_logged()
    {
        var logs = new LogCollector();
        await using RegionServer a = await RegionServer.StartAsync("a");
        await using RegionServer b = await RegionServer.StartAsync("b");
        await using var client = new FailoverClient(
            o =>
            {
                o.Regions.Add(new Region("a", a.BaseUri));
                o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
            },
            services => services.AddLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Debug)));

        Assert.Equal("a", await GetAsync(client));
        a.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("b", await GetAsync(client));
        Assert.Equal("b", await GetAsync(client));
        b.Behaviour = RegionServer.Status(HttpStatusCode.ServiceUnavailable);
        await Assert.ThrowsAsync<RegionFailoverException>(() => client.Http.GetAsync("pay", Ct));

        Assert.Contains(logs.Entries, e => e.EventId.Name == "RegionHealthChanged" && e.Level == LogLevel.Debug && e.Message.Contains("region a is now Degraded", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.EventId.Name == "RegionUnhealthy" && e.Level == LogLevel.Warning && e.Message.Contains("region a is now Unhealthy", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.EventId.Name == "RegionSwitched" && e.Message.Contains("from region a to region b", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.EventId.Name == "AllRegionsFailed" && e.Level == LogLevel.Error && e.Message.Contains("GET /pay", StringComparison.Ordinal));
        Assert.All(logs.Entries, e => Assert.StartsWith("SlaKit.Http.RegionFailover.payments", e.Category, StringComparison.Ordinal));
    }

    private sealed class LogCollector : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, EventId EventId, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Collecting(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Collecting(LogCollector owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => category.StartsWith("SlaKit", StringComparison.Ordinal);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    owner.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception)));
                }
            }
        }
    }
}
