using System.Globalization;
using System.Text.Json;

namespace SlaKit.Budgets;

/// <summary>
/// Reads and writes a tracker's saved state: versioned JSON, written so that a crash or a failed write
/// never leaves a half-written file where a good one was.
/// </summary>
internal static class ErrorBudgetStateFile
{
    private const long SecondsPerMinute = 60;
    private const int MaxFileBytes = 16 * 1024 * 1024;
    private static readonly long UnixEpochMinute = DateTimeOffset.UnixEpoch.UtcTicks / TimeSpan.TicksPerMinute;

    /// <summary>The state as JSON: every non-empty bucket, the open minute's pending events, the month and the slice in progress.</summary>
    public static byte[] Serialize(Slo slo, DateTimeOffset savedAt, BucketHistory history, long pendingGood, long pendingBad)
    {
        var buckets = new List<long[]>();
        foreach (HistoryBucket bucket in history.Buckets())
        {
            buckets.Add([ToUnixSeconds(bucket.StartMinute), bucket.Minutes * SecondsPerMinute, bucket.Good, bucket.Bad]);
        }

        ErrorBudgetStatePeriod? openSlice = null;
        if (history.CountsSlices)
        {
            (long start, long good, long bad) = history.OpenSlice;
            openSlice = new ErrorBudgetStatePeriod { Start = BucketHistory.StartOfMinute(start), Good = good + pendingGood, Bad = bad + pendingBad };
        }
        else if (pendingGood != 0 || pendingBad != 0)
        {
            buckets.Add([ToUnixSeconds(history.OpenMinute), SecondsPerMinute, pendingGood, pendingBad]);
        }

        ErrorBudgetStatePeriod? month = null;
        if (slo.Window.IsCalendarMonth)
        {
            SloEventCounts monthToDate = history.MonthToDate(pendingGood, pendingBad);
            month = new ErrorBudgetStatePeriod { Start = history.MonthStart, Good = monthToDate.Good, Bad = monthToDate.Bad };
        }

        var document = new ErrorBudgetStateDocument
        {
            Version = ErrorBudgetStateDocument.CurrentVersion,
            Slo = slo.Name,
            BudgetingMethod = slo.BudgetingMethod.IsTimeSlices ? ErrorBudgetStateDocument.TimeSlicesMethod : ErrorBudgetStateDocument.EventsMethod,
            SliceMinutes = slo.BudgetingMethod.SliceMinutes,
            SavedAt = savedAt.ToUniversalTime(),
            Buckets = [.. buckets],
            Month = month,
            OpenSlice = openSlice,
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, ErrorBudgetStateJsonContext.Default.ErrorBudgetStateDocument);
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="content"/> atomically: the bytes go to a new
    /// file in the same directory, are flushed to disk, and only then is that file renamed over the old
    /// one. A reader sees the old file or the new one, never a mixture, and a failure leaves the old one.
    /// </summary>
    public static void WriteAtomically(string path, byte[] content) =>
        WriteAtomically(path, content, static (stream, bytes) => stream.Write(bytes));

    /// <summary>As <see cref="WriteAtomically(string, byte[])"/>, with the write itself supplied (tests use it to fail halfway).</summary>
    /// <remarks>
    /// A symbolic link at <paramref name="path"/> stays a link: the file it points to is the one replaced. The new file
    /// keeps the old one's permissions on Unix (a 0600 state stays 0600). Temporary files that a save killed halfway left
    /// behind, older than <see cref="StaleTemporaryAge"/>, are deleted. A refusal of the file system
    /// (<see cref="UnauthorizedAccessException"/>) is reported as the documented <see cref="IOException"/>.
    /// </remarks>
    internal static void WriteAtomically(string path, byte[] content, Action<FileStream, byte[]> write)
    {
        string fullPath = FinalTarget(Path.GetFullPath(path));
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException("The path has no directory.", nameof(path));
        string prefix = $".{Path.GetFileName(fullPath)}.";
        DeleteStaleTemporaries(directory, prefix);

        // Same directory, so the rename stays within one file system and is atomic there.
        string temporary = Path.Combine(directory, $"{prefix}{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream, content);

                // Without this the rename could reach the disk before the data, and a power cut would
                // leave an empty file under the old name.
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows() && File.Exists(fullPath))
            {
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(fullPath));
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch (UnauthorizedAccessException exception)
        {
            TryDelete(temporary);
            throw new IOException($"The error budget state cannot be written to '{fullPath}': {exception.Message}", exception);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>How old a temporary file left by another save must be before a save deletes it: 10 minutes.</summary>
    internal static readonly TimeSpan StaleTemporaryAge = TimeSpan.FromMinutes(10);

    /// <summary>The file a path finally names, following symbolic links; the path itself when it is none.</summary>
    private static string FinalTarget(string path)
    {
        var file = new FileInfo(path);
        return file.LinkTarget is not null && file.ResolveLinkTarget(returnFinalTarget: true) is { } target ? target.FullName : path;
    }

    private static void DeleteStaleTemporaries(string directory, string prefix)
    {
        try
        {
            foreach (FileInfo stale in new DirectoryInfo(directory).EnumerateFiles($"{prefix}*.tmp"))
            {
                // Judged by the file's own time against the file system's clock: a save still writing is younger.
#pragma warning disable RS0030 // The file system stamps files with the wall clock; TimeProvider cannot fake it.
                if (DateTime.UtcNow - stale.LastWriteTimeUtc > StaleTemporaryAge)
#pragma warning restore RS0030
                {
                    TryDelete(stale.FullName);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Tidying is a courtesy; the save goes on without it.
        }
    }

    /// <summary>Reads and checks a saved state for <paramref name="slo"/>; nothing is applied unless all of it is valid.</summary>
    public static ErrorBudgetSavedState Read(string path, Slo slo)
    {
        byte[] bytes = ReadBounded(path);
        int version = ReadVersion(path, bytes);
        if (version > ErrorBudgetStateDocument.CurrentVersion)
        {
            throw new ErrorBudgetStateException(path, string.Create(CultureInfo.InvariantCulture,
                $"the state was saved in format version {version} by a newer SlaKit; this version reads format {ErrorBudgetStateDocument.CurrentVersion} and older."));
        }

        ErrorBudgetStateDocument document;
        try
        {
            // Stryker disable once all : unreachable; ReadVersion has refused anything but a JSON object, which never reads as null.
            document = JsonSerializer.Deserialize(bytes, ErrorBudgetStateJsonContext.Default.ErrorBudgetStateDocument)
                ?? throw Corrupt(path, "the state is null.");
        }
        catch (JsonException exception)
        {
            throw Corrupt(path, exception.Message, exception);
        }

        if (!string.Equals(document.Slo, slo.Name, StringComparison.Ordinal))
        {
            throw new ErrorBudgetStateException(path, $"the state belongs to SLO '{document.Slo}', not '{slo.Name}'.");
        }

        string method = slo.BudgetingMethod.IsTimeSlices ? ErrorBudgetStateDocument.TimeSlicesMethod : ErrorBudgetStateDocument.EventsMethod;
        if (!string.Equals(document.BudgetingMethod, method, StringComparison.Ordinal) || document.SliceMinutes != slo.BudgetingMethod.SliceMinutes)
        {
            throw new ErrorBudgetStateException(path, string.Create(CultureInfo.InvariantCulture,
                $"the state counts {document.BudgetingMethod} (slice minutes {document.SliceMinutes}), but SLO '{slo.Name}' counts {method} (slice minutes {slo.BudgetingMethod.SliceMinutes})."));
        }

        if (document.Buckets is null)
        {
            throw Corrupt(path, "the state has no list of buckets.");
        }

        var buckets = new HistoryBucket[document.Buckets.Length];
        for (int i = 0; i < buckets.Length; i++)
        {
            buckets[i] = ReadBucket(path, i, document.Buckets[i]);
        }

        CheckPeriod(path, "month", document.Month);
        CheckPeriod(path, "openSlice", document.OpenSlice);
        CheckTotals(path, buckets, document.Month, document.OpenSlice);
        return new ErrorBudgetSavedState(buckets, document.Month, document.OpenSlice);
    }

    /// <summary>The file's bytes, without a UTF-8 byte order mark an editor may have added.</summary>
    private static byte[] ReadBounded(string path)
    {
        byte[] bytes = ReadWhole(path);
        return bytes.AsSpan().StartsWith(Utf8ByteOrderMark) ? bytes[Utf8ByteOrderMark.Length..] : bytes;
    }

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private static byte[] ReadWhole(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);

        // A state holds at most a few thousand buckets, well under a megabyte; anything far larger is not one,
        // and reading it whole could exhaust memory.
        if (stream.Length > MaxFileBytes)
        {
            throw Corrupt(path, string.Create(CultureInfo.InvariantCulture, $"the file is {stream.Length} bytes, more than a state file can hold ({MaxFileBytes})."));
        }

        byte[] bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static int ReadVersion(string path, byte[] bytes)
    {
        try
        {
            using JsonDocument json = JsonDocument.Parse(bytes);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Corrupt(path, "the state is not a JSON object.");
            }

            if (!json.RootElement.TryGetProperty("version", out JsonElement version) ||
                version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int number) || number < 1)
            {
                throw Corrupt(path, "the state has no format version (a whole number from 1).");
            }

            return number;
        }
        catch (JsonException exception)
        {
            throw Corrupt(path, $"the file is not valid JSON; it may be truncated. {exception.Message}", exception);
        }
    }

    private static HistoryBucket ReadBucket(string path, int position, long[]? values)
    {
        if (values is not [long start, long length, long good, long bad])
        {
            throw Corrupt(path, $"bucket {position} is not [startUnixSeconds, lengthSeconds, good, bad].");
        }

        long earliest = -UnixEpochMinute * SecondsPerMinute;
        long latest = DateTimeOffset.MaxValue.ToUnixTimeSeconds() / SecondsPerMinute * SecondsPerMinute;
        if (start % SecondsPerMinute != 0 || start < earliest || start > latest ||
            length <= 0 || length % SecondsPerMinute != 0 || length > (long)SloWindow.MaximumLength.TotalSeconds ||
            good < 0 || bad < 0 || good > long.MaxValue - bad)
        {
            throw Corrupt(path, $"bucket {position} holds impossible values: [{start}, {length}, {good}, {bad}].");
        }

        return new HistoryBucket((start / SecondsPerMinute) + UnixEpochMinute, (int)(length / SecondsPerMinute), good, bad);
    }

    /// <summary>
    /// Every window the tracker will add up is a part of everything the state holds, so when all of it together fits in a
    /// <see cref="long"/>, no later sum can overflow. Two buckets of one minute holding 6e18 good events each pass the
    /// per-bucket check and would overflow the first snapshot.
    /// </summary>
    private static void CheckTotals(string path, HistoryBucket[] buckets, ErrorBudgetStatePeriod? month, ErrorBudgetStatePeriod? openSlice)
    {
        Int128 total = 0;
        foreach (HistoryBucket bucket in buckets)
        {
            total += (Int128)bucket.Good + bucket.Bad;
        }

        total += month is { } m ? (Int128)m.Good + m.Bad : 0;
        total += openSlice is { } o ? (Int128)o.Good + o.Bad : 0;
        if (total > long.MaxValue)
        {
            throw Corrupt(path, string.Create(CultureInfo.InvariantCulture,
                $"the counts add up to {total} events, more than a tracker can count ({long.MaxValue})."));
        }
    }

    private static void CheckPeriod(string path, string name, ErrorBudgetStatePeriod? period)
    {
        if (period is { } value && (value.Good < 0 || value.Bad < 0 || value.Good > long.MaxValue - value.Bad))
        {
            throw Corrupt(path, $"'{name}' holds impossible counts.");
        }
    }

    private static long ToUnixSeconds(long minute) => (minute - UnixEpochMinute) * SecondsPerMinute;

    private static ErrorBudgetStateException Corrupt(string path, string detail, Exception? inner = null) =>
        new(path, $"not a valid error budget state file (corrupt or truncated): {detail}", inner);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The write already failed; a stray temporary file is harmless, as loading never reads it.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
