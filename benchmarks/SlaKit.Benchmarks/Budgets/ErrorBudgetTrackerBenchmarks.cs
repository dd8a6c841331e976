using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using SlaKit.Budgets;

namespace SlaKit.Benchmarks.Budgets;

/// <summary>
/// The cost of recording one event with <see cref="ErrorBudgetTracker.RecordSuccess"/>, against the cost
/// of <see cref="Counter{T}.Add(T)"/> on a counter a <see cref="MeterListener"/> listens to, on one thread
/// and on two threads at once. Each invocation records <see cref="OperationsPerThread"/> events on every
/// thread, so the mean is the time one thread spends per event, contention included.
/// </summary>
/// <remarks>
/// The baseline's listener keeps a running sum with one atomic add per measurement, the least an
/// exporter's sum aggregation does, so both sides end with a count. A second counter, whose listener
/// does nothing at all, shows the dispatch cost alone: dynamic PGO inlines its empty callback.
/// </remarks>
[MemoryDiagnoser]
public class ErrorBudgetTrackerBenchmarks : IDisposable
{
    private const int OperationsPerThread = 1_000_000;

    private readonly Action _counterLoop;
    private readonly Action _noOpCounterLoop;
    private readonly Action _trackerLoop;
    private ErrorBudgetTracker _tracker = null!;
    private Meter _meter = null!;
    private Counter<long> _counter = null!;
    private Counter<long> _uncountedCounter = null!;
    private MeterListener _listener = null!;
    private MeterListener _noOpListener = null!;
    private long _sum;
    private Barrier _start = null!;
    private Barrier _done = null!;
    private Thread[] _workers = [];
    private Action _work = static () => { };
    private volatile bool _stopping;

    public ErrorBudgetTrackerBenchmarks()
    {
        _counterLoop = CounterLoop;
        _noOpCounterLoop = NoOpCounterLoop;
        _trackerLoop = TrackerLoop;
    }

    /// <summary>How many threads record at the same time.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var slo = new Slo("benchmark", Availability.FromPercent(99.9), SloWindow.Rolling(TimeSpan.FromDays(30)));
        _tracker = new ErrorBudgetTracker(slo);

        _meter = new Meter("SlaKit.Benchmarks");
        _counter = _meter.CreateCounter<long>("benchmark.requests");
        _uncountedCounter = _meter.CreateCounter<long>("benchmark.uncounted");
        _listener = Listen(_counter);
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _sum, value));
        _listener.Start();
        _noOpListener = Listen(_uncountedCounter);
        _noOpListener.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        _noOpListener.Start();

        // Workers wait between invocations, so starting threads is not part of what is measured.
        _start = new Barrier(Threads);
        _done = new Barrier(Threads);
        _workers = new Thread[Threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = $"benchmark worker {i + 1}" };
            _workers[i].Start();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    public void Dispose()
    {
        if (_workers.Length > 0)
        {
            _stopping = true;
            _start.SignalAndWait();
            foreach (Thread worker in _workers)
            {
                worker.Join();
            }

            _workers = [];
        }

        _listener?.Dispose();
        _noOpListener?.Dispose();
        _meter?.Dispose();
        _tracker?.Dispose();
        _start?.Dispose();
        _done?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = OperationsPerThread)]
    public void CounterAdd() => OnEveryThread(_counterLoop);

    [Benchmark(OperationsPerInvoke = OperationsPerThread)]
    public void CounterAddNoOpListener() => OnEveryThread(_noOpCounterLoop);

    [Benchmark(OperationsPerInvoke = OperationsPerThread)]
    public void RecordSuccess() => OnEveryThread(_trackerLoop);

    private static MeterListener Listen(Instrument only) => new()
    {
        InstrumentPublished = (instrument, listener) =>
        {
            if (instrument == only)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        },
    };

    private void OnEveryThread(Action loop)
    {
        if (_workers.Length == 0)
        {
            loop();
            return;
        }

        _work = loop;
        _start.SignalAndWait();
        loop();
        _done.SignalAndWait();
    }

    private void Work()
    {
        while (true)
        {
            _start.SignalAndWait();
            if (_stopping)
            {
                return;
            }

            _work();
            _done.SignalAndWait();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CounterLoop()
    {
        Counter<long> counter = _counter;
        for (int i = 0; i < OperationsPerThread; i++)
        {
            counter.Add(1);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void NoOpCounterLoop()
    {
        Counter<long> counter = _uncountedCounter;
        for (int i = 0; i < OperationsPerThread; i++)
        {
            counter.Add(1);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TrackerLoop()
    {
        ErrorBudgetTracker tracker = _tracker;
        for (int i = 0; i < OperationsPerThread; i++)
        {
            tracker.RecordSuccess();
        }
    }
}
