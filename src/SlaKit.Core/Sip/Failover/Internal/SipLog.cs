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
}
