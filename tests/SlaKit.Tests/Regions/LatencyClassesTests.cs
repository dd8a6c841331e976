using Microsoft.Extensions.Logging.Testing;
using SlaKit.Regions;

namespace SlaKit.Tests.Regions;

/// <summary>A client's latency classes, and the window each region keeps per class.</summary>
public sealed class LatencyClassesTests
{
    private static TrackedRegion NewRegion() => new(new Region("a", new Uri("http://a.invalid/")), new RegionHealthPolicy(2, 2, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1)));

    [Fact]
    public void Classes_given_out_on_many_threads_at_once_are_each_their_own_and_never_past_the_limit()
    {
        var logs = new FakeLogger();
        var classes = new LatencyClasses("payments", logs);
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentBag<int>>();

        Parallel.For(0, 4_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            string name = $"class-{i % 48}";
            seen.GetOrAdd(name, _ => []).Add(classes.IndexOf(name));
        });

        // Each name always got the same index; the 32 given out are 1 to 32, one each; the other 16 names share the default.
        Assert.All(seen.Values, indexes => Assert.Single(indexes.Distinct()));
        int[] given = [.. seen.Values.Select(static indexes => indexes.First()).Where(static i => i != LatencyClasses.Default).Order()];
        Assert.Equal(Enumerable.Range(1, LatencyClasses.Limit), given);
        Assert.Equal(LatencyClasses.Limit, classes.Count);
        Assert.Single(logs.Collector.GetSnapshot(), static r => r.Id.Id == 1011);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t")]
    public void No_name_or_a_blank_one_is_the_default_class(string? name)
    {
        var classes = new LatencyClasses("payments", new FakeLogger());

        Assert.Equal(LatencyClasses.Default, classes.IndexOf(name));
        Assert.Equal(0, classes.Count);
    }

    [Fact]
    public void Names_are_compared_ordinally()
    {
        var classes = new LatencyClasses("payments", new FakeLogger());

        Assert.NotEqual(classes.IndexOf("Statements"), classes.IndexOf("statements"));
        Assert.Equal(classes.IndexOf("statements"), classes.IndexOf("statements"));
    }

    [Fact]
    public void A_class_window_made_on_many_threads_at_once_is_one_window()
    {
        TrackedRegion region = NewRegion();
        var windows = new LatencyWindow[64];

        Parallel.For(0, windows.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => windows[i] = region.LatencyOf(5));

        Assert.All(windows, w => Assert.Same(windows[0], w));
        Assert.NotSame(region.Latency, windows[0]);
        Assert.Same(region.Latency, region.LatencyOf(LatencyClasses.Default));
    }

    [Fact]
    public void A_classed_answer_is_learnt_in_its_class_and_in_the_regions_average_alone()
    {
        TrackedRegion region = NewRegion();
        region.RecordLatency(TimeSpan.FromMilliseconds(10), LatencyClasses.Default);
        region.RecordLatency(TimeSpan.FromMilliseconds(10), LatencyClasses.Default);
        region.RecordLatency(TimeSpan.FromMilliseconds(1_500), 3);
        region.RecordLatency(TimeSpan.FromMilliseconds(1_500), 3);

        // Selection reads one average for the region, fed by every answer; the default class's p99 is its own answers'.
        Assert.Equal(10, region.Latency.P99Milliseconds);
        Assert.True(region.Latency.AverageMilliseconds > 10);
        Assert.Equal(1_500, region.LatencyOf(3).P99Milliseconds);
        Assert.Equal(TimeSpan.FromMilliseconds(4_500), region.UsualLatencyBound(TimeSpan.FromMilliseconds(100), 3, 3));
        Assert.Equal(TimeSpan.FromMilliseconds(100), region.UsualLatencyBound(TimeSpan.FromMilliseconds(100), 3));
    }
}
