using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SlaKit.Budgets;
using SlaKit.Reports;

namespace SlaKit.Prometheus.Server;

/// <summary>
/// Reads what a Prometheus server measured, for SLA reports: the downtime minutes a probe series shows in each
/// calendar month (a <c>probe_success</c>-style 0/1 gauge, or SlaKit's <c>slakit_region_health</c>, 0 when unhealthy),
/// and the report made from them. Queries go through the server's HTTP API (<c>/api/v1/query_range</c>).
/// </summary>
/// <remarks>
/// A month in which the probe has no sample at all is an error, never a month of 100%: a wrong series name, a server
/// that no longer keeps data that old, and a month not yet begun all say so.
/// </remarks>
public sealed class PrometheusSlaReader
{
    private const int StepSeconds = 60;

    /// <summary>One query asks for at most a week of minutes, 10,080 points: under the 11,000 a server answers per series.</summary>
    private static readonly TimeSpan Chunk = TimeSpan.FromDays(7);

    /// <summary>One query of an SLO's counters asks for a day of their raw samples.</summary>
    private static readonly TimeSpan EventChunk = TimeSpan.FromDays(1);

    private readonly HttpClient _http;
    private readonly Uri _server;
    private readonly PrometheusServerOptions _options;

    /// <summary>Creates a reader that queries the server of <paramref name="options"/> through <paramref name="http"/>.</summary>
    /// <param name="http">The client to send queries with; the reader does not dispose it.</param>
    /// <param name="options">The server, its credentials and the timeout of each query.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public PrometheusSlaReader(HttpClient http, PrometheusServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = http;
        _options = options;
        string server = options.Server!.AbsoluteUri;
        _server = new Uri(server.EndsWith('/') ? server : server + "/");
    }

    /// <summary>
    /// The downtime minutes of <paramref name="probe"/> in each calendar month from <paramref name="firstMonth"/> to
    /// <paramref name="lastMonth"/>: a minute is down when any series the selector matches reported 0 in it, or has no
    /// sample in it and reported 0 last, within the server's lookback delta.
    /// </summary>
    /// <remarks>
    /// A series' minute without a sample takes the value Prometheus itself gives the series at the minute's end: its
    /// latest sample, if that is within the server's lookback delta (<c>--query.lookback-delta</c>, 5 minutes by default)
    /// and the series was not marked stale. So a probe scraped every 2 minutes that fails for an hour is down for 60
    /// minutes in one outage, not 30 minutes in 30 outages. A minute no series has a value for, in a gap of data longer
    /// than the lookback, is not counted as down: it is counted in <see cref="ProbeDowntimeMonth.MinutesWithoutData"/>.
    /// </remarks>
    /// <param name="probe">A series selector, such as <c>probe_success{job="checkout"}</c>.</param>
    /// <param name="firstMonth">The first calendar month (UTC).</param>
    /// <param name="lastMonth">The last calendar month (UTC).</param>
    /// <param name="cancellationToken">Stops the queries.</param>
    /// <returns>The down minutes, as outages, and each month's counts.</returns>
    /// <exception cref="ArgumentException"><paramref name="probe"/> is empty, or a bound is not a calendar month.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lastMonth"/> is before <paramref name="firstMonth"/>, or the span would be more than <see cref="SlaReport.MaximumMonths"/> months long.</exception>
    /// <exception cref="PrometheusQueryException">The server did not answer, refused the query, answered only in part (with warnings), or has no sample of the probe in a month.</exception>
    public async Task<ProbeDowntime> ReadProbeDowntimeAsync(string probe, SlaPeriod firstMonth, SlaPeriod lastMonth, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(probe);
        List<SlaPeriod> months = Months(firstMonth, lastMonth);

        // Evaluated at each minute's last millisecond over a 60 s range, so that a minute's samples are counted in
        // it and in no other minute, whether the server's ranges include their start (2.x) or not (3.x). A series with
        // no sample in the minute (a probe scraped every 2 minutes has none in every other one) takes the value the
        // plain selector gives at the minute's end: its latest sample within the server's lookback delta, 5 minutes by
        // default, unless the series was marked stale (https://prometheus.io/docs/prometheus/latest/querying/basics/#staleness).
        // `or` matches series on their labels but the metric name, which min_over_time drops.
        string selector = probe.Trim();
        string query = $"min(min_over_time({selector}[{StepSeconds}s]) or {selector})";
        var outages = new List<Incident>();
        var read = new List<ProbeDowntimeMonth>(months.Count);
        DateTimeOffset? outageStart = null;
        DateTimeOffset previousDown = default;
        foreach (SlaPeriod month in months)
        {
            DateTimeOffset start = month.Start!.Value;
            DateTimeOffset end = month.End!.Value;
            int minutes = (int)((end - start).Ticks / TimeSpan.TicksPerMinute);
            int withData = 0;
            var down = new List<DateTimeOffset>();
            for (DateTimeOffset chunk = start; chunk < end; chunk += Chunk)
            {
                DateTimeOffset chunkEnd = chunk + Chunk < end ? chunk + Chunk : end;
                foreach ((DateTimeOffset at, double value) in await QueryRangeAsync(query, chunk.AddSeconds(StepSeconds).AddMilliseconds(-1), chunkEnd.AddMilliseconds(-1), cancellationToken).ConfigureAwait(false))
                {
                    if (double.IsNaN(value))
                    {
                        continue;
                    }

                    withData++;
                    if (value <= 0)
                    {
                        down.Add(at.AddMilliseconds(1).AddSeconds(-StepSeconds));
                    }
                }
            }

            if (withData == 0)
            {
                throw new PrometheusQueryException(
                    $"{selector} has no sample in {month} on {_server}: check the series' name and labels, and that the server keeps data that old (a month with no data is not reported as 100%).");
            }

            foreach (DateTimeOffset minute in down)
            {
                if (outageStart is null || minute != previousDown.AddSeconds(StepSeconds))
                {
                    if (outageStart is { } open)
                    {
                        outages.Add(new Incident(open, previousDown.AddSeconds(StepSeconds)));
                    }

                    outageStart = minute;
                }

                previousDown = minute;
            }

            read.Add(new ProbeDowntimeMonth(month, down.Count, minutes - withData));
        }

        if (outageStart is { } last)
        {
            outages.Add(new Incident(last, previousDown.AddSeconds(StepSeconds)));
        }

        return new ProbeDowntime(selector, outages, read);
    }

    /// <summary>
    /// The SLA report of <paramref name="probe"/>'s downtime minutes over calendar months: availability, downtime,
    /// incidents, SLA met and credits per month, as <see cref="SlaReport.Create"/> makes it from incidents.
    /// </summary>
    /// <param name="probe">A series selector, such as <c>probe_success{job="checkout"}</c>.</param>
    /// <param name="target">The SLA's availability target per calendar month.</param>
    /// <param name="firstMonth">The first calendar month (UTC).</param>
    /// <param name="lastMonth">The last calendar month (UTC).</param>
    /// <param name="options">Title and credits; <see cref="SlaReportOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the queries.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException"><paramref name="probe"/> is empty, or a bound is not a calendar month.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The months are out of order or too many.</exception>
    /// <exception cref="PrometheusQueryException">The server did not answer, refused the query, answered only in part (with warnings), or has no sample of the probe in a month.</exception>
    public async Task<SlaReport> CreateProbeReportAsync(
        string probe, Availability target, SlaPeriod firstMonth, SlaPeriod lastMonth, SlaReportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ProbeDowntime downtime = await ReadProbeDowntimeAsync(probe, firstMonth, lastMonth, cancellationToken).ConfigureAwait(false);
        return SlaReport.Create(downtime.Outages, target, firstMonth, lastMonth, options);
    }

    /// <summary>
    /// The good and bad events of the SLO named <paramref name="slo"/> in each calendar month, counted from the
    /// <c>slakit_slo_events_total</c> series SlaKit's trackers export (every instance's, summed), or from the counter named
    /// <paramref name="metricName"/>: the events the generated rules use. Each series' increase over the month is read from its raw samples, from its last sample
    /// before the month (up to 31 days earlier) to its last in the month, with a counter reset (a restarted process)
    /// counted as a new start: exact, where <c>increase()</c> would extrapolate at the month's edges. The samples are
    /// read a day per query, so that no answer holds more than a day of them.
    /// </summary>
    /// <remarks>
    /// A series with no sample in the 31 days before the month (a process started in it, or a target first scraped in
    /// it) counts from its first sample in the month, as <c>increase()</c> does: the value its counter held then, however
    /// long the process ran before it was scraped, is not the month's, and a new process's events before its first
    /// scrape are not seen. A month before which the server holds no data at all (its retention no longer reaches the
    /// month's start) is an error, not the part of the month that is left.
    /// </remarks>
    /// <param name="slo">The SLO's name, the <c>slo</c> label of its series.</param>
    /// <param name="firstMonth">The first calendar month.</param>
    /// <param name="lastMonth">The last calendar month.</param>
    /// <param name="timeZone">The time zone whose calendar months count, each from local midnight on the first, as a calendar-month SLO's window says; <see langword="null"/> is UTC.</param>
    /// <param name="metricName">
    /// The counter's name as the server stores it, the SLO's <see cref="PrometheusSli.SlaKitMetric"/>;
    /// <see cref="PrometheusSli.SlaKitEventsMetric"/> by default.
    /// </param>
    /// <param name="cancellationToken">Stops the queries.</param>
    /// <returns>Each month's events and availability, in order.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="slo"/> is empty or holds a quote or a backslash, <paramref name="metricName"/> is not a Prometheus
    /// metric name, or a bound is not a calendar month.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">The months are out of order or too many.</exception>
    /// <exception cref="PrometheusQueryException">
    /// The server did not answer, refused a query or answered it only in part (with warnings), a month holds no event of
    /// the SLO, or the server holds no data from before a month that the SLO's counters have no sample before.
    /// </exception>
    public async Task<IReadOnlyList<SloEventMonth>> ReadSloEventsAsync(
        string slo, SlaPeriod firstMonth, SlaPeriod lastMonth, TimeZoneInfo? timeZone = null, string metricName = PrometheusSli.SlaKitEventsMetric,
        CancellationToken cancellationToken = default)
    {
        string selector = $"{CheckedMetricName(metricName)}{{slo=\"{CheckedSloName(slo)}\"}}";
        List<SlaPeriod> months = Months(firstMonth, lastMonth);
        var read = new List<SloEventMonth>(months.Count);
        foreach (SlaPeriod month in months)
        {
            (DateTimeOffset start, DateTimeOffset end) = SlaReport.LocalMonth(month, timeZone);
            var bases = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach ((string series, _, List<(DateTimeOffset At, double Value)> points) in await QueryAsync($"last_over_time({selector}[31d])", start, cancellationToken).ConfigureAwait(false))
            {
                bases[series] = points[0].Value;
            }

            // Each series' last value read so far and its increase in the month. A series with no sample in the 31 days
            // before the month (a process started in it, or a target first scraped in it) counts from its first sample
            // in the month, as increase() does: what its counter held then, however long the process ran unscraped, is
            // not this month's.
            var counted = new Dictionary<string, (string Outcome, double? Previous, double Increase)>(StringComparer.Ordinal);
            foreach ((string series, double value) in bases)
            {
                counted[series] = ("", value, 0);
            }

            // Read a day at a time, each series' last value carried into the next day as its base: a month of a fleet's
            // raw samples in one answer would pass the server's --query.max-samples (50,000,000 by default) and be
            // hundreds of megabytes to parse. A day of a series scraped every 15 s is 5,760 samples.
            bool seen = false;
            for (DateTimeOffset day = start; day < end; day += EventChunk)
            {
                DateTimeOffset dayEnd = day + EventChunk < end ? day + EventChunk : end;
                long seconds = (long)(dayEnd - day).TotalSeconds;
                foreach ((string series, string outcome, List<(DateTimeOffset At, double Value)> points) in
                    await QueryAsync($"{selector}[{seconds}s]", dayEnd, cancellationToken).ConfigureAwait(false))
                {
                    (_, double? previous, double increase) = counted.GetValueOrDefault(series);
                    foreach ((DateTimeOffset at, double value) in points)
                    {
                        // A sample at the day's first instant was the last of the day before (or the month's base):
                        // servers before 3.0 include a range's start.
                        if (at <= day || at > dayEnd)
                        {
                            continue;
                        }

                        seen = true;
                        if (previous is { } before)
                        {
                            // A counter that went down was restarted: it counts from zero again (as Prometheus's increase() takes it).
                            increase += value >= before ? value - before : value;
                        }

                        previous = value;
                    }

                    counted[series] = (outcome, previous, increase);
                }
            }

            long good = 0;
            long bad = 0;
            foreach ((string outcome, _, double increase) in counted.Values)
            {
                long events = (long)Math.Round(increase, MidpointRounding.AwayFromZero);
                if (outcome == "good")
                {
                    good += events;
                }
                else if (outcome == "bad")
                {
                    bad += events;
                }
            }

            if (!seen && bases.Count == 0)
            {
                throw new PrometheusQueryException(
                    $"{selector} has no series in {month} on {_server}: is the SLO's name right, and does the server keep data that old? (A month with no data is not reported as 100%.)");
            }

            // No series has a sample before the month: either the SLO's counters began in it, or the server's retention
            // no longer reaches its start, and then the month's first days are gone and what is left would be reported
            // as the whole month. Retention drops whole blocks of every series, oldest first, so a server that holds
            // any series at all in the 31 days before the month still holds its start.
            if (bases.Count == 0 && !await HoldsDataAsync(start.AddDays(-31), start, cancellationToken).ConfigureAwait(false))
            {
                throw new PrometheusQueryException(
                    $"{_server} holds no data from the 31 days before {month}: it no longer keeps the month's start (its retention), so the month's events cannot be counted (a part of a month is not reported as the month).");
            }

            if (good + bad == 0)
            {
                throw new PrometheusQueryException($"{selector} counted no event in {month} on {_server} (a month with no data is not reported as 100%).");
            }

            read.Add(new SloEventMonth(month, new SloEventCounts(good, bad)));
        }

        return read;
    }

    /// <summary>
    /// The SLA report of the SLO named <paramref name="slo"/> over calendar months, from its events as the server counted
    /// them (<see cref="ReadSloEventsAsync"/>): availability, good and bad events, the bad events allowed, SLA met and
    /// credits per month, as <see cref="SlaReport.CreateFromEvents"/> makes it.
    /// </summary>
    /// <param name="slo">The SLO's name, the <c>slo</c> label of its series.</param>
    /// <param name="target">The SLA's availability target per calendar month.</param>
    /// <param name="firstMonth">The first calendar month (UTC).</param>
    /// <param name="lastMonth">The last calendar month (UTC).</param>
    /// <param name="options">Title, credits and the SLO's time zone (<see cref="SlaReportOptions.TimeZone"/>); <see cref="SlaReportOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="metricName">
    /// The counter's name as the server stores it, the SLO's <see cref="PrometheusSli.SlaKitMetric"/>;
    /// <see cref="PrometheusSli.SlaKitEventsMetric"/> by default.
    /// </param>
    /// <param name="cancellationToken">Stops the queries.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="slo"/> is empty or holds a quote or a backslash, <paramref name="metricName"/> is not a Prometheus
    /// metric name, or a bound is not a calendar month.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">The months are out of order or too many.</exception>
    /// <exception cref="PrometheusQueryException">
    /// The server did not answer, refused a query or answered it only in part (with warnings), a month holds no event of
    /// the SLO, or the server holds no data from before a month that the SLO's counters have no sample before.
    /// </exception>
    public async Task<SlaReport> CreateSloReportAsync(
        string slo, Availability target, SlaPeriod firstMonth, SlaPeriod lastMonth, SlaReportOptions? options = null, string metricName = PrometheusSli.SlaKitEventsMetric,
        CancellationToken cancellationToken = default)
    {
        IReadOnlyList<SloEventMonth> months = await ReadSloEventsAsync(slo, firstMonth, lastMonth, options?.TimeZone, metricName, cancellationToken).ConfigureAwait(false);
        return SlaReport.CreateFromEvents(months.Select(static month => new MonthEvents(month.Month, month.Events.Good, month.Events.Bad)), target, options);
    }

    /// <summary>
    /// The good and bad slices of the time-slice SLO named <paramref name="slo"/> in each calendar month: the slices the
    /// generated rules judged, one sample of <c>slakit:slo_slice_bad:bool</c> per slice (1 for a bad slice), counted as
    /// they are stored.
    /// </summary>
    /// <param name="slo">The SLO's name, the <c>slo</c> label of its slices.</param>
    /// <param name="firstMonth">The first calendar month.</param>
    /// <param name="lastMonth">The last calendar month.</param>
    /// <param name="timeZone">The time zone whose calendar months count; <see langword="null"/> is UTC.</param>
    /// <param name="cancellationToken">Stops the queries.</param>
    /// <returns>Each month's good and bad slices (as <see cref="SloEventMonth.Events"/>) and availability, in order.</returns>
    /// <exception cref="ArgumentException"><paramref name="slo"/> is empty or holds a quote or a backslash, or a bound is not a calendar month.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The months are out of order or too many.</exception>
    /// <exception cref="PrometheusQueryException">The server did not answer, refused a query or answered it only in part (with warnings), or a month holds no slice of the SLO.</exception>
    public async Task<IReadOnlyList<SloEventMonth>> ReadSloSlicesAsync(
        string slo, SlaPeriod firstMonth, SlaPeriod lastMonth, TimeZoneInfo? timeZone = null, CancellationToken cancellationToken = default)
    {
        string selector = $"{PrometheusRules.SliceRecord}{{slo=\"{CheckedSloName(slo)}\"}}";
        List<SlaPeriod> months = Months(firstMonth, lastMonth);
        var read = new List<SloEventMonth>(months.Count);
        foreach (SlaPeriod month in months)
        {
            (DateTimeOffset start, DateTimeOffset end) = SlaReport.LocalMonth(month, timeZone);
            long good = 0;
            long bad = 0;
            long seconds = (long)(end - start).TotalSeconds;
            foreach ((_, _, List<(DateTimeOffset At, double Value)> points) in await QueryAsync($"{selector}[{seconds}s]", end, cancellationToken).ConfigureAwait(false))
            {
                foreach ((DateTimeOffset at, double value) in points)
                {
                    // A sample at the month's first instant judged the slice before it, which belongs to the month before.
                    if (at > start && !double.IsNaN(value))
                    {
                        if (value >= 0.5)
                        {
                            bad++;
                        }
                        else
                        {
                            good++;
                        }
                    }
                }
            }

            if (good + bad == 0)
            {
                throw new PrometheusQueryException(
                    $"{selector} has no slice in {month} on {_server}: is the SLO's name right, is it a time-slice SLO whose generated rules the server runs, and does it keep data that old? (A month with no data is not reported as 100%.)");
            }

            read.Add(new SloEventMonth(month, new SloEventCounts(good, bad)));
        }

        return read;
    }

    /// <summary>
    /// The SLA report of the time-slice SLO named <paramref name="slo"/> over calendar months, from its slices as the
    /// server's rules judged them (<see cref="ReadSloSlicesAsync"/>): each month's availability is its good slices ÷ all.
    /// </summary>
    /// <param name="slo">The SLO's name.</param>
    /// <param name="target">The SLA's availability target per calendar month.</param>
    /// <param name="firstMonth">The first calendar month.</param>
    /// <param name="lastMonth">The last calendar month.</param>
    /// <param name="options">Title, credits and time zone; the report calls its events <c>slices</c> unless the options name them.</param>
    /// <param name="cancellationToken">Stops the queries.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException"><paramref name="slo"/> is empty or holds a quote or a backslash, or a bound is not a calendar month.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The months are out of order or too many.</exception>
    /// <exception cref="PrometheusQueryException">The server did not answer, refused a query or answered it only in part (with warnings), or a month holds no slice of the SLO.</exception>
    public async Task<SlaReport> CreateSliceReportAsync(
        string slo, Availability target, SlaPeriod firstMonth, SlaPeriod lastMonth, SlaReportOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= SlaReportOptions.Default;
        IReadOnlyList<SloEventMonth> months = await ReadSloSlicesAsync(slo, firstMonth, lastMonth, options.TimeZone, cancellationToken).ConfigureAwait(false);
        return SlaReport.CreateFromEvents(
            months.Select(static month => new MonthEvents(month.Month, month.Events.Good, month.Events.Bad)), target, options with { EventName = options.EventName ?? "slices" });
    }

    /// <summary><paramref name="slo"/>, checked to be a name a label selector can hold as it is.</summary>
    private static string CheckedSloName(string slo)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(slo);
        if (slo.Contains('"', StringComparison.Ordinal) || slo.Contains('\\', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The SLO name '{slo}' holds a quote or a backslash.", nameof(slo));
        }

        return slo;
    }

    /// <summary><paramref name="metricName"/>, checked to be a metric name that a selector can start with as it is.</summary>
    private static string CheckedMetricName(string metricName) => PrometheusSli.SlaKitEvents(metricName).SlaKitMetric!;

    private static List<SlaPeriod> Months(SlaPeriod firstMonth, SlaPeriod lastMonth)
    {
        if (firstMonth.Kind != SlaPeriodKind.CalendarMonth)
        {
            throw new ArgumentException($"'{firstMonth}' is not a calendar month.", nameof(firstMonth));
        }

        if (lastMonth.Kind != SlaPeriodKind.CalendarMonth)
        {
            throw new ArgumentException($"'{lastMonth}' is not a calendar month.", nameof(lastMonth));
        }

        if (lastMonth.Start < firstMonth.Start)
        {
            throw new ArgumentOutOfRangeException(nameof(lastMonth), lastMonth, $"The last month is before the first, {firstMonth}.");
        }

        var months = new List<SlaPeriod>();
        foreach (SlaPeriod month in SlaPeriod.Through(firstMonth, lastMonth))
        {
            if (months.Count == SlaReport.MaximumMonths)
            {
                throw new ArgumentOutOfRangeException(nameof(lastMonth), lastMonth, $"A report covers at most {SlaReport.MaximumMonths} months.");
            }

            months.Add(month);
        }

        return months;
    }

    /// <summary>The points of a range query's one series (none when the query matched nothing), each at its evaluation time.</summary>
    private async Task<List<(DateTimeOffset At, double Value)>> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        string path = string.Create(CultureInfo.InvariantCulture,
            $"api/v1/query_range?query={Uri.EscapeDataString(query)}&start={Seconds(start)}&end={Seconds(end)}&step={StepSeconds}");
        return [.. (await GetAsync(path, query, Series, cancellationToken).ConfigureAwait(false)).SelectMany(static series => series.Points)];
    }

    /// <summary>
    /// An instant query at <paramref name="at"/>: each series (its labels as one key, its <c>outcome</c> label) and its
    /// points: one for an instant vector, the raw samples for a range vector.
    /// </summary>
    private Task<List<(string Series, string Outcome, List<(DateTimeOffset At, double Value)> Points)>> QueryAsync(
        string query, DateTimeOffset at, CancellationToken cancellationToken) =>
        GetAsync(string.Create(CultureInfo.InvariantCulture, $"api/v1/query?query={Uri.EscapeDataString(query)}&time={Seconds(at)}"), query, Series, cancellationToken);

    /// <summary>
    /// Whether the server holds any series from <paramref name="start"/> to <paramref name="end"/>: the label names
    /// API (<c>/api/v1/labels</c>) names none when no block of its storage reaches into that time.
    /// </summary>
    private Task<bool> HoldsDataAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken) =>
        GetAsync(
            string.Create(CultureInfo.InvariantCulture, $"api/v1/labels?start={Seconds(start)}&end={Seconds(end)}"),
            $"label names from {Iso(start)} to {Iso(end)}",
            static root => root.GetProperty("data").GetArrayLength() > 0,
            cancellationToken);

    /// <summary>Sends one request to the API; <paramref name="read"/> reads what a successful answer holds.</summary>
    private async Task<T> GetAsync<T>(string path, string query, Func<JsonElement, T> read, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server, path));
        if (_options.BearerToken is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (_options.UserName is { } user)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + _options.Password)));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        HttpResponseMessage? response = null;
        JsonDocument? answer = null;
        try
        {
            // The answer is parsed as it streams in: a day of a fleet's raw samples is megabytes, and a copy of it as
            // text would double what the read holds.
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            Stream stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                answer = await JsonDocument.ParseAsync(stream, cancellationToken: timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The HttpClient's own Timeout (100 s unless set) ends a query that waits for its answer's headers when it is
            // the shorter of the two; the message names the one that did.
            throw new PrometheusQueryException(
                timeout.IsCancellationRequested
                    ? string.Create(CultureInfo.InvariantCulture, $"Prometheus at {_server} did not answer within {_options.Timeout.TotalSeconds:0.###} s.")
                    : string.Create(CultureInfo.InvariantCulture,
                        $"Prometheus at {_server} did not answer within {_http.Timeout.TotalSeconds:0.###} s, the HttpClient's Timeout (PrometheusServerOptions.Timeout is {_options.Timeout.TotalSeconds:0.###} s)."),
                exception);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            throw new PrometheusQueryException($"Prometheus at {_server} did not answer: {exception.Message}", exception);
        }
        catch (JsonException exception)
        {
            throw new PrometheusQueryException(
                $"{_server} answered {(int)response!.StatusCode} with something other than Prometheus's query API: is it a Prometheus server?", exception);
        }
        finally
        {
            // An answer whose body never came, or was not JSON, is let go here; one that came is disposed below.
            if (answer is null)
            {
                response?.Dispose();
            }
        }

        using (response)
        {
            using (answer)
            {
                JsonElement root = answer.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new PrometheusQueryException(
                        $"{_server} answered {(int)response.StatusCode} with JSON other than Prometheus's query API: is it a Prometheus server?");
                }

                if (!response.IsSuccessStatusCode || !root.TryGetProperty("status", out JsonElement status) || status.GetString() != "success")
                {
                    string error = root.TryGetProperty("error", out JsonElement text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : root.GetRawText();
                    throw new PrometheusQueryException($"Prometheus at {_server} refused the query {query}: {(int)response.StatusCode} {error}");
                }

                // "Only set if there were warnings while executing the request. There will still be data in the data
                // field." (https://prometheus.io/docs/prometheus/latest/querying/api/#format-overview): such as a remote
                // read or a store that failed, or a limit that cut the result. A report of SLA credits is not made from
                // a part of the data. Infos (Prometheus 3) are remarks about the query, not missing data.
                if (root.TryGetProperty("warnings", out JsonElement warnings)
                    && warnings.ValueKind != JsonValueKind.Null
                    && !(warnings.ValueKind == JsonValueKind.Array && warnings.GetArrayLength() == 0))
                {
                    string said = warnings.ValueKind == JsonValueKind.Array && warnings.EnumerateArray().All(static w => w.ValueKind == JsonValueKind.String)
                        ? string.Join("; ", warnings.EnumerateArray().Select(static w => w.GetString()))
                        : warnings.GetRawText();
                    throw new PrometheusQueryException($"Prometheus at {_server} answered the query {query} only in part, with warnings: {said}");
                }

                try
                {
                    return read(root);
                }
                catch (Exception exception) when (exception is KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException or OverflowException or ArgumentOutOfRangeException)
                {
                    // A "success" whose result is not a vector or a matrix of [time, "value"] points: a proxy, or a server
                    // that is not Prometheus, answered in its place.
                    throw new PrometheusQueryException($"Prometheus at {_server} answered the query {query} with a result SlaKit cannot read: {exception.Message}", exception);
                }
            }
        }
    }

    /// <summary>Each series of a query's result (its labels but the metric name, as one key), with its points.</summary>
    private static List<(string Series, string Outcome, List<(DateTimeOffset At, double Value)> Points)> Series(JsonElement root)
    {
        var result = new List<(string, string, List<(DateTimeOffset, double)>)>();
        foreach (JsonElement series in root.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (JsonProperty label in series.GetProperty("metric").EnumerateObject())
            {
                if (label.Name != "__name__")
                {
                    labels[label.Name] = label.Value.GetString() ?? "";
                }
            }

            var points = new List<(DateTimeOffset, double)>();
            IEnumerable<JsonElement> values = series.TryGetProperty("values", out JsonElement many) ? many.EnumerateArray() : [series.GetProperty("value")];
            foreach (JsonElement point in values)
            {
                decimal at = point[0].GetDecimal();
                double value = Value(point[1].GetString());
                points.Add((DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(at * 1000)), value));
            }

            string key = string.Join(",", labels.Select(static l => l.Key + "=" + l.Value));
            result.Add((key, labels.GetValueOrDefault("outcome", ""), points));
        }

        return result;
    }

    /// <summary>A sample's value as Prometheus writes it: a number, <c>NaN</c>, <c>+Inf</c> or <c>-Inf</c>.</summary>
    private static double Value(string? text) => text switch
    {
        null => throw new FormatException("a sample's value is not a string"),
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Seconds(DateTimeOffset instant) =>
        (instant.ToUnixTimeMilliseconds() / 1000m).ToString("0.###", CultureInfo.InvariantCulture);
}
