using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SlaKit;

/// <summary>
/// Reads incidents from CSV: one incident a line, <c>start,end[,weight]</c>, times in ISO 8601 with an
/// explicit offset (<c>2026-02-03T10:00:00Z</c>, <c>2026-02-03T11:00:00+01:00</c>).
/// </summary>
/// <remarks>
/// The first line that is not blank or a comment may be a header (<c>start,end</c> or <c>start,end,weight</c>; the first
/// column's name holds "start", the second's "end"). Blank lines and lines starting with <c>#</c> are
/// skipped. A time without an offset is rejected rather than guessed. White space around a cell is ignored. A weight
/// reads the same in every culture: ASCII digits with <c>.</c> as the decimal point, no sign, exponent, NaN or Infinity,
/// read as the nearest <see cref="double"/>; one so small that it reads as 0 is refused.
/// </remarks>
public static partial class IncidentCsv
{
    /// <summary>The longest text read: 16 MiB of characters.</summary>
    public const int MaximumLength = 16 * 1024 * 1024;

    /// <summary>The longest line read: 1,024 characters. An incident line needs about 60.</summary>
    public const int MaximumLineLength = 1024;

    /// <summary>The most incidents read: 100,000.</summary>
    public const int MaximumIncidents = 100_000;

    /// <summary>Reads every incident from <paramref name="reader"/>.</summary>
    /// <param name="reader">The CSV text.</param>
    /// <returns>The incidents, in file order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="IncidentCsvException">A line does not parse, ends before it starts, or is longer than
    /// <see cref="MaximumLineLength"/>; the text is longer than <see cref="MaximumLength"/> or holds more than
    /// <see cref="MaximumIncidents"/> incidents. The exception names the line.</exception>
    public static IReadOnlyList<Incident> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var incidents = new List<Incident>();
        var lines = new BoundedLines(reader);
        int lineNumber = 0;
        bool headerAllowed = true;
        while (lines.Next(lineNumber + 1) is { } line)
        {
            lineNumber++;
            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            string[] cells = trimmed.Split(',', StringSplitOptions.TrimEntries);
            if (headerAllowed && IsHeader(cells))
            {
                headerAllowed = false;
                continue;
            }

            headerAllowed = false;
            if (incidents.Count == MaximumIncidents)
            {
                throw new IncidentCsvException(lineNumber, $"the file holds more than {MaximumIncidents} incidents.");
            }

            incidents.Add(ParseRow(cells, lineNumber));
        }

        return incidents;
    }

    /// <summary>Reads every incident from the file at <paramref name="path"/>.</summary>
    /// <param name="path">The CSV file.</param>
    /// <returns>The incidents, in file order.</returns>
    /// <exception cref="IncidentCsvException">A line does not parse, or ends before it starts.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<Incident> ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using StreamReader reader = File.OpenText(path);
        return Read(reader);
    }

    /// <summary>
    /// A header names the columns: two or three cells without digits, the first naming the start and the second the end
    /// (<c>start,end</c>, <c>Start time,End time,weight</c>). Any other line is a row, so a stray line of text is an error
    /// rather than a header followed by no incidents, which would read as a month without downtime.
    /// </summary>
    private static bool IsHeader(string[] cells) =>
        cells.Length is 2 or 3 &&
        !cells.Any(static cell => cell.Any(char.IsAsciiDigit)) &&
        cells[0].Contains("start", StringComparison.OrdinalIgnoreCase) &&
        cells[1].Contains("end", StringComparison.OrdinalIgnoreCase);

    private static Incident ParseRow(string[] cells, int lineNumber)
    {
        if (cells.Length is < 2 or > 3)
        {
            throw new IncidentCsvException(lineNumber, $"expected start,end[,weight] but found {cells.Length} field(s).");
        }

        DateTimeOffset start = ParseTime(cells[0], lineNumber);
        DateTimeOffset end = ParseTime(cells[1], lineNumber);
        if (end < start)
        {
            throw new IncidentCsvException(lineNumber, $"the incident ends ({cells[1]}) before it starts ({cells[0]}).");
        }

        double weight = 1.0;
        if (cells.Length == 3 &&
            (!NumberText.TryParseDouble(cells[2], out weight) || weight is not (> 0 and <= 1)))
        {
            throw new IncidentCsvException(lineNumber, $"'{cells[2]}' is not a weight in (0, 1].");
        }

        return new Incident(start, end, weight);
    }

    private static DateTimeOffset ParseTime(string text, int lineNumber)
    {
        if (!IsoWithOffset().IsMatch(text) ||
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset time))
        {
            throw new IncidentCsvException(lineNumber, $"'{text}' is not an ISO 8601 date-time with an offset (such as 2026-02-03T10:00:00Z).");
        }

        return time;
    }

    /// <summary>Lines of a text, each at most <see cref="MaximumLineLength"/> long, all together at most <see cref="MaximumLength"/>.</summary>
    private sealed class BoundedLines(TextReader reader)
    {
        private readonly StringBuilder _line = new();
        private long _read;

        /// <summary>The next line without its end; <see langword="null"/> at the end of the text.</summary>
        public string? Next(int lineNumber)
        {
            _line.Clear();
            int c;
            while ((c = reader.Read()) >= 0)
            {
                if (++_read > MaximumLength)
                {
                    throw new IncidentCsvException(lineNumber, $"the file is longer than {MaximumLength} characters.");
                }

                if (c == '\n')
                {
                    return TrimCarriageReturn();
                }

                if (_line.Length == MaximumLineLength)
                {
                    throw new IncidentCsvException(lineNumber, $"the line is longer than {MaximumLineLength} characters.");
                }

                _line.Append((char)c);
            }

            return _line.Length > 0 ? TrimCarriageReturn() : null;
        }

        private string TrimCarriageReturn() =>
            _line.Length > 0 && _line[^1] == '\r' ? _line.ToString(0, _line.Length - 1) : _line.ToString();
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoWithOffset();
}
