using SlaKit.Benchmarks.Failover;

namespace SlaKit.Benchmarks.Tests;

public class TargetVerdictsTests
{
    private static RunSummary Row(string client, string fault, double first, double p50, int succeeded = 50) =>
        new(client, fault, 50, succeeded, first, p50, p50 * 2, first, 2, client == "secondary direct");

    [Fact]
    public void Each_target_is_judged_from_its_rows()
    {
        IReadOnlyList<(bool Met, string Text)> verdicts = TargetVerdicts.Evaluate(
        [
            Row("secondary direct", "black-hole", 0.5, 0.40),
            Row("standard hedging", "black-hole", 2003, 2001),
            Row("SlaKit", "black-hole", 104, 0.52),
            Row("standard hedging", "503", 2, 1.0),
            Row("SlaKit", "503", 2, 1.5, succeeded: 49),
        ]);

        Assert.Equal(
        [
            (true, "black-hole: SlaKit's first request 104.0 ms (target ≤ 250 ms)"),
            (false, "black-hole: SlaKit's p50 0.52 ms = 1.30× the secondary called directly (0.40 ms; target ≤ 1.2×)"),
            (true, "black-hole: the hedging handler's p50 2001 ms against SlaKit's 0.52 ms"),
            (false, "503: SlaKit's p50 1.50 ms against the hedging handler's 1.00 ms (target ≤)"),
            (true, "black-hole: SlaKit failed 0 of 50 requests (target 0)"),
            (false, "503: SlaKit failed 1 of 50 requests (target 0)"),
        ], verdicts);
    }

    [Fact]
    public void Without_the_rows_a_target_needs_there_is_no_verdict() =>
        Assert.Empty(TargetVerdicts.Evaluate([Row("plain HttpClient", "slow", 20, 20)]));
}
