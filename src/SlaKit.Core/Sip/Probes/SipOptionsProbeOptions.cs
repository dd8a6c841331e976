namespace SlaKit.Sip;

/// <summary>How a <see cref="SipOptionsProbe"/> asks and what it accepts.</summary>
public sealed class SipOptionsProbeOptions
{
    /// <summary>The default of <see cref="Timeout"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The status codes that mean the server is up; each from 200 to 699, at least one. <c>{ 200 }</c> by default.
    /// Some servers answer OPTIONS with 404 or 405 while working normally: add those codes for them.
    /// </summary>
    public ISet<int> AcceptedStatusCodes { get; } = new HashSet<int> { 200 };

    /// <summary>
    /// T1, the round-trip estimate of RFC 3261 §17.1.1.1: over UDP the OPTIONS is retransmitted after T1, 2·T1, … up to
    /// <see cref="T2"/>. Positive, at most one minute. 500 milliseconds by default.
    /// </summary>
    public TimeSpan T1 { get; set; } = SipTimerSettings.Default.T1;

    /// <summary>T2, the longest retransmission interval (RFC 3261 §17.1.1.1); at least <see cref="T1"/>. 4 seconds by default.</summary>
    public TimeSpan T2 { get; set; } = SipTimerSettings.Default.T2;

    /// <summary>
    /// How long the probe waits for the final response before it reports the server down; positive. 5 seconds by
    /// default. The transaction's own limit, Timer F = 64·T1 (32 s), applies when it is shorter, and a scheduler's
    /// cancellation ends the probe sooner still.
    /// </summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>The <c>User-Agent</c> header sent; empty sends none. <c>SlaKit</c> by default.</summary>
    public string UserAgent { get; set; } = "SlaKit";

    /// <summary>How a TLS connection is made to a <c>sips:</c> or <c>transport=tls</c> target: the certificate checks, the client certificates.</summary>
    public SipTlsOptions Tls { get; } = new();

    /// <summary>The problems with these options, in words; empty when there are none.</summary>
    internal List<string> Problems()
    {
        var problems = new List<string>();
        if (AcceptedStatusCodes.Count == 0)
        {
            problems.Add("AcceptedStatusCodes is empty: accept at least one status code, such as 200.");
        }

        foreach (int code in AcceptedStatusCodes)
        {
            if (code is < 200 or > 699)
            {
                problems.Add($"AcceptedStatusCodes holds {code}, which is not a final status code (200 to 699).");
            }
        }

        if (T1 <= TimeSpan.Zero || T1 > TimeSpan.FromMinutes(1))
        {
            problems.Add($"T1 ({T1}) must be positive and at most one minute.");
        }

        if (T2 < T1)
        {
            problems.Add($"T2 ({T2}) must be at least T1 ({T1}).");
        }

        if (!TimerDuration.IsPositiveAndAccepted(Timeout))
        {
            problems.Add($"Timeout ({Timeout}) must be positive and at most {TimerDuration.MaximumText}.");
        }

        if (UserAgent is null || !SipSyntax.IsSafeText(UserAgent))
        {
            problems.Add("UserAgent must be text without line breaks or other control characters.");
        }

        return problems;
    }
}
