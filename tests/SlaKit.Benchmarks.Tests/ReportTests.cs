using SlaKit.Benchmarks.Failover;

namespace SlaKit.Benchmarks.Tests;

public class ReportTests
{
    private static readonly RunSummary SlaKitRow = new("SlaKit", "black-hole", 90, 90, 103.14, 0.48, 2.5, 103.14, 2, IsBaseline: false);
    private static readonly RunSummary DirectRow = new("secondary direct", "black-hole", 90, 90, 0.51, 0.42, 0.9, 1.2, 0, IsBaseline: true);

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    public void Csv_fields_are_quoted_only_when_they_must_be(string field, string expected) => Assert.Equal(expected, Report.Csv(field));

    [Theory]
    [InlineData(0.4812, "0.48")]
    [InlineData(103.14, "103.1")]
    [InlineData(2003.6, "2004")]
    [InlineData(double.NaN, "–")]
    public void Milliseconds_keep_three_or_four_significant_figures(double value, string expected) =>
        Assert.Equal(expected, Report.Milliseconds(value));

    [Fact]
    public void The_markdown_table_has_a_row_per_run_and_no_primary_count_for_the_baseline()
    {
        string[] lines = Report.MarkdownTable([DirectRow, SlaKitRow]).TrimEnd().Split(Environment.NewLine);

        Assert.Equal(4, lines.Length);
        Assert.StartsWith("| client | fault | requests | success |", lines[0], StringComparison.Ordinal);
        Assert.Equal("| secondary direct | black-hole | 90 | 100.0% (90/90) | 0.51 | 0.42 | 0.90 | 1.20 | – |", lines[2]);
        Assert.Equal("| SlaKit | black-hole | 90 | 100.0% (90/90) | 103.1 | 0.48 | 2.50 | 103.1 | 2 |", lines[3]);
    }

    [Fact]
    public void The_summary_csv_has_a_header_and_one_line_per_row()
    {
        using var writer = new StringWriter();

        Report.WriteSummaryCsv(writer, [SlaKitRow with { Requests = 4, Succeeded = 3 }]);

        string[] lines = writer.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("client,fault,requests,succeeded,success_ratio,first_ms,p50_ms,p99_ms,max_ms,attempts_to_primary", lines[0]);
        Assert.Equal("SlaKit,black-hole,4,3,0.75,103.14,0.48,2.5,103.14,2", lines[1]);
        Assert.Equal(2, lines.Length);
    }

    [Fact]
    public void The_samples_csv_has_one_line_per_request_and_quotes_outcomes()
    {
        var run = new ClientRun(HarnessClient.StandardHedging, Fault.Status503,
        [
            new RequestSample(0, TimeSpan.FromMilliseconds(-10), TimeSpan.FromMilliseconds(1.5), true, "200"),
            new RequestSample(1, TimeSpan.Zero, TimeSpan.FromMilliseconds(2), false, "failed, twice"),
        ], AttemptsToPrimary: 1, Planned: 2);
        using var writer = new StringWriter();

        Report.WriteSamplesCsv(writer, [run]);

        Assert.Equal(
            "client,fault,index,since_fault_ms,latency_ms,succeeded,outcome\r\n" +
            "standard hedging,503,0,-10,1.5,true,200\r\n" +
            "standard hedging,503,1,0,2,false,\"failed, twice\"\r\n",
            writer.ToString());
    }

    [Fact]
    public void A_run_is_summarised_over_the_requests_made_during_the_fault()
    {
        var run = new ClientRun(HarnessClient.SlaKit, Fault.BlackHole,
        [
            new RequestSample(0, TimeSpan.FromMilliseconds(-50), TimeSpan.FromMilliseconds(5000), true, "200"),
            new RequestSample(1, TimeSpan.Zero, TimeSpan.FromMilliseconds(100), true, "200"),
            new RequestSample(2, TimeSpan.FromMilliseconds(120), TimeSpan.FromMilliseconds(1), true, "200"),
            new RequestSample(3, TimeSpan.FromMilliseconds(140), TimeSpan.FromMilliseconds(2), false, "every region failed"),
        ], AttemptsToPrimary: 2, Planned: 4);

        RunSummary row = run.Summarise();

        Assert.Equal(("SlaKit", "black-hole", 3, 2), (row.Client, row.Fault, row.Requests, row.Succeeded));
        Assert.Equal(100, row.FirstMs, 6);
        Assert.Equal(2, row.P50Ms, 6);
        Assert.Equal(100, row.P99Ms, 6);
        Assert.Equal(100, row.MaxMs, 6);
        Assert.Equal(2, row.AttemptsToPrimary);
        Assert.False(row.IsBaseline);
    }

    [Fact]
    public void A_run_splits_each_timed_request_into_its_time_above_and_below_the_socket_handler()
    {
        var run = new ClientRun(HarnessClient.SlaKit, Fault.BlackHole,
        [
            new RequestSample(0, TimeSpan.FromMilliseconds(-50), TimeSpan.FromMilliseconds(9), true, "200", TimeSpan.FromMilliseconds(1)),
            new RequestSample(1, TimeSpan.Zero, TimeSpan.FromMilliseconds(100), true, "200"),
            new RequestSample(2, TimeSpan.FromMilliseconds(120), TimeSpan.FromMicroseconds(340), true, "200", TimeSpan.FromMicroseconds(300)),
            new RequestSample(3, TimeSpan.FromMilliseconds(140), TimeSpan.FromMicroseconds(330), true, "200", TimeSpan.FromMicroseconds(250)),
            new RequestSample(4, TimeSpan.FromMilliseconds(160), TimeSpan.FromMicroseconds(310), true, "200", TimeSpan.FromMicroseconds(280)),
        ], AttemptsToPrimary: 1, Planned: 5);

        RunSummary row = run.Summarise();

        // Above: 40, 80 and 30 µs; below: 300, 250 and 280 µs. The untimed request and the one before the fault count in neither.
        Assert.Equal(40, row.AboveP50Us, 6);
        Assert.Equal(280, row.BelowP50Us, 6);
        Assert.Equal(4, row.Requests);
    }

    [Fact]
    public void A_run_with_no_timed_request_has_no_split_and_the_split_table_leaves_it_out()
    {
        var run = new ClientRun(HarnessClient.StandardHedging, Fault.BlackHole,
            [new RequestSample(0, TimeSpan.Zero, TimeSpan.FromMilliseconds(2000), true, "200")], AttemptsToPrimary: 1, Planned: 1);

        RunSummary row = run.Summarise();

        Assert.True(double.IsNaN(row.AboveP50Us));
        Assert.True(double.IsNaN(row.BelowP50Us));
        Assert.Equal("", Report.MarkdownSplit([row, DirectRow]));
    }

    [Fact]
    public void The_split_table_has_a_row_for_SlaKit_and_the_baseline_alone()
    {
        RunSummary hedging = SlaKitRow with { Client = "standard hedging", AboveP50Us = 5, BelowP50Us = 6 };

        string[] lines = Report.MarkdownSplit(
            [SlaKitRow with { AboveP50Us = 61.24, BelowP50Us = 250 }, DirectRow with { AboveP50Us = 24.96, BelowP50Us = 251.5 }, hedging])
            .TrimEnd().Split(Environment.NewLine);

        Assert.Equal(4, lines.Length);
        Assert.Equal("| client | fault | above the socket handler, p50 (µs) | below it, p50 (µs) |", lines[0]);
        Assert.Equal("| SlaKit | black-hole | 61.2 | 250.0 |", lines[2]);
        Assert.Equal("| secondary direct | black-hole | 25.0 | 251.5 |", lines[3]);
    }
}
