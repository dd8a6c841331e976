namespace SlaKit.Regions;

/// <summary>
/// One region as its client tracks it, shared by every request: its health, a small state machine with hysteresis fed
/// by attempt outcomes, circuit-breaker events, <c>Retry-After</c> answers and active probes; its recent latency, per
/// latency class (<see cref="LatencyOf"/>); and its
/// attempts left to finish after losing a hedge race. <see cref="SelectionView"/> is what selection reads of it at one
/// instant, <see cref="RegionStatus"/> what the public <see cref="IRegionHealthMonitor.GetStatus"/> reports.
/// </summary>
/// <remarks>
/// <para>Up: Healthy, or Degraded after a failure or a degraded probe. <see cref="RegionHealthPolicy.FailuresToMarkDown"/>
/// consecutive failures make it Down. Failures of attempts that were in flight together count once: a failure counts
/// toward that threshold only when no other failure was counted after its attempt began (<see cref="FailuresCounted"/>),
/// so one event that fails many attempts at once, such as a reset of the HTTP/2 connection they share or of a SIP
/// trunk's TCP connection, is one failure, while requests sent one after another each count. An attempt timeout always
/// counts: each attempt waited out its own (and so does an attempt on a connection closed for its silence, which waited
/// on it too).</para>
/// <para>Down (Unhealthy): skipped; after <see cref="RegionHealthPolicy.BreakDuration"/> one trial is allowed.
/// A success moves it to Recovering, where further trials are allowed one at a time; a failure sends it back.</para>
/// <para>After <see cref="RegionHealthPolicy.SuccessesToMarkUp"/> consecutive successes it is Healthy but on
/// standby for <see cref="RegionHealthPolicy.FailbackDelay"/>, so a flapping region cannot bounce traffic; then Up.</para>
/// <para>Slower is not dead: being slow is never a failure. An attempt that falls far behind the region's own usual
/// latency while another region answers within its own makes the region <em>overdue</em> (<see cref="MarkOverdue"/>):
/// Degraded and left out of plans, but with nothing counted against it, until that attempt ends. If it
/// then answers, it was only slow: its latency is learnt and the region is as before. If it fails, the lateness counts
/// as a failure too (<see cref="ResolveOverdue"/>), which with the default threshold marks the region down.</para>
/// Transitions are rare, so a lock guards them. Health changes are queued under that lock and reported after it
/// is released, in the order they happened, by one thread at a time, so a listener may read or change any region's
/// state without deadlock.
/// </remarks>
internal sealed class TrackedRegion
{
    private enum Phase
    {
        Up,
        Down,
        Recovering,
        FailbackPending,
    }

    private readonly Lock _gate = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<(RegionHealth From, RegionHealth To, string Reason)> _pendingReports = new();
    private readonly RegionHealthPolicy _policy;
    private readonly Action<TrackedRegion, RegionHealth, RegionHealth, string>? _healthChanged;

    private Phase _phase = Phase.Up;
    private int _consecutiveFailures;
    private long _failuresCounted;
    private int _consecutiveSuccesses;
    private bool _probeDegraded;
    private bool _qualityDegraded;
    private bool _trialInFlight;
    private int _overdue;
    private int _lingering;
    private DateTimeOffset _nextTrialAt;
    private DateTimeOffset _preferredAt;
    private DateTimeOffset _outUntil;
    private RegionHealth _lastHealth = RegionHealth.Healthy;

    // 1 while a thread delivers this region's queued changes to the listener; see Report.
    private int _reporting;

    // Active probes watching the region: while there is one, the probes decide when it is back, not trials.
    private int _probes;

    // The windows of latency classes other than the default, by class index; null until a class is first used. See LatencyOf.
    private LatencyWindow?[]? _classWindows;

    // Up, Healthy, no failure since the last success, no probe saying Degraded: the state of nearly every region
    // nearly all the time. Then a success changes nothing and the view is fixed, so neither needs the lock.
    // Written under the lock by every change (see NoteHealth); a Retry-After makes the region Unhealthy, which clears it.
    // Stryker disable once Boolean : equivalent; a region that starts not quiet takes the locked path once, which finds the same.
    private volatile bool _quiet = true;

    public TrackedRegion(Region region, RegionHealthPolicy policy, Action<TrackedRegion, RegionHealth, RegionHealth, string>? healthChanged = null)
    {
        Region = region;
        _policy = policy;
        _healthChanged = healthChanged;
    }

