using System.Globalization;
using System.Net;
using System.Text;
using System.Web;
using SlaKit.Prometheus.Server;
using SlaKit.Reports;

namespace SlaKit.Tests.Prometheus;

/// <summary>
/// What <see cref="PrometheusSlaReader"/> reads from answers a Prometheus server gives (made here by a fake server on
/// the query API): down minutes joined into outages across chunks and months, event counters with their resets, slices,
/// the credentials it sends, and the arguments it refuses.
/// </summary>
public sealed class PrometheusSlaReaderReadTests
{
    private static readonly SlaPeriod January = SlaPeriod.CalendarMonth(2026, 1);
    private static readonly SlaPeriod February = SlaPeriod.CalendarMonth(2026, 2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Down_minutes_become_outages_joined_across_weeks_and_months_and_minutes_without_data_are_counted()
    {
        var jan31 = new DateTimeOffset(2026, 1, 31, 23, 58, 0, TimeSpan.Zero);
        var feb10 = new DateTimeOffset(2026, 2, 10, 10, 0, 0, TimeSpan.Zero);
        var week = new DateTimeOffset(2026, 1, 8, 0, 0, 0, TimeSpan.Zero); // the first chunk ends here
        var server = new FakePrometheus
        {
            // Each step is a minute's last millisecond: the minute it closes is down, missing or up.
            Range = (query, start, end) =>
            {
                Assert.Equal("min(min_over_time(probe_success{job=\"checkout\"}[60s]) or probe_success{job=\"checkout\"})", query);
                return Series(start, end, minute =>
                    (minute >= jan31 && minute < jan31.AddMinutes(4)) || (minute >= feb10 && minute < feb10.AddMinutes(5)) || (minute >= week.AddMinutes(-1) && minute < week.AddMinutes(1))
                        ? "0"
                        : minute >= feb10.AddHours(1) && minute < feb10.AddHours(1).AddMinutes(3) ? null : "1");
            },
        };

        ProbeDowntime read = await Reader(server).ReadProbeDowntimeAsync("  probe_success{job=\"checkout\"} ", January, February, Ct);

        Assert.Equal("probe_success{job=\"checkout\"}", read.Probe);
        Assert.Equal(
        [
            new Incident(week.AddMinutes(-1), week.AddMinutes(1)),
            new Incident(jan31, jan31.AddMinutes(4)),
            new Incident(feb10, feb10.AddMinutes(5)),
        ], read.Outages);
        Assert.Equal([(January, 4, 0), (February, 7, 3)], read.Months.Select(static m => (m.Month, m.MinutesDown, m.MinutesWithoutData)));
        Assert.Equal(5 + 4, server.Requests.Count); // January in five weekly chunks, February in four
        Assert.All(server.Requests, static r => Assert.Null(r.Headers.Authorization));
    }

    [Fact]
    public async Task A_month_without_a_sample_is_an_error_not_a_perfect_month()
    {
        var server = new FakePrometheus { Range = (_, start, end) => Series(start, end, static _ => "NaN") };

        PrometheusQueryException error = await Assert.ThrowsAsync<PrometheusQueryException>(() => Reader(server).ReadProbeDowntimeAsync("up", February, February, Ct));

        Assert.StartsWith("up has no sample in 2026-02 on http://127.0.0.1:9090/prom/:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_week_answered_in_part_is_an_error_not_a_week_without_downtime()
    {
        // The server's answer for the second week says that part of it is missing: its minutes are not all there.
        var second = new DateTimeOffset(2026, 2, 8, 0, 0, 0, TimeSpan.Zero);
        var server = new FakePrometheus
        {
            Range = (_, start, end) => start < second
                ? Series(start, end, static _ => "1")
                : Series(start, end, static _ => "1")[..^1] + ",\"warnings\":[\"remote read failed: partial data\"]}",
        };

        PrometheusQueryException error = await Assert.ThrowsAsync<PrometheusQueryException>(() => Reader(server).ReadProbeDowntimeAsync("up", February, February, Ct));

        Assert.EndsWith("only in part, with warnings: remote read failed: partial data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infinite_samples_as_prometheus_writes_them_are_read_as_numbers()
    {
        var down = new DateTimeOffset(2026, 2, 3, 0, 0, 0, TimeSpan.Zero);
        var server = new FakePrometheus { Range = (_, start, end) => Series(start, end, minute => minute >= down && minute < down.AddMinutes(2) ? "-Inf" : "+Inf") };

        ProbeDowntime read = await Reader(server).ReadProbeDowntimeAsync("up", February, February, Ct);

        Assert.Equal([new Incident(down, down.AddMinutes(2))], read.Outages);
    }

    [Fact]
    public async Task The_probe_report_counts_each_months_downtime_against_the_target()
    {
        var down = new DateTimeOffset(2026, 2, 3, 0, 0, 0, TimeSpan.Zero);
        var server = new FakePrometheus { Range = (_, start, end) => Series(start, end, minute => minute >= down && minute < down.AddMinutes(60) ? "0" : "1") };

        SlaReport report = await Reader(server).CreateProbeReportAsync("up", Availability.FromPercent(99.9), February, February, cancellationToken: Ct);

        SlaReportMonth month = Assert.Single(report.Months);
        Assert.Equal(TimeSpan.FromMinutes(60), month.Measurement.Downtime);
        Assert.False(month.SlaMet);
    }

    [Fact]
    public async Task Slo_events_count_each_series_increase_from_its_last_sample_before_the_month_with_restarts_counted_anew()
    {
        DateTimeOffset start = February.Start!.Value;
        var server = new FakePrometheus
        {
            Instant = (query, at) => query.StartsWith("last_over_time(", StringComparison.Ordinal)
                ? Vector(at, ("good", "a", "100"), ("bad", "a", "4"))
                : Matrix(
                    ("good", "a", [(start, "100"), (start.AddDays(1), "160"), (start.AddDays(2), "10"), (start.AddDays(3), "30")]),
                    ("good", "b", [(start.AddDays(1), "7"), (start.AddDays(2), "32.4")]),
                    ("bad", "a", [(start.AddDays(1), "5"), (start.AddDays(2), "7")]),
                    ("other", "a", [(start.AddDays(1), "1000")])),
        };

        SloEventMonth read = Assert.Single(await Reader(server).ReadSloEventsAsync("checkout", February, February, cancellationToken: Ct));

        // good: a rose 60, restarted to 10, rose 20; b (no sample before the month) from its first sample: 25; bad: 1 + 2.
        Assert.Equal((60 + 10 + 20 + 25, 3), (read.Events.Good, read.Events.Bad));
        Assert.Contains("query=last_over_time%28slakit_slo_events_total%7Bslo%3D%22checkout%22%7D%5B31d%5D%29", server.Requests[0].RequestUri!.Query, StringComparison.Ordinal);
        Assert.Equal(1 + 28, server.Requests.Count); // the bases, then a day per query
        Assert.Contains("slakit_slo_events_total%7Bslo%3D%22checkout%22%7D%5B86400s%5D", server.Requests[1].RequestUri!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slo_events_are_read_a_day_per_query_each_series_carrying_its_last_value_into_the_next_day()
    {
        DateTimeOffset start = February.Start!.Value;
        (DateTimeOffset At, string Value)[] samples =
        [
            (start.AddDays(1).AddSeconds(-30), "100"),
            (start.AddDays(1), "150"), // at the first day's end: the second day's range starts here too
            (start.AddDays(1).AddSeconds(30), "10"), // restarted
            (start.AddDays(5).AddHours(12), "40"),
            (start.AddDays(28), "45"), // the month's last instant
        ];
        var server = new FakePrometheus
        {
            // As a server before 3.0 answers: the samples from the range's start to its end, both included.
            Instant = (query, at) => query.StartsWith("last_over_time(", StringComparison.Ordinal)
                ? Vector(at, ("good", "a", "0"))
                : Matrix(("good", "a", [.. samples.Where(p => p.At >= at.AddSeconds(-Seconds(query)) && p.At <= at)])),
        };

        SloEventMonth read = Assert.Single(await Reader(server).ReadSloEventsAsync("checkout", February, February, cancellationToken: Ct));

        // 100, 50 more, 10 after the restart, 30 and 5 more.
        Assert.Equal(195, read.Events.Good);
        IEnumerable<(string Query, DateTimeOffset At)> days = server.Requests.Skip(1).Select(static r => HttpUtility.ParseQueryString(r.RequestUri!.Query))
            .Select(static q => (q["query"]!, FakePrometheus.Time(q["time"]!)));
        Assert.Equal(Enumerable.Range(1, 28).Select(d => ("slakit_slo_events_total{slo=\"checkout\"}[86400s]", start.AddDays(d))), days);
    }

    [Fact]
    public async Task A_month_with_no_event_or_no_series_is_an_error_that_says_which()
    {
        DateTimeOffset start = February.Start!.Value;
        var quiet = new FakePrometheus
        {
            Instant = (query, at) => query.StartsWith("last_over_time(", StringComparison.Ordinal)
                ? Vector(at, ("good", "a", "100"))
                : Matrix(("good", "a", [(start.AddDays(1), "100")])),
        };
        var empty = new FakePrometheus { Instant = static (_, _) => Matrix() };

        PrometheusQueryException none = await Assert.ThrowsAsync<PrometheusQueryException>(() => Reader(quiet).ReadSloEventsAsync("checkout", February, February, cancellationToken: Ct));
        PrometheusQueryException missing = await Assert.ThrowsAsync<PrometheusQueryException>(() => Reader(empty).ReadSloEventsAsync("checkout", February, February, cancellationToken: Ct));

        Assert.StartsWith("slakit_slo_events_total{slo=\"checkout\"} counted no event in 2026-02", none.Message, StringComparison.Ordinal);
        Assert.StartsWith("slakit_slo_events_total{slo=\"checkout\"} has no series in 2026-02", missing.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The answers of a server that first scraped checkout's counters on February 20th, when they held 5,000,000 good
    /// and 1,000 bad events, and last on the 27th, 100 good events later: nothing before the month.
    /// </summary>
    private static string FirstScrapedOnThe20th(string query, DateTimeOffset at)
    {
        DateTimeOffset first = new(2026, 2, 20, 0, 0, 0, TimeSpan.Zero);
        return query.StartsWith("last_over_time(", StringComparison.Ordinal)
            ? Vector(at)
            : Matrix(
                ("good", "a", [(first, "5000000"), (first.AddDays(8).AddMinutes(-1), "5000100")]),
                ("bad", "a", [(first, "1000"), (first.AddDays(8).AddMinutes(-1), "1000")]));
    }

    [Fact]
    public async Task A_series_without_a_sample_before_the_month_counts_from_its_first_sample_not_its_whole_history()
    {
        // A process up since long before, first scraped on the 20th: its counters then held 5,000,000 good and 1,000 bad.
        var server = new FakePrometheus
        {
            Instant = FirstScrapedOnThe20th,
        };

        SloEventMonth read = Assert.Single(await Reader(server).ReadSloEventsAsync("checkout", February, February, cancellationToken: Ct));

        Assert.Equal((100L, 0L), (read.Events.Good, read.Events.Bad));

        // No series had a sample before the month, so the server was asked whether it holds the 31 days before it at all.
        HttpRequestMessage labels = Assert.Single(server.Requests, static r => r.RequestUri!.AbsolutePath.EndsWith("/api/v1/labels", StringComparison.Ordinal));
        System.Collections.Specialized.NameValueCollection range = HttpUtility.ParseQueryString(labels.RequestUri!.Query);
        Assert.Equal((February.Start!.Value.AddDays(-31), February.Start!.Value), (FakePrometheus.Time(range["start"]!), FakePrometheus.Time(range["end"]!)));
    }

    [Fact]
    public async Task A_month_whose_start_the_server_no_longer_keeps_is_an_error_not_the_part_that_is_left()
    {
        // Retention has dropped everything before the 20th: no series has a sample before the month, and the server
        // names no label in the 31 days before it.
        var server = new FakePrometheus
        {
            Instant = FirstScrapedOnThe20th,
            Labels = static (_, _) => "{\"status\":\"success\",\"data\":[]}",
        };

        PrometheusQueryException error = await Assert.ThrowsAsync<PrometheusQueryException>(
            () => Reader(server).ReadSloEventsAsync("checkout", February, February, cancellationToken: Ct));

        Assert.StartsWith("http://127.0.0.1:9090/prom/ holds no data from the 31 days before 2026-02: it no longer keeps the month's start", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_slo_report_reads_the_events_of_each_month()
    {
        DateTimeOffset start = February.Start!.Value;
        var server = new FakePrometheus
        {
            Instant = (query, at) => query.StartsWith("last_over_time(", StringComparison.Ordinal)
                ? Vector(at, ("good", "a", "0"), ("bad", "a", "0"))
                : Matrix(("good", "a", [(start.AddDays(1), "999")]), ("bad", "a", [(start.AddDays(1), "1")])),
        };

        SlaReport report = await Reader(server).CreateSloReportAsync("checkout", Availability.FromPercent(99.9), February, February, cancellationToken: Ct);

        SlaReportMonth month = Assert.Single(report.Months);
        Assert.Equal((999L, 1L), (month.GoodEvents, month.BadEvents));
        Assert.True(month.SlaMet);
    }

    [Fact]
    public async Task Slo_events_are_read_from_the_counter_the_slo_names()
    {
        DateTimeOffset start = February.Start!.Value;
        var server = new FakePrometheus
        {
            Instant = (query, at) => query.StartsWith("last_over_time(", StringComparison.Ordinal)
                ? Vector(at, ("good", "a", "0"), ("bad", "a", "0"))
                : Matrix(("good", "a", [(start.AddDays(1), "999")]), ("bad", "a", [(start.AddDays(1), "1")])),
        };

        SloEventMonth read = Assert.Single(await Reader(server).ReadSloEventsAsync("checkout", February, February, metricName: "slakit_slo_events", cancellationToken: Ct));
        SlaReport report = await Reader(server).CreateSloReportAsync("checkout", Availability.FromPercent(99.9), February, February, metricName: "slakit_slo_events", cancellationToken: Ct);

        Assert.Equal((999L, 1L), (read.Events.Good, read.Events.Bad));
        Assert.Equal((999L, 1L), (Assert.Single(report.Months).GoodEvents, Assert.Single(report.Months).BadEvents));
        Assert.Equal(2 * (1 + 28), server.Requests.Count);
        Assert.All(server.Requests, static r =>
        {
            string query = HttpUtility.ParseQueryString(r.RequestUri!.Query)["query"]!;
            Assert.Contains("slakit_slo_events{slo=\"checkout\"}[", query, StringComparison.Ordinal);
            Assert.DoesNotContain("slakit_slo_events_total", query, StringComparison.Ordinal);
        });

        var empty = new FakePrometheus { Instant = static (_, _) => Matrix() };
        PrometheusQueryException missing = await Assert.ThrowsAsync<PrometheusQueryException>(
            () => Reader(empty).ReadSloEventsAsync("checkout", February, February, metricName: "slakit_slo_events", cancellationToken: Ct));
        Assert.StartsWith("slakit_slo_events{slo=\"checkout\"} has no series in 2026-02", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slices_count_bad_from_one_half_leave_out_gaps_and_the_slice_judged_at_the_months_first_instant()
    {
        DateTimeOffset start = February.Start!.Value;
        var server = new FakePrometheus
        {
            Instant = (_, _) => Matrix(("", "a", [(start, "1"), (start.AddMinutes(5), "0.5"), (start.AddMinutes(10), "0.49"), (start.AddMinutes(15), "NaN"), (start.AddMinutes(20), "0")])),
        };

        SloEventMonth read = Assert.Single(await Reader(server).ReadSloSlicesAsync("checkout", February, February, cancellationToken: Ct));
        SlaReport report = await Reader(server).CreateSliceReportAsync("checkout", Availability.FromPercent(50), February, February, cancellationToken: Ct);

        Assert.Equal((2, 1), (read.Events.Good, read.Events.Bad));
        Assert.Equal("slices", report.EventName);

        var empty = new FakePrometheus { Instant = static (_, _) => Matrix() };
        PrometheusQueryException error = await Assert.ThrowsAsync<PrometheusQueryException>(() => Reader(empty).ReadSloSlicesAsync("checkout", February, February, cancellationToken: Ct));
        Assert.Contains("has no slice in 2026-02", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("token", null, null, "Bearer token")]
    [InlineData(null, "reader", "s3cret", "Basic cmVhZGVyOnMzY3JldA==")]
    public async Task Credentials_go_with_every_query(string? token, string? user, string? password, string expected)
    {
        var server = new FakePrometheus { Range = (_, start, end) => Series(start, end, static _ => "1") };
        var options = new PrometheusServerOptions { Server = new Uri("http://127.0.0.1:9090/prom"), BearerToken = token, UserName = user, Password = password };

        await new PrometheusSlaReader(new HttpClient(server), options).ReadProbeDowntimeAsync("up", February, February, Ct);

        Assert.All(server.Requests, r => Assert.Equal(expected, r.Headers.Authorization!.ToString()));
        Assert.StartsWith("http://127.0.0.1:9090/prom/api/v1/query_range?", server.Requests[0].RequestUri!.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_slower_than_the_timeout_did_not_answer_in_time()
    {
        var server = new FakePrometheus { Hang = true };
        var options = new PrometheusServerOptions { Server = new Uri("http://127.0.0.1:9090/"), Timeout = TimeSpan.FromMilliseconds(50) };

        PrometheusQueryException error = await Assert.ThrowsAsync<PrometheusQueryException>(
            () => HostileNumbers.InCulture(HostileNumbers.ForeignCultures().First(), () => new PrometheusSlaReader(new HttpClient(server), options).ReadProbeDowntimeAsync("up", February, February, Ct)));

        Assert.Equal("Prometheus at http://127.0.0.1:9090/ did not answer within 0.05 s.", error.Message);
    }

    [Fact]
    public async Task A_server_slower_than_the_http_clients_own_shorter_timeout_is_said_to_have_met_that_timeout()
    {
        var server = new FakePrometheus { Hang = true };
        using var http = new HttpClient(server) { Timeout = TimeSpan.FromMilliseconds(50) };
        var reader = new PrometheusSlaReader(http, new PrometheusServerOptions { Server = new Uri("http://127.0.0.1:9090/"), Timeout = TimeSpan.FromSeconds(30) });

        PrometheusQueryException error = await Assert.ThrowsAsync<PrometheusQueryException>(
            () => HostileNumbers.InCulture(HostileNumbers.ForeignCultures().First(), () => reader.ReadProbeDowntimeAsync("up", February, February, Ct)));

        Assert.Equal("Prometheus at http://127.0.0.1:9090/ did not answer within 0.05 s, the HttpClient's Timeout (PrometheusServerOptions.Timeout is 30 s).", error.Message);
    }

    [Fact]
    public async Task Bad_arguments_are_refused_by_name()
    {
        var server = new FakePrometheus();
        PrometheusSlaReader reader = Reader(server);

        Assert.Equal("http", Assert.Throws<ArgumentNullException>(() => new PrometheusSlaReader(null!, new PrometheusServerOptions { Server = new Uri("http://a/") })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new PrometheusSlaReader(new HttpClient(server), null!)).ParamName);
        Assert.Equal("probe", (await Assert.ThrowsAsync<ArgumentException>(() => reader.ReadProbeDowntimeAsync(" ", February, February, Ct))).ParamName);
        Assert.Equal("firstMonth", (await Assert.ThrowsAsync<ArgumentException>(() => reader.ReadProbeDowntimeAsync("up", SlaPeriod.CalendarYear(2026), February, Ct))).ParamName);
        Assert.Equal("lastMonth", (await Assert.ThrowsAsync<ArgumentException>(() => reader.ReadProbeDowntimeAsync("up", February, SlaPeriod.CalendarYear(2026), Ct))).ParamName);
        Assert.Equal("lastMonth", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => reader.ReadProbeDowntimeAsync("up", February, January, Ct))).ParamName);
        ArgumentOutOfRangeException tooMany = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => reader.ReadProbeDowntimeAsync("up", January, SlaPeriod.CalendarMonth(2026 + ((SlaReport.MaximumMonths + 1) / 12), 1), Ct));
        Assert.Contains($"at most {SlaReport.MaximumMonths} months", tooMany.Message, StringComparison.Ordinal);
        Assert.Equal("slo", (await Assert.ThrowsAsync<ArgumentException>(() => reader.ReadSloEventsAsync("check\"out", February, February, cancellationToken: Ct))).ParamName);
        Assert.Equal("slo", (await Assert.ThrowsAsync<ArgumentException>(() => reader.ReadSloSlicesAsync("check\\out", February, February, cancellationToken: Ct))).ParamName);
        Assert.Equal("metricName", (await Assert.ThrowsAsync<ArgumentException>(() => reader.ReadSloEventsAsync("checkout", February, February, metricName: "up or vector(1)", cancellationToken: Ct))).ParamName);
        Assert.Equal("metricName", (await Assert.ThrowsAsync<ArgumentException>(
            () => reader.CreateSloReportAsync("checkout", Availability.FromPercent(99.9), February, February, metricName: "slakit.slo.events", cancellationToken: Ct))).ParamName);
        Assert.Empty(server.Requests);
    }

    /// <summary>The seconds of a query's range, such as 86400 in <c>x[86400s]</c>.</summary>
    private static int Seconds(string query) =>
        int.Parse(query[(query.LastIndexOf('[') + 1)..query.LastIndexOf("s]", StringComparison.Ordinal)], CultureInfo.InvariantCulture);

    private static PrometheusSlaReader Reader(FakePrometheus server) =>
        new(new HttpClient(server), new PrometheusServerOptions { Server = new Uri("http://127.0.0.1:9090/prom") });

    /// <summary>A range answer with a point per step from <paramref name="start"/> to <paramref name="end"/>; <paramref name="value"/> gets the minute a point closes, and null leaves the point out.</summary>
    private static string Series(DateTimeOffset start, DateTimeOffset end, Func<DateTimeOffset, string?> value)
    {
        var points = new List<(DateTimeOffset, string)>();
        for (DateTimeOffset at = start; at <= end; at = at.AddSeconds(60))
        {
            if (value(at.AddMilliseconds(1).AddSeconds(-60)) is { } v)
            {
                points.Add((at, v));
            }
        }

        return Answer("matrix", "{\"metric\":{},\"values\":" + Points(points) + "}");
    }

    private static string Vector(DateTimeOffset at, params (string Outcome, string Instance, string Value)[] series) =>
        Answer("vector", [.. series.Select(s => Metric(s.Outcome, s.Instance) + ",\"value\":" + Point(at, s.Value) + "}")]);

    private static string Matrix(params (string Outcome, string Instance, (DateTimeOffset At, string Value)[] Points)[] series) =>
        Answer("matrix", [.. series.Select(s => Metric(s.Outcome, s.Instance) + ",\"values\":" + Points(s.Points) + "}")]);

    private static string Answer(string type, params string[] series) =>
        "{\"status\":\"success\",\"data\":{\"resultType\":\"" + type + "\",\"result\":[" + string.Join(",", series) + "]}}";

    private static string Metric(string outcome, string instance) =>
        "{\"metric\":{\"__name__\":\"slakit_slo_events_total\",\"outcome\":\"" + outcome + "\",\"instance\":\"" + instance + "\"}";

    private static string Points(IEnumerable<(DateTimeOffset At, string Value)> points) => "[" + string.Join(",", points.Select(static p => Point(p.At, p.Value))) + "]";

    private static string Point(DateTimeOffset at, string value) =>
        string.Create(CultureInfo.InvariantCulture, $"[{at.ToUnixTimeMilliseconds() / 1000m},\"{value}\"]");

    /// <summary>Prometheus's query API, answered by the test's functions of the query and its times.</summary>
    private sealed class FakePrometheus : HttpMessageHandler
    {
        public Func<string, DateTimeOffset, DateTimeOffset, string>? Range { get; init; }

        public Func<string, DateTimeOffset, string>? Instant { get; init; }

        /// <summary>The label names held from a start to an end; by default the server holds some.</summary>
        public Func<DateTimeOffset, DateTimeOffset, string> Labels { get; init; } = static (_, _) => "{\"status\":\"success\",\"data\":[\"__name__\",\"instance\"]}";

        public bool Hang { get; init; }

        public List<HttpRequestMessage> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            if (Hang)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }

            System.Collections.Specialized.NameValueCollection query = HttpUtility.ParseQueryString(request.RequestUri!.Query);
            string path = request.RequestUri.AbsolutePath;
            string body = path.EndsWith("/query_range", StringComparison.Ordinal) ? Range!(query["query"]!, Time(query["start"]!), Time(query["end"]!))
                : path.EndsWith("/labels", StringComparison.Ordinal) ? Labels(Time(query["start"]!), Time(query["end"]!))
                : Instant!(query["query"]!, Time(query["time"]!));
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }

        public static DateTimeOffset Time(string seconds) =>
            DateTimeOffset.FromUnixTimeMilliseconds((long)(decimal.Parse(seconds, CultureInfo.InvariantCulture) * 1000));
    }
}
