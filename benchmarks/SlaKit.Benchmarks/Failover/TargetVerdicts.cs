using System.Globalization;

namespace SlaKit.Benchmarks.Failover;

/// <summary>SlaKit's targets, checked against the figures of one run (only those whose rows the run has).</summary>
internal static class TargetVerdicts
{
    /// <summary>One line per target: whether it was met, and the figures that decide it.</summary>
    public static IReadOnlyList<(bool Met, string Text)> Evaluate(IReadOnlyList<RunSummary> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var verdicts = new List<(bool, string)>();
        string slaKit = HarnessClientNames.Name(HarnessClient.SlaKit);
        string hedging = HarnessClientNames.Name(HarnessClient.StandardHedging);
        string direct = HarnessClientNames.Name(HarnessClient.SecondaryDirect);
        string blackHole = FaultNames.Name(Fault.BlackHole);

        if (Find(rows, slaKit, blackHole) is { } slaKitBlackHole)
        {
            verdicts.Add((slaKitBlackHole.FirstMs <= 250,
                Text($"black-hole: SlaKit's first request {Ms(slaKitBlackHole.FirstMs)} (target ≤ 250 ms)")));
            if (Find(rows, direct, blackHole) is { } directBlackHole)
            {
                double ratio = slaKitBlackHole.P50Ms / directBlackHole.P50Ms;
                verdicts.Add((ratio <= 1.2,
                    Text($"black-hole: SlaKit's p50 {Ms(slaKitBlackHole.P50Ms)} = {ratio:F2}× the secondary called directly ({Ms(directBlackHole.P50Ms)}; target ≤ 1.2×)")));
            }

            if (Find(rows, hedging, blackHole) is { } hedgingBlackHole)
            {
                verdicts.Add((slaKitBlackHole.P50Ms < hedgingBlackHole.P50Ms,
                    Text($"black-hole: the hedging handler's p50 {Ms(hedgingBlackHole.P50Ms)} against SlaKit's {Ms(slaKitBlackHole.P50Ms)}")));
            }
        }

        foreach (Fault fault in (Fault[])[Fault.Status503, Fault.Refused])
        {
            string name = FaultNames.Name(fault);
            if (Find(rows, slaKit, name) is { } mine && Find(rows, hedging, name) is { } theirs)
            {
                verdicts.Add((mine.P50Ms <= theirs.P50Ms,
                    Text($"{name}: SlaKit's p50 {Ms(mine.P50Ms)} against the hedging handler's {Ms(theirs.P50Ms)} (target ≤)")));
            }
        }

        foreach (RunSummary row in rows.Where(r => r.Client == slaKit))
        {
            verdicts.Add((row.Succeeded == row.Requests,
                Text($"{row.Fault}: SlaKit failed {row.Requests - row.Succeeded} of {row.Requests} requests (target 0)")));
        }

        return verdicts;
    }

    private static RunSummary? Find(IReadOnlyList<RunSummary> rows, string client, string fault) =>
        rows.FirstOrDefault(r => r.Client == client && r.Fault == fault);

    private static string Ms(double milliseconds) => Report.Milliseconds(milliseconds) + " ms";

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
