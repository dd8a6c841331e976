namespace SlaKit;

/// <summary>A line of an incidents CSV file that could not be read.</summary>
public sealed class IncidentCsvException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="lineNumber">The 1-based line number of the bad line.</param>
    /// <param name="message">What is wrong with the line.</param>
    public IncidentCsvException(int lineNumber, string message)
        : base($"line {lineNumber}: {message}")
    {
        LineNumber = lineNumber;
    }

    /// <summary>The 1-based line number of the bad line.</summary>
    public int LineNumber { get; }
}
