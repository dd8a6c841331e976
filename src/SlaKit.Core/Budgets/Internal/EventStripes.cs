using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SlaKit.Budgets;

/// <summary>
/// Running totals of good and bad events, split into stripes so that threads on different processors
/// add to different cache lines. Each stripe only ever grows; the history seals a minute by reading the
/// sums and taking the difference from the last reading, so recording needs no clock and no reset.
/// </summary>
/// <remarks>
/// Good and bad are separate totals (not good and total) so that a reading taken while another thread
/// records can never show more bad events than events: every event is in exactly one of them.
/// </remarks>
internal sealed class EventStripes
{
    // Enough stripes for most machines without letting memory grow with very large ones.
    private const int MaxStripes = 64;

    private readonly Stripe[] _stripes;
    private readonly int _mask;

    public EventStripes()
        : this(Environment.ProcessorCount)
    {
    }

    public EventStripes(int processors)
    {
        int count = (int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, processors)), MaxStripes);
        _stripes = new Stripe[count];
        _mask = count - 1;
    }

    /// <summary>The memory the stripes take, in bytes.</summary>
    public int Bytes => _stripes.Length * Unsafe.SizeOf<Stripe>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddGood() => Interlocked.Increment(ref Current().Good);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddBad() => Interlocked.Increment(ref Current().Bad);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long good, long bad)
    {
        ref Stripe stripe = ref Current();
        if (good != 0)
        {
            Interlocked.Add(ref stripe.Good, good);
        }

        if (bad != 0)
        {
            Interlocked.Add(ref stripe.Bad, bad);
        }
    }

    /// <summary>The totals so far. Events being recorded meanwhile may or may not be included, each one whole.</summary>
    public (long Good, long Bad) Read()
    {
        long good = 0;
        long bad = 0;
        for (int i = 0; i < _stripes.Length; i++)
        {
            good = checked(good + Volatile.Read(ref _stripes[i].Good));
            bad = checked(bad + Volatile.Read(ref _stripes[i].Bad));
        }

        return (good, bad);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Stripe Current()
    {
        // The processor id is cached by the runtime and cheap to read; it only picks a stripe, so a
        // thread that migrates between reading it and adding merely shares a stripe for one add.
        // Masking keeps the index in range, which lets the bounds check go.
        int index = Thread.GetCurrentProcessorId() & _mask;
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_stripes), index);
    }

    // 128 bytes a stripe: two cache lines, so neighbouring stripes never share a line, nor the pair of
    // lines that adjacent-line prefetchers fetch together.
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Stripe
    {
        [FieldOffset(64)]
        public long Good;

        [FieldOffset(72)]
        public long Bad;
    }
}