    /// <summary>The region this state belongs to.</summary>
    public Region Region { get; }

    /// <summary>
    /// The region's place in its client's configuration order (0 for the first), so that what a protocol keeps per region
    /// is found by index: a dictionary lookup on every attempt costs microseconds when the caches are cold.
    /// </summary>
    public int Position { get; init; }

    /// <summary>
    /// The region's recent latency in its default latency class (<see cref="LatencyClasses.Default"/>): every request
    /// without a class of its own, and the warm-up. Its moving average is the region's, fed by every answer whatever its
    /// class, for latency-aware selection (see <see cref="RecordLatency"/>).
    /// </summary>
    public LatencyWindow Latency { get; } = new();

    /// <summary>Attempts of this region that lost a hedge race, or that their caller gave up on, left to finish; see <see cref="TryBeginLinger"/>.</summary>
    public int Lingering => Volatile.Read(ref _lingering);

    /// <summary>
    /// The longest this region usually takes in its default latency class, as far as its own answers tell:
    /// <paramref name="multiplier"/> × its recent p99, at least <paramref name="floor"/>; <see langword="null"/> while it
    /// has no p99 yet (no answer but its first).
    /// </summary>
    /// <remarks>A region with no history is never judged by how long it takes: a first answer pays for the
    /// connection, TLS and JIT, and a far region has nothing to be compared with but itself.</remarks>
    public TimeSpan? UsualLatencyBound(TimeSpan floor, double multiplier) => Latency.UsualBound(floor, multiplier);

    /// <summary>
    /// The longest an answer of <paramref name="latencyClass"/> usually takes from this region, as far as that class's own
    /// answers tell; see <see cref="UsualLatencyBound(TimeSpan, double)"/>.
    /// </summary>
    public TimeSpan? UsualLatencyBound(TimeSpan floor, double multiplier, int latencyClass) => LatencyOf(latencyClass).UsualBound(floor, multiplier);

    /// <summary>
    /// The region's recent latency in <paramref name="latencyClass"/> (an index from <see cref="LatencyClasses"/>): its
    /// default window for <see cref="LatencyClasses.Default"/>, otherwise the class's own, made on first use.
    /// </summary>
    /// <remarks>
    /// One endpoint of a client may take a thousand times another (a balance against a statement generated on the fly):
    /// in one window the slow one's answers would set the fast one's hedging delay and overdue bound, or, while rare, make
    /// themselves overdue against the fast one's p99. So each class learns its own.
    /// </remarks>
    public LatencyWindow LatencyOf(int latencyClass)
    {
        if (latencyClass == LatencyClasses.Default)
        {
            return Latency;
        }

        // Made on first use; when two threads make one at once, the first one stored is the one both use. A region of a
        // client that classes nothing, and every SIP trunk, keeps none of these.
        LatencyWindow?[]? windows = Volatile.Read(ref _classWindows);
        if (windows is null)
        {
            var made = new LatencyWindow?[LatencyClasses.Limit + 1];
            windows = Interlocked.CompareExchange(ref _classWindows, made, null) ?? made;
        }

        LatencyWindow? window = Volatile.Read(ref windows[latencyClass]);
        if (window is null)
        {
            var made = new LatencyWindow();
            window = Interlocked.CompareExchange(ref windows[latencyClass], made, null) ?? made;
        }

        return window;
    }

    /// <summary>
    /// Records one answer's latency in <paramref name="latencyClass"/>'s window, and in the region's moving average
    /// (<see cref="Latency"/>), which stays one for the whole region.
    /// </summary>
    /// <remarks>
    /// Selection ranks the regions of one priority before any request's class matters, from one reading of the regions
    /// that plans are reused by; and those regions share the client's traffic, so whatever mix of classes one gets, the
    /// others get alike, and it weighs on each average the same. A class's own average would ask for a plan per class.
    /// </remarks>
    public void RecordLatency(TimeSpan latency, int latencyClass)
    {
        if (latencyClass == LatencyClasses.Default)
        {
            Latency.Record(latency);
            return;
        }

        Latency.RecordAverage(latency);
        LatencyOf(latencyClass).RecordSample(latency);
    }

