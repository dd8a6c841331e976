using System.Globalization;
using SlaKit.Regions;

namespace SlaKit.Sip;

/// <summary>
/// One trunk's calls: the channels in use against those bought, the attempts by outcome class (ITU-T E.411's answered,
/// user-caused and network failures), and the network effectiveness of its last calls, which marks the trunk Degraded
/// when it drops below the threshold. Thread-safe.
/// </summary>
internal sealed class SipTrunk
{
    private readonly Lock _gate = new();
    private readonly Lock _applying = new();
    private readonly Queue<(DateTimeOffset At, bool Effective)> _recent = new();
    private readonly SipTrunkRules _rules;
    private int _inUse;
    private long _attempts;
    private long _answered;
    private long _userCaused;
    private long _networkFailures;
    private bool _degraded;
    private long _verdicts;

    public SipTrunk(TrackedRegion region, int? limit, SipTrunkRules rules)
    {
        Region = region;
        Limit = limit;
        _rules = rules;
    }

    public TrackedRegion Region { get; }

    /// <summary>The channels bought; <see langword="null"/> for no limit.</summary>
    public int? Limit { get; }

    /// <summary>The calls being set up or in progress.</summary>
    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>Takes a channel for a call; false when every one is in use.</summary>
    public bool TryTake()
    {
        while (true)
        {
            int current = Volatile.Read(ref _inUse);
            if (current >= (Limit ?? int.MaxValue))
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _inUse, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Gives a channel back when its call ends, or its attempt did not establish it.</summary>
    public void Release() => Interlocked.Decrement(ref _inUse);

    /// <summary>Counts one attempt that reached the trunk, and judges the trunk's recent network effectiveness.</summary>
    public void Record(SipCallClass outcome, DateTimeOffset now)
    {
        bool effective = outcome != SipCallClass.NetworkFailure;
        lock (_gate)
        {
            _attempts++;
            switch (outcome)
            {
                case SipCallClass.Answered:
                    _answered++;
                    break;
                case SipCallClass.NetworkFailure:
                    _networkFailures++;
                    break;
                default:
                    _userCaused++;
                    break;
            }

            _recent.Enqueue((now, effective));
            while (_recent.Count > _rules.NerWindow)
            {
                _recent.Dequeue();
            }
        }

        Judge(now);
    }

    /// <summary>
    /// Marks the trunk Degraded while the network effectiveness of its last <see cref="SipTrunkRules.NerWindow"/> calls,
    /// none older than <see cref="SipTrunkRules.NerMaxAge"/>, is below the threshold, and clears the mark once it is not
    /// (or too few recent calls are left to judge: a Degraded trunk gets little traffic, so its old calls age out).
    /// </summary>
    public void Judge(DateTimeOffset now)
    {
        if (_rules.MinimumNer is not { } minimum)
        {
            return;
        }

        bool degraded;
        double? ner;
        long verdict;
        lock (_gate)
        {
            while (_recent.Count > 0 && now - _recent.Peek().At > _rules.NerMaxAge)
            {
                _recent.Dequeue();
            }

            ner = RecentNer();
            degraded = _recent.Count >= _rules.NerWindow && ner < minimum;
            if (degraded == _degraded)
            {
                return;
            }

            _degraded = degraded;
            verdict = ++_verdicts;
        }

        string reason = degraded
            ? string.Create(CultureInfo.InvariantCulture, $"its network effectiveness over its last {_rules.NerWindow} calls fell to {ner:P0}, below {minimum:P0}")
            : "its recent network effectiveness is no longer below the threshold";

        // The region is told outside the trunk's lock (its health listeners may read the trunk), so two calls judging at
        // once could tell it in the other order and leave it Degraded while the trunk is not. Only the latest verdict is
        // told: one overtaken by a newer is dropped, and the newer one is told after it.
        lock (_applying)
        {
            if (verdict == Interlocked.Read(ref _verdicts))
            {
                Region.SetQualityDegraded(now, degraded, reason);
            }
        }
    }

    /// <summary>The trunk's figures now.</summary>
    public SipTrunkStatus Status(DateTimeOffset now)
    {
        lock (_gate)
        {
            return new SipTrunkStatus(Region.Region, Region.HealthAt(now), InUse, Limit, _attempts, _answered, _userCaused, _networkFailures)
            {
                RecentNetworkEffectiveness = RecentNer(),
                RecentCalls = _recent.Count,
            };
        }
    }

    /// <summary>Effective ÷ all over the recent calls; called under the lock.</summary>
    private double? RecentNer()
    {
        if (_recent.Count == 0)
        {
            return null;
        }

        int effective = 0;
        foreach ((_, bool ok) in _recent)
        {
            effective += ok ? 1 : 0;
        }

        return (double)effective / _recent.Count;
    }
}

/// <summary>The rules that judge a trunk's network effectiveness.</summary>
/// <param name="NerWindow">How many of its last calls are judged.</param>
/// <param name="NerMaxAge">How old a call may be and still count.</param>
/// <param name="MinimumNer">The least network effectiveness before the trunk is Degraded; <see langword="null"/> never judges.</param>
internal sealed record SipTrunkRules(int NerWindow, TimeSpan NerMaxAge, double? MinimumNer);

/// <summary>The classes of ITU-T E.411 a call attempt on a trunk ends in.</summary>
internal enum SipCallClass
{
    /// <summary>The callee answered: a 2xx.</summary>
    Answered,

    /// <summary>The callee was busy: 486, 600.</summary>
    UserBusy,

    /// <summary>The callee did not answer: rang past the ring timeout, or 480.</summary>
    NoAnswer,

    /// <summary>The callee declined or was not found: 603, 404 and the other final answers that are not the network's.</summary>
    Declined,

    /// <summary>The network failed: a transport error, no response, 408, 5xx or a configured failover code.</summary>
    NetworkFailure,
}
