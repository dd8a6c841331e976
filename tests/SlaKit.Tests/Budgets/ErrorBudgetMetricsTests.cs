using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Budgets;

namespace SlaKit.Tests.Budgets;

public sealed class ErrorBudgetMetricsTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(Traffic.Start);
    // A name of its own: trackers in tests running in parallel publish on meters of the same name.
    private readonly Slo _slo = Traffic.Slo(99.9, name: $"metrics-{Guid.NewGuid():N}");
    private readonly MeterListener _listener = new();
    private readonly List<(Instrument Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];
    private readonly List<Instrument> _completed = [];

    public ErrorBudgetMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "SlaKit")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) =>
        {
            lock (_completed)
            {
                _completed.Add(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Capture(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Capture(instrument, value, tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    // Other tests' trackers publish on meters of the same name; keep only this test's SLO.
    private void Capture(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, object?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            map[tag.Key] = tag.Value;
        }

        if (Equals(map.GetValueOrDefault("slo"), _slo.Name))
        {
            _measurements.Add((instrument, value, map));
        }
    }

    private List<(Instrument Instrument, double Value, Dictionary<string, object?> Tags)> Collect()
    {
        _measurements.Clear();
        _listener.RecordObservableInstruments();
        return [.. _measurements];
    }

    [Fact]
    public void Events_are_counted_by_outcome()
    {
        using var tracker = new ErrorBudgetTracker(_slo, _time);
        tracker.Record(good: 97, total: 100);
        _time.Advance(TimeSpan.FromMinutes(2));
        tracker.RecordFailure();

        var events = Collect().Where(static m => m.Instrument.Name == "slakit.slo.events").ToList();

        Assert.Equal(97, Assert.Single(events, static m => Equals(m.Tags["outcome"], "good")).Value);
        Assert.Equal(4, Assert.Single(events, static m => Equals(m.Tags["outcome"], "bad")).Value);
        Assert.IsType<ObservableCounter<long>>(events[0].Instrument);
        Assert.Equal("{event}", events[0].Instrument.Unit);
    }

    [Fact]
    public void Two_trackers_of_one_slo_are_told_apart_by_their_metric_tags()
    {
        using var eu = new ErrorBudgetTracker(_slo, _time, new ErrorBudgetTrackerOptions { MetricTags = [new("client", "eu")] });
        using var us = new ErrorBudgetTracker(_slo, _time, new ErrorBudgetTrackerOptions { MetricTags = [new("client", "us")] });
        eu.Record(good: 97, total: 100);
        us.Record(good: 10, total: 10);
        _time.Advance(TimeSpan.FromMinutes(2));

        List<(Instrument Instrument, double Value, Dictionary<string, object?> Tags)> measured = Collect();

        Assert.Equal(3, measured.Single(m => m.Instrument.Name == "slakit.slo.events" && Equals(m.Tags["client"], "eu") && Equals(m.Tags["outcome"], "bad")).Value);
        Assert.Equal(0, measured.Single(m => m.Instrument.Name == "slakit.slo.events" && Equals(m.Tags["client"], "us") && Equals(m.Tags["outcome"], "bad")).Value);
        Assert.All(measured, static m => Assert.Contains(m.Tags["client"], new object?[] { "eu", "us" }));
        Assert.Equal(2, measured.Count(static m => m.Instrument.Name == "slakit.error_budget.remaining"));
        Assert.Equal(10, measured.Count(static m => m.Instrument.Name == "slakit.error_budget.burn_rate"));
    }

    [Fact]
    public void A_clients_error_budget_is_tagged_with_the_clients_name()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddHttpClient("payments").AddErrorBudget(_slo);
        using ServiceProvider provider = services.BuildServiceProvider();
        provider.GetRequiredKeyedService<ErrorBudgetTracker>("payments").RecordFailure();

        Assert.All(Collect(), static m => Assert.Equal("payments", m.Tags["client"]));
    }

    [Theory]
    [InlineData("slo")]
    [InlineData("outcome")]
    [InlineData("window")]
    [InlineData("")]
    public void A_metric_tag_named_as_the_trackers_own_is_refused(string name)
    {
        var options = new ErrorBudgetTrackerOptions { MetricTags = [new(name, "x")] };

        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new ErrorBudgetTracker(_slo, _time, options)).ParamName);
    }

    [Fact]
    public void The_remaining_budget_is_a_ratio_gauge()
    {
        using var tracker = new ErrorBudgetTracker(_slo, _time);
        Traffic.Run(_time, tracker, minutes: 10, perMinute: 100_000, badPerMinute: 25);

        var remaining = Assert.Single(Collect(), static m => m.Instrument.Name == "slakit.error_budget.remaining");

        Assert.Equal(0.75, remaining.Value, 9);
        Assert.Equal("1", remaining.Instrument.Unit);
        Assert.IsType<ObservableGauge<double>>(remaining.Instrument);
    }

    [Fact]
    public void Burn_rates_are_reported_for_each_alert_window()
    {
        using var tracker = new ErrorBudgetTracker(_slo, _time);
        Traffic.Run(_time, tracker, minutes: 30, perMinute: 1000, badPerMinute: 0);
        Traffic.Run(_time, tracker, minutes: 5, perMinute: 1000, badPerMinute: 20);

        var rates = Collect()
            .Where(static m => m.Instrument.Name == "slakit.error_budget.burn_rate")
            .ToDictionary(static m => (string)m.Tags["window"]!, static m => m.Value);

        Assert.Equal(["5m", "30m", "1h", "6h", "3d"], rates.Keys);
        Assert.Equal(20, rates["5m"], 9);
        Assert.Equal(100.0 / 30, rates["30m"], 9);
        Assert.Equal(100.0 / 35, rates["1h"], 9);
    }

    [Fact]
    public void A_meter_factory_supplies_the_meter_and_keeps_it()
    {
        using var factory = new TestMeterFactory();
        var tracker = new ErrorBudgetTracker(_slo, _time, new ErrorBudgetTrackerOptions { MeterFactory = factory });
        tracker.RecordSuccess();

        var measured = Collect();
        Meter meter = Assert.Single(factory.Meters);
        Assert.Equal("SlaKit", meter.Name);
        Assert.All(measured, m => Assert.Same(meter, m.Instrument.Meter));
        Assert.Equal(3, measured.Select(static m => m.Instrument.Name).Distinct().Count());

        // Disposing the tracker leaves the factory's meter alone, and the tracker stops reporting.
        tracker.Dispose();
        Assert.DoesNotContain(_completed, instrument => instrument.Meter == meter);
        Assert.Empty(Collect());
    }

    [Fact]
    public void A_disposed_tracker_is_let_go_though_the_factorys_meter_keeps_its_instruments()
    {
        using var factory = new TestMeterFactory();
        WeakReference disposed = CreateAndDispose(factory);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(disposed.IsAlive, "the factory's meter keeps a disposed tracker alive");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private WeakReference CreateAndDispose(IMeterFactory factory)
    {
        var tracker = new ErrorBudgetTracker(_slo, _time, new ErrorBudgetTrackerOptions { MeterFactory = factory });
        tracker.RecordSuccess();
        tracker.Dispose();
        return new WeakReference(tracker);
    }

    [Fact]
    public void Without_a_factory_the_tracker_disposes_its_own_meter()
    {
        var tracker = new ErrorBudgetTracker(_slo, _time);
        Instrument events = Collect().First(static m => m.Instrument.Name == "slakit.slo.events").Instrument;

        tracker.Dispose();

        Assert.Contains(events, _completed);
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        public List<Meter> Meters { get; } = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            Meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (Meter meter in Meters)
            {
                meter.Dispose();
            }
        }
    }
}