    /// <summary>
    /// Claims a place for an attempt that lost a hedge race (or that its caller gave up on) and is left to finish, so that
    /// its answer (or its real failure) is recorded; false when <paramref name="limit"/> such attempts already run, and the
    /// attempt is to be cancelled. The caller calls <see cref="EndLinger"/> when the attempt ends.
    /// </summary>
    public bool TryBeginLinger(int limit)
    {
        int current = Volatile.Read(ref _lingering);
        while (current < limit)
        {
            int seen = Interlocked.CompareExchange(ref _lingering, current + 1, current);

            // Stryker disable once Equality : equivalent on one thread; the next exchange then fails on this one's own increment and returns.
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Releases the place claimed by <see cref="TryBeginLinger"/>.</summary>
    public void EndLinger() => Interlocked.Decrement(ref _lingering);

    /// <summary>
    /// Notes that an attempt still running has fallen far behind this region's usual latency while another region
    /// answered within its own: the region is Degraded and left out of plans until the attempt ends, when the
    /// caller calls <see cref="ResolveOverdue"/>. Nothing counts against the region yet.
    /// </summary>
    public void MarkOverdue(DateTimeOffset now, string reason)
    {
        lock (_gate)
        {
            _overdue++;
            NoteHealth(ComputeView(now).Health, reason);
        }

        Report();
    }

    /// <summary>
    /// Ends what <see cref="MarkOverdue"/> began, once the late attempt has ended and its own outcome has been recorded.
    /// When it <paramref name="failed"/>, its lateness counts as one more failure: the region fell behind and then failed.
    /// </summary>
    public void ResolveOverdue(DateTimeOffset now, bool failed)
    {
        lock (_gate)
        {
            _overdue--;

            // Only while up: a region already down (or recovering) was sent back down by the failure itself.
            if (failed && _phase == Phase.Up)
            {
                CountFailure();
                if (_consecutiveFailures >= _policy.FailuresToMarkDown)
                {
                    MarkDown(now);
                }
            }

            NoteHealth(ComputeView(now).Health, failed ? "it fell far behind its usual latency and then failed" : "its late attempt answered");
        }

        Report();
    }

    /// <summary>The region's health at <paramref name="now"/>.</summary>
    public RegionHealth HealthAt(DateTimeOffset now) => ViewAt(now).Health;

    /// <summary>The region as selection sees it at <paramref name="now"/>.</summary>
    public SelectionView ViewAt(DateTimeOffset now)
    {
        if (_quiet)
        {
            return new SelectionView(RegionHealth.Healthy, IsStandby: false, CanTrial: false);
        }

        SelectionView view;
        lock (_gate)
        {
            if (_phase == Phase.FailbackPending && now >= _preferredAt)
            {
                _phase = Phase.Up;
            }

            view = ComputeView(now);
            NoteHealth(view.Health, "its Retry-After period ended");
        }

        Report();
        return view;
    }

    /// <summary>Notes that an active probe watches the region from now on: while one does, no request is a trial of it.</summary>
    public void ProbeStarted() => Interlocked.Increment(ref _probes);

    /// <summary>Notes that a probe <see cref="ProbeStarted"/> announced has stopped.</summary>
    public void ProbeStopped() => Interlocked.Decrement(ref _probes);

    /// <summary>Whether an active probe watches the region now.</summary>
    public bool IsProbed => Volatile.Read(ref _probes) > 0;

    /// <summary>Claims the region's trial slot if a trial is due; the caller must call <see cref="EndTrial"/>.</summary>
    public bool TryBeginTrial(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!ComputeView(now).CanTrial)
            {
                return false;
            }

            _trialInFlight = true;
            return true;
        }
    }

    /// <summary>Releases the trial slot claimed by <see cref="TryBeginTrial"/>.</summary>
    public void EndTrial()
    {
        lock (_gate)
        {
            _trialInFlight = false;
        }
    }

    /// <summary>Records a successful attempt or probe.</summary>
    public void RecordSuccess(DateTimeOffset now)
    {
        // Stryker disable once Block : equivalent; for a quiet region the locked path below changes nothing.
        if (_quiet)
        {
            // Stryker disable once Statement : equivalent; as above.
            return;
        }

        lock (_gate)
        {
            _consecutiveFailures = 0;
            _consecutiveSuccesses++;
            switch (_phase)
            {
                case Phase.Down:
                case Phase.Recovering:
                    if (_consecutiveSuccesses >= _policy.SuccessesToMarkUp)
                    {
                        _phase = Phase.FailbackPending;
                        _preferredAt = now + _policy.FailbackDelay;
                    }
                    else
                    {
                        _phase = Phase.Recovering;
                    }

                    break;
                case Phase.FailbackPending when now >= _preferredAt:
                    _phase = Phase.Up;
                    break;
            }

            NoteHealth(ComputeView(now).Health, "it answered");
        }

        Report();
    }

