namespace SlaKit.Regions;

/// <summary>
/// Recent latency, of a region or of one latency class of it: an exponentially weighted moving average for
/// latency-aware selection, and the p99 of the last <see cref="Capacity"/> samples for adaptive hedging and the overdue
/// rule. Lock-free; recording allocates nothing.
/// </summary>
/// <remarks>
/// A region's default window (<see cref="TrackedRegion.Latency"/>) is given both; the window of any other latency class
/// of the region only its samples (<see cref="RecordSample"/>), while its answers' average goes to the default window,
/// which selection reads (see <see cref="TrackedRegion.RecordLatency"/>).
/// </remarks>
internal sealed class LatencyWindow
{
    /// <summary>How many recent samples the percentile is taken over.</summary>
    public const int Capacity = 128;

    // The p99 is recomputed (one pass over Capacity samples) once every this many samples, not per request, and at
    // once when a sample may move it (see RecordSample).
    private const int RecomputeEvery = 16;

    // Weight of the newest sample in the moving average.
    private const double Alpha = 0.2;

    private readonly double[] _samples = new double[Capacity];
    private long _offered;
    private double _ewmaMilliseconds = double.NaN;
    private double _p99Milliseconds = double.NaN;
    private double _firstMilliseconds = double.NaN;

    /// <summary>The moving average in milliseconds; NaN before the first sample.</summary>
    public double AverageMilliseconds => Volatile.Read(ref _ewmaMilliseconds);

    /// <summary>The p99 of recent samples in milliseconds, leaving out the first; NaN before the second sample.</summary>
    public double P99Milliseconds => Volatile.Read(ref _p99Milliseconds);

    /// <summary>
    /// The very first latency recorded (connection set-up included), in milliseconds; NaN before it. Until a second sample
    /// gives a p99, it is the best guess of the region's latency there is: a far region's first answer says it is far.
    /// </summary>
    public double FirstMilliseconds => Volatile.Read(ref _firstMilliseconds);

    /// <summary>
    /// The longest an answer usually takes, as far as this window tells: <paramref name="multiplier"/> × its p99, at least
    /// <paramref name="floor"/>; <see langword="null"/> while it has no p99 yet (no sample but its first).
    /// </summary>
    /// <remarks>Nothing is judged by a window with no history: a first answer pays for the connection, TLS and JIT, and
    /// a far region, or an endpoint slow by design, has nothing to be compared with but itself.</remarks>
    public TimeSpan? UsualBound(TimeSpan floor, double multiplier)
    {
        double p99 = P99Milliseconds;
        if (double.IsNaN(p99))
        {
            return null;
        }

        var bound = TimeSpan.FromMilliseconds(p99 * multiplier);

        // Stryker disable once Equality : equivalent; when the two are equal either is the answer.
        return bound > floor ? bound : floor;
    }

    /// <summary>Records one latency, in the average and among the samples.</summary>
    /// <remarks>
    /// The very first latency a window is given counts in the moving average but not in the p99. A region's first
    /// answer carries the connection set-up and the process's first-call compilation, often tens of milliseconds on a
    /// path that normally takes one: in the p99 it would set the adaptive hedging delay for the next
    /// <see cref="Capacity"/> requests, and a region that then stopped answering would cost its first caller several
    /// times the hedging floor. The average forgets it within a few samples.
    /// </remarks>
    public void Record(TimeSpan latency)
    {
        RecordAverage(latency);
        RecordSample(latency);
    }

    /// <summary>Records one latency in the moving average alone.</summary>
    public void RecordAverage(TimeSpan latency)
    {
        double milliseconds = latency.TotalMilliseconds;

        // Lost updates under contention only drop a sample from the average; they cannot corrupt it.
        double previous = Volatile.Read(ref _ewmaMilliseconds);
        Volatile.Write(ref _ewmaMilliseconds, double.IsNaN(previous) ? milliseconds : previous + (Alpha * (milliseconds - previous)));
    }

    /// <summary>Records one latency among the samples the p99 is taken over (the first apart; see <see cref="Record"/>), not in the average.</summary>
    public void RecordSample(TimeSpan latency)
    {
        double milliseconds = latency.TotalMilliseconds;
        long count = Interlocked.Increment(ref _offered) - 1;
        if (count == 0)
        {
            Volatile.Write(ref _firstMilliseconds, milliseconds);
            return;
        }

        ref double slot = ref _samples[(count - 1) % Capacity];
        double evicted = slot;
        slot = milliseconds;

        // Besides every RecomputeEvery samples, at once when this sample may move the p99: one slower than it (a region
        // turning slow is seen at its second slow answer, not up to RecomputeEvery later), or one leaving a full window
        // that the p99 may stand on (a slow spell that has passed no longer sets the hedging delay). Both are rare, so
        // the pass over the window stays rare too.
        double p99 = Volatile.Read(ref _p99Milliseconds);

        // Stryker disable once Equality : equivalent; at count == RecomputeEvery the second test holds too.
        if (count <= RecomputeEvery || count % RecomputeEvery == 0 || milliseconds > p99 || (count > Capacity && evicted >= p99))
        {
            RecomputeP99(Math.Min(count, Capacity));
        }
    }

    private void RecomputeP99(long filled)
    {
        int count = (int)filled;

        // Stryker disable once Arithmetic : equivalent; ⌈0.99·count⌉ − 1 never exceeds count − 1, so the upper clamp never bites.
        int index = Math.Clamp((int)Math.Ceiling(0.99 * count) - 1, 0, count - 1);

        // Over at most Capacity samples the p99 is the largest or the second largest (index count − 1 or count − 2),
        // found in one pass; a sort is needed only if Capacity is ever raised past 200.
        Span<double> samples = _samples.AsSpan(0, count);
        double value;

        // Stryker disable once Arithmetic : equivalent; any other difference lands in the default case, which sorts and finds the same sample, only slower.
        switch (count - 1 - index)
        {
            case 0:
                value = double.NegativeInfinity;
                foreach (double sample in samples)
                {
                    value = Math.Max(value, sample);
                }

                break;
            case 1:
                double largest = double.NegativeInfinity;
                value = double.NegativeInfinity;
                foreach (double sample in samples)
                {
                    // Stryker disable once Equality : equivalent; a sample equal to the largest becomes the second largest through either branch.
                    if (sample >= largest)
                    {
                        value = largest;
                        largest = sample;
                    }
                    else if (sample > value)
                    {
                        value = sample;
                    }
                }

                break;
            // Stryker disable all : unreachable while Capacity ≤ 200 (see above); kept so that raising Capacity stays correct.
            default:
                Span<double> copy = stackalloc double[Capacity];
                copy = copy[..count];
                samples.CopyTo(copy);
                copy.Sort();
                value = copy[index];
                break;
        }

        // Stryker restore all

        Volatile.Write(ref _p99Milliseconds, value);
    }
}
