using Microsoft.Extensions.Logging;

namespace SlaKit.Regions;

/// <summary>The failover logs, source-generated so that disabled levels cost nothing.</summary>
internal static partial class FailoverLog
{
    [LoggerMessage(EventId = 1001, EventName = "RegionUnhealthy", Level = LogLevel.Warning,
        Message = "Client {Client}: region {Region} is now {Health} (was {Previous}) because {Reason}.")]
    public static partial void RegionUnhealthy(ILogger logger, string client, string region, RegionHealth health, RegionHealth previous, string reason);

    /// <summary>A change of health other than to Unhealthy: Information back from Unhealthy, Debug between Healthy and Degraded.</summary>
    [LoggerMessage(EventId = 1002, EventName = "RegionHealthChanged",
        Message = "Client {Client}: region {Region} is now {Health} (was {Previous}) because {Reason}.")]
    public static partial void RegionHealthChanged(ILogger logger, LogLevel level, string client, string region, RegionHealth health, RegionHealth previous, string reason);

    [LoggerMessage(EventId = 1003, EventName = "RegionSwitched", Level = LogLevel.Warning,
        Message = "Client {Client}: traffic switched from region {From} to region {To}.")]
    public static partial void RegionSwitched(ILogger logger, string client, string from, string to);

    [LoggerMessage(EventId = 1004, EventName = "AllRegionsFailed", Level = LogLevel.Error,
        Message = "Client {Client}: {Method} {Path} failed in every region: {Outcomes}.")]
    public static partial void AllRegionsFailed(ILogger logger, string client, string method, string path, string outcomes);

    [LoggerMessage(EventId = 1005, EventName = "ProbeThrew", Level = LogLevel.Warning,
        Message = "Client {Client}: the probe of region {Region} threw; counted as Unhealthy.")]
    public static partial void ProbeThrew(ILogger logger, string client, string region, Exception exception);

    [LoggerMessage(EventId = 1006, EventName = "RegionWarmedUp", Level = LogLevel.Information,
        Message = "Client {Client}: region {Region} warmed up: first answer in {FirstMilliseconds:F1} ms (connection set-up included), then {WarmMilliseconds:F1} ms.")]
    public static partial void RegionWarmedUp(ILogger logger, string client, string region, double firstMilliseconds, double warmMilliseconds);

    [LoggerMessage(EventId = 1007, EventName = "RegionWarmUpFailed", Level = LogLevel.Warning,
        Message = "Client {Client}: region {Region} did not answer the warm-up: {Reason}. The host starts anyway.")]
    public static partial void RegionWarmUpFailed(ILogger logger, string client, string region, string reason);

    [LoggerMessage(EventId = 1008, EventName = "HealthListenerThrew", Level = LogLevel.Error,
        Message = "Client {Client}: a HealthChanged listener threw on a change of region {Region}; the change stands.")]
    public static partial void HealthListenerThrew(ILogger logger, string client, string region, Exception exception);

    [LoggerMessage(EventId = 1010, EventName = "AbandonedAttemptThrew", Level = LogLevel.Warning,
        Message = "Client {Client}: an attempt on region {Region} that its request no longer waited for threw what no attempt expects; the region is not judged by it.")]
    public static partial void AbandonedAttemptThrew(ILogger logger, string client, string region, Exception exception);

    [LoggerMessage(EventId = 1009, EventName = "ProbeListenerThrew", Level = LogLevel.Error,
        Message = "Client {Client}: a ProbeCompleted handler threw on a probe of region {Region}; probing goes on.")]
    public static partial void ProbeListenerThrew(ILogger logger, string client, string region, Exception exception);

    [LoggerMessage(EventId = 1011, EventName = "LatencyClassLimitReached", Level = LogLevel.Warning,
        Message = "Client {Client}: its requests name more than {Limit} latency classes; those of class {LatencyClass}, and of every class not seen before it, share the default class's latency from now on.")]
    public static partial void LatencyClassLimitReached(ILogger logger, string client, int limit, string latencyClass);
}
