using SlaKit.Regions;

namespace SlaKit.Sip;

/// <summary>A call placed with <see cref="SipFailoverClient.InviteAsync"/> has been set up, declined, or failed on every trunk.</summary>
public sealed class SipCallCompletedEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    /// <param name="callId">The call's Call-ID.</param>
    /// <param name="trunk">The trunk whose answer decided the call; <see langword="null"/> when no trunk could carry it.</param>
    /// <param name="attempts">How each attempt ended, in order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="callId"/> or <paramref name="attempts"/> is <see langword="null"/>.</exception>
    public SipCallCompletedEventArgs(string callId, Region? trunk, IReadOnlyList<SipAttemptOutcome> attempts)
    {
        ArgumentNullException.ThrowIfNull(callId);
        ArgumentNullException.ThrowIfNull(attempts);
        CallId = callId;
        Trunk = trunk;
        Attempts = attempts;
    }

    /// <summary>The call's Call-ID.</summary>
    public string CallId { get; }

    /// <summary>The trunk whose answer decided the call; <see langword="null"/> when no trunk could carry it.</summary>
    public Region? Trunk { get; }

    /// <summary>How each attempt ended, in order; the last decided the call.</summary>
    public IReadOnlyList<SipAttemptOutcome> Attempts { get; }

    /// <summary>Whether the callee answered: the call is established.</summary>
    public bool IsAnswered => Attempts.Count > 0 && Attempts[^1].Kind == SipAttemptOutcomeKind.Answered;

    /// <summary>
    /// Whether the network delivered the call, whatever the callee did (answered, busy, no answer, declined): the good
    /// events of a network-effectiveness SLI. False only when no trunk could carry it.
    /// </summary>
    public bool IsEffective => Trunk is not null;
}
