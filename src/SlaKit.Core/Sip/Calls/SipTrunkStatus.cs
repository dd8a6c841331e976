using SlaKit.Regions;

namespace SlaKit.Sip;

/// <summary>
/// One trunk's call figures, as <see cref="SipFailoverClient.GetTrunkStatus"/> reports them since the client started:
/// attempts by outcome class (ITU-T E.411), the answer-seizure and network-effectiveness ratios, and the calls in progress.
/// </summary>
/// <param name="Trunk">The trunk (region).</param>
/// <param name="Health">Its health now, as selection sees it.</param>
/// <param name="ActiveCalls">Calls being set up or in progress on it.</param>
/// <param name="MaxConcurrentCalls">The channels bought on it; <see langword="null"/> when unlimited.</param>
/// <param name="Attempts">Call attempts that reached it (a full trunk skipped and a caller's cancellation are not counted).</param>
/// <param name="Answered">Attempts the callee answered (2xx).</param>
/// <param name="UserCaused">Attempts that ended with the callee's answer: busy, no answer, declined, not found.</param>
/// <param name="NetworkFailures">Attempts the network failed: a transport error, no response, 408, 5xx or a configured failover code.</param>
public sealed record SipTrunkStatus(
    Region Trunk, RegionHealth Health, int ActiveCalls, int? MaxConcurrentCalls, long Attempts, long Answered, long UserCaused, long NetworkFailures)
{
    /// <summary>Answer-seizure ratio, ASR: answered ÷ attempts; <see langword="null"/> before the first attempt.</summary>
    public double? AnswerSeizureRatio => Attempts == 0 ? null : (double)Answered / Attempts;

    /// <summary>
    /// Network effectiveness ratio, NER: (answered + user-caused) ÷ attempts, what the trunk delivered whatever the callee
    /// did (ITU-T E.425); <see langword="null"/> before the first attempt.
    /// </summary>
    public double? NetworkEffectivenessRatio => Attempts == 0 ? null : (double)(Answered + UserCaused) / Attempts;

    /// <summary>NER over the trunk's recent calls (<see cref="RecentCalls"/> of them), the figure that marks it Degraded.</summary>
    public double? RecentNetworkEffectiveness { get; init; }

    /// <summary>How many recent calls <see cref="RecentNetworkEffectiveness"/> is over: at most <see cref="SipFailoverOptions.NerWindow"/>.</summary>
    public int RecentCalls { get; init; }
}
