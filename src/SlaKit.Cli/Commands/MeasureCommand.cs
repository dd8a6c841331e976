using System.CommandLine;

namespace SlaKit.Cli.Commands;

/// <summary><c>slakit measure --incidents &lt;csv&gt; --month YYYY-MM</c>: a month's availability from its incidents.</summary>
internal static class MeasureCommand
{
    public static Command Create()
    {
        var incidents = new Option<string>("--incidents") { Description = "CSV of incidents, start,end[,weight] in ISO 8601 with offsets; a header row is allowed.", Required = true };
        var month = new Option<string>("--month") { Description = "The calendar month (UTC) to measure, YYYY-MM.", Required = true };
        var sla = new Option<string>("--sla") { Description = "The SLA's availability target, a percentage in [1, 100] such as 99.9 (not the ratio 0.999)." };
        Option<string> tiers = CreditCommand.TiersOption(required: false);
        var wholeMinutes = new Option<bool>("--whole-minutes") { Description = "Count only whole minutes of each outage, as cloud SLAs do." };
        var command = new Command("measure", "The availability a calendar month achieved, from a CSV of incidents.") { incidents, month, sla, tiers, wholeMinutes };
        command.SetAnswer(parse =>
        {
            SlaPeriod period = CliInput.Month(parse.GetValue(month)!);
            Availability? target = parse.GetValue(sla) is { } slaText ? CliInput.Target(slaText, "--sla", below100: false) : null;
            CreditSchedule? schedule = parse.GetValue(tiers) is { } tiersText ? CliInput.Tiers(tiersText) : null;
            IReadOnlyList<Incident> read = ReadIncidents(parse.GetValue(incidents)!);

            var options = new MeasurementOptions { WholeMinutesOnly = parse.GetValue(wholeMinutes) };
            MeasuredAvailability measured = AvailabilityMeasurement.Measure(read, period, options);
            bool? met = target is { } t ? measured.Meets(t) : null;
            double? credit = schedule?.CreditFor(measured.Availability);

            var answer = new Answer()
                .Set("month", period.ToString())
                .Set("availabilityPercent", measured.Availability.Percent)
                .Set("downtimeSeconds", CliInput.Seconds(measured.Downtime))
                .Set("incidents", measured.IncidentCount)
                .Set("mttrSeconds", measured.Mttr is { } mttr ? CliInput.Seconds(mttr) : null)
                .Set("mtbfSeconds", measured.Mtbf is { } mtbf ? CliInput.Seconds(mtbf) : null)
                .Set("slaMet", met)
                .Set("creditPercent", credit)
                .Line($"{period}: {measured.Availability} available, {DurationText.Format(measured.Downtime)} of downtime in {measured.IncidentCount} incident(s)"
                    + (measured.Mttr is { } m ? $", MTTR {DurationText.Format(m)}." : "."));
            if (target is { } goal)
            {
                answer.Line(met == true ? $"SLA {goal} met." : $"SLA {goal} missed.");
            }

            if (credit is { } owed)
            {
                answer.Line($"Credit owed: {CliInput.Number(owed)}%.");
            }

            return answer;
        });
        return command;
    }

    internal static IReadOnlyList<Incident> ReadIncidents(string? path) =>
        CliInput.ReadFile(path, "--incidents", static file =>
        {
            try
            {
                return IncidentCsv.ReadFile(file);
            }
            catch (IncidentCsvException exception)
            {
                throw new CliUsageException($"{file}: {exception.Message}");
            }
        });
}
