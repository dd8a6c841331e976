using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Budgets;
using SlaKit.Tests.Infrastructure;

namespace SlaKit.Tests.Budgets;

/// <summary>Synthetic traffic against a 99.9% SLO over 30 days, with the tracker's own once-a-minute evaluation.</summary>
public class BurnRateAlertScenarioTests
{
    private readonly FakeTimeProvider _time = new(Traffic.Start);
    private readonly List<(string Change, AlertSeverity Severity, DateTimeOffset At)> _changes = [];

    private ErrorBudgetTracker Track(ErrorBudgetTrackerOptions? options = null)
    {
        var tracker = new ErrorBudgetTracker(Traffic.Slo(99.9), _time, options);
        tracker.AlertStarted += (_, e) => _changes.Add(("started", e.Alert.Severity, e.Timestamp));
        tracker.AlertEnded += (_, e) => _changes.Add(("ended", e.Alert.Severity, e.Timestamp));
        return tracker;
    }

    private static bool Paging(ErrorBudgetTracker tracker) => tracker.Evaluate().Any(static alert => alert.Severity == AlertSeverity.Page);

    [Fact]
    public void Two_percent_errors_page_within_five_minutes_and_the_page_clears_after_the_burn_stops()
    {
        using ErrorBudgetTracker tracker = Track();

        Traffic.Run(_time, tracker, minutes: 5, perMinute: 1000, badPerMinute: 20);
        DateTimeOffset pagedAt = _changes.First(static c => c is ("started", AlertSeverity.Page, _)).At;
        Assert.InRange(pagedAt - Traffic.Start, TimeSpan.Zero, TimeSpan.FromMinutes(5));

        Traffic.Run(_time, tracker, minutes: 10, perMinute: 1000, badPerMinute: 20);
        Assert.True(Paging(tracker));

        // The burn stops; traffic goes on.
        DateTimeOffset stopped = _time.GetUtcNow();
        Traffic.Run(_time, tracker, minutes: 60, perMinute: 1000, badPerMinute: 0);

        Assert.False(Paging(tracker));
        int pagesStarted = _changes.Count(static c => c is ("started", AlertSeverity.Page, _));
        int pagesEnded = _changes.Count(static c => c is ("ended", AlertSeverity.Page, _));
        Assert.Equal(pagesStarted, pagesEnded);
        DateTimeOffset lastEnd = _changes.Last(static c => c is ("ended", AlertSeverity.Page, _)).At;
        Assert.InRange(lastEnd - stopped, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30));
    }

    [Fact]
    public void After_six_quiet_hours_two_percent_pages_at_the_workbooks_detection_time()
    {
        using ErrorBudgetTracker tracker = Track();
        Traffic.Run(_time, tracker, minutes: 360, perMinute: 1000, badPerMinute: 0);
        DateTimeOffset burnStart = _time.GetUtcNow();

        Traffic.Run(_time, tracker, minutes: 50, perMinute: 1000, badPerMinute: 20);

        // The workbook: detection time = (1 − SLO) / error rate × long window × burn rate
        // = 0.001 / 0.02 × 60 min × 14.4 = 43.2 min, so the 44th burning minute pages.
        (string _, AlertSeverity _, DateTimeOffset pagedAt) = Assert.Single(_changes, static c => c is ("started", AlertSeverity.Page, _));
        Assert.Equal(TimeSpan.FromMinutes(44), pagedAt - burnStart);
    }

    [Fact]
    public void A_fifth_of_a_percent_raises_a_ticket_but_never_pages()
    {
        using ErrorBudgetTracker tracker = Track();

        Traffic.Run(_time, tracker, minutes: 12 * 60, perMinute: 1000, badPerMinute: 2);

        Assert.Equal([("started", AlertSeverity.Ticket)], _changes.Select(static c => (c.Change, c.Severity)));
        BurnRateAlert ticket = Assert.Single(tracker.Evaluate());
        Assert.Equal(AlertSeverity.Ticket, ticket.Severity);
        Assert.Equal(2, ticket.LongWindowBurnRate, 9);
        Assert.Equal(TimeSpan.FromDays(3), ticket.LongWindow);
        Assert.Equal(TimeSpan.FromHours(6), ticket.ShortWindow);
    }

    [Fact]
    public void One_failure_in_a_quiet_hour_does_not_page()
    {
        using ErrorBudgetTracker tracker = Track();

        // Two requests a minute, one failure near the end of the hour: 1 bad in 120 burns at 8.3x,
        // over the 6x page, but 120 events are fewer than the guard's 167.
        Traffic.Run(_time, tracker, minutes: 50, perMinute: 2, badPerMinute: 0);
        Traffic.Run(_time, tracker, minutes: 1, perMinute: 2, badPerMinute: 1);
        Traffic.Run(_time, tracker, minutes: 9, perMinute: 2, badPerMinute: 0);

        Assert.Empty(_changes);
        Assert.Empty(tracker.Evaluate());
        Assert.True(tracker.GetSnapshot().BurnRate(TimeSpan.FromHours(6)) >= 6);

        // Once the traffic is there, the same burn pages.
        Traffic.Run(_time, tracker, minutes: 3, perMinute: 1000, badPerMinute: 20);
        Assert.True(Paging(tracker));
    }

    [Fact]
    public void Without_the_guard_one_failure_in_a_quiet_hour_pages()
    {
        BurnRateAlertPolicy workbook = BurnRateAlertPolicy.ForSlo(Traffic.Slo(99.9));
        using ErrorBudgetTracker tracker = Track(new ErrorBudgetTrackerOptions { AlertPolicy = new BurnRateAlertPolicy(workbook.Rules, minimumEvents: 0) });

        Traffic.Run(_time, tracker, minutes: 50, perMinute: 2, badPerMinute: 0);
        Traffic.Run(_time, tracker, minutes: 1, perMinute: 2, badPerMinute: 1);

        Assert.Contains(_changes, static c => c is ("started", AlertSeverity.Page, _));
    }

    [Fact]
    public void A_failing_handler_does_not_stop_the_timer_or_the_other_handlers()
    {
        using ErrorBudgetTracker tracker = Track();
        tracker.AlertStarted += (_, _) => throw new InvalidOperationException("handler bug");
        int later = 0;
        tracker.AlertStarted += (_, _) => later++;

        Traffic.Run(_time, tracker, minutes: 5, perMinute: 1000, badPerMinute: 20);

        Assert.True(later > 0);
        Assert.Contains(_changes, static c => c is ("started", AlertSeverity.Page, _));
    }

    [Fact]
    public void A_handler_that_throws_on_the_timer_is_logged_and_counted()
    {
        var logs = new LogCollector();
        using var loggerFactory = new LoggerFactory([logs]);
        using var meterFactory = new TestMeterFactory();
        long failures = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Name == "slakit.error_budget.alert_handler_failures")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref failures, value));
        listener.Start();
        using ErrorBudgetTracker tracker = Track(new ErrorBudgetTrackerOptions { LoggerFactory = loggerFactory, MeterFactory = meterFactory });
        tracker.AlertStarted += (_, _) => throw new InvalidOperationException("handler bug");

        Traffic.Run(_time, tracker, minutes: 5, perMinute: 1000, badPerMinute: 20);

        int pages = _changes.Count(static c => c is ("started", AlertSeverity.Page, _));
        Assert.True(pages > 0);
        Assert.Equal(_changes.Count(static c => c.Change == "started"), failures);
        var logged = logs.Entries.Where(static e => e.Message.Contains("a Page alert that started", StringComparison.Ordinal)).ToList();
        Assert.Equal(pages, logged.Count);
        Assert.All(logged, static e =>
        {
            Assert.Equal(LogLevel.Error, e.Level);
            Assert.StartsWith("SLO checkout", e.Message, StringComparison.Ordinal);
            Assert.Equal("handler bug", e.Error?.Message);
        });
    }

    [Fact]
    public void Evaluate_raises_changes_on_the_callers_thread_and_lets_exceptions_through()
    {
        using ErrorBudgetTracker tracker = Track(new ErrorBudgetTrackerOptions());
        tracker.Record(good: 980, total: 1000);

        // Nothing has ticked yet: the caller's evaluation is the first to see the page.
        tracker.AlertStarted += (_, e) => throw new InvalidOperationException(e.Alert.ToString());
        AggregateException thrown = Assert.Throws<AggregateException>(() => tracker.Evaluate());
        Assert.Equal(3, thrown.InnerExceptions.Count(static e => e is InvalidOperationException)); // two pages and a ticket
        Assert.Contains(_changes, static c => c is ("started", AlertSeverity.Page, _));
    }

    [Fact]
    public void Evaluate_lets_every_handler_hear_of_every_change_before_what_one_threw_reaches_the_caller()
    {
        using var tracker = new ErrorBudgetTracker(Traffic.Slo(99.9), _time);
        tracker.AlertStarted += (_, e) =>
        {
            if (e.Alert.Rule.LongWindow == TimeSpan.FromHours(1))
            {
                throw new InvalidOperationException("audit log down");
            }
        };
        var heard = new List<AlertSeverity>();
        tracker.AlertStarted += (_, e) => heard.Add(e.Alert.Severity);
        tracker.Record(good: 980, total: 1000);

        // Nothing has ticked yet: the caller's evaluation raises the two pages and the ticket, the first handler throws at
        // the first page, and still the second handler hears of all three before the caller gets the exception as it was.
        Assert.Equal("audit log down", Assert.Throws<InvalidOperationException>(() => tracker.Evaluate()).Message);
        Assert.Equal([AlertSeverity.Page, AlertSeverity.Page, AlertSeverity.Ticket], heard);
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(static m => m.Dispose());
    }
}
