using SlaKit.Budgets;

namespace SlaKit.Tests.Budgets;

public class TrackerClockTests
{
    [Fact]
    public void It_reads_the_wall_clock_while_the_wall_clock_runs_with_elapsed_time()
    {
        var time = new SteppedClock(Traffic.Start);
        var clock = new TrackerClock(time);

        time.Advance(TimeSpan.FromSeconds(90));

        Assert.Equal(Traffic.Start + TimeSpan.FromSeconds(90), clock.Read());
        Assert.False(clock.TakeForwardStep());
    }

    [Fact]
    public void It_does_not_go_back_with_the_wall_clock_and_runs_a_sixtieth_slow_until_the_wall_clock_catches_up()
    {
        var time = new SteppedClock(Traffic.Start);
        var clock = new TrackerClock(time);

        time.Step(TimeSpan.FromMinutes(-2));
        Assert.Equal(Traffic.Start, clock.Read());

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(Traffic.Start + TimeSpan.FromSeconds(59), clock.Read());

        // Two minutes behind, made up at a second a minute.
        time.Advance(TimeSpan.FromMinutes(119));
        Assert.Equal(time.GetUtcNow(), clock.Read());
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(time.GetUtcNow(), clock.Read());
        Assert.False(clock.TakeForwardStep());
    }

    [Fact]
    public void A_wall_clock_a_minute_ahead_of_elapsed_time_stepped_forward_and_one_59_seconds_ahead_did_not()
    {
        var time = new SteppedClock(Traffic.Start);
        var clock = new TrackerClock(time);

        time.Step(TimeSpan.FromSeconds(59));
        Assert.Equal(time.GetUtcNow(), clock.Read());
        Assert.False(clock.TakeForwardStep());

        time.Advance(TimeSpan.FromSeconds(10));
        time.Step(TimeSpan.FromMinutes(1));
        Assert.Equal(time.GetUtcNow(), clock.Read());
        Assert.Equal(time.GetUtcNow(), clock.Read());
        Assert.True(clock.TakeForwardStep());
        Assert.False(clock.TakeForwardStep());
    }

    [Fact]
    public void A_wall_clock_stepped_forward_while_behind_the_clock_counts_from_where_the_clock_was()
    {
        var time = new SteppedClock(Traffic.Start);
        var clock = new TrackerClock(time);
        time.Step(TimeSpan.FromHours(-1));
        clock.Read();

        // Back where it was, and 30 seconds further: within a minute of where the clock itself is.
        time.Step(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(30));
        Assert.Equal(Traffic.Start + TimeSpan.FromSeconds(30), clock.Read());
        Assert.False(clock.TakeForwardStep());
    }

    [Fact]
    public void The_next_minute_is_the_rest_of_this_one_away_or_60_59ths_of_it_while_the_clock_runs_slow()
    {
        var time = new SteppedClock(Traffic.Start);
        var clock = new TrackerClock(time);
        Assert.Equal(TimeSpan.FromSeconds(30), clock.UntilNextMinute(clock.Read()));

        time.Step(TimeSpan.FromSeconds(-10));
        TimeSpan slow = clock.UntilNextMinute(clock.Read());
        Assert.Equal(TimeSpan.FromSeconds(30) + TimeSpan.FromTicks((TimeSpan.FromSeconds(30).Ticks + 58) / 59), slow);

        // It comes no earlier than the minute, and no more than a tick after it.
        time.Advance(slow);
        DateTimeOffset minute = new(2026, 3, 10, 12, 1, 0, TimeSpan.Zero);
        Assert.InRange(clock.Read(), minute, minute + TimeSpan.FromTicks(1));
    }

    [Fact]
    public void A_timestamp_that_goes_back_counts_as_no_time_elapsed()
    {
        var time = new HandSetClock { Wall = Traffic.Start, Timestamp = TimeSpan.TicksPerHour };
        var clock = new TrackerClock(time);

        time.Wall -= TimeSpan.FromHours(1);
        time.Timestamp = 0;
        Assert.Equal(Traffic.Start, clock.Read());

        time.Timestamp = TimeSpan.TicksPerMinute;
        Assert.Equal(Traffic.Start + TimeSpan.FromSeconds(59), clock.Read());
    }

    /// <summary>A clock whose wall time and timestamp are set by hand, each on its own.</summary>
    private sealed class HandSetClock : TimeProvider
    {
        public DateTimeOffset Wall { get; set; }

        public long Timestamp { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override DateTimeOffset GetUtcNow() => Wall;

        public override long GetTimestamp() => Timestamp;
    }
}
