using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Budgets;

namespace SlaKit.Tests.Budgets;

/// <summary>
/// The state file's checks one by one: each impossible value is refused with a message that names it, each value at
/// the edge of what is possible still loads, and what a save writes of the minute in progress comes back whole.
/// </summary>
public sealed class ErrorBudgetStateFileTests : IDisposable
{
    private const string Head = "{\"version\":1,\"slo\":\"checkout\",\"budgetingMethod\":\"events\",\"savedAt\":\"2026-03-10T12:00:00Z\"";

    // The minute before Traffic.Start (12:00:30 on 2026-03-10), in Unix seconds: inside every window of a tracker made then.
    private const long RecentMinute = 1773143940;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("slakit-state-");
    private readonly FakeTimeProvider _time = new(Traffic.Start);
    private readonly Slo _slo = Traffic.Slo(99.9, name: "checkout");

    private string StatePath => Path.Combine(_directory.FullName, "checkout.json");

    public void Dispose() => _directory.Delete(recursive: true);

    private static string State(string buckets = "[]", string more = "") => $"{Head},\"buckets\":{buckets}{more}}}";

    public static TheoryData<string, string> Corrupt => new()
    {
        { "", "not valid JSON; it may be truncated" },
        { "{ not json", "not valid JSON; it may be truncated" },
        { "[1, 2, 3]", "the state is not a JSON object" },
        { "{\"slo\":\"checkout\"}", "no format version (a whole number from 1)" },
        { "{\"version\":\"one\"}", "no format version" },
        { "{\"version\":0}", "no format version" },
        { "{\"version\":1}", "missing required properties" },
        { "{\"version\":1,\"slo\":\"checkout\"}", "missing required properties" },
        { State().Replace("checkout", "search", StringComparison.Ordinal), "belongs to SLO 'search', not 'checkout'" },
        { State().Replace("events", "timeSlices", StringComparison.Ordinal), "the state counts timeSlices (slice minutes 0), but SLO 'checkout' counts events (slice minutes 0)" },
        { State(more: ",\"sliceMinutes\":5"), "counts events (slice minutes 5)" },
        { $"{Head},\"buckets\":null}}", "the state has no list of buckets" },
        { State("[[60,60,1]]"), "bucket 0 is not [startUnixSeconds, lengthSeconds, good, bad]" },
        { State("[[60,60,1,0],[60,60,-1,0]]"), "bucket 1 holds impossible values: [60, 60, -1, 0]" },
        { State("[[60,60,0,-1]]"), "bucket 0 holds impossible values: [60, 60, 0, -1]" },
        { State("[[61,60,1,0]]"), "bucket 0 holds impossible values: [61, 60, 1, 0]" },
        { State("[[60,0,1,0]]"), "bucket 0 holds impossible values: [60, 0, 1, 0]" },
        { State("[[60,90,1,0]]"), "bucket 0 holds impossible values: [60, 90, 1, 0]" },
        { State("[[60,31622460,1,0]]"), "bucket 0 holds impossible values: [60, 31622460, 1, 0]" },
        { State("[[-62135596860,60,1,0]]"), "bucket 0 holds impossible values: [-62135596860, 60, 1, 0]" },
        { State("[[253402300800,60,1,0]]"), "bucket 0 holds impossible values: [253402300800, 60, 1, 0]" },
        { State("[[60,60,9223372036854775807,1]]"), "bucket 0 holds impossible values" },
        { State("[[60,60,6000000000000000000,0],[120,60,6000000000000000000,0]]"), "add up to 12000000000000000000 events" },
        { State("[[60,60,0,6000000000000000000],[120,60,0,6000000000000000000]]"), "add up to 12000000000000000000 events" },
        { State("[[60,60,4000000000000000000,0]]", ",\"month\":{\"start\":\"2026-03-01T00:00:00Z\",\"good\":4000000000000000000,\"bad\":4000000000000000000}"), "add up to 12000000000000000000 events" },
        { State("[[60,60,4000000000000000000,0]]", ",\"openSlice\":{\"start\":\"2026-03-10T12:00:00Z\",\"good\":4000000000000000000,\"bad\":4000000000000000000}"), "add up to 12000000000000000000 events" },
        { State(more: ",\"month\":{\"start\":\"2026-03-01T00:00:00Z\",\"good\":-1,\"bad\":0}"), "'month' holds impossible counts" },
        { State(more: ",\"month\":{\"start\":\"2026-03-01T00:00:00Z\",\"good\":0,\"bad\":-1}"), "'month' holds impossible counts" },
        { State(more: ",\"month\":{\"start\":\"2026-03-01T00:00:00Z\",\"good\":9223372036854775807,\"bad\":1}"), "'month' holds impossible counts" },
        { State(more: ",\"openSlice\":{\"start\":\"2026-03-10T12:00:00Z\",\"good\":-1,\"bad\":0}"), "'openSlice' holds impossible counts" },
    };

