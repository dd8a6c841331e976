namespace SlaKit.Budgets;

/// <summary>
/// A saved error-budget state file that cannot be loaded: it is corrupt or truncated, was written by a
/// newer SlaKit, or belongs to another SLO. The file is left as it was.
/// </summary>
/// <remarks>It is an <see cref="IOException"/>, so one handler can catch unreadable and unusable state files alike.</remarks>
public sealed class ErrorBudgetStateException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The state file.</param>
    /// <param name="message">What is wrong with it.</param>
    /// <param name="innerException">The error that revealed it, if any.</param>
    public ErrorBudgetStateException(string path, string message, Exception? innerException = null)
        : base($"{path}: {message}", innerException)
    {
        Path = path;
    }

    /// <summary>The state file.</summary>
    public string Path { get; }
}
