using SlaKit.Regions;
using SlaKit.Sip;

namespace SlaKit.Tests.Sip;

/// <summary>How final answers classify a call, the figures a trunk reports, and the public types' arguments.</summary>
public class SipCallRulesTests
{
    private static readonly Region Trunk = new("carrier-a", new Uri("sip:10.0.0.1"));

    [Theory]
    [InlineData(200, SipAttemptOutcomeKind.Answered)]
    [InlineData(299, SipAttemptOutcomeKind.Answered)]
    [InlineData(300, SipAttemptOutcomeKind.Declined)]
    [InlineData(302, SipAttemptOutcomeKind.Declined)]
    [InlineData(401, SipAttemptOutcomeKind.FailureStatus)]
    [InlineData(403, SipAttemptOutcomeKind.Declined)]
    [InlineData(407, SipAttemptOutcomeKind.FailureStatus)]
    [InlineData(408, SipAttemptOutcomeKind.FailureStatus)]
    [InlineData(480, SipAttemptOutcomeKind.Declined)]
    [InlineData(500, SipAttemptOutcomeKind.FailureStatus)]
    [InlineData(503, SipAttemptOutcomeKind.ServiceUnavailable)]
    [InlineData(599, SipAttemptOutcomeKind.FailureStatus)]
    [InlineData(600, SipAttemptOutcomeKind.Declined)]
    public void A_final_answer_classifies_the_attempt(int statusCode, SipAttemptOutcomeKind expected) =>
        Assert.Equal(expected, SipCallRules.Classify(statusCode, new HashSet<int>()));

    [Theory]
    [InlineData(SipAttemptOutcomeKind.Answered, 200, "answered")]
    [InlineData(SipAttemptOutcomeKind.NoAnswer, null, "no_answer")]
    [InlineData(SipAttemptOutcomeKind.Declined, 486, "user_busy")]
    [InlineData(SipAttemptOutcomeKind.Declined, 600, "user_busy")]
    [InlineData(SipAttemptOutcomeKind.Declined, 480, "no_answer")]
    [InlineData(SipAttemptOutcomeKind.Declined, 603, "declined")]
    [InlineData(SipAttemptOutcomeKind.Declined, 404, "declined")]
    [InlineData(SipAttemptOutcomeKind.FailureStatus, 502, "network_failure")]
    [InlineData(SipAttemptOutcomeKind.FailureStatus, 407, "network_failure")]
    [InlineData(SipAttemptOutcomeKind.Timeout, null, "network_failure")]
    public void Each_attempt_falls_in_one_e411_class_tagged_for_metrics(SipAttemptOutcomeKind kind, int? statusCode, string tag)
    {
        var outcome = new SipAttemptOutcome(Trunk, kind, statusCode is { } code ? new SipResponse(code, "Reason") : null, null, TimeSpan.Zero);

        Assert.Equal(tag, SipCallRules.Tag(SipCallRules.ClassOf(outcome)));
    }

    [Fact]
    public void A_trunk_without_attempts_has_no_ratios()
    {
        var none = new SipTrunkStatus(Trunk, RegionHealth.Healthy, 0, null, 0, 0, 0, 0);
        var some = new SipTrunkStatus(Trunk, RegionHealth.Healthy, 0, null, 4, 1, 2, 1);

        Assert.Equal((null, null), (none.AnswerSeizureRatio, none.NetworkEffectivenessRatio));
        Assert.Equal((0.25, 0.75), (some.AnswerSeizureRatio, some.NetworkEffectivenessRatio));
    }

    [Fact]
    public void A_call_with_no_attempt_is_not_answered()
    {
        var none = new SipCallCompletedEventArgs("c1", null, []);
        var answered = new SipCallCompletedEventArgs("c2", Trunk, [new SipAttemptOutcome(Trunk, SipAttemptOutcomeKind.Answered, null, null, TimeSpan.Zero)]);

        Assert.Equal((false, false), (none.IsAnswered, none.IsEffective));
        Assert.Equal((true, true), (answered.IsAnswered, answered.IsEffective));
    }

    [Fact]
    public void The_public_types_refuse_missing_arguments_by_name()
    {
        Assert.Throws<ArgumentNullException>("callId", () => new SipCallCompletedEventArgs(null!, Trunk, []));
        Assert.Throws<ArgumentNullException>("attempts", () => new SipCallCompletedEventArgs("c1", Trunk, null!));
        Assert.Throws<ArgumentNullException>("trunk", () => new SipCallDeclinedException("carrier", "declined", null!, null, []));
        Assert.Throws<ArgumentNullException>("outcomes", () => new SipCallDeclinedException("carrier", "declined", Trunk, null, null!));
        Assert.Throws<ArgumentNullException>("outcomes", () => new SipFailoverException("carrier", "failed", null!));
        Assert.Throws<ArgumentNullException>("target", () => new SipOptionsProbe(null!));
    }

    [Theory]
    [InlineData(250, 32)]
    [InlineData(500, 32)]
    [InlineData(1000, 64)]
    public void Timer_d_is_at_least_32_seconds_and_at_least_timer_b(int t1Milliseconds, int timerDSeconds)
    {
        var timers = new SipTimerSettings(TimeSpan.FromMilliseconds(t1Milliseconds), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(timerDSeconds), timers.TimerD);
    }
}