    [Theory]
    [MemberData(nameof(Corrupt))]
    public void A_corrupt_state_says_what_is_wrong_and_loads_nothing(string content, string detail)
    {
        File.WriteAllText(StatePath, content);
        using var tracker = new ErrorBudgetTracker(_slo, _time);

        ErrorBudgetStateException error = Assert.Throws<ErrorBudgetStateException>(() => tracker.LoadState(StatePath));

        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, tracker.GetSnapshot().Budget.TotalEvents);
        Assert.Equal(content, File.ReadAllText(StatePath));
    }

    public static TheoryData<string, long> AtTheEdge => new()
    {
        // The first minute a DateTimeOffset holds, far older than any window: loads, and counts nowhere.
        { State("[[-62135596800,60,1,0]]"), 0 },

        // The last minute a DateTimeOffset holds, far in the future: loads, and counts in no window that ends now.
        { State("[[253402300740,60,1,0]]"), 0 },

        // A bucket as long as the longest window: accepted, and dropped as older than the tracker keeps.
        { State($"[[{RecentMinute - 31622400 + 60},31622400,3,1]]"), 0 },

        // As many events as a tracker can count, in one bucket and all together.
        { State($"[[{RecentMinute},60,9223372036854775807,0]]"), long.MaxValue },
        { State($"[[{RecentMinute},60,9223372036854775806,1]]"), long.MaxValue },
        { State($"[[{RecentMinute},60,5,0]]", ",\"month\":{\"start\":\"2026-03-01T00:00:00Z\",\"good\":0,\"bad\":0}"), 5 },
        { State($"[[{RecentMinute},60,5,0]]", ",\"month\":{\"start\":\"2026-03-01T00:00:00Z\",\"good\":9223372036854775797,\"bad\":5}"), 5 },
    };

    [Theory]
    [MemberData(nameof(AtTheEdge))]
    public void A_state_at_the_edge_of_the_possible_loads(string content, long total)
    {
        File.WriteAllText(StatePath, content);
        using var tracker = new ErrorBudgetTracker(_slo, _time);

        tracker.LoadState(StatePath);

        Assert.Equal(total, tracker.GetSnapshot().CountsOver(SloWindow.MaximumLength).Total);
    }

    [Fact]
    public void A_file_larger_than_a_state_can_be_is_refused_by_its_size_before_it_is_read()
    {
        const int Limit = 16 * 1024 * 1024;
        using var tracker = new ErrorBudgetTracker(_slo, _time);
        File.WriteAllBytes(StatePath, Spaces(Limit + 1));

        ErrorBudgetStateException tooLarge = Assert.Throws<ErrorBudgetStateException>(() => tracker.LoadState(StatePath));

        Assert.Contains($"the file is {Limit + 1} bytes, more than a state file can hold ({Limit})", tooLarge.Message, StringComparison.Ordinal);

        File.WriteAllBytes(StatePath, Spaces(Limit));
        ErrorBudgetStateException atLimit = Assert.Throws<ErrorBudgetStateException>(() => tracker.LoadState(StatePath));
        Assert.Contains("not valid JSON", atLimit.Message, StringComparison.Ordinal);
    }

    private static byte[] Spaces(int count)
    {
        byte[] bytes = new byte[count];
        Array.Fill(bytes, (byte)' ');
        return bytes;
    }

    [Theory]
    [InlineData(7, 7)]
    [InlineData(0, 3)]
    [InlineData(40, 42)]
    public void Events_of_the_minute_in_progress_are_saved_whether_good_or_bad(long good, long total)
    {
        using (var original = new ErrorBudgetTracker(_slo, _time))
        {
            original.Record(good, total);
            original.SaveState(StatePath);
        }

        using var restored = new ErrorBudgetTracker(_slo, _time);
        restored.LoadState(StatePath);

        Assert.Equal(new SloEventCounts(good, total - good), restored.GetSnapshot().CountsOver(TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void A_save_writes_only_buckets_that_hold_events()
    {
        using (var original = new ErrorBudgetTracker(_slo, _time))
        {
            Traffic.Run(_time, original, minutes: 3, perMinute: 10, badPerMinute: 1);
            original.SaveState(StatePath);
        }

        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(StatePath));
        JsonElement[] buckets = [.. json.RootElement.GetProperty("buckets").EnumerateArray()];

        Assert.NotEmpty(buckets);
        Assert.All(buckets, bucket => Assert.True(bucket[2].GetInt64() + bucket[3].GetInt64() > 0, bucket.ToString()));
    }

    [Fact]
    public void A_time_slice_in_progress_comes_back_with_the_events_of_its_open_minute()
    {
        var slices = new Slo("checkout", _slo.Target, _slo.Window, SloBudgetingMethod.TimeSlices(TimeSpan.FromMinutes(5), Availability.FromPercent(95)));
        using (var original = new ErrorBudgetTracker(slices, _time))
        {
            original.Record(good: 10, total: 10);
            _time.Advance(TimeSpan.FromMinutes(1));

            // 60 good and 10 bad in the slice, 85.7%: a bad slice once it ends.
            original.Record(good: 50, total: 60);
            original.SaveState(StatePath);
        }

        using var restored = new ErrorBudgetTracker(slices, _time);
        restored.LoadState(StatePath);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(new SloEventCounts(0, 1), restored.GetSnapshot().CountsOver(TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public void Saving_through_a_chain_of_links_replaces_the_last_file_and_keeps_both_links()
    {
        string target = Path.Combine(_directory.FullName, "real.json");
        string middle = Path.Combine(_directory.FullName, "middle.json");
        File.WriteAllText(target, "{}");
        File.CreateSymbolicLink(middle, target);
        File.CreateSymbolicLink(StatePath, middle);
        using var tracker = new ErrorBudgetTracker(_slo, _time);
        tracker.RecordFailure();

        tracker.SaveState(StatePath);

        Assert.Equal(middle, new FileInfo(StatePath).LinkTarget);
        Assert.Equal(target, new FileInfo(middle).LinkTarget);
        Assert.Contains("\"checkout\"", File.ReadAllText(target), StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_without_a_directory_is_refused()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => ErrorBudgetStateFile.WriteAtomically("/", [1]));

        Assert.Equal("path", error.ParamName);
        Assert.Contains("no directory", error.Message, StringComparison.Ordinal);
    }
}
