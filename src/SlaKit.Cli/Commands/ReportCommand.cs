using System.CommandLine;
using System.Globalization;
using SlaKit.Budgets;
using SlaKit.Prometheus;
using SlaKit.Prometheus.Server;
using SlaKit.Reports;

namespace SlaKit.Cli.Commands;

/// <summary>
/// <c>slakit report --incidents &lt;csv&gt; --sla &lt;percent&gt; --from YYYY-MM --to YYYY-MM --format md|html|json</c>:
/// an SLA report over calendar months, with charts. With <c>--prometheus &lt;url&gt; --probe &lt;selector&gt;</c> instead
/// of <c>--incidents</c>, the downtime is the minutes in which a probe series on a Prometheus server reported a failure.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var incidents = new Option<string>("--incidents") { Description = "CSV of incidents, start,end[,weight] in ISO 8601 with offsets; a header row is allowed." };
        var prometheus = new Option<string>("--prometheus") { Description = "Measure the downtime on this Prometheus server (http(s)://host:9090) instead of --incidents; with --probe." };
        var probe = new Option<string>("--probe") { Description = "With --prometheus: a probe series selector (probe_success{job=\"checkout\"}); a minute in which it reported 0 is down." };
        var slo = new Option<string>("--slo") { Description = "With --prometheus, instead of --probe: the SLO whose events SlaKit's trackers export; each month's availability is good ÷ all events." };
        var slices = new Option<bool>("--slices") { Description = "With --slo: a time-slice SLO; each month's availability is its good slices ÷ all, as the generated rules judged them." };
        var timeZone = new Option<string>("--time-zone") { Description = "With --slo: the SLO's time zone (IANA, such as Europe/Berlin); its calendar months start at local midnight. UTC when absent." };
        var sloFile = new Option<string>("--slo-file") { Description = "With --slo: the SLO file (the one the rules were generated from) that defines it; its time zone, budgeting method (events or time slices) and events counter then come from there." };
        var tokenFile = new Option<string>("--bearer-token-file") { Description = "With --prometheus: a file holding the bearer token to send." };
        var sla = new Option<string>("--sla") { Description = "The SLA's availability target per calendar month, a percentage in [1, 100] such as 99.9 (not the ratio 0.999).", Required = true };
        Option<string> tiers = CreditCommand.TiersOption(required: false);
        var from = new Option<string>("--from") { Description = "The first calendar month (UTC), YYYY-MM.", Required = true };
        var to = new Option<string>("--to") { Description = "The last calendar month (UTC), YYYY-MM; the same as --from when absent." };
        var format = new Option<string>("--format")
        {
            Description = "md (Markdown, the default), html (one self-contained page that prints on A4) or json.",
            DefaultValueFactory = _ => "md",
        };
        var output = new Option<string>("--output") { Description = "Write the report to this file instead of stdout." };
        var title = new Option<string>("--title") { Description = $"The report's title; \"{SlaReport.DefaultTitle}\" when absent." };
        var wholeMinutes = new Option<bool>("--whole-minutes") { Description = "Count only whole minutes of each outage, as cloud SLAs do." };
        var command = new Command("report", "An SLA report over calendar months: availability, downtime, incidents, MTTR, SLA met and credits per month, totals, and charts. Exit 0 when made, 1 when the Prometheus server could not answer, 2 on malformed input, 130 when interrupted.")
        {
            incidents, prometheus, probe, slo, slices, timeZone, sloFile, tokenFile, sla, tiers, from, to, format, output, title, wholeMinutes,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            TextWriter stderr = parse.InvocationConfiguration.Error;
            try
            {
                bool json = parse.GetValue(SlaKitCli.Json);
                SlaReportFormat chosen = Format(parse.GetValue(format)!, json && parse.GetResult(format) is { Implicit: false });
                if (json)
                {
                    chosen = SlaReportFormat.Json;
                }

                Availability target = CliInput.Target(parse.GetValue(sla)!, "--sla", below100: false);
                SlaPeriod first = Month(parse.GetValue(from)!, "--from");
                SlaPeriod last = parse.GetValue(to) is { } toText ? Month(toText, "--to") : first;
                if (last.Start < first.Start)
                {
                    throw new CliUsageException($"--to '{last}' is before --from '{first}'.");
                }

                int months = SlaReport.MonthsSpanned(first, last);
                if (months > SlaReport.MaximumMonths)
                {
                    throw new CliUsageException($"--from '{first}' to --to '{last}' is {months} months; a report covers at most {SlaReport.MaximumMonths}.");
                }

                if (parse.GetValue(prometheus) is null && new[] { probe, slo, sloFile, tokenFile }.FirstOrDefault(option => parse.GetValue(option) is not null) is { } orphan)
                {
                    throw new CliUsageException($"{orphan.Name} reads from a Prometheus server: give --prometheus too.");
                }

                if (parse.GetValue(timeZone) is not null && parse.GetValue(slo) is null)
                {
                    throw new CliUsageException("--time-zone applies to a report of an SLO's events (--prometheus with --slo); other reports are in UTC.");
                }

                if (parse.GetValue(slices) && parse.GetValue(slo) is null)
                {
                    throw new CliUsageException("--slices applies to a report of a time-slice SLO (--prometheus with --slo).");
                }

                if (parse.GetValue(sloFile) is not null && parse.GetValue(slo) is null)
                {
                    throw new CliUsageException("--slo-file defines the SLO that --slo names: give --slo too.");
                }

                TimeZoneInfo? zone = parse.GetValue(timeZone) is { } zoneId ? Zone(zoneId) : null;
                bool sliced = parse.GetValue(slices);
                string metric = PrometheusSli.SlaKitEventsMetric;
                if (parse.GetValue(sloFile) is { } sloPath)
                {
                    (zone, sliced, metric) = FromSloFile(sloPath, parse.GetValue(slo)!, zone, parse.GetResult(timeZone) is { Implicit: false }, sliced);
                }

                var options = new SlaReportOptions
                {
                    TimeZone = zone,
                    Title = parse.GetValue(title),
                    Credits = parse.GetValue(tiers) is { } tiersText ? CliInput.Tiers(tiersText) : null,
                    Measurement = new MeasurementOptions { WholeMinutesOnly = parse.GetValue(wholeMinutes) },
                };
                SlaReport report = parse.GetValue(prometheus) is { } server
                    ? await FromPrometheusAsync(server, parse.GetValue(probe), parse.GetValue(slo), sliced, metric, parse.GetValue(tokenFile), parse.GetValue(incidents), target, first, last, options, stderr, cancellationToken).ConfigureAwait(false)
                    : SlaReport.Create(
                        MeasureCommand.ReadIncidents(parse.GetValue(incidents) ?? throw new CliUsageException("Give --incidents, or --prometheus with --probe.")),
                        target, first, last, options);
                string text = report.Render(chosen);

                if (parse.GetValue(output) is { } file)
                {
                    CliInput.WriteFile(file, "--output", text);
                    new Answer()
                        .Set("output", file)
                        .Set("format", Name(chosen))
                        .Set("months", report.Months.Count)
                        .Set("monthsMet", report.MonthsMet)
                        .Set("availabilityPercent", report.Span.Availability.Percent)
                        .Line($"Wrote the {Name(chosen)} report for {report.SpanName} to {file}: {report.Span.Availability} against {report.Target}, met {report.MonthsMet} of {report.Months.Count} month(s).")
                        .WriteTo(stdout, json);
                }
                else
                {
                    stdout.Write(text);
                }

                return SlaKitCli.Success;
            }
            catch (CliUsageException exception)
            {
                stderr.WriteLine($"slakit: {exception.Message}");
                return SlaKitCli.BadInput;
            }
            catch (PrometheusQueryException exception)
            {
                stderr.WriteLine($"slakit: {exception.Message}");
                return SlaKitCli.Failure;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C while the server was being read: nothing was written, and 1 would say the server did not answer.
                stderr.WriteLine("slakit: interrupted before the report was made.");
                return SlaKitCli.Interrupted;
            }
        });
        return command;
    }

    /// <summary>
    /// The report of a probe series' downtime minutes, or of an SLO's events, on a Prometheus server. A probe report says on
    /// <paramref name="stderr"/> how many minutes of each month had no sample of the probe, which it counts as up: a
    /// reader of the report should know what it did not see.
    /// </summary>
    private static async Task<SlaReport> FromPrometheusAsync(
        string server, string? probe, string? slo, bool slices, string metric, string? tokenFile, string? incidents, Availability target, SlaPeriod first, SlaPeriod last, SlaReportOptions options,
        TextWriter stderr, CancellationToken cancellationToken)
    {
        if (incidents is not null)
        {
            throw new CliUsageException("Give --incidents or --prometheus, not both.");
        }

        if (string.IsNullOrWhiteSpace(probe) == string.IsNullOrWhiteSpace(slo))
        {
            throw new CliUsageException("--prometheus needs one of --probe (a probe series whose failed minutes are the downtime) and --slo (an SLO whose events are counted).");
        }

        if (slo is not null && (slo.Contains('"', StringComparison.Ordinal) || slo.Contains('\\', StringComparison.Ordinal)))
        {
            throw new CliUsageException($"--slo '{slo}' holds a quote or a backslash.");
        }

        if (!Uri.TryCreate(server, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliUsageException($"--prometheus '{server}' is not an http or https URL.");
        }

        string? token = null;
        if (tokenFile is not null)
        {
            try
            {
                token = (await File.ReadAllTextAsync(tokenFile, cancellationToken).ConfigureAwait(false)).Trim();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new CliUsageException($"--bearer-token-file '{tokenFile}' cannot be read: {exception.Message}");
            }
        }

        using var http = new HttpClient();
        var reader = new PrometheusSlaReader(http, new PrometheusServerOptions { Server = uri, BearerToken = token });
        if (slo is not null)
        {
            return slices
                ? await reader.CreateSliceReportAsync(slo, target, first, last, options, cancellationToken).ConfigureAwait(false)
                : await reader.CreateSloReportAsync(slo, target, first, last, options, metric, cancellationToken).ConfigureAwait(false);
        }

        ProbeDowntime downtime = await reader.ReadProbeDowntimeAsync(probe!, first, last, cancellationToken).ConfigureAwait(false);
        foreach (ProbeDowntimeMonth month in downtime.Months)
        {
            if (month.MinutesWithoutData > 0)
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"slakit: {month.Month}: {month.MinutesWithoutData} minute(s) without a sample of the probe (not scraped within the server's lookback, or still to come) are counted as up."));
            }
        }

        return SlaReport.Create(downtime.Outages, target, first, last, options);
    }

    /// <summary>
    /// The time zone, budgeting method and events counter of the SLO named <paramref name="name"/> in the SLO file at
    /// <paramref name="path"/>: a calendar-month window's zone, whether its budget counts time slices, and the name of
    /// the SlaKit counter its events are read from. A <c>--time-zone</c> or <c>--slices</c> given as well must agree with
    /// the file. An event-based SLO measured by queries of its own is refused: a report reads events from SlaKit's counter.
    /// </summary>
    private static (TimeZoneInfo? Zone, bool Slices, string Metric) FromSloFile(string path, string name, TimeZoneInfo? zone, bool zoneGiven, bool slices)
    {
        IReadOnlyList<PrometheusSlo> slos = CliInput.ReadFile(path, "--slo-file", static file =>
        {
            try
            {
                return SloDocument.ReadFile(file);
            }
            catch (SloDocumentException exception)
            {
                throw new CliUsageException($"--slo-file: {exception.Message}");
            }
        });

        PrometheusSlo definition = slos.FirstOrDefault(s => s.Slo.Name == name)
            ?? throw new CliUsageException($"--slo '{name}' is not in {path}, which defines {string.Join(", ", slos.Select(static s => s.Slo.Name))}.");
        Slo slo = definition.Slo;
        // A calendar-month window has its zone (UTC when the file names none); a rolling window has none, and the report's
        // months are then UTC's or --time-zone's.
        TimeZoneInfo? fileZone = slo.Window.IsCalendarMonth ? slo.Window.TimeZone : null;
        if (zoneGiven && fileZone is not null && !zone!.HasSameRules(fileZone))
        {
            throw new CliUsageException($"--time-zone '{zone!.Id}' contradicts {path}, where {name}'s window is {slo.Window}.");
        }

        if (slices && !slo.BudgetingMethod.IsTimeSlices)
        {
            throw new CliUsageException($"--slices contradicts {path}, where {name} counts events, not time slices.");
        }

        // A time-slice report reads the slices the generated rules judged, whatever the SLI; an event report reads the
        // SLO's events from SlaKit's counter, which an SLI of its own queries does not have.
        string? metric = definition.Sli.SlaKitMetric;
        if (metric is null && !slo.BudgetingMethod.IsTimeSlices)
        {
            throw new CliUsageException(
                $"--slo '{name}' in {path} measures its events with queries of its own (good, bad or total), not SlaKit's events counter; a report of an SLO's events reads only that counter.");
        }

        return (fileZone ?? zone, slo.BudgetingMethod.IsTimeSlices, metric ?? PrometheusSli.SlaKitEventsMetric);
    }

    private static SlaReportFormat Format(string text, bool conflictsWithJson)
    {
        SlaReportFormat format = text switch
        {
            "md" or "markdown" => SlaReportFormat.Markdown,
            "html" => SlaReportFormat.Html,
            "json" => SlaReportFormat.Json,
            _ => throw new CliUsageException($"--format '{text}' is not md, html or json."),
        };
        if (conflictsWithJson && format != SlaReportFormat.Json)
        {
            throw new CliUsageException($"--format '{text}' contradicts --json.");
        }

        return format;
    }

    private static string Name(SlaReportFormat format) => format switch
    {
        SlaReportFormat.Html => "html",
        SlaReportFormat.Json => "json",
        _ => "md",
    };

    private static TimeZoneInfo Zone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            throw new CliUsageException($"--time-zone '{id}' is not a time zone this machine knows (IANA, such as Europe/Berlin).");
        }
    }

    private static SlaPeriod Month(string text, string what)
    {
        if (!SlaPeriod.TryParse(text, YearConvention.Days365, out SlaPeriod month) || month.Kind != SlaPeriodKind.CalendarMonth)
        {
            throw new CliUsageException($"{what} '{text}' is not a calendar month written YYYY-MM.");
        }

        return month;
    }
}
