namespace SlaKit.Sip;

/// <summary>The transaction timer base values of RFC 3261 §17.1.1.1 and the timers derived from them.</summary>
/// <param name="T1">The round-trip estimate: the first retransmission interval. 500 ms by default.</param>
/// <param name="T2">The longest retransmission interval for non-INVITE requests. 4 s by default.</param>
/// <param name="T4">How long a message may remain in the network: Timer K on UDP. 5 s by default.</param>
internal sealed record SipTimerSettings(TimeSpan T1, TimeSpan T2, TimeSpan T4)
{
    /// <summary>T1 = 500 ms, T2 = 4 s, T4 = 5 s.</summary>
    private static readonly TimeSpan MinimumTimerD = TimeSpan.FromSeconds(32);

    public static readonly SipTimerSettings Default = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5));

    /// <summary>
    /// The interval after <paramref name="interval"/> between retransmissions over UDP that double from T1 up to T2: a
    /// non-INVITE request's (Timer E, RFC 3261 §17.1.2.2) and a UAS's 2xx to an INVITE (§13.3.1.4).
    /// </summary>
    public TimeSpan DoubledUpToT2(TimeSpan interval) => interval * 2 < T2 ? interval * 2 : T2;

    /// <summary>Timer F, the non-INVITE transaction timeout: 64·T1 (RFC 3261 §17.1.2.2), 32 s by default.</summary>
    public TimeSpan TimerF => T1 * 64;

    /// <summary>Timer B, the INVITE transaction timeout: 64·T1 (RFC 3261 §17.1.1.2), 32 s by default.</summary>
    public TimeSpan TimerB => T1 * 64;

    /// <summary>
    /// Timer D, how long an INVITE transaction absorbs retransmitted non-2xx finals over UDP: at least 32 s (RFC 3261
    /// §17.1.1.2), and at least 64·T1, as long as a server with the same T1 may retransmit them.
    /// </summary>
    // Stryker disable once Equality : equivalent; when the two are equal either is the answer.
    public TimeSpan TimerD => TimerB > MinimumTimerD ? TimerB : MinimumTimerD;

    /// <summary>
    /// Timer J, how long a non-INVITE server transaction absorbs retransmitted requests over UDP, answering each with its
    /// final response again: 64·T1 (RFC 3261 §17.2.2), 32 s by default; zero over a reliable transport.
    /// </summary>
    public TimeSpan TimerJ => T1 * 64;

    /// <summary>Timer M, how long an INVITE transaction passes retransmitted 2xx up after the first: 64·T1 (RFC 6026 §8.4).</summary>
    public TimeSpan TimerM => T1 * 64;
}
