using SlaKit.Regions;
using SlaKit.Sip;

namespace SlaKit.Tests.Sip;

/// <summary>A trunk's own judgement of its network effectiveness, and the mark it leaves on its region.</summary>
public sealed class SipTrunkTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static readonly RegionHealthPolicy Policy = new(2, 2, TimeSpan.FromSeconds(5), TimeSpan.Zero, TimeSpan.FromMinutes(1));

    [Fact]
    public async Task Calls_judged_at_once_on_two_threads_leave_the_region_marked_as_the_trunks_latest_verdict()
    {
        var region = new TrackedRegion(new Region("a", new Uri("http://127.0.0.1:1/")), Policy);
        // Judged on its last call alone: an answered call clears the mark, a network failure sets it.
        var trunk = new SipTrunk(region, limit: null, new SipTrunkRules(NerWindow: 1, NerMaxAge: TimeSpan.FromDays(1), MinimumNer: 0.5));
        for (int round = 0; round < 3000; round++)
        {
            // One call of each kind, at once: whichever the trunk judged last is the mark its region must carry.
            using var start = new Barrier(2);
            Task Call(SipCallClass outcome) => Task.Run(
                () =>
                {
                    start.SignalAndWait(TestContext.Current.CancellationToken);
                    trunk.Record(outcome, Now);
                },
                TestContext.Current.CancellationToken);

            await Task.WhenAll(Call(SipCallClass.Answered), Call(SipCallClass.NetworkFailure));

            SipTrunkStatus status = trunk.Status(Now);
            bool trunkDegraded = status.RecentNetworkEffectiveness < 0.5;
            Assert.True(trunkDegraded == (status.Health == RegionHealth.Degraded), $"round {round}: the trunk's last call says degraded = {trunkDegraded}, its region is {status.Health}");
        }
    }
}
