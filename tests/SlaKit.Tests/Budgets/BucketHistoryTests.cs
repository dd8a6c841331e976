using SlaKit.Budgets;

namespace SlaKit.Tests.Budgets;

/// <summary>The tiered history against a plain list of every event, under random traffic and random clock jumps.</summary>
public class BucketHistoryTests
{
    private static readonly long StartMinute = BucketHistory.MinuteOf(Traffic.Start);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Sums_match_every_event_recorded(int seed)
    {
        var random = new Random(seed);
        var history = new BucketHistory(Traffic.Slo(), TimeSpan.FromDays(30), StartMinute);
        var events = new List<(long Minute, long Good, long Bad)>();
        long now = StartMinute;
        long stripeGood = 0;
        long stripeBad = 0;

        // About 20 days: mostly minute steps, sometimes an hour or a day at once, as a late or suspended timer would.
        while (now < StartMinute + (20 * 1440))
        {
            long good = random.Next(0, 50);
            long bad = random.Next(0, 3);
            stripeGood += good;
            stripeBad += bad;
            events.Add((now, good, bad));

            now += random.Next(100) switch
            {
                < 90 => 1,
                < 98 => random.Next(2, 120),
                _ => random.Next(120, 1440),
            };
            history.Roll(now, stripeGood, stripeBad);

            if (random.Next(20) == 0)
            {
                Check(history, events, now);
            }
        }

        Check(history, events, now);
    }

    private static void Check(BucketHistory history, List<(long Minute, long Good, long Bad)> events, long now)
    {
        // Nothing is lost while everything is younger than the window.
        Assert.Equal(Totals(events, long.MinValue), history.Sum(0, 0, 0));

        // Within six hours every minute has its own bucket: exact.
        foreach (long minutes in new long[] { 1, 5, 30, 60, 360 })
        {
            long start = now - minutes;
            Assert.Equal(Totals(events, start), history.Sum(start, 0, 0));
        }

        // Further back a window may take in the rest of the coarser bucket its start falls in.
        foreach ((long minutes, long bucket) in new[] { (720L, 10L), (1440L, 10L), (3 * 1440L, 10L), (10 * 1440L, 60L) })
        {
            long start = now - minutes;
            SloEventCounts sum = history.Sum(start, 0, 0);
            SloEventCounts least = Totals(events, start);
            SloEventCounts most = Totals(events, start - (start % bucket) - bucket);
            Assert.InRange(sum.Good, least.Good, most.Good);
            Assert.InRange(sum.Bad, least.Bad, most.Bad);
        }
    }

    private static SloEventCounts Totals(List<(long Minute, long Good, long Bad)> events, long fromMinute)
    {
        long good = 0;
        long bad = 0;
        foreach ((long minute, long g, long b) in events)
        {
            if (minute >= fromMinute)
            {
                good += g;
                bad += b;
            }
        }

        return new SloEventCounts(good, bad);
    }

    [Fact]
    public void A_clock_that_goes_back_seals_nothing()
    {
        var history = new BucketHistory(Traffic.Slo(), TimeSpan.FromDays(30), StartMinute);

        Assert.True(history.Roll(StartMinute + 2, 10, 1));
        Assert.False(history.Roll(StartMinute + 1, 20, 2));

        Assert.Equal((10L, 1L), history.Pending(20, 2));
        Assert.Equal(new SloEventCounts(10, 1), history.Sum(0, 0, 0));
    }
}
