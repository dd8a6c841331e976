namespace SlaKit.Sip;

/// <summary>How a final response to a call's INVITE decides the call's way on.</summary>
internal static class SipCallRules
{
    /// <summary>
    /// Whether a final response is the callee's own answer on every trunk alike, so that no configuration may move a call
    /// on for it: 404 Not Found, 486 Busy Here, 600 Busy Everywhere, 603 Decline (RFC 3261 §21.4.5, §21.4.25, §21.6).
    /// </summary>
    public static bool IsCalleeAnswer(int statusCode) => statusCode is 404 or 486 or 600 or 603;

    /// <summary>
    /// What a final response makes of a call's attempt on one trunk: a 2xx establishes it; 503 (RFC 3263 §4.3), 408, any
    /// other 5xx, 401 and 407, and the configured codes move it to the next trunk; every other code is the callee's answer.
    /// </summary>
    /// <remarks>
    /// 401 and 407 challenge the caller for credentials (RFC 3261 §22.2, §22.3), which this client does not send: the
    /// trunk cannot carry any call, whoever the callee, and another trunk may.
    /// </remarks>
    public static SipAttemptOutcomeKind Classify(int statusCode, IReadOnlySet<int> failoverCodes) => statusCode switch
    {
        < 300 => SipAttemptOutcomeKind.Answered,
        503 => SipAttemptOutcomeKind.ServiceUnavailable,
        401 or 407 or 408 or (>= 500 and < 600) => SipAttemptOutcomeKind.FailureStatus,
        _ when !IsCalleeAnswer(statusCode) && failoverCodes.Contains(statusCode) => SipAttemptOutcomeKind.FailureStatus,
        _ => SipAttemptOutcomeKind.Declined,
    };

    /// <summary>The ITU-T E.411 class of an attempt that reached its trunk.</summary>
    public static SipCallClass ClassOf(SipAttemptOutcome outcome) => outcome.Kind switch
    {
        SipAttemptOutcomeKind.Answered => SipCallClass.Answered,
        SipAttemptOutcomeKind.NoAnswer => SipCallClass.NoAnswer,
        SipAttemptOutcomeKind.Declined => outcome.Response?.StatusCode switch
        {
            486 or 600 => SipCallClass.UserBusy,
            480 => SipCallClass.NoAnswer,
            _ => SipCallClass.Declined,
        },
        _ => SipCallClass.NetworkFailure,
    };

    /// <summary>A class as <c>slakit.sip.call_attempts</c> tags it.</summary>
    public static string Tag(SipCallClass outcome) => outcome switch
    {
        SipCallClass.Answered => "answered",
        SipCallClass.UserBusy => "user_busy",
        SipCallClass.NoAnswer => "no_answer",
        SipCallClass.Declined => "declined",
        _ => "network_failure",
    };
}
