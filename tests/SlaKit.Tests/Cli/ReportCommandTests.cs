using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using SlaKit.Tests.Reports;

namespace SlaKit.Tests.Cli;

public sealed class ReportCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("slakit-report-").FullName;
    private readonly string _incidents;

    public ReportCommandTests()
    {
        _incidents = Path.Combine(_directory, "incidents.csv");
        File.WriteAllText(_incidents, ReportData.Csv);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string[] Args(params string[] more) =>
        ["report", "--incidents", _incidents, "--sla", "99.9", "--from", "2026-01", "--to", "2026-03", .. more];

    [Fact]
    public void Prints_markdown_by_default()
    {
        CliRun run = CliRun.Of(Args("--tiers", "99.95:5,99:25", "--title", "Payments API"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.StartsWith("# Payments API: 2026-01 to 2026-03", run.Output, StringComparison.Ordinal);
        Assert.Contains("| 2026-02 | 99.90079% | 40m | 40m 19.2s | 19.2s | 2 | 30m | met | 5% |", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Writes_html_to_a_file_and_says_so()
    {
        string output = Path.Combine(_directory, "q1.html");

        CliRun run = CliRun.Of(Args("--format", "html", "--output", output));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"Wrote the html report for 2026-01 to 2026-03 to {output}: 99.94637% against 99.9%, met 3 of 3 month(s).\n", run.Output.ReplaceLineEndings("\n"));
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Format_json_and_the_json_flag_print_the_same_one_object()
    {
        CliRun format = CliRun.Of(Args("--format", "json"));
        JsonElement flag = CliRun.Json(Args());

        Assert.Equal(0, format.ExitCode);
        Assert.Equal(format.Output.ReplaceLineEndings("\n").TrimEnd(), flag.GetRawText().ReplaceLineEndings("\n").TrimEnd());
        Assert.Equal(3, flag.GetProperty("months").GetArrayLength());
        Assert.Equal("4170", CliRun.Raw(flag.GetProperty("totals"), "downtimeSeconds"));
    }

    [Fact]
    public void With_json_and_an_output_file_prints_one_object_about_the_file()
    {
        string output = Path.Combine(_directory, "q1.json");

        JsonElement json = CliRun.Json(Args("--output", output));

        Assert.Equal(output, json.GetProperty("output").GetString());
        Assert.Equal("json", json.GetProperty("format").GetString());
        Assert.Equal("3", CliRun.Raw(json, "monthsMet"));
        using JsonDocument written = JsonDocument.Parse(File.ReadAllText(output));
        Assert.Equal("2026-01", written.RootElement.GetProperty("from").GetString());
    }

    [Fact]
    public void A_single_month_needs_no_to()
    {
        CliRun run = CliRun.Of("report", "--incidents", _incidents, "--sla", "99.9", "--from", "2026-02");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("# SLA report: 2026-02\n", run.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--from", "2026-13", "--from '2026-13'")]
    [InlineData("--from", "2026-Q1", "--from '2026-Q1'")]
    [InlineData("--to", "2025-12", "--to '2025-12' is before --from '2026-01'")]
    [InlineData("--to", "2036-02", "--from '2026-01' to --to '2036-02' is 122 months; a report covers at most 120")]
    [InlineData("--format", "pdf", "--format 'pdf' is not md, html or json")]
    [InlineData("--sla", "101", "--sla '101'")]
    [InlineData("--sla", "0.999", "--sla '0.999' is a ratio; write the target as a percent, e.g. 99.9.")]
    [InlineData("--tiers", "99:x", "--tiers")]
    public void Bad_input_exits_2_naming_the_value(string option, string value, string named)
    {
        string[] args = [.. Args().Where((_, i) => i == 0 || Args()[i - 1] != option && Args()[i] != option), option, value];

        CliRun.Of(args).AssertBadInput(named);
    }

    [Fact]
    public void A_format_other_than_json_with_the_json_flag_exits_2() =>
        CliRun.Of(Args("--format", "html", "--json")).AssertBadInput("--format 'html' contradicts --json");

    [Fact]
    public void An_unreadable_incident_file_exits_2_naming_it() =>
        CliRun.Of("report", "--incidents", Path.Combine(_directory, "absent.csv"), "--sla", "99.9", "--from", "2026-01").AssertBadInput("--incidents '");

    [Fact]
    public void A_malformed_incident_exits_2_naming_the_line()
    {
        string bad = Path.Combine(_directory, "bad.csv");
        File.WriteAllText(bad, "start,end\n2026-01-02T00:00:00Z,yesterday\n");

        CliRun.Of("report", "--incidents", bad, "--sla", "99.9", "--from", "2026-01").AssertBadInput("line 2");
    }

    [Fact]
    public async Task A_report_of_an_slo_from_its_file_reads_the_counter_the_file_names()
    {
        string slo = Path.Combine(_directory, "slo.yaml");
        File.WriteAllText(slo, "version: 1\nslos:\n  - name: checkout\n    target: 99.9\n    window: 30d\n    metric: slakit_slo_events\n");
        using var prometheus = new EmptyPrometheus();

        CliRun run = await Task.Run(() => CliRun.Of("report", "--prometheus", prometheus.Url, "--slo", "checkout", "--slo-file", slo, "--sla", "99.9", "--from", "2026-01"), TestContext.Current.CancellationToken);

        // The empty server has no series of it, and says which series it looked for.
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("slakit_slo_events{slo=\"checkout\"} has no series in 2026-01", run.Error, StringComparison.Ordinal);
        Assert.All(prometheus.Queries, static query => Assert.StartsWith("slakit_slo_events{", query.Replace("last_over_time(", "", StringComparison.Ordinal), StringComparison.Ordinal));
        Assert.NotEmpty(prometheus.Queries);
    }

    [Fact]
    public void A_report_of_an_event_slo_measured_by_queries_of_its_own_is_refused()
    {
        string slo = Path.Combine(_directory, "openslo.yaml");
        File.WriteAllText(slo, """
            apiVersion: openslo/v1
            kind: SLO
            metadata:
              name: checkout
            spec:
              service: shop
              indicator:
                metadata:
                  name: requests
                spec:
                  ratioMetric:
                    counter: true
                    good:
                      metricSource:
                        type: Prometheus
                        spec:
                          query: http_requests_total{code!~"5.."}
                    total:
                      metricSource:
                        type: Prometheus
                        spec:
                          query: http_requests_total
              timeWindow:
                - duration: 28d
                  isRolling: true
              budgetingMethod: Occurrences
              objectives:
                - target: 0.999
            """);

        CliRun.Of("report", "--prometheus", "http://127.0.0.1:9/", "--slo", "checkout", "--slo-file", slo, "--sla", "99.9", "--from", "2026-01")
            .AssertBadInput($"--slo 'checkout' in {slo} measures its events with queries of its own (good, bad or total), not SlaKit's events counter");
    }

    /// <summary>A Prometheus query API on loopback that answers every query with no series, and keeps the queries.</summary>
    private sealed class EmptyPrometheus : IDisposable
    {
        private const string NoSeries = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}";
        private readonly HttpListener _listener = new();
        private readonly Task _serving;

        public EmptyPrometheus()
        {
            using var free = new TcpListener(IPAddress.Loopback, 0);
            free.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)free.LocalEndpoint).Port}/";
            free.Stop();
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _serving = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public List<string> Queries { get; } = [];

        public void Dispose()
        {
            _listener.Close();
            _serving.Wait(TimeSpan.FromSeconds(10));
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                lock (Queries)
                {
                    Queries.Add(context.Request.QueryString["query"] ?? "");
                }

                byte[] body = Encoding.UTF8.GetBytes(NoSeries);
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        }
    }
}
