namespace SlaKit.Prometheus;

/// <summary>
/// An SLO file that cannot be read: malformed YAML or JSON, a missing or bad value, or a field SlaKit does not
/// support. The message names the file, the line and the field, such as
/// <c>slo.yaml:12: spec.budgetingMethod: 'RatioTimeslices' is not supported (use Occurrences or Timeslices)</c>.
/// </summary>
public sealed class SloDocumentException : FormatException
{
    /// <summary>Creates the exception with no details.</summary>
    public SloDocumentException()
        : base("The SLO document cannot be read.")
    {
        Field = "";
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public SloDocumentException(string message)
        : base(message)
    {
        Field = "";
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SloDocumentException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = "";
    }

    /// <summary>Creates the exception for a field.</summary>
    /// <param name="source">The file's name, or another name for where the text came from.</param>
    /// <param name="line">The 1-based line the problem is on; 0 when unknown.</param>
    /// <param name="field">The field's path, such as <c>spec.objectives[0].target</c>; empty for the document as a whole.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="innerException">The cause, if any.</param>
    public SloDocumentException(string source, long line, string field, string problem, Exception? innerException = null)
        : base(Describe(source, line, field, problem), innerException)
    {
        Field = field;
        Line = line;
    }

    /// <summary>The path of the field at fault, such as <c>spec.timeWindow[0].duration</c>; empty when the document as a whole is.</summary>
    public string Field { get; }

    /// <summary>The 1-based line the problem is on; 0 when unknown.</summary>
    public long Line { get; }

    private static string Describe(string source, long line, string field, string problem)
    {
        // Checked here, where the base constructor's message is made, before the field is first read.
        ArgumentNullException.ThrowIfNull(field);
        string where = line > 0 ? $"{source}:{line}" : source;
        return field.Length == 0 ? $"{where}: {problem}" : $"{where}: {field}: {problem}";
    }
}
