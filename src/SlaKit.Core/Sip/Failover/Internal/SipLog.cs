using Microsoft.Extensions.Logging;

namespace SlaKit.Sip;

/// <summary>The SIP logs, source-generated so that disabled levels cost nothing.</summary>
internal static partial class SipLog
{
    [LoggerMessage(EventId = 1101, EventName = "SipMalformedMessageDropped", Level = LogLevel.Warning,
        Message = "A malformed SIP message from {Target} was dropped: {Error}.")]
    public static partial void MalformedMessageDropped(ILogger logger, string target, string error);

    [LoggerMessage(EventId = 1102, EventName = "SipAttemptFailed", Level = LogLevel.Information,
        Message = "Client {Client}: {Method} to region {Region} failed ({Outcome}); trying the next region.")]
    public static partial void AttemptFailed(ILogger logger, string client, string method, string region, string outcome);

    [LoggerMessage(EventId = 1103, EventName = "SipLateAnswerEnded", Level = LogLevel.Warning,
        Message = "Client {Client}: trunk {Region} answered call {CallId} after the call had left it; the answer was ACKed and ended with a BYE.")]
    public static partial void LateAnswerEnded(ILogger logger, string client, string region, string callId);

    [LoggerMessage(EventId = 1104, EventName = "SipCallDeclined", Level = LogLevel.Information,
        Message = "Client {Client}: call {CallId} on trunk {Region} ended with the callee's answer ({Outcome}); no other trunk is tried.")]
    public static partial void CallDeclined(ILogger logger, string client, string callId, string region, string outcome);

    [LoggerMessage(EventId = 1105, EventName = "SipCallCompletedHandlerThrew", Level = LogLevel.Error,
        Message = "Client {Client}: a CallCompleted handler threw for call {CallId}; the call goes on.")]
    public static partial void CallCompletedHandlerThrew(ILogger logger, string client, string callId, Exception exception);

    [LoggerMessage(EventId = 1110, EventName = "SipTrunkAnsweredLate", Level = LogLevel.Information,
        Message = "Client {Client}: trunk {Region} answered a call it had been left for not answering; it was slow, not dead, and counts as having answered.")]
    public static partial void TrunkAnsweredLate(ILogger logger, string client, string region);

    [LoggerMessage(EventId = 1111, EventName = "SipUdpListenerUnavailable", Level = LogLevel.Warning,
        Message = "No socket could share the UDP port {Local} with the connection to {Target} ({Error}); requests and responses from any other address, such as a callee's BYE sent straight to our Contact, are dropped.")]
    public static partial void UdpListenerUnavailable(ILogger logger, string local, string target, string error);
}
