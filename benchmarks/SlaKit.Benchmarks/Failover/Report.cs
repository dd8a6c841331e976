using System.Globalization;
using System.Text;

namespace SlaKit.Benchmarks.Failover;

/// <summary>The harness's results as Markdown (the table and the verdicts) and CSV (the rows, and every request).</summary>
internal static class Report
{
    /// <summary>Milliseconds as the table shows them: two decimals under 10, one under 1000, none above; a dash for none.</summary>
    public static string Milliseconds(double value) =>
        double.IsNaN(value) ? "–"
        : value < 10 ? value.ToString("F2", CultureInfo.InvariantCulture)
        : value < 1000 ? value.ToString("F1", CultureInfo.InvariantCulture)
        : value.ToString("F0", CultureInfo.InvariantCulture);

    /// <summary>The results table in Markdown, one row per client and fault.</summary>
    public static string MarkdownTable(IReadOnlyList<RunSummary> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        text.AppendLine("| client | fault | requests | success | first (ms) | p50 (ms) | p99 (ms) | max (ms) | attempts to primary |");
        text.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (RunSummary row in rows)
        {
            string success = double.IsNaN(row.SuccessRatio)
                ? "–"
                : string.Create(CultureInfo.InvariantCulture, $"{row.SuccessRatio * 100:F1}% ({row.Succeeded}/{row.Requests})");
            string attempts = row.IsBaseline ? "–" : row.AttemptsToPrimary.ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture,
                $"| {Cell(row.Client)} | {Cell(row.Fault)} | {row.Requests} | {success} | {Milliseconds(row.FirstMs)} | {Milliseconds(row.P50Ms)} | {Milliseconds(row.P99Ms)} | {Milliseconds(row.MaxMs)} | {attempts} |");
            text.AppendLine();
        }

        return text.ToString();
    }

    /// <summary>
    /// SlaKit's and the secondary-direct baseline's time above and below the socket handler per fault, as a Markdown table;
    /// empty when no such row has a timed request.
    /// </summary>
    public static string MarkdownSplit(IReadOnlyList<RunSummary> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        string slaKit = HarnessClientNames.Name(HarnessClient.SlaKit);
        string direct = HarnessClientNames.Name(HarnessClient.SecondaryDirect);
        RunSummary[] split = [.. rows.Where(r => (r.Client == slaKit || r.Client == direct) && !double.IsNaN(r.AboveP50Us))];
        if (split.Length == 0)
        {
            return "";
        }

        var text = new StringBuilder();
        text.AppendLine("| client | fault | above the socket handler, p50 (µs) | below it, p50 (µs) |");
        text.AppendLine("|---|---|--:|--:|");
        foreach (RunSummary row in split)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {Cell(row.Client)} | {Cell(row.Fault)} | {row.AboveP50Us:F1} | {row.BelowP50Us:F1} |");
            text.AppendLine();
        }

        return text.ToString();
    }

    /// <summary>The verdicts as a Markdown list.</summary>
    public static string MarkdownVerdicts(IReadOnlyList<(bool Met, string Text)> verdicts)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        var text = new StringBuilder();
        foreach ((bool met, string line) in verdicts)
        {
            text.Append(met ? "- met: " : "- **not met**: ").AppendLine(line);
        }

        return text.ToString();
    }

    /// <summary>One CSV line per row, with a header (RFC 4180).</summary>
    public static void WriteSummaryCsv(TextWriter writer, IReadOnlyList<RunSummary> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        writer.Write("client,fault,requests,succeeded,success_ratio,first_ms,p50_ms,p99_ms,max_ms,attempts_to_primary\r\n");
        foreach (RunSummary row in rows)
        {
            writer.Write(string.Join(',',
                Csv(row.Client), Csv(row.Fault), Number(row.Requests), Number(row.Succeeded), Number(row.SuccessRatio),
                Number(row.FirstMs), Number(row.P50Ms), Number(row.P99Ms), Number(row.MaxMs), row.IsBaseline ? "" : Number(row.AttemptsToPrimary)));
            writer.Write("\r\n");
        }
    }

    /// <summary>One CSV line per request of every run, with a header (RFC 4180).</summary>
    public static void WriteSamplesCsv(TextWriter writer, IReadOnlyList<ClientRun> runs)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(runs);
        writer.Write("client,fault,index,since_fault_ms,latency_ms,succeeded,outcome\r\n");
        foreach (ClientRun run in runs)
        {
            foreach (RequestSample sample in run.Samples)
            {
                writer.Write(string.Join(',',
                    Csv(HarnessClientNames.Name(run.Client)), Csv(FaultNames.Name(run.Fault)), Number(sample.Index),
                    Number(sample.SinceFault.TotalMilliseconds), Number(sample.Latency.TotalMilliseconds),
                    sample.Succeeded ? "true" : "false", Csv(sample.Outcome)));
                writer.Write("\r\n");
            }
        }
    }

    /// <summary>RFC 4180 §2: a field holding a comma, a quote or a line break is quoted, its quotes doubled.</summary>
    public static string Csv(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static string Number(double value) =>
        double.IsNaN(value) ? "" : value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
