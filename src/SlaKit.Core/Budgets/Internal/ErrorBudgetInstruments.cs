using System.Diagnostics.Metrics;
using SlaKit.Telemetry;

namespace SlaKit.Budgets;

/// <summary>
/// A tracker's metrics on the <c>SlaKit</c> meter. The events, the budget left and the burn rates are observable: they
/// are read from the tracker when a listener collects, so recording an event costs no more than the tracker's own count.
/// Alert handlers that threw on the tracker's timer are counted as they happen.
/// </summary>
internal sealed class ErrorBudgetInstruments : IDisposable
{
    public const string EventsName = "slakit.slo.events";
    public const string RemainingName = "slakit.error_budget.remaining";
    public const string BurnRateName = "slakit.error_budget.burn_rate";
    public const string AlertHandlerFailuresName = "slakit.error_budget.alert_handler_failures";

    private const string SloTag = "slo";
    private const string OutcomeTag = "outcome";
    private const string WindowTag = "window";

    // Let go at Dispose: a meter from an IMeterFactory is shared and lives as long as the container, and a meter cannot
    // drop an instrument, so these callbacks outlive the tracker; they must not keep it (and its history) alive.
    private volatile ErrorBudgetTracker? _tracker;
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly KeyValuePair<string, object?>[] _tags;
    private readonly KeyValuePair<string, object?>[] _goodTags;
    private readonly KeyValuePair<string, object?>[] _badTags;
    private readonly KeyValuePair<string, object?>[][] _windowTags;
    private readonly TimeSpan[] _windows;
    private readonly Counter<long> _alertHandlerFailures;

    /// <remarks><paramref name="extraTags"/> were checked by the tracker: none is named as the instruments' own.</remarks>
    public ErrorBudgetInstruments(ErrorBudgetTracker tracker, IReadOnlyList<TimeSpan> windows, IMeterFactory? meterFactory, IReadOnlyList<KeyValuePair<string, object?>>? extraTags)
    {
        _tracker = tracker;
        _tags = [new(SloTag, tracker.Slo.Name), .. extraTags ?? []];

        // Made once: every collection reports the same tags.
        _goodTags = [.. _tags, new(OutcomeTag, "good")];
        _badTags = [.. _tags, new(OutcomeTag, "bad")];
        _windows = [.. windows];
        _windowTags = Array.ConvertAll(_windows, window => (KeyValuePair<string, object?>[])[.. _tags, new(WindowTag, BurnRateAlertRule.WindowName(window))]);
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(new MeterOptions(SlaKitInstrumentation.MeterName)) ?? new Meter(SlaKitInstrumentation.MeterName);

        // An observable counter rather than Counter<long>.Add per event: the tracker already keeps running
        // totals, and exporters see the same monotonic sum either way.
        _meter.CreateObservableCounter(EventsName, ObserveEvents, "{event}", "Events recorded against an SLO since the tracker started, by outcome (good or bad).");
        _meter.CreateObservableGauge(RemainingName, ObserveRemaining, "1", "The share of the SLO's error budget left over its window; negative when overspent.");
        _meter.CreateObservableGauge(BurnRateName, ObserveBurnRates, "1", "The rate the error budget is being spent at over each alerting window; 1 spends it exactly over the SLO's window.");
        _alertHandlerFailures = _meter.CreateCounter<long>(AlertHandlerFailuresName, "{failure}", "Alert handlers that threw during the tracker's once-a-minute evaluation.");
    }

    /// <summary>Whether <paramref name="name"/> is one of the instruments' own tags (<c>slo</c>, <c>outcome</c>, <c>window</c>), which extra tags may not be named.</summary>
    public static bool IsOwnTag(string name) => name is SloTag or OutcomeTag or WindowTag;

    /// <summary>Counts an alert handler that threw on the tracker's timer.</summary>
    public void CountAlertHandlerFailure() => _alertHandlerFailures.Add(1, _tags);

    public void Dispose()
    {
        _tracker = null;
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private IEnumerable<Measurement<long>> ObserveEvents()
    {
        if (_tracker is not { IsDisposed: false } tracker)
        {
            return [];
        }

        (long good, long bad) = tracker.RecordedTotals();
        return
        [
            new Measurement<long>(good, _goodTags),
            new Measurement<long>(bad, _badTags),
        ];
    }

    private IEnumerable<Measurement<double>> ObserveRemaining()
    {
        if (_tracker is not { IsDisposed: false } tracker)
        {
            return [];
        }

        return [new Measurement<double>(tracker.RemainingFraction(), _tags)];
    }

    private IEnumerable<Measurement<double>> ObserveBurnRates()
    {
        if (_tracker is not { IsDisposed: false } tracker)
        {
            return [];
        }

        double[] rates = tracker.BurnRates(_windows);
        var measurements = new Measurement<double>[rates.Length];
        for (int i = 0; i < rates.Length; i++)
        {
            measurements[i] = new Measurement<double>(rates[i], _windowTags[i]);
        }

        return measurements;
    }
}
