using System.CommandLine;
using SlaKit.Reports;

namespace SlaKit.Cli.Commands;

/// <summary>
/// <c>slakit report --incidents &lt;csv&gt; --sla &lt;percent&gt; --from YYYY-MM --to YYYY-MM --format md|html|json</c>:
/// an SLA report over calendar months, with charts.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var incidents = new Option<string>("--incidents") { Description = "CSV of incidents, start,end[,weight] in ISO 8601 with offsets; a header row is allowed.", Required = true };
        var sla = new Option<string>("--sla") { Description = "The SLA's availability target per calendar month, in (0, 100].", Required = true };
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
        var command = new Command("report", "An SLA report over calendar months: availability, downtime, incidents, MTTR, SLA met and credits per month, totals, and charts.")
        {
            incidents, sla, tiers, from, to, format, output, title, wholeMinutes,
        };

        command.SetAction(parse =>
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

                Availability target = CliInput.Percent(parse.GetValue(sla)!, "--sla");
                SlaPeriod first = Month(parse.GetValue(from)!, "--from");
                SlaPeriod last = parse.GetValue(to) is { } toText ? Month(toText, "--to") : first;
                if (last.Start < first.Start)
                {
                    throw new CliUsageException($"--to '{last}' is before --from '{first}'.");
                }

                if (MonthsBetween(first, last) > SlaReport.MaximumMonths)
                {
                    throw new CliUsageException($"--to '{last}' is more than {SlaReport.MaximumMonths} months after --from '{first}'.");
                }

                var options = new SlaReportOptions
                {
                    Title = parse.GetValue(title),
                    Credits = parse.GetValue(tiers) is { } tiersText ? CliInput.Tiers(tiersText) : null,
                    Measurement = new MeasurementOptions { WholeMinutesOnly = parse.GetValue(wholeMinutes) },
                };
                SlaReport report = SlaReport.Create(MeasureCommand.ReadIncidents(parse.GetValue(incidents)!), target, first, last, options);
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
        });
        return command;
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

    private static SlaPeriod Month(string text, string what)
    {
        if (!SlaPeriod.TryParse(text, YearConvention.Days365, out SlaPeriod month) || month.Kind != SlaPeriodKind.CalendarMonth)
        {
            throw new CliUsageException($"{what} '{text}' is not a calendar month written YYYY-MM.");
        }

        return month;
    }

    private static int MonthsBetween(SlaPeriod first, SlaPeriod last) =>
        ((last.Start!.Value.Year - first.Start!.Value.Year) * 12) + last.Start.Value.Month - first.Start.Value.Month + 1;

}
