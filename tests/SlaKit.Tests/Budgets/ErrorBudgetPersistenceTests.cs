using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Budgets;

namespace SlaKit.Tests.Budgets;

public sealed class ErrorBudgetPersistenceTests : IDisposable
{
    private static readonly TimeSpan[] Windows =
        [TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromDays(3), TimeSpan.FromDays(30)];

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("slakit-budgets-");
    private readonly FakeTimeProvider _time = new(Traffic.Start);
    private readonly Slo _slo = Traffic.Slo(99.9, name: "checkout");

    private string StatePath => Path.Combine(_directory.FullName, "checkout.json");

    public void Dispose() => _directory.Delete(recursive: true);

    /// <summary>Five days of traffic, so one-minute, ten-minute and hourly buckets all hold counts, and some pending events.</summary>
    private ErrorBudgetTracker TrackerWithHistory()
    {
        var tracker = new ErrorBudgetTracker(_slo, _time);
        for (int hour = 0; hour < 5 * 24; hour++)
        {
            tracker.Record(1000 - (hour % 7), 1000);
            _time.Advance(TimeSpan.FromMinutes(50));
            Traffic.Run(_time, tracker, minutes: 10, perMinute: 100, badPerMinute: hour % 3);
        }

        tracker.Record(good: 40, total: 42);
        return tracker;
    }

    [Fact]
    public void Saved_state_loads_into_a_new_tracker_with_every_window_intact()
    {
        using ErrorBudgetTracker original = TrackerWithHistory();
        ErrorBudgetSnapshot before = original.GetSnapshot();
        original.SaveState(StatePath);

        using var restored = new ErrorBudgetTracker(_slo, _time);
        restored.LoadState(StatePath);
        ErrorBudgetSnapshot after = restored.GetSnapshot();

        foreach (TimeSpan window in Windows)
        {
            Assert.Equal(before.CountsOver(window), after.CountsOver(window));
        }

        Assert.Equal(before.Budget.TotalEvents, after.Budget.TotalEvents);
        Assert.Equal(before.Budget.BadEvents, after.Budget.BadEvents);
        Assert.True(before.Budget.TotalEvents > 100_000);
    }

    [Fact]
    public void A_restart_loses_no_history()
    {
        long total;
        using (ErrorBudgetTracker original = TrackerWithHistory())
        {
            total = original.GetSnapshot().Budget.TotalEvents;
            original.SaveState(StatePath);
        }

        // Down for two hours; the restarted tracker records on top of what it loaded.
        _time.Advance(TimeSpan.FromHours(2));
        using var restarted = new ErrorBudgetTracker(_slo, _time);
        restarted.LoadState(StatePath);
        restarted.Record(10, 10);

        Assert.Equal(total + 10, restarted.GetSnapshot().Budget.TotalEvents);
    }

