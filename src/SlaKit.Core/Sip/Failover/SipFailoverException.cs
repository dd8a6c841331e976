namespace SlaKit.Sip;

/// <summary>
/// Every region a SIP request could go to failed: each answered 503, timed out, or could not be reached.
/// <see cref="Outcomes"/> says how each attempt ended.
/// </summary>
public sealed class SipFailoverException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="clientName">The failover client.</param>
    /// <param name="message">What happened, in words.</param>
    /// <param name="outcomes">How each attempt ended, in the order they were made.</param>
    /// <exception cref="ArgumentNullException"><paramref name="outcomes"/> is <see langword="null"/>.</exception>
    public SipFailoverException(string clientName, string message, IReadOnlyList<SipAttemptOutcome> outcomes)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ClientName = clientName;
        Outcomes = outcomes;
    }

    /// <summary>The failover client.</summary>
    public string ClientName { get; }

    /// <summary>How each attempt ended, in the order they were made.</summary>
    public IReadOnlyList<SipAttemptOutcome> Outcomes { get; }
}
