using System.Globalization;
using System.Text.RegularExpressions;

namespace SlaKit;

/// <summary>
/// Reads incidents from CSV: one incident a line, <c>start,end[,weight]</c>, times in ISO 8601 with an
/// explicit offset (<c>2026-02-03T10:00:00Z</c>, <c>2026-02-03T11:00:00+01:00</c>).
/// </summary>
/// <remarks>
/// The first line that is not blank or a comment may be a header (<c>start,end</c>). Blank lines and lines starting with <c>#</c> are
/// skipped. A time without an offset is rejected rather than guessed.
/// </remarks>
public static partial class IncidentCsv
{
    /// <summary>Reads every incident from <paramref name="reader"/>.</summary>
    /// <param name="reader">The CSV text.</param>
    /// <returns>The incidents, in file order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="IncidentCsvException">A line does not parse, or ends before it starts; the exception names the line.</exception>
    public static IReadOnlyList<Incident> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var incidents = new List<Incident>();
        int lineNumber = 0;
        bool headerAllowed = true;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            string[] cells = trimmed.Split(',', StringSplitOptions.TrimEntries);
            if (headerAllowed && IsHeader(cells[0]))
            {
                headerAllowed = false;
                continue;
            }

            headerAllowed = false;
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

    private static bool IsHeader(string firstCell) => firstCell.Length > 0 && !firstCell.Any(char.IsAsciiDigit);

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
            (!double.TryParse(cells[2], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out weight) || weight <= 0 || weight > 1))
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

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoWithOffset();
}