    /// <summary>
    /// How many failures have counted toward <see cref="RegionHealthPolicy.FailuresToMarkDown"/> since the region was
    /// created. An attempt reads it as it begins and hands it to <see cref="RecordFailure(DateTimeOffset, string, long)"/>.
    /// </summary>
    public long FailuresCounted => Interlocked.Read(ref _failuresCounted);

    /// <summary>Records a failed attempt or probe; it always counts.</summary>
    public void RecordFailure(DateTimeOffset now, string reason) => RecordFailure(now, reason, failuresCountedAtStart: null);

    /// <summary>
    /// Records the failure of an attempt that began when <see cref="FailuresCounted"/> was
    /// <paramref name="failuresCountedAtStart"/>. When another failure has counted since, this attempt was in flight
    /// with the one that failed it (one connection reset ends every stream on it): that event has already counted, so
    /// this failure changes nothing.
    /// </summary>
    public void RecordFailure(DateTimeOffset now, string reason, long failuresCountedAtStart) =>
        RecordFailure(now, reason, (long?)failuresCountedAtStart);

    private void RecordFailure(DateTimeOffset now, string reason, long? failuresCountedAtStart)
    {
        lock (_gate)
        {
            if (failuresCountedAtStart is { } atStart && atStart != _failuresCounted)
            {
                return;
            }

            CountFailure();
            if (_phase != Phase.Up || _consecutiveFailures >= _policy.FailuresToMarkDown)
            {
                MarkDown(now);
            }

            NoteHealth(ComputeView(now).Health, reason);
        }

        Report();
    }

    /// <summary>Takes the region down at once, as when its circuit breaker opens.</summary>
    public void MarkDown(DateTimeOffset now, string reason)
    {
        lock (_gate)
        {
            _consecutiveSuccesses = 0;
            MarkDown(now);
            NoteHealth(ComputeView(now).Health, reason);
        }

        Report();
    }

    /// <summary>When the region's <c>Retry-After</c> ends, if it is still asking to be left alone at <paramref name="now"/>.</summary>
    public DateTimeOffset? WaitingUntil(DateTimeOffset now)
    {
        lock (_gate)
        {
            return now < _outUntil ? _outUntil : null;
        }
    }

    /// <summary>Keeps the region out for <paramref name="delay"/> (capped), as a 503 or 429 with <c>Retry-After</c> asks.</summary>
    public void RecordRetryAfter(DateTimeOffset now, TimeSpan delay)
    {
        TimeSpan capped = _policy.CapRetryAfter(delay);
        lock (_gate)
        {
            DateTimeOffset until = now + capped;

            // Stryker disable once Equality : equivalent; an equal end needs no write.
            if (until > _outUntil)
            {
                _outUntil = until;
            }

            NoteHealth(ComputeView(now).Health, $"it asked to be left alone for {DurationText.Format(capped)} (Retry-After)");
        }

        Report();
    }

    /// <summary>
    /// Records an active probe's verdict: Healthy and Unhealthy count as a success and a failure. Degraded marks the
    /// region Degraded and counts as a success too: the region answered, slowly or with poor voice quality, so a region
    /// that was down comes back on it (behind the Healthy regions of its priority) instead of staying out until it is fast.
    /// </summary>
    public void RecordProbe(DateTimeOffset now, RegionHealth observed, string detail)
    {
        switch (observed)
        {
            case RegionHealth.Healthy:
                SetProbeDegraded(now, false, detail);
                RecordSuccess(now);
                break;
            case RegionHealth.Degraded:
                SetProbeDegraded(now, true, detail);
                RecordSuccess(now);
                break;
            default:
                RecordFailure(now, $"a probe failed: {detail}");
                break;
        }
    }

    /// <summary>
    /// Marks the region Degraded, or no longer, on what its own traffic shows (a SIP trunk's network effectiveness over
    /// its last calls): it stays in plans, after the Healthy regions of its priority. Nothing counts as a failure.
    /// </summary>
    public void SetQualityDegraded(DateTimeOffset now, bool degraded, string reason)
    {
        lock (_gate)
        {
            // Stryker disable once Block : equivalent; noting an unchanged health changes nothing.
            if (_qualityDegraded == degraded)
            {
                // Stryker disable once Statement : equivalent; as above.
                return;
            }

            _qualityDegraded = degraded;
            NoteHealth(ComputeView(now).Health, reason);
        }

        Report();
    }

