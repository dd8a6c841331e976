using BenchmarkDotNet.Attributes;

namespace SlaKit.Benchmarks.AvailabilityMath;

/// <summary>
/// The availability math a dashboard or a CLI call does: parsing a percentage, the downtime a target allows in a
/// calendar month, composing regions serially, in parallel and k-of-n, and measuring a quarter with about a hundred
/// incidents (some overlapping, some partial).
/// </summary>
[MemoryDiagnoser]
public class AvailabilityBenchmarks
{
    private const int IncidentCount = 100;

    private readonly Availability[] _components =
    [
        Availability.FromPercent(99.95),
        Availability.FromPercent(99.9),
        Availability.FromPercent(99.99),
    ];

    private readonly Availability _target = Availability.FromPercent(99.99);
    private readonly SlaPeriod _february = SlaPeriod.CalendarMonth(2026, 2);
    private readonly SlaPeriod _quarter = SlaPeriod.CalendarQuarter(2026, 1);
    private readonly MeasurementOptions _wholeMinutes = new() { WholeMinutesOnly = true };
    private Incident[] _incidents = [];

    /// <summary>The percentage parsed; <c>[Params]</c> so that the JIT cannot fold it.</summary>
    [Params(99.99)]
    public double Percent { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // A fixed seed: every run measures the same quarter.
        var random = new Random(20260101);
        DateTimeOffset start = _quarter.Start!.Value;
        double quarterMinutes = _quarter.Length.TotalMinutes;
        _incidents = new Incident[IncidentCount];
        for (int i = 0; i < _incidents.Length; i++)
        {
            DateTimeOffset from = start.AddMinutes(random.NextDouble() * (quarterMinutes - 240));
            TimeSpan length = TimeSpan.FromSeconds(30 + (random.NextDouble() * 7200));
            double weight = i % 5 == 0 ? 0.5 : 1.0;
            _incidents[i] = new Incident(from, from + length, weight);
        }
    }

    [Benchmark]
    public Availability FromPercent() => Availability.FromPercent(Percent);

    [Benchmark]
    public TimeSpan AllowedDowntimeInFebruary() => _target.AllowedDowntime(_february);

    [Benchmark]
    public Availability Serial() => Availability.Serial(_components);

    [Benchmark]
    public Availability Parallel() => Availability.Parallel(_components);

    [Benchmark]
    public Availability TwoOfThree() => Availability.KOfN(2, _components);

    [Benchmark]
    public MeasuredAvailability MeasureQuarter() => AvailabilityMeasurement.Measure(_incidents, _quarter);

    [Benchmark]
    public MeasuredAvailability MeasureQuarterWholeMinutes() => AvailabilityMeasurement.Measure(_incidents, _quarter, _wholeMinutes);
}
