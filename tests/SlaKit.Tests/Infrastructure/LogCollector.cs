using Microsoft.Extensions.Logging;

namespace SlaKit.Tests.Infrastructure;

/// <summary>A logger provider that keeps every entry, for tests that read what was logged.</summary>
internal sealed class LogCollector : ILoggerProvider, ILogger
{
    private readonly List<(LogLevel Level, EventId EventId, string Message, Exception? Error)> _entries = [];

    /// <summary>The entries so far, oldest first.</summary>
    public IReadOnlyList<(LogLevel Level, EventId EventId, string Message, Exception? Error)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((logLevel, eventId, formatter(state, exception), exception));
        }
    }

    public void Dispose()
    {
    }
}