    private void SetProbeDegraded(DateTimeOffset now, bool degraded, string detail)
    {
        lock (_gate)
        {
            _probeDegraded = degraded;
            NoteHealth(ComputeView(now).Health, degraded ? $"a probe reported it degraded: {detail}" : "a probe reported it healthy");
        }

        Report();
    }

    private void CountFailure()
    {
        _consecutiveSuccesses = 0;
        _consecutiveFailures++;
        Interlocked.Increment(ref _failuresCounted);
    }

    private void MarkDown(DateTimeOffset now)
    {
        _phase = Phase.Down;
        _nextTrialAt = now + _policy.BreakDuration;
    }

    private SelectionView ComputeView(DateTimeOffset now)
    {
        bool out503 = now < _outUntil;
        RegionHealth health = _phase switch
        {
            _ when out503 => RegionHealth.Unhealthy,
            Phase.Down or Phase.Recovering => RegionHealth.Unhealthy,
            // On standby a region has answered SuccessesToMarkUp times in a row, so it has no failure to count; a probe that
            // says it answers slowly (or its calls sound poor) still says so, rather than Healthy now and Degraded when
            // the standby ends. Selection ranks a standby region by its standby alone.
            Phase.FailbackPending => _probeDegraded || _qualityDegraded ? RegionHealth.Degraded : RegionHealth.Healthy,
            _ when _consecutiveFailures > 0 || _probeDegraded || _qualityDegraded || _overdue > 0 => RegionHealth.Degraded,
            _ => RegionHealth.Healthy,
        };

        // At now == _preferredAt the region has already been put back up (ViewAt, RecordSuccess) wherever the view is read.
        // Stryker disable once Equality : equivalent; see above.
        bool standby = !out503 && _phase == Phase.FailbackPending && now < _preferredAt;
        bool canTrial = !out503 && !_trialInFlight && !IsProbed &&
            ((_phase == Phase.Down && now >= _nextTrialAt) || _phase == Phase.Recovering);
        bool byFailures = health == RegionHealth.Degraded && _phase == Phase.Up && !_probeDegraded && !_qualityDegraded && _overdue == 0;
        return new SelectionView(health, standby, canTrial, IsOverdue: _overdue > 0, IsDegradedByFailures: byFailures, AskedToWait: out503);
    }

    /// <summary>
    /// Queues a health change, if there is one, and notes whether the region is quiet; called under the state lock
    /// at the end of every change, so the queue keeps their order.
    /// </summary>
    private void NoteHealth(RegionHealth health, string reason)
    {
        if (health != _lastHealth)
        {
            _pendingReports.Enqueue((_lastHealth, health, reason));
            _lastHealth = health;
        }

        // Up and Healthy means no Retry-After, no failure since the last success, no degraded probe or quality, and nothing overdue (see ComputeView).
        _quiet = _phase == Phase.Up && health == RegionHealth.Healthy;
    }

    /// <summary>Reports queued changes in order, outside the state lock.</summary>
    private void Report()
    {
        // Nearly every call has nothing to report. Clearing an empty ConcurrentQueue is not free (it allocates a
        // new segment), so the queue is only cleared when there is something in it and nobody to tell.
        // Stryker disable Statement,Block : equivalent; without these returns the code below finds nothing to report, and without the clear
        // an unheard queue only grows.
        if (_pendingReports.IsEmpty)
        {
            return;
        }

        if (_healthChanged is null)
        {
            _pendingReports.Clear();
            return;
        }

        // Stryker restore Statement,Block

        // One thread at a time delivers, in queue order. A thread that finds another delivering leaves its change to
        // that one instead of waiting for it: two listeners that each read or change the other's region would
        // otherwise wait on each other for ever. A listener that changes its own region hears of it once it returns.
        while (Interlocked.CompareExchange(ref _reporting, 1, 0) == 0)
        {
            try
            {
                while (_pendingReports.TryDequeue(out (RegionHealth From, RegionHealth To, string Reason) change))
                {
                    _healthChanged(this, change.From, change.To, change.Reason);
                }
            }
            finally
            {
                Volatile.Write(ref _reporting, 0);
            }

            // A change queued after the last dequeue, whose thread saw this one still delivering, is delivered here.
            if (_pendingReports.IsEmpty)
            {
                return;
            }
        }
    }
}
