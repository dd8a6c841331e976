using SlaKit.Regions;

namespace SlaKit.Sip;

/// <summary>
/// A call reached its callee, who did not take it: busy, declined, not found, or no answer within the ring timeout.
/// No other trunk was tried, since it would ring the same person. <see cref="Response"/> is the callee's answer.
/// </summary>
public sealed class SipCallDeclinedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="clientName">The failover client.</param>
    /// <param name="message">What happened, in words.</param>
    /// <param name="trunk">The trunk that carried the callee's answer.</param>
    /// <param name="response">The final response, or <see langword="null"/> when the call was cancelled unanswered.</param>
    /// <param name="outcomes">How each attempt ended, in the order they were made.</param>
    /// <exception cref="ArgumentNullException"><paramref name="trunk"/> or <paramref name="outcomes"/> is <see langword="null"/>.</exception>
    public SipCallDeclinedException(string clientName, string message, Region trunk, SipResponse? response, IReadOnlyList<SipAttemptOutcome> outcomes)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(outcomes);
        ClientName = clientName;
        Trunk = trunk;
        Response = response;
        Outcomes = outcomes;
    }

    /// <summary>The failover client.</summary>
    public string ClientName { get; }

    /// <summary>The trunk that carried the callee's answer.</summary>
    public Region Trunk { get; }

    /// <summary>The callee's final response, such as 486 Busy Here; <see langword="null"/> when the call rang unanswered and was cancelled.</summary>
    public SipResponse? Response { get; }

    /// <summary>How each attempt ended, in the order they were made; the last is the callee's answer.</summary>
    public IReadOnlyList<SipAttemptOutcome> Outcomes { get; }
}
