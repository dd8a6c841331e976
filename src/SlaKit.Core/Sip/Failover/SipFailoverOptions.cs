using SlaKit.Regions;

namespace SlaKit.Sip;

/// <summary>
/// How a <see cref="SipFailoverClient"/> or <see cref="SipRegionSelector"/> fails over between SIP servers. Set in
/// code or bound from configuration, and validated when the client is created (at host start-up with dependency injection).
/// </summary>
/// <remarks>
/// The regions and health thresholds are those every failover client shares (<see cref="RegionSetOptions"/>): each
/// endpoint is a SIP URI such as <c>sip:10.0.0.5:5060;transport=udp</c>, and regions of one priority share requests by
/// weight as RFC 2782 shares SRV targets.
/// </remarks>
public sealed class SipFailoverOptions : RegionSetOptions
{
    /// <summary>The default of <see cref="T1"/>: 500 milliseconds (RFC 3261 §17.1.1.1).</summary>
    public static readonly TimeSpan DefaultT1 = SipTimerSettings.Default.T1;

    /// <summary>The default of <see cref="T2"/>: 4 seconds (RFC 3261 §17.1.1.1).</summary>
    public static readonly TimeSpan DefaultT2 = SipTimerSettings.Default.T2;

    /// <summary>
    /// The transport for regions whose URI has no <c>transport</c> parameter. <see cref="SipTransportProtocol.Udp"/> by
    /// default, as RFC 3263 §4.1 chooses for a <c>sip:</c> URI.
    /// </summary>
    public SipTransportProtocol Transport { get; set; } = SipTransportProtocol.Udp;

    /// <summary>
    /// T1, the round-trip estimate of RFC 3261 §17.1.1.1: over UDP a request is retransmitted after T1, then at doubling
    /// intervals up to <see cref="T2"/>, and a transaction times out after 64·T1 (Timer F). Positive, at most one minute.
    /// 500 milliseconds by default, so Timer F is 32 seconds.
    /// </summary>
    public TimeSpan T1 { get; set; } = DefaultT1;

    /// <summary>T2, the longest retransmission interval for non-INVITE requests; at least <see cref="T1"/>. 4 seconds by default.</summary>
    public TimeSpan T2 { get; set; } = DefaultT2;

    /// <summary>
    /// How long one attempt may wait for a final response before the next region is tried; positive and no longer than
    /// Timer F. <see langword="null"/> (the default) waits for Timer F (64·T1), as RFC 3261 does. Probes are the better
    /// way to avoid the wait: a region they mark down is not tried at all.
    /// </summary>
    public TimeSpan? AttemptTimeout { get; set; }

    internal SipTimerSettings Timers => new(T1, T2, SipTimerSettings.Default.T4);
}
