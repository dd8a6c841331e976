using SlaKit.Regions;

namespace SlaKit.Tests.Regions;

public class LatencyWindowTests
{
    [Fact]
    public void Is_unknown_before_the_first_sample()
    {
        var window = new LatencyWindow();

        Assert.True(double.IsNaN(window.AverageMilliseconds));
        Assert.True(double.IsNaN(window.P99Milliseconds));
        Assert.True(double.IsNaN(window.FirstMilliseconds));
    }

    [Fact]
    public void The_first_answer_is_kept_apart_as_the_only_guess_before_a_p99()
    {
        var window = new LatencyWindow();
        window.Record(TimeSpan.FromMilliseconds(460));
        window.Record(TimeSpan.FromMilliseconds(150));

        Assert.Equal(460, window.FirstMilliseconds);
        Assert.Equal(150, window.P99Milliseconds);
    }

    [Fact]
    public void P99_leaves_out_the_first_answer_which_carries_connection_set_up()
    {
        var window = new LatencyWindow();
        window.Record(TimeSpan.FromMilliseconds(80));

        Assert.Equal(80, window.AverageMilliseconds);
        Assert.True(double.IsNaN(window.P99Milliseconds));

        window.Record(TimeSpan.FromMilliseconds(1));
        window.Record(TimeSpan.FromMilliseconds(2));

        Assert.Equal(2, window.P99Milliseconds);
    }

    [Fact]
    public void P99_of_the_recent_samples()
    {
        var window = Warm();
        for (int i = 1; i <= LatencyWindow.Capacity; i++)
        {
            window.Record(TimeSpan.FromMilliseconds(i));
        }

        // 128 samples 1..128 ms: the 99th percentile (nearest rank ⌈0.99·128⌉ = 127) is 127 ms.
        Assert.Equal(127, window.P99Milliseconds);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void P99_is_the_second_largest_of_a_full_window_in_whatever_order_the_samples_came(bool descending)
    {
        var window = Warm();
        for (int i = 1; i <= LatencyWindow.Capacity; i++)
        {
            window.Record(TimeSpan.FromMilliseconds(descending ? LatencyWindow.Capacity + 1 - i : ((i * 37) % LatencyWindow.Capacity) + 1));
        }

        Assert.Equal(127, window.P99Milliseconds);
    }

    [Fact]
    public void P99_of_a_window_holding_the_largest_sample_twice_is_that_sample()
    {
        var window = Warm();
        window.Record(TimeSpan.FromMilliseconds(9));
        for (int i = 2; i <= 110; i++)
        {
            window.Record(TimeSpan.FromMilliseconds(i % 5));
        }

        window.Record(TimeSpan.FromMilliseconds(9));
        for (int i = 0; i < 6; i++)
        {
            window.Record(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(9, window.P99Milliseconds);
    }

    [Fact]
    public void Old_samples_leave_the_window()
    {
        var window = Warm();
        for (int i = 0; i < LatencyWindow.Capacity; i++)
        {
            window.Record(TimeSpan.FromMilliseconds(500));
        }

        for (int i = 0; i < LatencyWindow.Capacity; i++)
        {
            window.Record(TimeSpan.FromMilliseconds(2));
        }

        Assert.Equal(2, window.P99Milliseconds);
        Assert.InRange(window.AverageMilliseconds, 2, 2.001);
    }

    [Fact]
    public void Average_moves_towards_new_samples()
    {
        var window = new LatencyWindow();
        window.Record(TimeSpan.FromMilliseconds(10));
        Assert.Equal(10, window.AverageMilliseconds);

        window.Record(TimeSpan.FromMilliseconds(20));

        Assert.Equal(12, window.AverageMilliseconds, 9);
    }

    /// <summary>A window past its first, left-out sample.</summary>
    [Fact]
    public void Slow_answers_raise_the_p99_as_they_come_not_at_the_next_recompute()
    {
        LatencyWindow window = Full(milliseconds: 2);

        window.Record(TimeSpan.FromMilliseconds(500));
        Assert.Equal(2, window.P99Milliseconds);
        window.Record(TimeSpan.FromMilliseconds(500));

        Assert.Equal(500, window.P99Milliseconds);
    }

    [Fact]
    public void The_p99_falls_as_soon_as_the_slow_answers_it_stood_on_leave_the_window()
    {
        var window = Warm();
        window.Record(TimeSpan.FromMilliseconds(500));
        window.Record(TimeSpan.FromMilliseconds(500));
        for (int i = 2; i < LatencyWindow.Capacity; i++)
        {
            window.Record(TimeSpan.FromMilliseconds(2));
        }

        Assert.Equal(500, window.P99Milliseconds);

        // The oldest sample, one of the two slow ones, is replaced: one slow answer in 128 is no longer the p99.
        window.Record(TimeSpan.FromMilliseconds(2));

        Assert.Equal(2, window.P99Milliseconds);
    }

    /// <summary>A window past its first sample whose <see cref="LatencyWindow.Capacity"/> samples all took <paramref name="milliseconds"/>.</summary>
    private static LatencyWindow Full(double milliseconds)
    {
        var window = Warm();
        for (int i = 0; i < LatencyWindow.Capacity; i++)
        {
            window.Record(TimeSpan.FromMilliseconds(milliseconds));
        }

        return window;
    }

    private static LatencyWindow Warm()
    {
        var window = new LatencyWindow();
        window.Record(TimeSpan.FromSeconds(1));
        return window;
    }
}
