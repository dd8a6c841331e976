using System.Globalization;
using SlaKit.Budgets;
using YamlDotNet.RepresentationModel;

namespace SlaKit.Prometheus;

/// <summary>Reads SlaKit's own SLO file format (see <see cref="SloDocument"/>).</summary>
internal static class SlaKitSloReader
{
    public static IReadOnlyList<PrometheusSlo> Read(YamlNode root, string source)
    {
        YamlFields file = YamlFields.Of(root, "", source);
        string? version = file.String("version");
        if (version is null)
        {
            throw file.Error("version", $"is required: write 'version: {SloDocument.Version}'");
        }

        if (version != SloDocument.Version.ToString(CultureInfo.InvariantCulture))
        {
            throw file.Error("version", $"'{version}' is not supported: this SlaKit reads version {SloDocument.Version}");
        }

        IReadOnlyList<YamlNode> entries = file.Sequence("slos");
        file.RejectUnknown("a SlaKit SLO file has 'version' and 'slos'");
        if (entries.Count == 0)
        {
            throw file.Error("slos", "lists no SLO");
        }

        if (entries.Count > SloDocument.MaximumSlos)
        {
            throw file.Error("slos", $"lists {entries.Count} SLOs, more than the {SloDocument.MaximumSlos} a file may hold");
        }

        var slos = new List<PrometheusSlo>(entries.Count);
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < entries.Count; i++)
        {
            var fields = YamlFields.Of(entries[i], $"slos[{i}]", source);
            PrometheusSlo slo = ReadSlo(fields);
            if (!names.TryAdd(slo.Slo.Name, i))
            {
                throw fields.Error("name", $"'{slo.Slo.Name}' is also the name of slos[{names[slo.Slo.Name]}]; each SLO needs its own name, which labels its series");
            }

            slos.Add(slo);
        }

        return slos;
    }

    private static PrometheusSlo ReadSlo(YamlFields fields)
    {
        string name = fields.SloName("name");
        Availability target = Percent(fields, "target", below100: true)
            ?? throw fields.Error("target", "is required: a percentage such as 99.9");
        SloWindow window = Window(fields);
        SloBudgetingMethod method = Budgeting(fields);
        TimeSpan? latency = null;
        if (fields.String("latencyThreshold") is { } latencyText)
        {
            latency = DurationText.TryParse(latencyText, out TimeSpan parsed) && parsed > TimeSpan.Zero
                ? parsed
                : throw fields.Error("latencyThreshold", $"'{latencyText}' is not a positive duration such as 300ms");
        }

        PrometheusSli sli = PrometheusSli.SlaKitEvents();
        if (fields.String("metric") is { } metric)
        {
            try
            {
                sli = PrometheusSli.SlaKitEvents(metric);
            }
            catch (ArgumentException)
            {
                throw fields.Error("metric", $"'{metric}' is not a Prometheus metric name");
            }
        }

        fields.RejectUnknown("an SLO has name, target, window, timeZone, budgeting, sliceLength, sliceTarget, latencyThreshold and metric");
        return new PrometheusSlo(new Slo(name, target, window, method) { LatencyThreshold = latency }, sli);
    }

    private static SloWindow Window(YamlFields fields)
    {
        string text = fields.String("window") ?? throw fields.Error("window", "is required: a duration such as 30d, or calendar-month");
        string? zone = fields.String("timeZone");
        if (text == "calendar-month")
        {
            return SloWindow.CalendarMonth(zone is null ? null : TimeZone(fields, zone));
        }

        if (zone is not null)
        {
            throw fields.Error("timeZone", "applies only to 'window: calendar-month'");
        }

        if (!DurationText.TryParse(text, out TimeSpan length) || length < SloWindow.MinimumLength || length > SloWindow.MaximumLength)
        {
            throw fields.Error("window", $"'{text}' is neither calendar-month nor a duration from 1h to 366d such as 30d");
        }

        return SloWindow.Rolling(length);
    }

    private static SloBudgetingMethod Budgeting(YamlFields fields)
    {
        string method = fields.String("budgeting") ?? "events";
        switch (method)
        {
            case "events":
                foreach (string sliceField in (string[])["sliceLength", "sliceTarget"])
                {
                    if (fields.Has(sliceField))
                    {
                        throw fields.Error(sliceField, "applies only to 'budgeting: time-slices'");
                    }
                }

                return SloBudgetingMethod.Events;
            case "time-slices":
                string lengthText = fields.String("sliceLength") ?? throw fields.Error("sliceLength", "is required for time slices: whole minutes such as 1m");
                if (!DurationText.TryParse(lengthText, out TimeSpan length) || length < SloBudgetingMethod.MinimumSliceLength ||
                    length > SloBudgetingMethod.MaximumSliceLength || length.Ticks % TimeSpan.TicksPerMinute != 0)
                {
                    throw fields.Error("sliceLength", $"'{lengthText}' is not a whole number of minutes from 1m to 60m");
                }

                Availability sliceTarget = Percent(fields, "sliceTarget", below100: false)
                    ?? throw fields.Error("sliceTarget", "is required for time slices: a percentage such as 95");
                return SloBudgetingMethod.TimeSlices(length, sliceTarget);
            default:
                throw fields.Error("budgeting", $"'{method}' is neither events nor time-slices");
        }
    }

    private static Availability? Percent(YamlFields fields, string name, bool below100)
    {
        decimal? value = fields.Decimal(name);
        if (value is not { } percent)
        {
            return null;
        }

        if (percent <= 0m || percent > 100m || (below100 && percent == 100m))
        {
            throw fields.Error(name, $"'{fields.String(name)}' is not a percentage in (0, {(below100 ? "100)" : "100]")}");
        }

        // Exact, as decimals: 99.99999999999999999999999 stays below 100. The availability holds 1 − p/100 to 28 places,
        // so a percentage with more than 26 is refused rather than rounded, onto a bound it excludes or anywhere else.
        Availability availability = Availability.FromPercentExact(percent);
        if (availability == Availability.Zero || (below100 && availability == Availability.Perfect) || availability.PercentExact != percent)
        {
            throw fields.Error(name, NumberText.TooManyDigits(fields.String(name)));
        }

        // No one means a target below 1%: 0.999 is a ratio written where the file wants a percentage.
        if (percent < NumberText.MinimumTargetPercent)
        {
            throw fields.Error(name, NumberText.RatioNotPercent(fields.String(name), percent));
        }

        return availability;
    }

    internal static TimeZoneInfo TimeZone(YamlFields fields, string id, string name = "timeZone")
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw fields.Error(name, $"'{id}' is not a time zone this machine knows (use an IANA name such as Europe/Berlin)");
        }
    }
}
