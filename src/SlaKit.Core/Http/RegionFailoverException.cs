namespace SlaKit.Http;

/// <summary>
/// Every region a request could go to failed. <see cref="Outcomes"/> says how each attempt ended; the inner
/// exception aggregates the attempts' errors.
/// </summary>
public sealed class RegionFailoverException : HttpRequestException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="clientName">The failover client.</param>
    /// <param name="message">What happened, in words.</param>
    /// <param name="outcomes">How each attempt ended, in the order they were made.</param>
    /// <param name="innerException">The attempts' errors, if any.</param>
    public RegionFailoverException(string clientName, string message, IReadOnlyList<RegionAttemptOutcome> outcomes, Exception? innerException)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ClientName = clientName;
        Outcomes = outcomes;
    }

    /// <summary>The failover client.</summary>
    public string ClientName { get; }

    /// <summary>How each attempt ended, in the order they were made.</summary>
    public IReadOnlyList<RegionAttemptOutcome> Outcomes { get; }

    /// <summary>
    /// When every region was inside the <c>Retry-After</c> period it had answered with (a 503 or 429), so that the request
    /// was sent nowhere: how long until the first of them takes requests again. <see langword="null"/> otherwise.
    /// </summary>
    public TimeSpan? RetryAfter { get; internal init; }

    /// <summary>Whether the client's total timeout, not the caller, ended the request.</summary>
    internal bool TotalTimeoutElapsed { get; init; }
}