    [Fact]
    public void The_file_is_versioned_json()
    {
        using ErrorBudgetTracker tracker = TrackerWithHistory();
        tracker.SaveState(StatePath);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(StatePath));
        Assert.Equal(1, json.RootElement.GetProperty("version").GetInt32());
        Assert.Equal("checkout", json.RootElement.GetProperty("slo").GetString());
        Assert.Equal("events", json.RootElement.GetProperty("budgetingMethod").GetString());
        JsonElement bucket = json.RootElement.GetProperty("buckets")[0];
        Assert.Equal(4, bucket.GetArrayLength());
    }

    [Fact]
    public void A_save_replaces_the_previous_one_and_leaves_no_temporary_file()
    {
        using ErrorBudgetTracker tracker = TrackerWithHistory();
        tracker.SaveState(StatePath);
        tracker.Record(5, 5);
        tracker.SaveState(StatePath);

        Assert.Equal(["checkout.json"], _directory.GetFiles().Select(static file => file.Name));
        using var restored = new ErrorBudgetTracker(_slo, _time);
        restored.LoadState(StatePath);
        Assert.Equal(tracker.GetSnapshot().Budget.TotalEvents, restored.GetSnapshot().Budget.TotalEvents);
    }

    [Fact]
    public void A_save_that_fails_midway_leaves_the_previous_state_whole()
    {
        using ErrorBudgetTracker tracker = TrackerWithHistory();
        tracker.SaveState(StatePath);
        byte[] saved = File.ReadAllBytes(StatePath);
        tracker.Record(100, 200);
        byte[] newer = Encoding.UTF8.GetBytes("{\"version\":1}");

        // The disk fills up halfway through writing the new state.
        Assert.Throws<IOException>(() => ErrorBudgetStateFile.WriteAtomically(StatePath, newer, static (stream, bytes) =>
        {
            stream.Write(bytes, 0, bytes.Length / 2);
            throw new IOException("No space left on device");
        }));

        Assert.Equal(saved, File.ReadAllBytes(StatePath));
        Assert.Equal(["checkout.json"], _directory.GetFiles().Select(static file => file.Name));
    }

    [Fact]
    public void A_crash_during_a_save_leaves_a_stray_file_that_loading_ignores()
    {
        using ErrorBudgetTracker tracker = TrackerWithHistory();
        tracker.SaveState(StatePath);
        byte[] saved = File.ReadAllBytes(StatePath);

        // What a process killed mid-write leaves behind: a partial temporary file beside the state.
        File.WriteAllBytes(Path.Combine(_directory.FullName, ".checkout.json.0123456789abcdef.tmp"), saved[..(saved.Length / 3)]);

        using var restored = new ErrorBudgetTracker(_slo, _time);
        restored.LoadState(StatePath);
        Assert.Equal(tracker.GetSnapshot().Budget.TotalEvents, restored.GetSnapshot().Budget.TotalEvents);

        restored.SaveState(StatePath);
        Assert.Equal(tracker.GetSnapshot().Budget.TotalEvents, Reload().Budget.TotalEvents);
    }

    [Fact]
    public void A_save_to_a_missing_directory_fails_and_writes_nothing()
    {
        using var tracker = new ErrorBudgetTracker(_slo, _time);
        string path = Path.Combine(_directory.FullName, "missing", "state.json");

        Assert.Throws<DirectoryNotFoundException>(() => tracker.SaveState(path));
        Assert.Empty(_directory.GetFileSystemInfos());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{ not json")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"slo\":\"checkout\"}")]
    [InlineData("{\"version\":\"one\"}")]
    [InlineData("{\"version\":0}")]
    [InlineData("{\"version\":1,\"slo\":\"checkout\"}")]
    [InlineData("{\"version\":1,\"slo\":\"checkout\",\"budgetingMethod\":\"events\",\"savedAt\":\"2026-03-10T12:00:00Z\",\"buckets\":[[60,60,-1,0]]}")]
    [InlineData("{\"version\":1,\"slo\":\"checkout\",\"budgetingMethod\":\"events\",\"savedAt\":\"2026-03-10T12:00:00Z\",\"buckets\":[[61,60,1,0]]}")]
    [InlineData("{\"version\":1,\"slo\":\"checkout\",\"budgetingMethod\":\"events\",\"savedAt\":\"2026-03-10T12:00:00Z\",\"buckets\":[[60,60,1]]}")]
    [InlineData("{\"version\":1,\"slo\":\"checkout\",\"budgetingMethod\":\"events\",\"savedAt\":\"2026-03-10T12:00:00Z\",\"buckets\":[],\"extra\":true}")]
    [InlineData("{\"version\":1,\"slo\":\"checkout\",\"budgetingMethod\":\"events\",\"savedAt\":\"2026-03-10T12:00:00Z\",\"buckets\":null}")]
    [InlineData("{\"version\":1,\"slo\":\"checkout\",\"budgetingMethod\":\"events\",\"savedAt\":\"2026-03-10T12:00:00Z\",\"buckets\":[[60,60,6000000000000000000,0],[60,60,6000000000000000000,0]]}")]
    public void A_corrupt_file_is_reported_and_left_untouched(string content)
    {
        File.WriteAllText(StatePath, content);
        using var tracker = new ErrorBudgetTracker(_slo, _time);

        var error = Assert.Throws<ErrorBudgetStateException>(() => tracker.LoadState(StatePath));

        Assert.Equal(StatePath, error.Path);
        Assert.Contains(StatePath, error.Message, StringComparison.Ordinal);
        Assert.Contains("not a valid error budget state file", error.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(StatePath));
        Assert.Equal(0, tracker.GetSnapshot().Budget.TotalEvents);
    }

    [Fact]
    public void A_truncated_file_is_reported_and_nothing_is_loaded()
    {
        using (ErrorBudgetTracker original = TrackerWithHistory())
        {
            original.SaveState(StatePath);
        }

        byte[] whole = File.ReadAllBytes(StatePath);
        byte[] truncated = whole[..(whole.Length * 2 / 3)];
        File.WriteAllBytes(StatePath, truncated);
        using var tracker = new ErrorBudgetTracker(_slo, _time);

        var error = Assert.Throws<ErrorBudgetStateException>(() => tracker.LoadState(StatePath));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.IsType<JsonException>(error.InnerException, exactMatch: false);
        Assert.Equal(truncated, File.ReadAllBytes(StatePath));
        Assert.Equal(0, tracker.GetSnapshot().Budget.TotalEvents);
    }

    [Fact]
    public void A_file_from_a_newer_version_is_reported_and_left_untouched()
    {
        const string Future = "{\"version\":2,\"slo\":\"checkout\",\"history\":{\"format\":\"columnar\"}}";
        File.WriteAllText(StatePath, Future);
        using var tracker = new ErrorBudgetTracker(_slo, _time);

        var error = Assert.Throws<ErrorBudgetStateException>(() => tracker.LoadState(StatePath));

        Assert.Contains("format version 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer SlaKit", error.Message, StringComparison.Ordinal);
        Assert.Equal(Future, File.ReadAllText(StatePath));
    }

    [Fact]
    public void A_file_of_another_slo_is_refused()
    {
        using (var other = new ErrorBudgetTracker(Traffic.Slo(name: "search"), _time))
        {
            other.RecordFailure();
            other.SaveState(StatePath);
        }

        using var tracker = new ErrorBudgetTracker(_slo, _time);

        var error = Assert.Throws<ErrorBudgetStateException>(() => tracker.LoadState(StatePath));
        Assert.Contains("'search'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'checkout'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_file_does_not_load_into_a_time_slice_slo()
    {
        using (ErrorBudgetTracker original = TrackerWithHistory())
        {
            original.SaveState(StatePath);
        }

        var slices = new Slo("checkout", _slo.Target, _slo.Window, SloBudgetingMethod.TimeSlices(TimeSpan.FromMinutes(1), Availability.FromPercent(95)));
        using var tracker = new ErrorBudgetTracker(slices, _time);

        Assert.Throws<ErrorBudgetStateException>(() => tracker.LoadState(StatePath));
    }

    [Fact]
    public void A_missing_file_is_not_found()
    {
        using var tracker = new ErrorBudgetTracker(_slo, _time);

        Assert.Throws<FileNotFoundException>(() => tracker.LoadState(StatePath));
    }

    [Fact]
    public void A_calendar_months_budget_survives_a_restart_within_the_month()
    {
        var slo = new Slo("billing", Availability.FromPercent(99.9), SloWindow.CalendarMonth());
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        using (var original = new ErrorBudgetTracker(slo, time))
        {
            original.Record(990, 1000);
            Traffic.Idle(time, TimeSpan.FromDays(12));
            original.Record(995, 1000);
            original.SaveState(StatePath);
        }

        time.Advance(TimeSpan.FromMinutes(30));
        using var restarted = new ErrorBudgetTracker(slo, time);
        restarted.LoadState(StatePath);
        Assert.Equal(2000, restarted.GetSnapshot().Budget.TotalEvents);
        Assert.Equal(15, restarted.GetSnapshot().Budget.BadEvents);

        // In March the budget starts afresh, loaded or not.
        Traffic.Idle(time, TimeSpan.FromDays(17));
        Assert.Equal(0, restarted.GetSnapshot().Budget.TotalEvents);
    }

    [Fact]
    public void A_saved_february_does_not_count_against_march()
    {
        var slo = new Slo("billing", Availability.FromPercent(99.9), SloWindow.CalendarMonth());
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 28, 23, 0, 0, TimeSpan.Zero));
        using (var original = new ErrorBudgetTracker(slo, time))
        {
            original.Record(990, 1000);
            original.SaveState(StatePath);
        }

        time.Advance(TimeSpan.FromHours(2));
        using var restarted = new ErrorBudgetTracker(slo, time);
        restarted.LoadState(StatePath);

        ErrorBudgetSnapshot march = restarted.GetSnapshot();
        Assert.Equal(0, march.Budget.TotalEvents);
        Assert.Equal(new SloEventCounts(990, 10), march.CountsOver(TimeSpan.FromHours(3)));
    }

    private ErrorBudgetSnapshot Reload()
    {
        using var tracker = new ErrorBudgetTracker(_slo, _time);
        tracker.LoadState(StatePath);
        return tracker.GetSnapshot();
    }

    [Fact]
    public void A_file_with_a_utf8_byte_order_mark_loads()
    {
        using (ErrorBudgetTracker original = TrackerWithHistory())
        {
            original.SaveState(StatePath);
        }

        File.WriteAllBytes(StatePath, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(StatePath)]);
        using var tracker = new ErrorBudgetTracker(_slo, _time);

        tracker.LoadState(StatePath);

        Assert.True(tracker.GetSnapshot().Budget.TotalEvents > 100_000);
    }

    [Fact]
    public void Saving_through_a_symbolic_link_replaces_the_file_it_points_to_and_keeps_the_link()
    {
        string target = Path.Combine(_directory.FullName, "real.json");
        File.WriteAllText(target, "{}");
        File.CreateSymbolicLink(StatePath, target);
        using ErrorBudgetTracker tracker = TrackerWithHistory();

        tracker.SaveState(StatePath);

        Assert.Equal(target, new FileInfo(StatePath).LinkTarget);
        using var restored = new ErrorBudgetTracker(_slo, _time);
        restored.LoadState(target);
        Assert.Equal(tracker.GetSnapshot().Budget.TotalEvents, restored.GetSnapshot().Budget.TotalEvents);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Saving_keeps_the_files_permissions()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes only.");
        File.WriteAllText(StatePath, "{}");
        File.SetUnixFileMode(StatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using ErrorBudgetTracker tracker = TrackerWithHistory();

        tracker.SaveState(StatePath);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StatePath));
    }

    [Fact]
    public void Saving_deletes_temporary_files_a_killed_save_left_but_not_one_being_written()
    {
        string stale = Path.Combine(_directory.FullName, ".checkout.json.0123456789abcdef.tmp");
        string fresh = Path.Combine(_directory.FullName, ".checkout.json.fedcba9876543210.tmp");
        File.WriteAllText(stale, "half");
        File.WriteAllText(fresh, "half");
        File.SetLastWriteTimeUtc(stale, File.GetLastWriteTimeUtc(fresh) - TimeSpan.FromHours(1));
        using ErrorBudgetTracker tracker = TrackerWithHistory();

        tracker.SaveState(StatePath);

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public void A_refusal_of_the_file_system_is_the_documented_io_exception_and_leaves_the_old_file()
    {
        File.WriteAllText(StatePath, "old");

        IOException error = Assert.Throws<IOException>(() => ErrorBudgetStateFile.WriteAtomically(
            StatePath, [1, 2, 3], static (_, _) => throw new UnauthorizedAccessException("Access to the path is denied.")));

        Assert.IsType<UnauthorizedAccessException>(error.InnerException);
        Assert.Contains(StatePath, error.Message, StringComparison.Ordinal);
        Assert.Equal("old", File.ReadAllText(StatePath));
        Assert.Single(_directory.GetFiles());
    }
}
